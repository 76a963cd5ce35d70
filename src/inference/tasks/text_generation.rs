//! Text generation with a llama-family GGUF model (SmolLM2), or a safetensors llama / GPT-2
//! (`causal_lm`): the prompt (plain, or a user message
//! in the model's chat template), greedy or sampled decoding token by token with a KV cache,
//! streaming, stop at end of text or max tokens, and speed measurements.

use crate::domain::TaskInput;
use std::path::Path;
use std::time::Instant;

use candle_core::{Device, Tensor};
use candle_transformers::generation::{LogitsProcessor, Sampling};
use candle_transformers::models::quantized_llama::MAX_SEQ_LEN;
use tokenizers::Tokenizer;

use crate::domain::Generation;
use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::StopReason;
use crate::domain::Stream;
use crate::domain::Task;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::arch::llama_gguf::LlamaModel;
use crate::inference::decode::candidates;
use crate::inference::decode::chat_template::ChatTemplate;
use crate::inference::quant::gguf_load::{self, WeightFormat};
use crate::inference::tokenizers::gguf::{self, TextStreamer};
use crate::inference::Pipeline;
use crate::inference::PipelineError;

/// A loaded generator: weights, tokenizer and chat template of one GGUF model.
pub struct Generator {
    model: LlamaModel,
    tokenizer: Tokenizer,
    template: ChatTemplate,
    /// Tokens that end the text in any mode (the file's EOS, `<|endoftext|>`).
    stop_ids: Vec<u32>,
    /// The token that ends a chat turn (`<|im_end|>`), if the template has one.
    end_of_turn: Option<u32>,
    /// Prompt + generated tokens may not exceed this.
    context: usize,
    device: Device,
}

