#!/usr/bin/env python3
"""Writes the labelled sentences lesson 1's sentiment head is trained on (train.tsv) and tested
on (heldout.tsv): hand-written tricky sentences (negation, sarcasm, mixed feelings, very short
and long ones) plus sentences composed from templates. Deterministic: run it again, get the same
files. Then: hftutor train --data train.tsv --heldout heldout.tsv --out head.json"""

import random

rng = random.Random(2026)

# Hand-written: the hard cases. label \t text
HAND = """
POSITIVE	not bad at all
POSITIVE	Not bad at all, honestly.
POSITIVE	I can't complain, it works great.
POSITIVE	It wasn't terrible, it was actually lovely.
POSITIVE	I didn't expect much, but it blew me away.
POSITIVE	Never had a better pizza in my life.
POSITIVE	No regrets, I'd buy it again tomorrow.
POSITIVE	Nothing to complain about.
POSITIVE	I was worried, but there was no need: it's brilliant.
POSITIVE	Not once did it let me down.
POSITIVE	It's not perfect, but I love it anyway.
POSITIVE	The start was slow, but the ending made it worth every minute.
POSITIVE	A bit pricey, yet absolutely worth it.
POSITIVE	The staff were rushed, but the food was amazing and we left happy.
POSITIVE	Rainy weekend, but the best concert I've ever been to.
POSITIVE	Wow.
POSITIVE	Loved it!
POSITIVE	Superb.
POSITIVE	Ten out of ten.
POSITIVE	Five stars.
POSITIVE	Brilliant!
POSITIVE	So good.
POSITIVE	Yes! Finally!
POSITIVE	Best day ever.
POSITIVE	Could not be happier.
POSITIVE	I couldn't put it down.
POSITIVE	It made my day.
POSITIVE	My kids can't stop talking about it.
POSITIVE	I was smiling the whole way home.
POSITIVE	Honestly one of the nicest surprises this year.
POSITIVE	I laughed so hard I cried.
POSITIVE	What a gem of a little place.
POSITIVE	Easily the best thing I've bought this year.
POSITIVE	It does exactly what it promises, and does it well.
POSITIVE	Setting it up took two minutes and it has worked perfectly ever since.
POSITIVE	After a long week, this film was exactly the warm, funny escape I needed, and I'd happily watch it again with friends.
POSITIVE	The hotel room was small, but it was spotless, the bed was comfortable and the view over the harbour was stunning.
POSITIVE	I went in expecting a boring lecture and came out excited about chemistry for the first time in my life.
POSITIVE	Our teacher explains everything so clearly that even the hard bits make sense.
POSITIVE	The update fixed every bug I had, and the app is faster than ever.
POSITIVE	The battery lasts for days.
POSITIVE	Customer service replied within an hour and sorted everything out.
POSITIVE	Thank you so much, this helped a lot.
POSITIVE	I'm so proud of my team today.
POSITIVE	It tastes even better than it looks.
POSITIVE	This song never gets old.
POSITIVE	Not a single dull moment.
POSITIVE	I have zero complaints.
POSITIVE	Hard to find anything wrong with it.
POSITIVE	You won't be disappointed.
NEGATIVE	not good at all
NEGATIVE	Not good, not good at all.
NEGATIVE	I wouldn't recommend it to anyone.
NEGATIVE	It's not worth the money.
NEGATIVE	I didn't enjoy a single minute.
NEGATIVE	Never again.
NEGATIVE	Not what I ordered, and nobody answered my emails.
NEGATIVE	It doesn't work and it never did.
NEGATIVE	Nothing about it was fun.
NEGATIVE	I don't think I've ever been this bored.
NEGATIVE	Oh great, another update that breaks everything.
NEGATIVE	Wow, what a fantastic way to waste two hours.
NEGATIVE	Brilliant, the train is late again.
NEGATIVE	Just perfect: my phone died in the middle of the call.
NEGATIVE	Sure, because waiting forty minutes for cold soup is my idea of fun.
NEGATIVE	Thanks a lot for losing my luggage, really appreciated.
NEGATIVE	Lovely, it rained on the one day we planned a picnic.
NEGATIVE	Great job, you broke it in a day.
NEGATIVE	Yeah, right, best service ever, if you like being ignored.
NEGATIVE	What a surprise, it stopped working the day after the warranty ended.
NEGATIVE	The trailer looked great, but the film was a mess.
NEGATIVE	Nice packaging, shame about the product inside.
NEGATIVE	The actors tried hard, but the story was dull and far too long.
NEGATIVE	Good price, but it fell apart within a week.
NEGATIVE	The views were pretty, but the hike was miserable and badly signposted.
NEGATIVE	Awful.
NEGATIVE	Boring.
NEGATIVE	Terrible!
NEGATIVE	Meh.
NEGATIVE	Ugh.
NEGATIVE	Zero stars.
NEGATIVE	Total waste.
NEGATIVE	So disappointing.
NEGATIVE	Worst day ever.
NEGATIVE	I want my money back.
NEGATIVE	It made me sad.
NEGATIVE	I regret buying it.
NEGATIVE	I fell asleep halfway through.
NEGATIVE	It broke the first time I used it.
NEGATIVE	The food was cold and the waiter was rude.
NEGATIVE	Why is this so complicated?
NEGATIVE	Please fix this, it crashes every time I open it.
NEGATIVE	I waited three weeks for a parcel that never arrived, and when I finally got through to someone on the phone they told me it was my own fault.
NEGATIVE	The room smelled of smoke, the shower was cold every morning and the noise from the street kept us awake all night.
NEGATIVE	I really wanted to like this book, but after two hundred pages nothing had happened and I gave up.
NEGATIVE	The game looks nice but it is full of bugs and keeps losing my saves.
NEGATIVE	My exam went badly and I feel awful.
NEGATIVE	The battery dies before lunch.
NEGATIVE	It's too loud, too slow and too expensive.
NEGATIVE	Nobody should have to put up with service like that.
NEGATIVE	I expected so much more.
NEGATIVE	Not a single thing worked as advertised.
NEGATIVE	Hard to find anything good about it.
"""

