//! Decoding for encoder–decoder models the way transformers' `generate()` does it: greedy and
//! beam search (its vectorised beam search of v4.50+/v5, step for step), with the logits
//! processors seq2seq checkpoints use (no_repeat_ngram_size, bad_words_ids, min_length,
//! forced_eos_token_id) and the settings read as transformers reads them.

use candle_core::{Device, Result, Tensor};
use serde_json::Value;

use crate::domain::StopReason;

/// A seq2seq model that decodes one token per step with a cache that can follow the beams.
pub trait Seq2SeqModel: Send {
    /// The encoder output for one sequence of ids: (1, tokens, hidden).
    fn encode(&mut self, ids: &[u32]) -> Result<Tensor>;
    /// Forgets the decoder's cache (call before each new text).
    fn reset(&mut self);
    /// Feeds one token per beam at decoder position `pos` (`enc` has one row per beam); returns the
    /// next-token logits, (beams, vocab) in f32.
    fn step(&mut self, tokens: &[u32], pos: usize, enc: &Tensor) -> Result<Tensor>;
    /// Keeps the cache rows `beams` (u32 indices), in that order.
    fn reorder(&mut self, beams: &Tensor) -> Result<()>;
}

/// transformers' `early_stopping`: `false` (a heuristic), `true`, or `"never"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EarlyStopping {
    Heuristic,
    Yes,
    Never,
}

/// Generation settings, filled in like transformers' GenerationConfig.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub decoder_start: u32,
    pub eos: Vec<u32>,
    /// Longest decoder sequence, counting the start token (transformers' `max_length`).
    pub max_length: usize,
    pub min_length: usize,
    pub num_beams: usize,
    pub length_penalty: f64,
    pub early_stopping: EarlyStopping,
    pub no_repeat_ngram_size: usize,
    /// Single-token `bad_words_ids` (Marian bans its pad token this way).
    pub bad_words: Vec<u32>,
    pub forced_eos: Option<u32>,
    /// Tokens forced after the start token (Whisper's language, task and `<|notimestamps|>`).
    pub prefix: Vec<u32>,
    /// Tokens banned as the first generated one (Whisper's `begin_suppress_tokens`).
    pub begin_suppress: Vec<u32>,
}

impl Settings {
    /// transformers' defaults (max_length 20, greedy), then `layers` in order, later ones winning:
    /// config.json, generation_config.json, the task's `task_specific_params`.
    pub fn from_layers(layers: &[&Value]) -> Settings {
        let mut s = Settings {
            decoder_start: 0,
            eos: Vec::new(),
            max_length: 20,
            min_length: 0,
            num_beams: 1,
            length_penalty: 1.0,
            early_stopping: EarlyStopping::Heuristic,
            no_repeat_ngram_size: 0,
            bad_words: Vec::new(),
            forced_eos: None,
            prefix: Vec::new(),
            begin_suppress: Vec::new(),
        };
        let uint = |v: &Value| v.as_u64().map(|n| n as usize);
        for l in layers {
            if let Some(n) = uint(&l["decoder_start_token_id"]) {
                s.decoder_start = n as u32;
            }
            match &l["eos_token_id"] {
                Value::Array(ids) => {
                    s.eos = ids.iter().filter_map(uint).map(|n| n as u32).collect()
                }
                v => {
                    if let Some(n) = uint(v) {
                        s.eos = vec![n as u32];
                    }
                }
            }
            if let Some(n) = uint(&l["max_length"]) {
                s.max_length = n.max(2);
            }
            if let Some(n) = uint(&l["min_length"]) {
                s.min_length = n;
            }
            if let Some(n) = uint(&l["num_beams"]) {
                s.num_beams = n.max(1);
            }
            if let Some(x) = l["length_penalty"].as_f64() {
                s.length_penalty = x;
            }
            match &l["early_stopping"] {
                Value::Bool(true) => s.early_stopping = EarlyStopping::Yes,
                Value::Bool(false) => s.early_stopping = EarlyStopping::Heuristic,
                Value::String(n) if n == "never" => s.early_stopping = EarlyStopping::Never,
                _ => {}
            }
            if let Some(n) = uint(&l["no_repeat_ngram_size"]) {
                s.no_repeat_ngram_size = n;
            }
            if let Some(words) = l["bad_words_ids"].as_array() {
                s.bad_words = words
                    .iter()
                    .filter_map(|w| w.as_array().filter(|w| w.len() == 1))
                    .filter_map(|w| uint(&w[0]).map(|n| n as u32))
                    .collect();
            }
            if let Some(n) = uint(&l["forced_eos_token_id"]) {
                s.forced_eos = Some(n as u32);
            }
        }
        s
    }