impl Generator {
    /// Fetches the model's GGUF file through `provision` and loads it.
    pub fn load(
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<Generator, PipelineError> {
        let name = match provision.gguf_name(model) {
            Ok(name) => name,
            // No GGUF file: a plain safetensors folder (llama-family, GPT-2), if it is one.
            Err(e) => match crate::inference::arch::causal_lm::load(model, provision, events)? {
                Some(generator) => return Ok(generator),
                None => return Err(e.into()),
            },
        };
        let path = provision.file(model, &name, events)?;
        events(ProvisionEvent::Note(format!("loading {name} into memory")));
        Generator::from_gguf(&path, WeightFormat::from_env())
    }

    /// Loads a GGUF file from disk.
    pub fn from_gguf(path: &Path, format: WeightFormat) -> Result<Generator, PipelineError> {
        let content = gguf_load::read_content(path)?;
        let md = &content.metadata;
        let tokenizer =
            gguf::from_gguf_metadata(md).map_err(|source| PipelineError::GgufTokenizer {
                path: path.to_path_buf(),
                source,
            })?;
        let template =
            ChatTemplate::from_raw(gguf::md_string(md, "tokenizer.chat_template").as_deref());
        let ids = gguf::special_ids(md);
        let mut stop_ids: Vec<u32> = ids.eos.into_iter().collect();
        if let Some(id) = tokenizer.token_to_id("<|endoftext|>") {
            stop_ids.push(id);
        }
        let end_of_turn = template
            .end_of_turn()
            .and_then(|t| tokenizer.token_to_id(t));
        let context = md
            .get("llama.context_length")
            .and_then(|v| v.to_u32().ok())
            .map_or(MAX_SEQ_LEN, |n| (n as usize).min(MAX_SEQ_LEN));
        let device = Device::Cpu;
        let model = gguf_load::load_llama(path, content, format, &device)?;
        Ok(Generator {
            model,
            tokenizer,
            template,
            stop_ids,
            end_of_turn,
            context,
            device,
        })
    }

    /// A generator from parts another loader made (`causal_lm`: safetensors folders).
    pub(crate) fn from_parts(
        model: LlamaModel,
        tokenizer: Tokenizer,
        template: ChatTemplate,
        stop_ids: Vec<u32>,
        context: usize,
    ) -> Generator {
        let end_of_turn = template
            .end_of_turn()
            .and_then(|t| tokenizer.token_to_id(t));
        Generator {
            model,
            tokenizer,
            template,
            stop_ids,
            end_of_turn,
            context,
            device: Device::Cpu,
        }
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    pub fn template(&self) -> &ChatTemplate {
        &self.template
    }

    /// The exact prompt for `input`: as is, or wrapped in the chat template when `params.chat`.
    pub fn prompt_for(&self, input: &str, params: &RunParams) -> Result<String, PipelineError> {
        if input.trim().is_empty() {
            return Err(PipelineError::BadInput(if params.chat {
                "the message is empty: type something to say to the assistant".into()
            } else {
                "the prompt is empty: type the start of a text for the model to continue".into()
            }));
        }
        if params.chat {
            self.template
                .render(params.system.as_deref(), input)
                .map_err(|e| PipelineError::BadInput(e.to_string()))
        } else {
            Ok(input.to_string())
        }
    }

    /// Token ids of a prompt (special tokens such as `<|im_start|>` written in it are recognised).
    pub fn encode(&self, prompt: &str) -> Result<Vec<u32>, PipelineError> {
        let enc = self
            .tokenizer
            .encode(prompt, true)
            .map_err(PipelineError::Tokenizer)?;
        Ok(enc.get_ids().to_vec())
    }

    /// Generates a continuation of `prompt` (already templated). `run` tags the streamed text.
    pub fn generate(
        &mut self,
        prompt: &str,
        params: &RunParams,
        seed: u64,
        run: usize,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<Generation, PipelineError> {
        let sampling = sampling_for(params)?;
        let greedy = matches!(sampling, Sampling::ArgMax);
        let prompt_ids = self.encode(prompt)?;
        if prompt_ids.is_empty() {
            return Err(PipelineError::BadInput("the prompt makes no tokens".into()));
        }
        if prompt_ids.len() >= self.context {
            return Err(PipelineError::BadInput(format!(
                "the prompt is {} tokens long; this model reads at most {}",
                prompt_ids.len(),
                self.context - 1
            )));
        }
        let max_new = params.max_new_tokens.min(self.context - prompt_ids.len());
        let mut stops = self.stop_ids.clone();
        if params.chat {
            stops.extend(self.end_of_turn);
        }
        let mut logits_processor = LogitsProcessor::from_sampling(seed, sampling);
        // A fresh conversation: nothing cached from the last run.
        self.model.clear_kv_cache();

        let started = Instant::now();
        let input = Tensor::new(prompt_ids.as_slice(), &self.device)?.unsqueeze(0)?;
        let mut logits = self.model.forward(&input, 0)?.squeeze(0)?;
        let prompt_secs = started.elapsed().as_secs_f64();

        let decode_started = Instant::now();
        let mut forwards = 0usize;
        let mut streamer = TextStreamer::new(&self.tokenizer);
        let mut token_ids = Vec::new();
        let mut stop = StopReason::MaxTokens;
        while token_ids.len() < max_new {
            let next = logits_processor.sample(&logits)?;
            let shown_at = if greedy { 0.0 } else { params.temperature };
            let candidates = candidates::report(&logits, shown_at, &self.tokenizer)?;
            let (step, chosen) = (token_ids.len(), next);
            if !stream(Stream::Candidates {
                run,
                step,
                chosen,
                candidates,
            }) {
                stop = StopReason::Cancelled;
                break;
            }
            if stops.contains(&next) {
                stop = StopReason::EndOfText;
                break;
            }
            token_ids.push(next);
            if let Some(text) = streamer.push(next)? {
                if !stream(Stream::Text { run, text }) {
                    stop = StopReason::Cancelled;
                    break;
                }
            }
            if token_ids.len() >= max_new {
                break;
            }
            let input = Tensor::new(&[next], &self.device)?.unsqueeze(0)?;
            let pos = prompt_ids.len() + token_ids.len() - 1;
            logits = self.model.forward(&input, pos)?.squeeze(0)?;
            forwards += 1;
        }
        if stop != StopReason::Cancelled {
            if let Some(rest) = streamer.rest()? {
                if !stream(Stream::Text { run, text: rest }) {
                    stop = StopReason::Cancelled;
                }
            }
        }
        let decode_secs = decode_started.elapsed().as_secs_f64();
        let text = streamer.text()?;
        Ok(Generation {
            prompt: prompt.to_string(),
            text,
            token_ids,
            stop,
            prompt_tokens: prompt_ids.len(),
            prompt_tokens_per_s: rate(prompt_ids.len(), prompt_secs),
            decode_tokens_per_s: rate(forwards, decode_secs),
        })
    }
}

fn rate(n: usize, secs: f64) -> f64 {
    if n == 0 || secs <= 0.0 {
        0.0
    } else {
        n as f64 / secs
    }
}

/// The sampling strategy `params` ask for; bad values are the student's to fix.
pub fn sampling_for(params: &RunParams) -> Result<Sampling, PipelineError> {
    let bad = |m: String| Err(PipelineError::BadInput(m));
    if params.max_new_tokens == 0 {
        return bad("max_new_tokens must be at least 1".into());
    }
    // The bounds a lesson's settings have (domain::params), checked even when greedy: a
    // negative temperature or a top_p of 1.5 is a mistake to say, not to ignore.
    let temperature = crate::domain::params::temperature(params.temperature)
        .map_err(|e| PipelineError::BadInput(format!("{e}, not {}", params.temperature)))?;
    let top_p = match params.top_p {
        Some(p) => Some(
            crate::domain::params::top_p(p)
                .map_err(|e| PipelineError::BadInput(format!("{e}, not {p}")))?,
        ),
        None => None,
    };
    if temperature < crate::domain::params::GREEDY_BELOW {
        return Ok(Sampling::ArgMax);
    }
    let top_k = params.top_k.filter(|&k| k > 0);
    let top_p = top_p.filter(|&p| p < 1.0);
    Ok(match (top_k, top_p) {
        (None, None) => Sampling::All { temperature },
        (Some(k), None) => Sampling::TopK { k, temperature },
        (None, Some(p)) => Sampling::TopP { p, temperature },
        (Some(k), Some(p)) => Sampling::TopKThenTopP { k, p, temperature },
    })
}

/// `text-generation` on a loaded generator.
pub struct GenerationPipeline {
    generator: Generator,
}

impl GenerationPipeline {
    pub fn new(generator: Generator) -> GenerationPipeline {
        GenerationPipeline { generator }
    }

    pub fn generator(&self) -> &Generator {
        &self.generator
    }

    pub fn generator_mut(&mut self) -> &mut Generator {
        &mut self.generator
    }
}

impl Pipeline for GenerationPipeline {
    fn task(&self) -> Task {
        Task::TextGeneration
    }

    /// Each input is a prompt; each prompt runs `runs` times (seed + i when a seed is set, a fresh
    /// random seed otherwise). Entries come prompt by prompt; `Stream::Text::run` is the entry's
    /// index. A cancel stops all remaining runs.
    fn run_input(
        &mut self,
        input: &TaskInput,
        params: &RunParams,
        runs: usize,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let inputs = input.texts();
        if inputs.is_empty() {
            return Err(PipelineError::BadInput(
                "there is no prompt: type one".into(),
            ));
        }
        sampling_for(params)?;
        let prompts: Vec<String> = inputs
            .iter()
            .map(|i| self.generator.prompt_for(i, params))
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        'prompts: for prompt in &prompts {
            for r in 0..runs.max(1) {
                let seed = match params.seed {
                    Some(s) => s.wrapping_add(r as u64),
                    None => rand::random::<u64>(),
                };
                let g = self
                    .generator
                    .generate(prompt, params, seed, out.len(), stream)?;
                let cancelled = g.stop == StopReason::Cancelled;
                out.push(g);
                if cancelled {
                    break 'prompts;
                }
            }
        }
        Ok(PipelineOutput::Generations(out))
    }

    fn chat_template(&self) -> Option<String> {
        self.generator.template().raw().map(str::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(temperature: f64, top_k: Option<usize>, top_p: Option<f64>) -> RunParams {
        RunParams {
            temperature,
            top_k,
            top_p,
            ..RunParams::default()
        }
    }

    #[test]
    fn sampling_follows_the_params() {
        assert_eq!(
            sampling_for(&params(0.0, Some(5), Some(0.5))).unwrap(),
            Sampling::ArgMax
        );
        // Sampling at a temperature this small is picking the most likely token.
        for tiny in [1e-5, 1e-38, 1e-45, f64::MIN_POSITIVE] {
            assert_eq!(
                sampling_for(&params(tiny, None, None)).unwrap(),
                Sampling::ArgMax
            );
        }
        assert_eq!(
            sampling_for(&params(0.7, None, None)).unwrap(),
            Sampling::All { temperature: 0.7 }
        );
        assert_eq!(
            sampling_for(&params(1.0, Some(0), Some(1.0))).unwrap(),
            Sampling::All { temperature: 1.0 }
        );
        assert_eq!(
            sampling_for(&params(1.0, Some(3), None)).unwrap(),
            Sampling::TopK {
                k: 3,
                temperature: 1.0
            }
        );
        assert_eq!(
            sampling_for(&params(1.0, None, Some(0.9))).unwrap(),
            Sampling::TopP {
                p: 0.9,
                temperature: 1.0
            }
        );
        assert_eq!(
            sampling_for(&params(1.0, Some(3), Some(0.9))).unwrap(),
            Sampling::TopKThenTopP {
                k: 3,
                p: 0.9,
                temperature: 1.0
            }
        );
    }

    #[test]
    fn bad_sampling_params_are_bad_input() {
        for p in [
            params(f64::NAN, None, None),
            params(f64::INFINITY, None, None),
            params(-1.0, None, None),
            params(0.0, None, Some(1.5)),
            params(5.5, None, None),
            params(1.0, None, Some(0.0)),
            params(1.0, None, Some(1.5)),
            params(1.0, None, Some(f64::NAN)),
            RunParams {
                max_new_tokens: 0,
                ..RunParams::default()
            },
        ] {
            assert!(
                matches!(sampling_for(&p), Err(PipelineError::BadInput(_))),
                "{p:?}"
            );
        }
    }
}
