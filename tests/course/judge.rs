//! The checks judge hand-made pipeline outputs: every condition, both ways, with the exact
//! lines a student reads.

use hftutor::attempt::prepare;
use hftutor::checks::{judge, Verdict};
use hftutor::course::{Agreement, Bounds, Check, Exercise, Feedback, InputField};
use hftutor::domain::Generation;
use hftutor::domain::Param;
use hftutor::domain::PipelineOutput;
use hftutor::domain::Prepared;
use hftutor::domain::RunParams;
use hftutor::domain::StopReason;
use hftutor::domain::Task;
use hftutor::domain::TokenInfo;

fn field(label: &str) -> InputField {
    InputField {
        label: label.into(),
        param: None,
        default: String::new(),
    }
}

fn param_field(label: &str, param: Param) -> InputField {
    InputField {
        label: label.into(),
        param: Some(param),
        default: String::new(),
    }
}

fn exercise(task: Task, inputs: Vec<InputField>, check: Check) -> Exercise {
    Exercise {
        kind: Default::default(),
        id: "e".into(),
        task,
        model: None,
        goal: "A goal.".into(),
        inputs,
        params: RunParams::default(),
        runs: 1,
        check,
        feedback: Feedback {
            pass: Some("Well done!".into()),
            fail: Some("Try again.".into()),
        },
        hints: vec![],
        solutions: vec![],
        counterexamples: vec![],
        answers_at: Default::default(),
        line: 1,
    }
}

fn pair(check: Check) -> Exercise {
    exercise(
        Task::SentenceSimilarity,
        vec![field("A"), field("B")],
        check,
    )
}

fn texts(values: &[&str]) -> Prepared {
    Prepared {
        texts: values.iter().map(|s| s.to_string()).collect(),
        prediction: None,
        params: RunParams::default(),
        runs: 1,
    }
}

fn generation(text: &str) -> Generation {
    Generation {
        prompt: String::new(),
        text: text.into(),
        token_ids: vec![1; text.split_whitespace().count()],
        stop: StopReason::EndOfText,
        prompt_tokens: 3,
        prompt_tokens_per_s: 0.0,
        decode_tokens_per_s: 0.0,
    }
}

fn generations(runs: &[&str]) -> PipelineOutput {
    PipelineOutput::Generations(runs.iter().map(|t| generation(t)).collect())
}

fn token(text: &str, token: &str, start: usize, end: usize) -> TokenInfo {
    let _ = text;
    TokenInfo {
        id: 0,
        token: token.into(),
        start,
        end,
        special: false,
    }
}

fn special(token: &str) -> TokenInfo {
    TokenInfo {
        id: 0,
        token: token.into(),
        start: 0,
        end: 0,
        special: true,
    }
}

fn min(v: f64) -> Option<Bounds> {
    Some(Bounds {
        min: Some(v),
        max: None,
    })
}

fn max(v: f64) -> Option<Bounds> {
    Some(Bounds {
        min: None,
        max: Some(v),
    })
}

fn lines(v: &Verdict) -> Vec<&str> {
    v.details.iter().map(String::as_str).collect()
}

#[test]
fn similarity_below_and_above_the_goal() {
    let e = pair(Check {
        similarity: min(0.6),
        ..Check::default()
    });
    let p = texts(&["I love this course.", "The stock market fell today."]);
    let v = judge(&e, &p, &PipelineOutput::Similarities(vec![0.42]));
    assert!(!v.passed);
    assert_eq!(lines(&v), ["similarity 0.42 is below the goal of 0.60"]);
    assert_eq!(v.feedback.as_deref(), Some("Try again."));

    let v = judge(&e, &p, &PipelineOutput::Similarities(vec![0.6132]));
    assert!(v.passed);
    assert_eq!(
        lines(&v),
        ["similarity 0.61 meets the goal (at least 0.60)"]
    );
    assert_eq!(v.feedback.as_deref(), Some("Well done!"));

    // Just under the bound: more decimals, so the student sees why.
    let v = judge(&e, &p, &PipelineOutput::Similarities(vec![0.5996]));
    assert_eq!(lines(&v), ["similarity 0.5996 is below the goal of 0.60"]);

    let e = pair(Check {
        similarity: max(0.5),
        ..Check::default()
    });
    let v = judge(&e, &p, &PipelineOutput::Similarities(vec![0.97]));
    assert_eq!(lines(&v), ["similarity 0.97 is above the limit of 0.50"]);
    let both = pair(Check {
        similarity: Some(Bounds {
            min: Some(0.2),
            max: Some(0.5),
        }),
        ..Check::default()
    });
    let v = judge(&both, &p, &PipelineOutput::Similarities(vec![0.3]));
    assert_eq!(
        lines(&v),
        ["similarity 0.30 meets the goal (between 0.20 and 0.50)"]
    );
}