    /// `max_new_tokens` replaces `max_length`, as in transformers.
    pub fn with_max_new_tokens(mut self, n: usize) -> Settings {
        self.max_length = n.max(1) + self.prompt().len();
        self
    }

    /// The decoder's prompt: the start token and the forced prefix.
    pub fn prompt(&self) -> Vec<u32> {
        let mut p = vec![self.decoder_start];
        p.extend(&self.prefix);
        p
    }
}

/// Feeds the prompt but its last token to `beams` rows (the cache then holds it); returns the
/// prompt.
fn feed_prompt(
    model: &mut dyn Seq2SeqModel,
    enc: &Tensor,
    s: &Settings,
    beams: usize,
) -> Result<Vec<u32>> {
    model.reset();
    let prompt = s.prompt();
    for (pos, &t) in prompt[..prompt.len() - 1].iter().enumerate() {
        model.step(&vec![t; beams], pos, enc)?;
    }
    Ok(prompt)
}

/// Generated ids (without the start token; with the end token when one came) and why it stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub ids: Vec<u32>,
    pub stop: StopReason,
}

/// The logits processors, on one row of scores for the decoder sequence `seq` (start token
/// included).
fn process(scores: &mut [f32], seq: &[u32], s: &Settings) {
    let n = s.no_repeat_ngram_size;
    if n > 0 && seq.len() + 1 >= n {
        let tail = &seq[seq.len() + 1 - n..];
        for w in seq.windows(n) {
            if &w[..n - 1] == tail {
                if let Some(x) = scores.get_mut(w[n - 1] as usize) {
                    *x = f32::NEG_INFINITY;
                }
            }
        }
    }
    let mut ban = |id: u32| {
        if let Some(x) = scores.get_mut(id as usize) {
            *x = f32::NEG_INFINITY;
        }
    };
    s.bad_words.iter().for_each(|&id| ban(id));
    if seq.len() == 1 + s.prefix.len() {
        s.begin_suppress.iter().for_each(|&id| ban(id));
    }
    if seq.len() < s.min_length {
        s.eos.iter().for_each(|&id| ban(id));
    }
    if let Some(eos) = s.forced_eos.filter(|_| seq.len() + 1 == s.max_length) {
        scores.iter_mut().for_each(|x| *x = f32::NEG_INFINITY);
        if let Some(x) = scores.get_mut(eos as usize) {
            *x = 0.0;
        }
    }
}

fn rows(logits: &Tensor) -> Result<Vec<Vec<f32>>> {
    logits.to_vec2::<f32>()
}

fn log_softmax(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let sum: f32 = row.iter().map(|x| (x - max).exp()).sum();
    let log_sum = sum.ln();
    row.iter_mut().for_each(|x| *x = *x - max - log_sum);
}

/// The raw first-step logits for the encoder output `enc` (for parity tests).
pub fn first_logits(model: &mut dyn Seq2SeqModel, enc: &Tensor, s: &Settings) -> Result<Vec<f32>> {
    let prompt = feed_prompt(model, enc, s, 1)?;
    let out = rows(&model.step(&prompt[prompt.len() - 1..], prompt.len() - 1, enc)?)?;
    Ok(out.into_iter().next().unwrap_or_default())
}

