//! `summarization` and `translation` with encoder–decoder checkpoints (T5, Marian): loading,
//! the task prefix and generation settings as transformers 4's pipelines took them, input
//! truncation, and output shaped like theirs (`[{"summary_text"}]` / `[{"translation_text"}]`).
//!
//! Settings, later winning: transformers' defaults, config.json, generation_config.json, the
//! task's entry in config.json `task_specific_params` ("summarization", or for translation
//! "translation_{src}_to_{tgt}" from `--src-lang`/`--tgt-lang`, else the first "translation_…"
//! entry, as transformers 4 did), then `--num-beams` / `--max-new-tokens`. The entry's `prefix`
//! ("summarize: ", "translate English to French: ") goes in front of each text. Marian models
//! translate one fixed language pair and have no prefix; `--src-lang`/`--tgt-lang` are ignored.

use crate::domain::TaskInput;
use candle_core::{DType, Device};
use serde_json::Value;

use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Seq2SeqParams;
use crate::domain::Seq2SeqText;
use crate::domain::StopReason;
use crate::domain::Stream;
use crate::domain::Task;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::arch::marian::MarianModel;
use crate::inference::arch::t5::T5Model;
use crate::inference::arch::weights;
use crate::inference::decode::beam_search::{self, Seq2SeqModel, Settings};
use crate::inference::model_error;
use crate::inference::read_json;
use crate::inference::tokenizers::load as tokenizers_load;
use crate::inference::tokenizers::sentencepiece::MarianTokenizer;
use crate::inference::Pipeline;
use crate::inference::PipelineError;

enum Codec {
    /// A Hugging Face tokenizer (T5's tokenizer.json).
    Hf(tokenizers::Tokenizer),
    Marian(MarianTokenizer),
}

impl Codec {
    fn encode(&self, text: &str) -> Result<Vec<u32>, PipelineError> {
        match self {
            Codec::Hf(t) => t
                .encode(text, true)
                .map(|e| e.get_ids().to_vec())
                .map_err(PipelineError::Tokenizer),
            Codec::Marian(t) => t.encode(text),
        }
    }

    fn decode(&self, ids: &[u32]) -> Result<String, PipelineError> {
        match self {
            Codec::Hf(t) => t.decode(ids, true).map_err(PipelineError::Tokenizer),
            Codec::Marian(t) => Ok(t.decode(ids)),
        }
    }
}

pub struct Seq2SeqPipeline {
    task: Task,
    model: Box<dyn Seq2SeqModel>,
    codec: Codec,
    config: Value,
    generation: Value,
    /// Longest input in tokens (end token included).
    max_input: usize,
    /// Marian's decoder has learned positions up to this many; T5's has no limit.
    max_decoder: Option<usize>,
    is_t5: bool,
    notes: Vec<String>,
    /// Which weights file was read, when it's not the usual model.safetensors (told once).
    weights_note: Option<String>,
}