#[test]
fn similarity_over_several_sentences_and_from_embeddings() {
    let e = exercise(
        Task::SentenceSimilarity,
        vec![field("A"), field("B"), field("C")],
        Check {
            similarity: min(0.5),
            ..Check::default()
        },
    );
    let p = texts(&["a", "b", "c"]);
    let v = judge(&e, &p, &PipelineOutput::Similarities(vec![0.7, 0.1]));
    assert!(!v.passed);
    assert_eq!(
        lines(&v),
        [
            "sentence 1 and sentence 2: similarity 0.70 meets the goal (at least 0.50)",
            "sentence 1 and sentence 3: similarity 0.10 is below the goal of 0.50"
        ]
    );
    // feature-extraction: cosine of the vectors.
    let e = exercise(
        Task::FeatureExtraction,
        vec![field("A"), field("B")],
        Check {
            similarity: min(0.5),
            ..Check::default()
        },
    );
    let v = judge(
        &e,
        &texts(&["a", "b"]),
        &PipelineOutput::Embeddings(vec![vec![1.0, 0.0], vec![0.6, 0.8]]),
    );
    assert!(v.passed);
    assert_eq!(
        lines(&v),
        ["similarity 0.60 meets the goal (at least 0.50)"]
    );
}

#[test]
fn wrong_output_fails_without_panicking() {
    let e = pair(Check {
        similarity: min(0.5),
        ..Check::default()
    });
    let v = judge(&e, &texts(&["a", "b"]), &generations(&["hello"]));
    assert!(!v.passed);
    assert_eq!(
        lines(&v),
        ["this check needs similarity scores, but the model gave generated text"]
    );
    let v = judge(
        &e,
        &texts(&["a", "b"]),
        &PipelineOutput::Similarities(vec![]),
    );
    assert_eq!(lines(&v), ["similarity needs at least two sentences"]);
    let v = judge(
        &e,
        &texts(&["a", "b"]),
        &PipelineOutput::Similarities(vec![f32::NAN]),
    );
    assert_eq!(
        lines(&v),
        ["the similarity is not a number (NaN): the model gave no real number, so this can't pass (its weights may be broken: try `hftutor models pull` again)"]
    );
}

#[test]
fn shared_same_and_distinct_words() {
    let e = pair(Check {
        shared_words: max(0.0),
        ..Check::default()
    });
    let v = judge(
        &e,
        &texts(&["I love this course.", "This class is wonderful."]),
        &PipelineOutput::Similarities(vec![0.6]),
    );
    assert!(!v.passed);
    assert_eq!(
        lines(&v),
        ["your sentences share 1 word (\"this\"); the goal is none"]
    );
    let v = judge(
        &e,
        &texts(&["How old are you?", "What is your age?"]),
        &PipelineOutput::Similarities(vec![0.76]),
    );
    assert!(v.passed);
    assert_eq!(lines(&v), ["your sentences share no word"]);

    let e = pair(Check {
        same_words: true,
        distinct_inputs: true,
        ..Check::default()
    });
    let v = judge(
        &e,
        &texts(&["The dog bit the man.", "The man bit the dog!"]),
        &PipelineOutput::Similarities(vec![0.97]),
    );
    assert!(v.passed);
    assert_eq!(
        lines(&v),
        [
            "the two sentences are different",
            "the sentences use the same 5 words in a different order"
        ]
    );
    let v = judge(
        &e,
        &texts(&["The dog bit the man.", "A cat bit the man."]),
        &PipelineOutput::Similarities(vec![0.8]),
    );
    assert_eq!(
        lines(&v),
        ["the two sentences are different", "the sentences don't use the same words: \"dog\", \"the\" only in sentence 1, \"a\", \"cat\" only in sentence 2"]
    );
    let v = judge(
        &e,
        &texts(&["Is it that?", "is it THAT"]),
        &PipelineOutput::Similarities(vec![1.0]),
    );
    assert!(!v.passed);
    assert_eq!(
        lines(&v),
        [
            "sentences 1 and 2 are the same: change one of them",
            "the sentences use the same words"
        ]
    );
}

