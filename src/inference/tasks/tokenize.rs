//! The `tokenize` pipeline: the tokens and ids a model's tokenizer makes of a text, for models with
//! a Hugging Face tokenizer (`tokenizer.json` or its slow files, see `tokenizers::load`) and GGUF
//! models (tokenizer rebuilt from the file's metadata) alike.

use crate::domain::TaskInput;
use tokenizers::Tokenizer;

use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::domain::TokenInfo;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::quant::gguf_load;
use crate::inference::tokenizers::gguf;
use crate::inference::tokenizers::load as tokenizers_load;
use crate::inference::Pipeline;
use crate::inference::PipelineError;

/// A tokenizer alone (no weights are loaded).
pub struct TokenizePipeline {
    tokenizer: Tokenizer,
}

impl TokenizePipeline {
    /// The tokenizer of `model`: from its GGUF file when it has one (`gguf_file` set or pinned),
    /// else its Hugging Face tokenizer ([`tokenizers_load::load`]).
    pub fn load(
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<TokenizePipeline, PipelineError> {
        let gguf = match &model.gguf_file {
            Some(name) => Some(name.clone()),
            None => provision.gguf_name(model).ok(),
        };
        let tokenizer = match gguf {
            Some(name) => {
                let path = provision.file(model, &name, events)?;
                let content = gguf_load::read_content(&path)?;
                gguf::from_gguf_metadata(&content.metadata).map_err(|source| {
                    PipelineError::GgufTokenizer {
                        path: path.clone(),
                        source,
                    }
                })?
            }
            None => tokenizers_load::load(provision, model, events)?,
        };
        Ok(TokenizePipeline::new(tokenizer))
    }

    /// Wraps a tokenizer; its own padding and truncation are turned off (all tokens are shown).
    pub fn new(mut tokenizer: Tokenizer) -> TokenizePipeline {
        tokenizer.with_padding(None);
        // Turning truncation off can't fail (only setting a bad stride can).
        let _ = tokenizer.with_truncation(None);
        TokenizePipeline { tokenizer }
    }
}

/// The tokens of `text`, with the special tokens the tokenizer adds (`[CLS]`, `[SEP]`, BOS).
pub fn tokens_of(tokenizer: &Tokenizer, text: &str) -> Result<Vec<TokenInfo>, PipelineError> {
    let enc = tokenizer
        .encode(text, true)
        .map_err(PipelineError::Tokenizer)?;
    let added = tokenizer.get_added_tokens_decoder();
    let mask = enc.get_special_tokens_mask();
    Ok(enc
        .get_ids()
        .iter()
        .zip(enc.get_tokens())
        .zip(enc.get_offsets())
        .enumerate()
        .map(|(i, ((&id, token), &(start, end)))| TokenInfo {
            id,
            token: token.clone(),
            start,
            end,
            special: mask.get(i) == Some(&1) || added.get(&id).is_some_and(|t| t.special),
        })
        .collect())
}

impl Pipeline for TokenizePipeline {
    fn task(&self) -> Task {
        Task::Tokenize
    }

    fn run_input(
        &mut self,
        input: &TaskInput,
        _params: &RunParams,
        _runs: usize,
        _stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let inputs = input.texts();
        if inputs.is_empty() || inputs.iter().all(|t| t.is_empty()) {
            return Err(PipelineError::BadInput(
                "there is no text to tokenize: type some".into(),
            ));
        }
        let tokens = inputs
            .iter()
            .map(|t| tokens_of(&self.tokenizer, t))
            .collect::<Result<_, _>>()?;
        Ok(PipelineOutput::Tokens(tokens))
    }
}
