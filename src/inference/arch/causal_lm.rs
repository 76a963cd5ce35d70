//! `text-generation` from a plain safetensors folder (a local folder, or a Hub id without a GGUF
//! file): reads config.json's `architectures` to pick the forward pass (llama-family:
//! `llama_safetensors`, GPT-2: `gpt2`), the tokenizer (`tokenizers::load`), the chat template and
//! the end-of-text tokens, and hands them to the same `Generator` the GGUF models use.

use std::path::{Path, PathBuf};

use candle_core::{DType, Device, Tensor};
use serde_json::Value;
use tokenizers::Tokenizer;

use crate::domain::ModelRef;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::arch::gpt2;
use crate::inference::arch::llama_gguf::LlamaModel;
use crate::inference::arch::llama_safetensors;
use crate::inference::arch::weights::{self, WeightFiles};
use crate::inference::decode::chat_template::ChatTemplate;
use crate::inference::model_error;
use crate::inference::read_json;
use crate::inference::tasks::text_generation::Generator;
use crate::inference::tokenizers::load as tokenizers_load;
use crate::inference::PipelineError;

/// A decoder-only language model with a KV cache, as generation drives it.
pub trait CausalLm: Send {
    /// Logits (1 × vocab) of the last of `ids`' tokens (1 × n), which sit at `index_pos..`.
    fn forward(&mut self, ids: &Tensor, index_pos: usize) -> candle_core::Result<Tensor>;
    /// Forgets every cached position (a new conversation).
    fn clear_kv_cache(&mut self);
}

/// The architectures this file runs, as config.json names them.
pub const SUPPORTED: &[&str] = &["LlamaForCausalLM", "GPT2LMHeadModel"];

/// Loads `model` as a safetensors causal LM. `Ok(None)`: it has no config.json to read (so it is
/// not such a folder, and the caller's own error says more).
pub fn load(
    model: &ModelRef,
    provision: &Provision,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<Option<Generator>, PipelineError> {
    let Ok(config_path) = provision.file(model, "config.json", events) else {
        return Ok(None);
    };
    let config = read_json(&config_path)?;
    let arch = architecture(&config)?;
    let tokenizer = tokenizers_load::load(provision, model, events)?;
    let weights = weights::find(provision, model, events)?;
    // Optional files: absent ones are simply not used.
    let mut optional = |name: &str| provision.file(model, name, &mut *events).ok();
    let generation_config = optional("generation_config.json");
    let tokenizer_config = optional("tokenizer_config.json");
    let jinja = optional("chat_template.jinja");
    events(ProvisionEvent::Note(format!(
        "loading {arch} into memory ({})",
        weights.note()
    )));
    let files = Files {
        config,
        arch,
        tokenizer,
        weights,
        generation_config,
        tokenizer_config,
        jinja,
    };
    from_files(&files).map(Some)
}

/// The files of a safetensors causal LM, found.
pub struct Files {
    pub config: Value,
    pub arch: String,
    pub tokenizer: Tokenizer,
    pub weights: WeightFiles,
    pub generation_config: Option<PathBuf>,
    pub tokenizer_config: Option<PathBuf>,
    pub jinja: Option<PathBuf>,
}

/// Builds the generator from found files.
pub fn from_files(files: &Files) -> Result<Generator, PipelineError> {
    let tokenizer = files.tokenizer.clone();
    let (model, context) = build_model(&files.arch, &files.config, &files.weights)?;
    let template = chat_template(files)?;
    let stop_ids = stop_ids(files, &tokenizer)?;
    Ok(Generator::from_parts(
        LlamaModel::Safetensors(model),
        tokenizer,
        template,
        stop_ids,
        context,
    ))
}

/// The forward pass of architecture `arch` (config.json `architectures`) on the weights in
/// `weights`, and how many positions it reads.
pub fn build_model(
    arch: &str,
    config: &Value,
    weights: &WeightFiles,
) -> Result<(Box<dyn CausalLm>, usize), PipelineError> {
    let vb = weights.open(DType::F32, &Device::Cpu)?;
    let name = weights.path().display().to_string();
    let fail = |e: candle_core::Error| model_error(format!("{name}: {e}"));
    Ok(match arch {
        "LlamaForCausalLM" => {
            let m = llama_safetensors::SafetensorsLlama::load(vb, config).map_err(fail)?;
            let n = m.context();
            (Box::new(m), n)
        }
        "GPT2LMHeadModel" => {
            let m = gpt2::Gpt2::load(vb, config).map_err(fail)?;
            let n = m.context();
            (Box::new(m), n)
        }
        other => return Err(unsupported(other)),
    })
}

/// The forward pass of the model in folder `dir` (config.json + weights, see [`weights::in_dir`]).
pub fn load_dir(dir: &Path) -> Result<Box<dyn CausalLm>, PipelineError> {
    let config = read_json(&dir.join("config.json"))?;
    let arch = architecture(&config)?;
    Ok(build_model(&arch, &config, &weights::in_dir(dir)?)?.0)
}

fn unsupported(arch: &str) -> PipelineError {
    model_error(format!(
        "this model is a {arch}, which can't generate text in hftutor yet; \
         text-generation runs {} models (or a llama GGUF file)",
        SUPPORTED.join(" and ")
    ))
}

/// The first architecture config.json names, if this file runs it.
pub fn architecture(config: &Value) -> Result<String, PipelineError> {
    let arch = config["architectures"][0].as_str().ok_or_else(|| {
        model_error("config.json names no architecture, so hftutor can't tell how to run it")
    })?;
    if SUPPORTED.contains(&arch) {
        Ok(arch.to_string())
    } else {
        Err(unsupported(arch))
    }
}

/// tokenizer_config.json's `chat_template` (or chat_template.jinja). Without one there is no chat
/// mode (an empty template, which `ChatTemplate` refuses to render).
fn chat_template(files: &Files) -> Result<ChatTemplate, PipelineError> {
    let mut raw = None;
    if let Some(path) = &files.tokenizer_config {
        raw = read_json(path)?["chat_template"]
            .as_str()
            .map(str::to_string);
    }
    if raw.is_none() {
        if let Some(path) = &files.jinja {
            raw = std::fs::read_to_string(path).ok();
        }
    }
    Ok(ChatTemplate::from_raw(Some(raw.as_deref().unwrap_or(""))))
}

/// Token ids of `v`: one id or a list.
fn ids_of(v: &Value) -> Vec<u32> {
    match v {
        Value::Number(n) => n.as_u64().map(|n| n as u32).into_iter().collect(),
        Value::Array(a) => a
            .iter()
            .filter_map(Value::as_u64)
            .map(|n| n as u32)
            .collect(),
        _ => Vec::new(),
    }
}

/// End-of-text ids: generation_config.json's `eos_token_id`, else config.json's, plus
/// `<|endoftext|>` when the tokenizer has it.
fn stop_ids(files: &Files, tokenizer: &Tokenizer) -> Result<Vec<u32>, PipelineError> {
    let mut ids = Vec::new();
    if let Some(path) = &files.generation_config {
        ids = ids_of(&read_json(path)?["eos_token_id"]);
    }
    if ids.is_empty() {
        ids = ids_of(&files.config["eos_token_id"]);
    }
    if let Some(id) = tokenizer.token_to_id("<|endoftext|>") {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}