#[test]
fn generated_text_contains_and_avoids() {
    let check = Check {
        contains: vec!["Paris".into()],
        not_contains: vec!["London".into()],
        input_not_contains: vec!["paris".into()],
        ..Check::default()
    };
    let e = exercise(Task::TextGeneration, vec![field("Prompt")], check);
    let v = judge(
        &e,
        &texts(&["The capital of France is"]),
        &generations(&[" Paris."]),
    );
    assert!(v.passed);
    assert_eq!(
        lines(&v),
        [
            "your input doesn't use \"paris\"",
            "the text contains \"Paris\"",
            "the text avoids \"London\""
        ]
    );

    let v = judge(
        &e,
        &texts(&["I love Paris and"]),
        &generations(&[" London."]),
    );
    assert!(!v.passed);
    assert_eq!(
        lines(&v),
        [
            "your input uses \"paris\": get there without typing it",
            "the text doesn't contain \"Paris\"",
            "the text contains \"London\", which it shouldn't"
        ]
    );
}

#[test]
fn single_words_match_whole_words_and_phrases_match_as_phrases() {
    let check = Check {
        contains: vec!["Paris.".into()],
        not_contains: vec!["he".into()],
        input_not_contains: vec!["her".into(), "no one".into()],
        ..Check::default()
    };
    let e = exercise(Task::TextGeneration, vec![field("Prompt")], check);
    // "he" is inside "The" and "there", "her" inside "there": neither is the word itself.
    let v = judge(
        &e,
        &texts(&["The nurse over there said that"]),
        &generations(&[" The trip to Paris was there."]),
    );
    assert!(v.passed, "{:?}", lines(&v));
    let v = judge(
        &e,
        &texts(&["No one asked her, so"]),
        &generations(&[" he went to Parisian cafés."]),
    );
    assert_eq!(
        lines(&v),
        [
            "your input uses \"her\": get there without typing it",
            "your input uses \"no one\": get there without typing it",
            "the text doesn't contain \"Paris.\"",
            "the text contains \"he\", which it shouldn't"
        ]
    );
}

#[test]
fn long_word_lists_give_one_line() {
    let check = Check {
        contains: vec!["red".into(), "green".into(), "blue".into()],
        not_contains: vec!["black".into(), "white".into(), "grey".into()],
        input_not_contains: vec!["mona".into(), "lisa".into(), "paris".into()],
        ..Check::default()
    };
    let e = exercise(Task::TextGeneration, vec![field("Prompt")], check);
    let v = judge(
        &e,
        &texts(&["A famous painting of a smiling lady"]),
        &generations(&[" Red, green and blue, never grey."]),
    );
    assert!(!v.passed);
    assert_eq!(
        lines(&v),
        [
            "your input uses none of \"mona\", \"lisa\", \"paris\"",
            "the text contains all of \"red\", \"green\", \"blue\"",
            "the text contains \"grey\", which it shouldn't"
        ]
    );
    let v = judge(
        &e,
        &texts(&["Mona Lisa is in Paris and"]),
        &generations(&[" red and blue."]),
    );
    assert_eq!(
        lines(&v),
        [
            "your input uses \"mona\", \"lisa\", \"paris\": get there without typing them",
            "the text doesn't contain \"green\"",
            "the text avoids all of \"black\", \"white\", \"grey\""
        ]
    );
}

