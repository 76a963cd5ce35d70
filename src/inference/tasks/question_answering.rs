//! `question-answering`: a BERT / DistilBERT span head (`qa_outputs`) scores where the answer to
//! a question starts and ends in a context, and the best spans are turned back into text exactly
//! as transformers' question-answering pipeline does: question+context pairs, long contexts read
//! in overlapping windows (doc stride), softmax over context tokens, spans of at most 15 tokens
//! widened to whole words, equal answers merged.

use crate::domain::TaskInput;
use candle_core::{Module, D};
use candle_nn::{linear, Linear};
use tokenizers::{Encoding, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::domain::Answer;
use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::arch::bert_heads::{char_index, Encoder};
use crate::inference::model_error;
use crate::inference::Pipeline;
use crate::inference::PipelineError;

/// The longest answer, in tokens (transformers' `max_answer_len`).
pub const MAX_ANSWER_LEN: usize = 15;

pub struct QuestionAnsweringPipeline {
    encoder: Encoder,
    head: Linear,
    cls_id: Option<u32>,
    notes: Vec<String>,
}

impl QuestionAnsweringPipeline {
    pub fn load(
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<QuestionAnsweringPipeline, PipelineError> {
        QuestionAnsweringPipeline::new(Encoder::load(model, provision, events)?)
    }

    pub fn new(encoder: Encoder) -> Result<QuestionAnsweringPipeline, PipelineError> {
        if !encoder.vb.contains_tensor("qa_outputs.weight") {
            return Err(model_error(
                "this model has no question-answering head (qa_outputs): \
                 pick a model fine-tuned for question answering",
            ));
        }
        let head = linear(encoder.hidden, 2, encoder.vb.pp("qa_outputs"))?;
        let cls_name = encoder
            .special_token("cls_token")
            .unwrap_or_else(|| "[CLS]".into());
        let cls_id = encoder.tokenizer.token_to_id(&cls_name);
        Ok(QuestionAnsweringPipeline {
            encoder,
            head,
            cls_id,
            notes: Vec::new(),
        })
    }

    /// The `top_k` best answers to `question` in `context`, best first.
    pub fn answer(
        &self,
        question: &str,
        context: &str,
        top_k: usize,
    ) -> Result<(Vec<Answer>, usize), PipelineError> {
        if question.trim().is_empty() {
            return Err(PipelineError::BadInput(
                "the question is empty: type a question first".into(),
            ));
        }
        if context.trim().is_empty() {
            return Err(PipelineError::BadInput(
                "the context is empty: give a text to look for the answer in".into(),
            ));
        }
        let top_k = top_k.max(1);
        let features = self.features(question, context)?;
        let mut answers: Vec<Answer> = Vec::new();
        for enc in &features {
            let (starts, ends) = self.logits(enc)?;
            for (s, e, score) in best_spans(enc, self.cls_id, &starts, &ends, top_k * 2 + 10) {
                let (a, b) = char_span(enc, context, s, e);
                let text: String = context.chars().skip(a).take(b.saturating_sub(a)).collect();
                let lower = text.to_lowercase();
                match answers
                    .iter_mut()
                    .find(|x| x.answer.to_lowercase() == lower)
                {
                    Some(same) => same.score += score as f32,
                    None => answers.push(Answer {
                        score: score as f32,
                        start: a,
                        end: b,
                        answer: text,
                    }),
                }
            }
        }
        answers.sort_by(|x, y| y.score.total_cmp(&x.score));
        answers.truncate(top_k);
        Ok((answers, features.len()))
    }

    /// The question+context pair, as one window or several overlapping ones for long contexts.
    fn features(&self, question: &str, context: &str) -> Result<Vec<Encoding>, PipelineError> {
        let max_len = self.encoder.max_len.min(384);
        let mut tok = self.encoder.tokenizer.clone();
        // The question and the special tokens take their room first; the windows of context
        // overlap by `stride` tokens, which must leave each window at least one new token.
        let fixed = tok
            .encode((question, ""), true)
            .map_err(PipelineError::Tokenizer)?
            .len();
        let room = max_len.saturating_sub(fixed);
        if room < 2 {
            return Err(PipelineError::BadInput(format!(
                "the question is too long for this model: it reads at most {max_len} tokens \
                 of question and context together, so keep the question short"
            )));
        }
        tok.with_truncation(Some(TruncationParams {
            direction: TruncationDirection::Right,
            max_length: max_len,
            strategy: TruncationStrategy::OnlySecond,
            stride: (max_len / 2).min(128).min(room - 1),
        }))
        .map_err(PipelineError::Truncation)?;
        // Each text encoded whole, then truncated into windows and given its special tokens by
        // post_process: tokenizers 0.23.2's `encode` of a pair stops tokenizing the context at
        // `max_length` tokens before the windows are cut (an early exit that ignores the
        // stride), so it made fewer windows than transformers' pipeline reads.
        let mut whole = self.encoder.tokenizer.clone();
        whole
            .with_truncation(None)
            .map_err(PipelineError::Truncation)?;
        let question_enc = whole
            .encode(question, false)
            .map_err(PipelineError::Tokenizer)?;
        let mut context_enc = whole
            .encode(context, false)
            .map_err(PipelineError::Tokenizer)?;
        // As `encode` tokenizes a pair's second text: type id 1, which the windows cut from it
        // keep (the template sets the type ids of the first window only).
        context_enc.set_type_ids(vec![1; context_enc.len()]);
        let mut enc = tok
            .post_process(question_enc, Some(context_enc), true)
            .map_err(|_| {
                PipelineError::BadInput(format!(
                    "the question is too long for this model: it reads at most {max_len} tokens \
                 of question and context together, so keep the question short"
                ))
            })?;
        let rest = enc.take_overflowing();
        Ok(std::iter::once(enc).chain(rest).collect())
    }

    /// Start and end logits of every token of one window.
    fn logits(&self, enc: &Encoding) -> Result<(Vec<f32>, Vec<f32>), PipelineError> {
        let hidden = self
            .encoder
            .hidden_states_typed(enc.get_ids(), enc.get_type_ids())?;
        let both = self.head.forward(&hidden)?;
        let starts = both
            .narrow(D::Minus1, 0, 1)?
            .squeeze(D::Minus1)?
            .to_vec1()?;
        let ends = both
            .narrow(D::Minus1, 1, 1)?
            .squeeze(D::Minus1)?
            .to_vec1()?;
        Ok((starts, ends))
    }
}

/// transformers' `select_starts_ends` + `decode_spans`: softmax over the context tokens (and
/// the [CLS] token, whose own score is then zeroed), the `pool` best spans no longer than
/// [`MAX_ANSWER_LEN`], then only those that start and end inside the context.
fn best_spans(
    enc: &Encoding,
    cls_id: Option<u32>,
    starts: &[f32],
    ends: &[f32],
    pool: usize,
) -> Vec<(usize, usize, f64)> {
    let allowed: Vec<bool> = enc
        .get_sequence_ids()
        .iter()
        .zip(enc.get_ids())
        .map(|(seq, id)| *seq == Some(1) || Some(*id) == cls_id)
        .collect();
    let probs = |logits: &[f32]| {
        let masked: Vec<f64> = logits
            .iter()
            .zip(&allowed)
            .map(|(&l, &ok)| if ok { f64::from(l) } else { -10000.0 })
            .collect();
        let max = masked.iter().copied().fold(f64::MIN, f64::max);
        let exp: Vec<f64> = masked.iter().map(|l| (l - max).exp()).collect();
        let sum: f64 = exp.iter().sum();
        let mut p: Vec<f64> = exp.iter().map(|x| x / sum).collect();
        if let Some(first) = p.first_mut() {
            *first = 0.0;
        }
        p
    };
    let (ps, pe) = (probs(starts), probs(ends));
    let n = ps.len().min(pe.len());
    let mut spans = Vec::new();
    for (s, &p_start) in ps.iter().enumerate().take(n) {
        for (e, &p_end) in pe
            .iter()
            .enumerate()
            .take(n.min(s + MAX_ANSWER_LEN))
            .skip(s)
        {
            spans.push((s, e, p_start * p_end));
        }
    }
    spans.sort_by(|a, b| b.2.total_cmp(&a.2));
    spans.truncate(pool);
    spans.retain(|&(s, e, _)| allowed[s] && allowed[e]);
    spans
}

/// Character offsets in the context of tokens `s..=e`, widened to whole words.
fn char_span(enc: &Encoding, context: &str, s: usize, e: usize) -> (usize, usize) {
    let words = enc
        .token_to_word(s)
        .zip(enc.token_to_word(e))
        .and_then(|((_, ws), (_, we))| {
            Some((enc.word_to_chars(ws, 1)?.0, enc.word_to_chars(we, 1)?.1))
        });
    let offsets = enc.get_offsets();
    let (a, b) = words.unwrap_or_else(|| {
        (
            offsets.get(s).map_or(0, |o| o.0),
            offsets.get(e).map_or(0, |o| o.1),
        )
    });
    (char_index(context, a), char_index(context, b))
}

impl Pipeline for QuestionAnsweringPipeline {
    fn task(&self) -> Task {
        Task::QuestionAnswering
    }

    /// Each question is answered from the context.
    fn run_input(
        &mut self,
        input: &TaskInput,
        params: &RunParams,
        _runs: usize,
        _stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let (questions, context): (&[String], &str) = match input {
            TaskInput::Questions { questions, context } => (questions, context),
            // Texts alone: questions about the context setting.
            other => (other.texts(), &params.context),
        };
        self.notes.clear();
        let mut out = Vec::new();
        for question in questions {
            let (answers, windows) = self.answer(question, context, params.top_k.unwrap_or(1))?;
            if windows > 1 && self.notes.is_empty() {
                self.notes.push(format!(
                    "the context is longer than the {} tokens the model reads at once, so it \
                     was read in {windows} overlapping parts",
                    self.encoder.max_len.min(384)
                ));
            }
            out.push(answers);
        }
        Ok(PipelineOutput::Answers(out))
    }

    fn last_notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}