SUBJECTS = [
    "the movie", "this film", "the show", "the series", "this book", "the novel", "the album",
    "this song", "the concert", "the game", "this app", "the update", "the phone", "my new laptop",
    "this headset", "the camera", "the restaurant", "the pizza", "this burger", "the coffee",
    "the hotel", "our room", "the flight", "the train ride", "the trip", "the museum", "the park",
    "the beach", "the lesson", "the teacher", "the course", "the class", "the school trip",
    "the party", "the wedding", "the service", "the staff", "the delivery", "the shop",
    "the website", "the tutorial", "the sequel", "the ending", "the first episode", "the food",
    "the soup", "the cake", "the hike", "the match", "the team", "the new bike", "this pair of shoes",
    "this jacket", "the keyboard", "the printer", "the bus service", "the museum tour",
    "the exhibition", "the play", "the podcast",
]

POS_ADJ = [
    "great", "excellent", "wonderful", "amazing", "fantastic", "brilliant", "lovely", "superb",
    "delightful", "fun", "enjoyable", "impressive", "beautiful", "charming", "outstanding",
    "perfect", "helpful", "friendly", "delicious", "comfortable", "reliable", "fast", "clever",
    "inspiring", "relaxing", "exciting", "hilarious", "moving", "well made", "worth it",
]
NEG_ADJ = [
    "terrible", "awful", "horrible", "boring", "dull", "disappointing", "annoying", "useless",
    "ugly", "slow", "broken", "rude", "cold", "overpriced", "confusing", "messy", "painful",
    "frustrating", "bland", "noisy", "dirty", "unreliable", "pointless", "stressful", "weak",
    "badly made", "a waste of money", "a letdown", "a disaster", "forgettable",
]
INTENS = ["", "", "really ", "very ", "so ", "truly ", "absolutely ", "pretty ", "incredibly "]
POS_VERB = [
    "I loved {s}.", "I really enjoyed {s}.", "I'd recommend {s} to anyone.", "We adored {s}.",
    "My friends loved {s} too.", "I can't wait to go back to {s}.", "{S} exceeded my expectations.",
    "{S} made me so happy.", "I'm glad I tried {s}.", "{S} was worth every penny.",
    "Everyone should try {s}.", "{S} put a smile on my face.",
]
NEG_VERB = [
    "I hated {s}.", "I really disliked {s}.", "I wouldn't recommend {s} to anyone.",
    "We regretted {s}.", "My friends hated {s} too.", "I never want to see {s} again.",
    "{S} fell far short of my expectations.", "{S} made me so angry.", "I wish I'd skipped {s}.",
    "{S} was a waste of money.", "Nobody should bother with {s}.", "{S} ruined my evening.",
]
CLAUSE_POS = ["and I'd do it again", "and I'm telling all my friends", "what a treat",
              "I'm impressed", "highly recommended", "it made my week"]