#[test]
fn conditions_hold_over_every_run() {
    let mut e = exercise(
        Task::TextGeneration,
        vec![
            field("Prompt"),
            param_field("Temperature", Param::Temperature),
        ],
        Check {
            contains: vec!["paris".into()],
            runs_agree: Some(Agreement::Different),
            ..Check::default()
        },
    );
    e.runs = 3;
    let p = texts(&["The capital of France is"]);
    let v = judge(
        &e,
        &p,
        &generations(&[" Paris.", " Paris, of course.", " Paris."]),
    );
    assert!(v.passed);
    assert_eq!(
        lines(&v),
        [
            "every run's text contains \"paris\"",
            "the runs wrote 2 different texts"
        ]
    );

    let v = judge(&e, &p, &generations(&[" Paris.", " Lyon.", " Paris."]));
    assert!(!v.passed);
    assert_eq!(
        lines(&v),
        [
            "run 2 of 3: the text doesn't contain \"paris\"",
            "the runs wrote 2 different texts"
        ]
    );

    let v = judge(&e, &p, &generations(&[" Paris.", " Paris.", " Paris."]));
    assert_eq!(
        lines(&v),
        [
            "every run's text contains \"paris\"",
            "all 3 runs wrote the same text; the goal is different texts"
        ]
    );

    e.check = Check {
        runs_agree: Some(Agreement::Same),
        ..Check::default()
    };
    let v = judge(&e, &p, &generations(&["a", "a"]));
    assert_eq!(lines(&v), ["both runs wrote the same text"]);
    let v = judge(&e, &p, &generations(&["a", "b"]));
    assert_eq!(
        lines(&v),
        ["the runs wrote different texts; the goal is the same text every time"]
    );
    let v = judge(&e, &p, &generations(&["a"]));
    assert_eq!(
        lines(&v),
        ["this check compares several runs, but the model ran 1 time"]
    );
}

#[test]
fn words_tokens_and_regex_on_generated_text() {
    let check = Check {
        words: Some(Bounds {
            min: Some(1.0),
            max: Some(1.0),
        }),
        tokens: max(3.0),
        regex: Some("^\\s*[A-Z][a-z]+\\.?$".into()),
        ..Check::default()
    };
    let e = exercise(Task::TextGeneration, vec![field("Question")], check);
    let p = texts(&["What is the capital of France?"]);
    let v = judge(&e, &p, &generations(&[" Paris."]));
    assert!(v.passed);
    assert_eq!(
        lines(&v),
        [
            "the text matches the pattern /^\\s*[A-Z][a-z]+\\.?$/",
            "the text has 1 word (goal: exactly 1)",
            "the model wrote 1 token (goal: at most 3)"
        ]
    );
    let v = judge(&e, &p, &generations(&[" The capital is Paris."]));
    assert!(!v.passed);
    assert_eq!(
        lines(&v),
        [
            "the text doesn't match the pattern /^\\s*[A-Z][a-z]+\\.?$/",
            "the text has 4 words; the goal is exactly 1",
            "the model wrote 4 tokens; the goal is at most 3"
        ]
    );
    let broken = exercise(
        Task::TextGeneration,
        vec![field("Q")],
        Check {
            regex: Some("(".into()),
            ..Check::default()
        },
    );
    let v = judge(&broken, &p, &generations(&["x"]));
    assert_eq!(lines(&v), ["the pattern /(/ is broken: tell your teacher"]);
}