/// Greedy decoding. `on_step` gets the ids so far after each token; `false` cancels.
pub fn greedy(
    model: &mut dyn Seq2SeqModel,
    enc: &Tensor,
    s: &Settings,
    on_step: &mut dyn FnMut(&[u32]) -> bool,
) -> Result<Generated> {
    let mut seq = feed_prompt(model, enc, s, 1)?;
    let p = seq.len();
    while seq.len() < s.max_length {
        let last = seq[seq.len() - 1];
        let mut row = rows(&model.step(&[last], seq.len() - 1, enc)?)?
            .into_iter()
            .next()
            .unwrap_or_default();
        process(&mut row, &seq, s);
        let mut best = 0;
        for (i, x) in row.iter().enumerate() {
            if *x > row[best] {
                best = i;
            }
        }
        seq.push(best as u32);
        let done = s.eos.contains(&(best as u32));
        if !on_step(&seq[p..]) {
            return Ok(Generated {
                ids: seq[p..].to_vec(),
                stop: StopReason::Cancelled,
            });
        }
        if done {
            return Ok(Generated {
                ids: seq[p..].to_vec(),
                stop: StopReason::EndOfText,
            });
        }
    }
    Ok(Generated {
        ids: seq[p..].to_vec(),
        stop: StopReason::MaxTokens,
    })
}

/// Indices of the `k` largest values, largest first (earlier index first on ties).
fn top_k(values: &[f32], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[b].total_cmp(&values[a]).then(a.cmp(&b)));
    idx.truncate(k);
    idx
}

