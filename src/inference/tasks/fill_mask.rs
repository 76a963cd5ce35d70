//! `fill-mask`: a BERT, DistilBERT, RoBERTa or ModernBERT masked-language model guesses the word
//! hidden behind the mask token, as transformers' fill-mask pipeline does (`top_k`, `targets`, one
//! list of guesses per mask, each `{score, token, token_str, sequence}`).

use crate::domain::MaskFill;
use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::domain::TaskInput;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::arch::bert_heads::{truncation_note, Encoder, MlmHead};
use crate::inference::model_error;
use crate::inference::Pipeline;
use crate::inference::PipelineError;

/// How many guesses per mask when `top_k` isn't given (transformers' default).
pub const DEFAULT_TOP_K: usize = 5;

pub struct FillMaskPipeline {
    encoder: Encoder,
    head: MlmHead,
    mask: String,
    mask_id: u32,
    pad_id: Option<u32>,
    notes: Vec<String>,
}

impl FillMaskPipeline {
    pub fn load(
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<FillMaskPipeline, PipelineError> {
        FillMaskPipeline::new(Encoder::load(model, provision, events)?)
    }

    pub fn new(encoder: Encoder) -> Result<FillMaskPipeline, PipelineError> {
        let head = MlmHead::load(&encoder)?;
        // Without a tokenizer config (roberta-base, distilroberta-base have none), the one of
        // BERT's [MASK] and RoBERTa's <mask> that the vocabulary has.
        let mask = encoder.special_token("mask_token").unwrap_or_else(|| {
            ["[MASK]", "<mask>"]
                .into_iter()
                .find(|m| encoder.tokenizer.token_to_id(m).is_some())
                .unwrap_or("[MASK]")
                .to_string()
        });
        let mask_id = encoder
            .tokenizer
            .token_to_id(&mask)
            .ok_or_else(|| model_error(format!("the tokenizer has no mask token {mask}")))?;
        let pad_id = encoder
            .special_token("pad_token")
            .and_then(|p| encoder.tokenizer.token_to_id(&p));
        Ok(FillMaskPipeline {
            encoder,
            head,
            mask,
            mask_id,
            pad_id,
            notes: Vec::new(),
        })
    }

    /// The model's mask token (`[MASK]` for BERT).
    pub fn mask_token(&self) -> &str {
        &self.mask
    }

    /// Token ids for `targets`, as transformers picks them: the word itself when the vocabulary
    /// has it, else the first token of the word.
    fn target_ids(&self, targets: &[String]) -> Result<Vec<u32>, PipelineError> {
        let tok = &self.encoder.tokenizer;
        let mut ids: Vec<u32> = Vec::new();
        for t in targets {
            let id = match tok.token_to_id(t) {
                Some(id) => Some(id),
                None => tok
                    .encode_fast(t.as_str(), false)
                    .ok()
                    .and_then(|e| e.get_ids().first().copied()),
            };
            if let Some(id) = id.filter(|id| !ids.contains(id)) {
                ids.push(id);
            }
        }
        if ids.is_empty() && !targets.is_empty() {
            return Err(PipelineError::BadInput(
                "none of the target words is in the model's vocabulary".into(),
            ));
        }
        Ok(ids)
    }

    /// The guesses for each mask of one text.
    fn fill(
        &self,
        text: &str,
        top_k: usize,
        targets: &[u32],
    ) -> Result<Vec<Vec<MaskFill>>, PipelineError> {
        let enc = self.encoder.encode(text)?;
        let ids = enc.get_ids();
        let masks: Vec<usize> = (0..ids.len()).filter(|&i| ids[i] == self.mask_id).collect();
        if masks.is_empty() && text.contains(self.mask.as_str()) {
            // The text has its mask, past what the model reads: truncation cut it off.
            let m = &self.mask;
            return Err(PipelineError::BadInput(format!(
                "your text is longer than the model reads ({} tokens), and the {m} was past that, so it was cut off: shorten the text or move {m} nearer the start",
                ids.len()
            )));
        }
        if masks.is_empty() {
            let m = &self.mask;
            return Err(PipelineError::BadInput(format!(
                "there is no {m} in your text: put {m} where the missing word goes, like \"Paris is the {m} of France.\""
            )));
        }
        let hidden = self.encoder.hidden_states(ids)?;
        let rows: Vec<u32> = masks.iter().map(|&i| i as u32).collect();
        let rows = candle_core::Tensor::new(rows.as_slice(), hidden.device())?;
        let probs: Vec<Vec<f32>> = self
            .head
            .probabilities(&hidden.index_select(&rows, 0)?)?
            .to_vec2()?;
        let single = masks.len() == 1;
        let mut out = Vec::new();
        for (&at, probs) in masks.iter().zip(&probs) {
            let mut choices: Vec<(u32, f32)> = if targets.is_empty() {
                probs
                    .iter()
                    .enumerate()
                    .map(|(i, &p)| (i as u32, p))
                    .collect()
            } else {
                targets
                    .iter()
                    .filter_map(|&t| probs.get(t as usize).map(|&p| (t, p)))
                    .collect()
            };
            choices.sort_by(|a, b| b.1.total_cmp(&a.1));
            choices.truncate(top_k);
            let mut row = Vec::new();
            for (token, score) in choices {
                let mut filled: Vec<u32> = ids.to_vec();
                filled[at] = token;
                filled.retain(|&t| Some(t) != self.pad_id);
                row.push(MaskFill {
                    score,
                    token,
                    token_str: self.decode(&[token], false)?,
                    sequence: self.decode(&filled, single)?,
                });
            }
            out.push(row);
        }
        Ok(out)
    }

    fn decode(&self, ids: &[u32], skip_special: bool) -> Result<String, PipelineError> {
        self.encoder
            .tokenizer
            .decode(ids, skip_special)
            .map_err(PipelineError::Tokenizer)
    }
}

impl Pipeline for FillMaskPipeline {
    fn task(&self) -> Task {
        Task::FillMask
    }

    fn run_input(
        &mut self,
        input: &TaskInput,
        params: &RunParams,
        _runs: usize,
        _stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let inputs = input.texts();
        self.notes.clear();
        let targets = self.target_ids(&params.targets)?;
        let top_k = params.top_k.unwrap_or(DEFAULT_TOP_K).max(1);
        let mut out = Vec::new();
        for text in inputs {
            out.push(self.fill(text, top_k, &targets)?);
        }
        self.notes = truncation_note(&self.encoder.truncated(inputs), self.encoder.max_len);
        Ok(PipelineOutput::FillMask(out))
    }

    fn last_notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}