#[test]
fn tokens_and_pieces_of_a_word() {
    let text = "an unbelievable day";
    // WordPiece-style: "un", "##bel", "##iev", "##able" inside the second word.
    let toks = vec![
        special("[CLS]"),
        token(text, "an", 0, 2),
        token(text, "un", 3, 5),
        token(text, "##bel", 5, 8),
        token(text, "##iev", 8, 11),
        token(text, "##able", 11, 15),
        token(text, "day", 16, 19),
        special("[SEP]"),
    ];
    let output = PipelineOutput::Tokens(vec![toks]);
    let check = Check {
        pieces_in_a_word: min(4.0),
        tokens: max(5.0),
        contains: vec!["##able".into()],
        ..Check::default()
    };
    let e = exercise(Task::Tokenize, vec![field("Text")], check);
    let v = judge(&e, &texts(&[text]), &output);
    assert!(!v.passed);
    assert_eq!(
        lines(&v),
        [
            "the tokens contain \"##able\"",
            "your text is 6 tokens (not counting special tokens); the goal is at most 5",
            "\"unbelievable\" is split into 4 pieces (goal: at least 4)"
        ]
    );
    let e = exercise(
        Task::Tokenize,
        vec![field("Text")],
        Check {
            pieces_in_a_word: min(5.0),
            ..Check::default()
        },
    );
    let v = judge(&e, &texts(&[text]), &output);
    assert_eq!(
        lines(&v),
        ["the most split word is \"unbelievable\", in 4 pieces; the goal is at least 5"]
    );

    // Byte-level BPE: tokens carry their leading space; offsets beyond the text are ignored.
    let bpe = vec![
        token("", "Ġhello", 0, 6),
        token("", "Ġwor", 6, 10),
        token("", "ld", 10, 12),
        token("", "??", 40, 50),
    ];
    let e = exercise(
        Task::Tokenize,
        vec![field("Text")],
        Check {
            pieces_in_a_word: min(2.0),
            ..Check::default()
        },
    );
    let v = judge(
        &e,
        &texts(&[" hello world"]),
        &PipelineOutput::Tokens(vec![bpe]),
    );
    assert!(v.passed, "{v:?}");
    assert_eq!(
        lines(&v),
        ["\"world\" is split into 2 pieces (goal: at least 2)"]
    );
}

#[test]
fn prepare_turns_fields_into_texts_and_settings() {
    let mut e = exercise(
        Task::TextGeneration,
        vec![
            field("Prompt"),
            param_field("Temperature", Param::Temperature),
            param_field("Top-k", Param::TopK),
            param_field("Top-p", Param::TopP),
            param_field("Seed", Param::Seed),
            param_field("Length", Param::MaxNewTokens),
            param_field("System", Param::System),
        ],
        Check::default(),
    );
    e.runs = 2;
    let values = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let p = prepare(
        &e,
        &values(&[
            "  Once upon a time ",
            "0,7",
            "40",
            "0.9",
            "42",
            "12",
            "Be brief.",
        ]),
    )
    .expect("valid");
    assert_eq!(p.texts, ["Once upon a time"]);
    assert_eq!(p.runs, 2);
    assert_eq!(p.params.temperature, 0.7);
    assert_eq!(
        (
            p.params.top_k,
            p.params.top_p,
            p.params.seed,
            p.params.max_new_tokens
        ),
        (Some(40), Some(0.9), Some(42), 12)
    );
    assert_eq!(p.params.system.as_deref(), Some("Be brief."));

    // Empty param fields keep the exercise's settings.
    let p = prepare(&e, &values(&["Hi", "", "", "", "", "", ""])).expect("valid");
    assert_eq!(p.params, RunParams::default());

    let err = |v: &[&str]| prepare(&e, &values(v)).unwrap_err().to_string();
    assert_eq!(
        err(&["", "", "", "", "", "", ""]),
        "\"Prompt\" is empty: type something there first"
    );
    assert_eq!(
        err(&["Hi", "hot", "", "", "", "", ""]),
        "temperature must be a number from 0 to 5, like 0.7"
    );
    assert_eq!(
        err(&["Hi", "9", "", "", "", "", ""]),
        "temperature must be a number from 0 to 5, like 0.7"
    );
    assert_eq!(
        err(&["Hi", "", "0", "", "", "", ""]),
        "top_k must be a whole number, 1 or more, like 50"
    );
    assert_eq!(
        err(&["Hi", "", "", "2", "", "", ""]),
        "top_p must be a number above 0 and at most 1, like 0.9"
    );
    assert_eq!(
        err(&["Hi", "", "", "", "-1", "", ""]),
        "seed must be a whole number, 0 or more, like 42"
    );
    assert_eq!(
        err(&["Hi", "", "", "", "", "0", ""]),
        "max_new_tokens must be a whole number from 1 to 512"
    );
    assert_eq!(
        err(&["Hi", "", "", "", "", "1.5", ""]),
        "max_new_tokens must be a whole number, like 40"
    );
    assert_eq!(
        err(&["Hi"]),
        "this exercise has 7 input fields but got 1 values"
    );
}