impl Seq2SeqPipeline {
    pub fn load(
        task: Task,
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<Seq2SeqPipeline, PipelineError> {
        let config = read_json(&provision.file(model, "config.json", events)?)?;
        let model_type = config["model_type"].as_str().unwrap_or("").to_string();
        let is_t5 = matches!(model_type.as_str(), "t5" | "mt5");
        if !is_t5 && model_type != "marian" {
            return Err(model_error(format!(
                "{task} runs T5 and Marian models; this one is \"{model_type}\""
            )));
        }
        let weights = weights::find(provision, model, events)?;
        let generation = provision
            .file(model, "generation_config.json", events)
            .ok()
            .map(|p| read_json(&p))
            .transpose()?
            .unwrap_or(Value::Null);
        let tok_config = provision
            .file(model, "tokenizer_config.json", events)
            .ok()
            .map(|p| read_json(&p))
            .transpose()?
            .unwrap_or(Value::Null);
        let codec = if is_t5 {
            let mut t = tokenizers_load::load(provision, model, events)?;
            t.with_padding(None);
            let _ = t.with_truncation(None);
            Codec::Hf(t)
        } else {
            let source = provision.file(model, "source.spm", events)?;
            let target = provision.file(model, "target.spm", events)?;
            let vocab = provision.file(model, "vocab.json", events)?;
            Codec::Marian(MarianTokenizer::from_files(&source, &target, &vocab)?)
        };
        events(ProvisionEvent::Note(format!("loading {model} into memory")));
        let vb = weights.open(DType::F32, &Device::Cpu)?;
        let positions = if is_t5 {
            config["n_positions"].as_u64().unwrap_or(512)
        } else {
            config["max_position_embeddings"].as_u64().unwrap_or(512)
        };
        let max_input = tok_config["model_max_length"]
            .as_u64()
            .map_or(positions, |m| m.min(positions))
            .max(2) as usize;
        let model: Box<dyn Seq2SeqModel> = if is_t5 {
            Box::new(T5Model::load(vb, &config)?)
        } else {
            Box::new(MarianModel::load(vb, &config)?)
        };
        Ok(Seq2SeqPipeline {
            task,
            model,
            codec,
            config,
            generation,
            max_input,
            max_decoder: (!is_t5).then_some(positions as usize),
            is_t5,
            notes: Vec::new(),
            weights_note: (!weights.is_plain()).then(|| weights.note()),
        })
    }

    /// The `task_specific_params` entry for this run, with its key.
    fn task_params(&self, p: &Seq2SeqParams) -> Result<(String, Value), PipelineError> {
        let params = &self.config["task_specific_params"];
        if self.task == Task::Summarization {
            return Ok(("summarization".into(), params["summarization"].clone()));
        }
        if !self.is_t5 {
            return Ok(("translation".into(), Value::Null));
        }
        let keys: Vec<&String> = params
            .as_object()
            .map(|m| m.keys().filter(|k| k.starts_with("translation_")).collect())
            .unwrap_or_default();
        match (&p.src_lang, &p.tgt_lang) {
            (Some(src), Some(tgt)) => {
                let key = format!("translation_{src}_to_{tgt}");
                match params.get(&key) {
                    Some(v) => Ok((key, v.clone())),
                    None => Err(PipelineError::BadInput(format!(
                        "this model can't translate {src} to {tgt}. It knows: {}",
                        pairs(&keys)
                    ))),
                }
            }
            (None, None) => Ok(keys
                .first()
                .map(|k| (k.to_string(), params[k.as_str()].clone()))
                .unwrap_or(("translation".into(), Value::Null))),
            _ => Err(PipelineError::BadInput(
                "give both --src-lang and --tgt-lang (for example en and fr), or neither".into(),
            )),
        }
    }

    /// The settings and prefix a run with `p` uses.
    pub fn settings(&self, p: &Seq2SeqParams) -> Result<(Settings, String), PipelineError> {
        let (_, task) = self.task_params(p)?;
        let generation = if self.generation.is_object() {
            &self.generation
        } else {
            &self.config
        };
        let mut s = Settings::from_layers(&[&self.config, generation, &task]);
        if let Some(n) = p.max_new_tokens {
            s = s.with_max_new_tokens(n);
        }
        if let Some(b) = p.num_beams {
            s.num_beams = b.clamp(1, 32);
        }
        if let Some(most) = self.max_decoder {
            s.max_length = s.max_length.min(most);
        }
        let prefix = task["prefix"].as_str().unwrap_or("").to_string();
        Ok((s, prefix))
    }

    /// The input ids for `text` with the task prefix, cut to the model's maximum; and whether it
    /// was cut.
    pub fn input_ids(
        &self,
        text: &str,
        p: &Seq2SeqParams,
    ) -> Result<(Vec<u32>, bool), PipelineError> {
        let (_, prefix) = self.settings(p)?;
        self.prefixed_ids(text, &prefix)
    }

    fn prefixed_ids(&self, text: &str, prefix: &str) -> Result<(Vec<u32>, bool), PipelineError> {
        if text.trim().is_empty() {
            let what = if self.task == Task::Summarization {
                "summarize"
            } else {
                "translate"
            };
            return Err(PipelineError::BadInput(format!(
                "there is no text to {what}: type a sentence or two."
            )));
        }
        let mut ids = self.codec.encode(&format!("{prefix}{text}"))?;
        let cut = ids.len() > self.max_input;
        if cut {
            let end = ids[ids.len() - 1];
            ids.truncate(self.max_input - 1);
            ids.push(end);
        }
        Ok((ids, cut))
    }

    /// transformers' first-step logits for `text` (prefix added as a run would), for parity tests.
    pub fn first_logits(
        &mut self,
        text: &str,
        p: &Seq2SeqParams,
    ) -> Result<Vec<f32>, PipelineError> {
        let (s, prefix) = self.settings(p)?;
        let (ids, _) = self.prefixed_ids(text, &prefix)?;
        let enc = self.model.encode(&ids)?;
        Ok(beam_search::first_logits(self.model.as_mut(), &enc, &s)?)
    }

    /// Summarizes or translates one text; greedy runs stream their text as it grows.
    pub fn generate(
        &mut self,
        run: usize,
        text: &str,
        p: &Seq2SeqParams,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<(Seq2SeqText, bool), PipelineError> {
        let (s, prefix) = self.settings(p)?;
        let (ids, cut) = self.prefixed_ids(text, &prefix)?;
        let enc = self.model.encode(&ids)?;
        let out = if s.num_beams > 1 {
            beam_search::beam_search(self.model.as_mut(), &enc, &s, &mut || {
                stream(Stream::Text {
                    run,
                    text: String::new(),
                })
            })?
        } else {
            let codec = &self.codec;
            let mut shown = String::new();
            beam_search::greedy(self.model.as_mut(), &enc, &s, &mut |ids| {
                let now = codec.decode(ids).unwrap_or_default();
                let new = now.strip_prefix(shown.as_str()).map(str::to_string);
                match new {
                    Some(piece) if !piece.is_empty() => {
                        shown = now;
                        stream(Stream::Text { run, text: piece })
                    }
                    _ => stream(Stream::Text {
                        run,
                        text: String::new(),
                    }),
                }
            })?
        };
        let text = self.codec.decode(&out.ids)?;
        Ok((
            Seq2SeqText {
                task: self.task,
                text,
                token_ids: out.ids,
                stop: out.stop,
            },
            cut,
        ))
    }
}

fn pairs(keys: &[&String]) -> String {
    let list: Vec<String> = keys
        .iter()
        .map(|k| k.trim_start_matches("translation_").replace("_to_", " to "))
        .collect();
    if list.is_empty() {
        "no language pairs".into()
    } else {
        list.join(", ")
    }
}

impl Pipeline for Seq2SeqPipeline {
    fn task(&self) -> Task {
        self.task
    }

    fn run_input(
        &mut self,
        input: &TaskInput,
        params: &RunParams,
        _runs: usize,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let inputs = input.texts();
        self.notes.clear();
        self.notes.extend(self.weights_note.take());
        let p = &params.seq2seq;
        if !self.is_t5 && (p.src_lang.is_some() || p.tgt_lang.is_some()) {
            self.notes.push(
                "This translation model always translates between its own two languages, so the \
                 language choice was ignored."
                    .into(),
            );
        }
        let mut out = Vec::new();
        for (i, text) in inputs.iter().enumerate() {
            let (result, cut) = self.generate(i, text, &params.seq2seq, stream)?;
            if cut {
                self.notes.push(format!(
                    "Text {} was longer than the {} tokens this model reads, so only its start was used.",
                    i + 1,
                    self.max_input
                ));
            }
            let cancelled = result.stop == StopReason::Cancelled;
            out.push(result);
            if cancelled {
                break;
            }
        }
        Ok(PipelineOutput::Seq2Seq(out))
    }

    fn last_notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}
