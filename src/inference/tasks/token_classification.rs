//! `token-classification` (alias `ner`): a BERT token-classification head labels every token
//! (B-PER, I-LOC, …), then tokens are joined into words and entities exactly as transformers'
//! `aggregation_strategy` none / simple / first / average / max do (the grouping that
//! transformers' old `grouped_entities=True` gave).

use crate::domain::TaskInput;
use candle_core::{Module, D};
use candle_nn::{linear, Linear};
use tokenizers::Decoder;

use crate::domain::Aggregation;
use crate::domain::Entity;
use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::arch::bert_heads::{char_index, truncation_note, Encoder};
use crate::inference::model_error;
use crate::inference::Pipeline;
use crate::inference::PipelineError;

/// One non-special token with its label probabilities.
struct Token {
    word: String,
    scores: Vec<f32>,
    start: usize,
    end: usize,
    index: usize,
    is_subword: bool,
}

/// A labelled token or word before grouping.
struct Tagged {
    label: usize,
    score: f32,
    word: String,
    start: usize,
    end: usize,
    index: Option<usize>,
}

pub struct TokenClassificationPipeline {
    encoder: Encoder,
    classifier: Linear,
    labels: Vec<String>,
    unk_id: Option<u32>,
    notes: Vec<String>,
}

impl TokenClassificationPipeline {
    pub fn load(
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<TokenClassificationPipeline, PipelineError> {
        TokenClassificationPipeline::new(Encoder::load(model, provision, events)?)
    }

    pub fn new(encoder: Encoder) -> Result<TokenClassificationPipeline, PipelineError> {
        let n = encoder.config["id2label"]
            .as_object()
            .map(|m| m.len())
            .filter(|&n| n > 0)
            .ok_or_else(|| model_error("config.json has no id2label: is this a NER model?"))?;
        let classifier = linear(encoder.hidden, n, encoder.vb.pp("classifier"))?;
        let labels = encoder.labels(n);
        let unk_id = encoder
            .special_token("unk_token")
            .and_then(|u| encoder.tokenizer.token_to_id(&u));
        Ok(TokenClassificationPipeline {
            encoder,
            classifier,
            labels,
            unk_id,
            notes: Vec::new(),
        })
    }

    /// The entities of one text.
    pub fn entities(&self, text: &str, how: Aggregation) -> Result<Vec<Entity>, PipelineError> {
        let tokens = self.tokens(text)?;
        let tagged: Vec<Tagged> = match how {
            Aggregation::None | Aggregation::Simple => tokens
                .iter()
                .map(|t| {
                    let (label, score) = argmax(&t.scores);
                    Tagged {
                        label,
                        score,
                        word: t.word.clone(),
                        start: t.start,
                        end: t.end,
                        index: Some(t.index),
                    }
                })
                .collect(),
            _ => {
                let mut words: Vec<Vec<&Token>> = Vec::new();
                for t in &tokens {
                    match words.last_mut() {
                        Some(w) if t.is_subword => w.push(t),
                        _ => words.push(vec![t]),
                    }
                }
                words.iter().map(|w| self.word(w, how)).collect()
            }
        };
        let label = |i: usize| self.labels.get(i).cloned().unwrap_or_default();
        let out: Vec<Entity> = if how == Aggregation::None {
            tagged
                .into_iter()
                .map(|t| Entity {
                    entity: Some(label(t.label)),
                    entity_group: None,
                    score: t.score,
                    index: t.index,
                    word: t.word,
                    start: t.start,
                    end: t.end,
                })
                .collect()
        } else {
            self.group(&tagged)
        };
        Ok(out
            .into_iter()
            .filter(|e| e.entity.as_deref().or(e.entity_group.as_deref()) != Some("O"))
            .collect())
    }

    fn tokens(&self, text: &str) -> Result<Vec<Token>, PipelineError> {
        let enc = self.encoder.encode(text)?;
        let hidden = self.encoder.hidden_states(enc.get_ids())?;
        let logits = self.classifier.forward(&hidden)?;
        let probs: Vec<Vec<f32>> = candle_nn::ops::softmax(&logits, D::Minus1)?.to_vec2()?;
        let word_aware = word_aware(&self.encoder.tokenizer);
        let mut out = Vec::new();
        for (i, scores) in probs.into_iter().enumerate() {
            if enc.get_special_tokens_mask().get(i) != Some(&0) {
                continue;
            }
            let id = enc.get_ids()[i];
            let (bs, be) = enc.get_offsets()[i];
            let word_ref = text.get(bs..be).unwrap_or_default();
            let mut word = enc.get_tokens()[i].clone();
            let mut is_subword = match word_aware {
                true => word.chars().count() != word_ref.chars().count(),
                // transformers' fallback (byte-level BPE, …): no space before or at the start.
                false => {
                    bs > 0
                        && !text.get(..bs).is_some_and(|t| t.ends_with(' '))
                        && !text.get(bs..).is_some_and(|t| t.starts_with(' '))
                }
            };
            if Some(id) == self.unk_id {
                word = word_ref.to_string();
                is_subword = false;
            }
            out.push(Token {
                word,
                scores,
                start: char_index(text, bs),
                end: char_index(text, be),
                index: i,
                is_subword,
            });
        }
        Ok(out)
    }

    /// One word from its tokens, labelled by `how` (first, average or max).
    fn word(&self, tokens: &[&Token], how: Aggregation) -> Tagged {
        let (label, score) = match how {
            Aggregation::Max => tokens
                .iter()
                .map(|t| argmax(&t.scores))
                .fold((0, f32::MIN), |best, x| if x.1 > best.1 { x } else { best }),
            Aggregation::Average => {
                let n = tokens.len() as f32;
                let mean: Vec<f32> = (0..self.labels.len())
                    .map(|l| tokens.iter().map(|t| t.scores[l]).sum::<f32>() / n)
                    .collect();
                argmax(&mean)
            }
            _ => argmax(&tokens[0].scores),
        };
        Tagged {
            label,
            score,
            word: self.join(tokens.iter().map(|t| t.word.clone()).collect()),
            start: tokens[0].start,
            end: tokens[tokens.len() - 1].end,
            index: None,
        }
    }

    /// Neighbours with the same entity type join one group unless the next starts with B-.
    fn group(&self, tagged: &[Tagged]) -> Vec<Entity> {
        let tag = |t: &Tagged| {
            let name = self.labels.get(t.label).map_or("", String::as_str);
            match name.split_once('-') {
                Some(("B", rest)) => ("B", rest.to_string()),
                Some(("I", rest)) => ("I", rest.to_string()),
                _ => ("I", name.to_string()),
            }
        };
        let mut groups: Vec<Vec<&Tagged>> = Vec::new();
        for t in tagged {
            let (bi, kind) = tag(t);
            match groups.last_mut() {
                Some(g) if bi != "B" && tag(g[g.len() - 1]).1 == kind => g.push(t),
                _ => groups.push(vec![t]),
            }
        }
        groups
            .into_iter()
            .map(|g| {
                let name = self.labels.get(g[0].label).map_or("", String::as_str);
                let kind = name.split_once('-').map_or(name, |(_, k)| k);
                Entity {
                    entity: None,
                    entity_group: Some(kind.to_string()),
                    score: g.iter().map(|t| t.score).sum::<f32>() / g.len() as f32,
                    index: None,
                    word: self.join(g.iter().map(|t| t.word.clone()).collect()),
                    start: g[0].start,
                    end: g[g.len() - 1].end,
                }
            })
            .collect()
    }

    /// Tokens back to text, as the tokenizer's decoder joins them (`wolf ##gang` → `wolfgang`).
    fn join(&self, tokens: Vec<String>) -> String {
        match self.encoder.tokenizer.get_decoder() {
            Some(d) => d
                .decode(tokens.clone())
                .unwrap_or_else(|_| tokens.join(" ")),
            None => tokens.join(" ").replace(" ##", ""),
        }
    }
}

fn argmax(scores: &[f32]) -> (usize, f32) {
    scores.iter().copied().enumerate().fold(
        (0, f32::MIN),
        |best, (i, s)| if s > best.1 { (i, s) } else { best },
    )
}

impl Pipeline for TokenClassificationPipeline {
    fn task(&self) -> Task {
        Task::TokenClassification
    }

    fn run_input(
        &mut self,
        input: &TaskInput,
        params: &RunParams,
        _runs: usize,
        _stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let inputs = input.texts();
        let mut out = Vec::new();
        for text in inputs {
            out.push(self.entities(text, params.aggregation_strategy)?);
        }
        self.notes = truncation_note(&self.encoder.truncated(inputs), self.encoder.max_len);
        Ok(PipelineOutput::Entities(out))
    }

    fn last_notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}

/// Whether the tokenizer marks word pieces (WordPiece's `##`, a BPE continuing prefix), so that
/// transformers tells sub-words by their length (else by the spaces around them).
fn word_aware(tokenizer: &tokenizers::Tokenizer) -> bool {
    match tokenizer.get_model() {
        tokenizers::ModelWrapper::WordPiece(_) => true,
        tokenizers::ModelWrapper::BPE(b) => b
            .continuing_subword_prefix
            .as_ref()
            .is_some_and(|p| !p.is_empty()),
        _ => false,
    }
}