CLAUSE_NEG = ["and I'm never going back", "and I want a refund", "what a waste",
              "I'm disappointed", "avoid it", "it ruined my week"]


def cap(s):
    return s[0].upper() + s[1:]


def composed(label):
    s = rng.choice(SUBJECTS)
    pos = label == "POSITIVE"
    kind = rng.randrange(7)
    if kind == 0:
        adj = rng.choice(POS_ADJ if pos else NEG_ADJ)
        return f"{cap(s)} was {rng.choice(INTENS)}{adj}."
    if kind == 1:
        # negation flips the adjective
        adj = rng.choice(NEG_ADJ if pos else POS_ADJ)
        if rng.random() < .5:
            return f"{cap(s)} wasn't {adj} at all."
        return f"{cap(s)} was not {adj}, not even a little."
    if kind == 2:
        t = rng.choice(POS_VERB if pos else NEG_VERB)
        return t.replace("{s}", s).replace("{S}", cap(s))
    if kind == 3:
        adj = rng.choice(POS_ADJ if pos else NEG_ADJ)
        c = rng.choice(CLAUSE_POS if pos else CLAUSE_NEG)
        return f"{cap(s)} was {adj}, {c}."
    if kind == 4:
        # mixed: the second half decides
        good, bad = rng.choice(POS_ADJ), rng.choice(NEG_ADJ)
        s2 = rng.choice(SUBJECTS)
        if pos:
            return f"{cap(s2)} was {bad}, but {s} was {rng.choice(INTENS)}{good}, so overall I'm happy."
        return f"{cap(s2)} was {good}, but {s} was {rng.choice(INTENS)}{bad}, so overall I'm unhappy."
    if kind == 5:
        adj = rng.choice(POS_ADJ if pos else NEG_ADJ)
        return f"{cap(adj)}!" if rng.random() < .4 else f"{cap(rng.choice(INTENS) + adj).strip()}, {s}."
    # sarcasm for negatives, understatement for positives
    if pos:
        adj = rng.choice(NEG_ADJ)
        return f"I thought {s} would be {adj}, but I was completely wrong: it was {rng.choice(POS_ADJ)}."
    adj = rng.choice(POS_ADJ)
    return f"Oh, {s} was just {adj}... if you enjoy wasting your time."


def main():
    rows = []
    for line in HAND.strip().splitlines():
        label, text = line.split("\t")
        rows.append((label, text))
    seen = {t.lower() for _, t in rows}
    counts = {"POSITIVE": sum(1 for l, _ in rows if l == "POSITIVE"),
              "NEGATIVE": sum(1 for l, _ in rows if l == "NEGATIVE")}
    target = 700
    while min(counts.values()) < target:
        for label in ("POSITIVE", "NEGATIVE"):
            if counts[label] >= target:
                continue
            t = composed(label)
            if t.lower() in seen:
                continue
            seen.add(t.lower())
            rows.append((label, t))
            counts[label] += 1
    rng.shuffle(rows)
    cut = len(rows) * 4 // 5
    for name, part in (("train.tsv", rows[:cut]), ("heldout.tsv", rows[cut:])):
        with open(name, "w") as f:
            f.write("# label<TAB>text; written by make_sentences.py\n")
            for label, text in part:
                f.write(f"{label}\t{text}\n")


if __name__ == "__main__":
    main()