/// Beam search with `s.num_beams` beams, as transformers' `_beam_search` for one text.
/// `keep_going` is asked once per step; `false` cancels (the best beam so far is returned).
pub fn beam_search(
    model: &mut dyn Seq2SeqModel,
    enc: &Tensor,
    s: &Settings,
    keep_going: &mut dyn FnMut() -> bool,
) -> Result<Generated> {
    const NEG: f32 = -1.0e9;
    let k = s.num_beams.max(1);
    let keep = (1 + s.eos.len()).max(2) * k;
    let lp = s.length_penalty;
    let enc = enc.repeat((k, 1, 1))?;
    let prompt = feed_prompt(model, &enc, s, k)?;
    let p = prompt.len();
    let mut running: Vec<Vec<u32>> = vec![prompt; k];
    let mut running_scores: Vec<f32> = (0..k).map(|i| if i == 0 { 0.0 } else { NEG }).collect();
    // Finished slots: (score, sequence, finished).
    let mut done: Vec<(f32, Vec<u32>, bool)> = vec![(NEG, Vec::new(), false); k];
    let mut unsatisfied = true;
    let mut cur_len = p;
    loop {
        if !keep_going() {
            let best = done.iter().find(|d| d.2).map_or(&running[0], |d| &d.1);
            return Ok(Generated {
                ids: best[p..].to_vec(),
                stop: StopReason::Cancelled,
            });
        }
        let last: Vec<u32> = running.iter().map(|r| r[r.len() - 1]).collect();
        let mut all = rows(&model.step(&last, cur_len - 1, &enc)?)?;
        let vocab = all.first().map_or(0, |r| r.len());
        let mut flat = Vec::with_capacity(k * vocab);
        for (b, row) in all.iter_mut().enumerate() {
            log_softmax(row);
            process(row, &running[b], s);
            flat.extend(row.iter().map(|x| x + running_scores[b]));
        }
        // The best `keep` continuations, and whether each hits a stopping criterion.
        let cands: Vec<(f32, usize, Vec<u32>, bool)> = top_k(&flat, keep)
            .into_iter()
            .map(|i| {
                let (beam, tok) = (i / vocab, (i % vocab) as u32);
                let mut seq = running[beam].clone();
                seq.push(tok);
                let hit = s.eos.contains(&tok) || seq.len() >= s.max_length;
                (flat[i], beam, seq, hit)
            })
            .collect();
        // Next running beams: the best that didn't stop.
        let penalised: Vec<f32> = cands
            .iter()
            .map(|c| c.0 + if c.3 { NEG } else { 0.0 })
            .collect();
        let next = top_k(&penalised, k);
        // Finished beams: merge in candidates among the first `k` that stopped.
        let full = done.iter().all(|d| d.2) && s.early_stopping == EarlyStopping::Yes;
        let norm = ((cur_len + 1 - p) as f64).powf(lp) as f32;
        let mut merged = done.clone();
        for (rank, c) in cands.iter().enumerate() {
            let finished = c.3 && rank < k;
            let mut score = c.0 / norm;
            if full {
                score += NEG;
            }
            if !unsatisfied {
                score += NEG;
            }
            if !finished {
                score += NEG;
            }
            merged.push((score, c.2.clone(), finished));
        }
        let scores: Vec<f32> = merged.iter().map(|m| m.0).collect();
        done = top_k(&scores, k)
            .into_iter()
            .map(|i| merged[i].clone())
            .collect();
        let parents: Vec<u32> = next.iter().map(|&i| cands[i].1 as u32).collect();
        model.reorder(&Tensor::new(parents.as_slice(), &Device::Cpu)?)?;
        running = next.iter().map(|&i| cands[i].2.clone()).collect();
        running_scores = next.iter().map(|&i| penalised[i]).collect();
        cur_len += 1;
        // transformers' early-stop heuristic.
        let best_len = if s.early_stopping == EarlyStopping::Never && lp > 0.0 {
            s.max_length - p
        } else {
            cur_len - p
        };
        let best_possible = running_scores[0] / (best_len as f64).powf(lp) as f32;
        let worst = done.iter().map(|d| d.0).fold(f32::INFINITY, f32::min);
        unsatisfied &= done
            .iter()
            .any(|d| best_possible > if d.2 { worst } else { NEG });
        let all_done = done.iter().all(|d| d.2) && s.early_stopping == EarlyStopping::Yes;
        if !unsatisfied || all_done || cands.iter().all(|c| c.3) {
            break;
        }
    }
    let (_, best, finished) = done.swap_remove(0);
    let best = if finished {
        best
    } else {
        running.swap_remove(0)
    };
    let stop = if best.last().is_some_and(|t| s.eos.contains(t)) {
        StopReason::EndOfText
    } else {
        StopReason::MaxTokens
    };
    Ok(Generated {
        ids: best[p..].to_vec(),
        stop,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> Settings {
        Settings::from_layers(&[
            &serde_json::json!({"eos_token_id": 1, "decoder_start_token_id": 0}),
        ])
    }

    #[test]
    fn no_repeat_ngram_bans_the_word_that_would_repeat() {
        let s = Settings {
            no_repeat_ngram_size: 2,
            ..settings()
        };
        let mut row = vec![0.0; 6];
        process(&mut row, &[0, 3, 4, 3], &s);
        assert_eq!(row[4], f32::NEG_INFINITY);
        assert_eq!(row[3], 0.0);
    }

    #[test]
    fn min_length_and_forced_eos() {
        let s = Settings {
            min_length: 3,
            forced_eos: Some(1),
            max_length: 4,
            ..settings()
        };
        let mut row = vec![0.5; 4];
        process(&mut row, &[0, 2], &s);
        assert_eq!(row[1], f32::NEG_INFINITY);
        let mut row = vec![0.5; 4];
        process(&mut row, &[0, 2, 2], &s);
        assert_eq!(
            row,
            vec![f32::NEG_INFINITY, 0.0, f32::NEG_INFINITY, f32::NEG_INFINITY]
        );
    }

    #[test]
    fn layers_override_in_order() {
        let config = serde_json::json!({"eos_token_id": 1, "num_beams": 4, "max_length": 200,
            "early_stopping": true, "bad_words_ids": [[58100]]});
        let task =
            serde_json::json!({"max_length": 30, "length_penalty": 2.0, "early_stopping": "never"});
        let s = Settings::from_layers(&[&config, &task]);
        assert_eq!((s.num_beams, s.max_length, s.length_penalty), (4, 30, 2.0));
        assert_eq!(s.early_stopping, EarlyStopping::Never);
        assert_eq!((s.eos.clone(), s.bad_words.clone()), (vec![1], vec![58100]));
        assert_eq!(s.with_max_new_tokens(5).max_length, 6);
    }
}
