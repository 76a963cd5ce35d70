//! `automatic-speech-recognition`: a wav file in, `{"text"}` out, with a Whisper encoder–decoder
//! (candle_transformers' whisper model) and greedy decoding as transformers' `generate` does it:
//! the forced prefix, `suppress_tokens` / `begin_suppress_tokens`, language detection for
//! multilingual models without `--language`, stop at `<|endoftext|>` or `max_new_tokens`.
//! Clips over 30 s are transcribed 30 s at a time and the pieces joined (said in `last_notes`).

use std::path::Path;

use candle_core::{DType, Device, IndexOp, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::whisper::{model::Whisper, Config};
use serde::Serialize;
use serde_json::Value;
use tokenizers::Tokenizer;

use super::audio_wav::{self, Audio};
use super::gguf_tokenizer::TextStreamer;
use super::log_mel::{LogMel, CHUNK_SAMPLES, N_FRAMES};
use super::read_json;
use super::whisper_prompt::WhisperPrompt;
use super::{model_error, Pipeline, PipelineError, PipelineOutput, RunParams, StopReason, Stream};
use crate::course::ModelRef;
use crate::models::{Provision, ProvisionEvent};
use crate::task::Task;

/// What was said in one file, as transformers' pipeline gives it (`{"text": …}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transcription {
    pub text: String,
    /// The generated token ids of each 30 s piece (prefix and `<|endoftext|>` left out).
    #[serde(skip)]
    pub token_ids: Vec<Vec<u32>>,
    /// Why the last piece stopped.
    #[serde(skip)]
    pub stop: StopReason,
}

pub struct SpeechRecognitionPipeline {
    model: Whisper,
    tokenizer: Tokenizer,
    mel: LogMel,
    prompt: WhisperPrompt,
    device: Device,
    notes: Vec<String>,
}

impl SpeechRecognitionPipeline {
    pub fn load(
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<SpeechRecognitionPipeline, PipelineError> {
        let config = provision.file(model, "config.json", events)?;
        let tokenizer = provision.file(model, "tokenizer.json", events)?;
        let weights = provision.file(model, "model.safetensors", events)?;
        let generation = provision.file(model, "generation_config.json", events).ok();
        events(ProvisionEvent::Note(format!("loading {model} into memory")));
        let config = read_json(&config)?;
        let generation = generation.map(|p| read_json(&p)).transpose()?;
        let tokenizer = Tokenizer::from_file(&tokenizer)
            .map_err(|e| model_error(format!("can't read the tokenizer of {model}: {e}")))?;
        SpeechRecognitionPipeline::new(
            config,
            generation.unwrap_or(Value::Null),
            tokenizer,
            &weights,
        )
    }

    pub fn new(
        config: Value,
        generation: Value,
        tokenizer: Tokenizer,
        weights: &Path,
    ) -> Result<SpeechRecognitionPipeline, PipelineError> {
        if config["model_type"].as_str() != Some("whisper") {
            return Err(model_error(
                "config.json doesn't describe a Whisper model (model_type \"whisper\")",
            ));
        }
        let cfg: Config = serde_json::from_value(config.clone())
            .map_err(|e| model_error(format!("config.json of a Whisper model: {e}")))?;
        for key in ["encoder_ffn_dim", "decoder_ffn_dim"] {
            if config[key]
                .as_u64()
                .is_some_and(|d| d as usize != 4 * cfg.d_model)
            {
                return Err(model_error(format!(
                    "{key} must be 4 × d_model for hftutor's Whisper (it is {})",
                    config[key]
                )));
            }
        }
        let device = Device::Cpu;
        // SAFETY: the file is mapped read-only; hftutor never writes model files while running.
        let vb = unsafe { VarBuilder::from_mmaped_safetensors(&[weights], DType::F32, &device) }
            .map_err(|e| model_error(format!("can't read {}: {e}", weights.display())))?;
        let prompt =
            WhisperPrompt::new(&generation, &config, &tokenizer, cfg.max_target_positions)?;
        let mel = LogMel::new(cfg.num_mel_bins)?;
        let model = Whisper::load(&vb, cfg)?;
        Ok(SpeechRecognitionPipeline {
            model,
            tokenizer,
            mel,
            prompt,
            device,
            notes: Vec::new(),
        })
    }

    /// The log-mel features of the first 30 s of `audio` (n_mels rows of 3000 frames).
    pub fn features(&self, audio: &Audio) -> Result<Vec<f32>, PipelineError> {
        self.mel.features(&audio.samples)
    }

    /// The language token to use, from `--language` (checked against the model).
    fn language(&mut self, language: Option<&str>) -> Result<Option<u32>, PipelineError> {
        match language.map(str::trim).filter(|l| !l.is_empty()) {
            None => Ok(None),
            Some(l) if self.prompt.multilingual() => self.prompt.language_id(l).map(Some),
            Some(l) if matches!(l.to_lowercase().as_str(), "en" | "english" | "<|en|>") => {
                self.notes.push(
                    "this model only knows English, so --language isn't needed (it was ignored)."
                        .into(),
                );
                Ok(None)
            }
            Some(l) => Err(PipelineError::BadInput(format!(
                "this model only understands English, so it can't transcribe \"{l}\": use a multilingual Whisper model (like openai/whisper-tiny) for other languages"
            ))),
        }
    }

    /// The encoder's output for one 30 s piece and the forced prefix (detecting the language of
    /// a multilingual model when none is given).
    fn encode(
        &mut self,
        samples: &[f32],
        language: Option<u32>,
    ) -> Result<(Tensor, Vec<u32>), PipelineError> {
        let n_mels = self.mel.n_mels();
        let features = self.mel.features(samples)?;
        let mel = Tensor::from_vec(features, (1, n_mels, N_FRAMES), &self.device)?;
        let audio = self.model.encoder.forward(&mel, true)?;
        let language = match (language, self.prompt.multilingual()) {
            (Some(l), _) => Some(l),
            (None, true) => Some(self.detect_language(&audio)?),
            (None, false) => None,
        };
        let prefix = self.prompt.prefix(language);
        Ok((audio, prefix))
    }

    /// The scores of the first token after the prefix for the first 30 s of a wav file, with the
    /// prefix (for comparing with transformers).
    pub fn first_logits(
        &mut self,
        path: &Path,
        language: Option<&str>,
    ) -> Result<(Vec<u32>, Vec<f32>), PipelineError> {
        let audio = audio_wav::read(path)?;
        let language = self.language(language)?;
        let end = audio.samples.len().min(CHUNK_SAMPLES);
        let (encoded, prefix) = self.encode(&audio.samples[..end], language)?;
        let logits = next_logits(&mut self.model, &self.device, &prefix, &encoded, true)?;
        Ok((prefix, logits))
    }

    /// Greedy decoding of one 30 s piece; streams text as it comes.
    fn transcribe_chunk(
        &mut self,
        samples: &[f32],
        language: Option<u32>,
        max_new_tokens: usize,
        run: usize,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<(Vec<u32>, StopReason), PipelineError> {
        let (audio, prefix) = self.encode(samples, language)?;
        let room = self.prompt.max_length.saturating_sub(prefix.len());
        if max_new_tokens > room {
            self.notes.push(format!(
                "this model writes at most {room} tokens per 30 s, so max_new_tokens was lowered to {room}."
            ));
        }
        let max_new = max_new_tokens.min(room);
        let mut tokens = prefix.clone();
        let mut streamer = TextStreamer::new(&self.tokenizer);
        let mut stop = StopReason::MaxTokens;
        for step in 0..max_new {
            let mut logits =
                next_logits(&mut self.model, &self.device, &tokens, &audio, step == 0)?;
            let begin = if step == 0 {
                self.prompt.begin_suppress.as_slice()
            } else {
                &[]
            };
            for &id in self.prompt.suppress.iter().chain(begin) {
                if let Some(l) = logits.get_mut(id as usize) {
                    *l = f32::NEG_INFINITY;
                }
            }
            let next = argmax(&logits);
            if next == self.prompt.end {
                stop = StopReason::EndOfText;
                break;
            }
            tokens.push(next);
            if let Some(text) = streamer.push(next).map_err(model_error)? {
                if !stream(Stream::Text { run, text }) {
                    stop = StopReason::Cancelled;
                    break;
                }
            }
        }
        if stop != StopReason::Cancelled {
            if let Some(rest) = streamer.rest().map_err(model_error)? {
                if !stream(Stream::Text { run, text: rest }) {
                    stop = StopReason::Cancelled;
                }
            }
        }
        Ok((tokens[prefix.len()..].to_vec(), stop))
    }

    /// transformers' `detect_language`: one decoder step on `<|startoftranscript|>`, the likeliest
    /// language token wins.
    fn detect_language(&mut self, audio: &Tensor) -> Result<u32, PipelineError> {
        let input = Tensor::new(&[self.prompt.start], &self.device)?.unsqueeze(0)?;
        let hidden = self.model.decoder.forward(&input, audio, true)?;
        let logits: Vec<f32> = self
            .model
            .decoder
            .final_linear(&hidden)?
            .flatten_all()?
            .to_vec1()?;
        let (name, id) = self
            .prompt
            .languages
            .iter()
            .filter(|(_, id)| (*id as usize) < logits.len())
            .max_by(|a, b| logits[a.1 as usize].total_cmp(&logits[b.1 as usize]))
            .cloned()
            .ok_or_else(|| model_error("the model's language tokens are missing"))?;
        let code = name.trim_start_matches("<|").trim_end_matches("|>");
        self.notes.push(format!(
            "no --language given: the model guessed the language is \"{code}\" (pass --language to choose)."
        ));
        Ok(id)
    }

    /// Transcribes one wav file.
    pub fn transcribe(
        &mut self,
        path: &str,
        params: &RunParams,
        run: usize,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<Transcription, PipelineError> {
        let trimmed = path.trim();
        if trimmed.is_empty() {
            return Err(PipelineError::BadInput(
                "give the path of a .wav file to transcribe".into(),
            ));
        }
        let audio = audio_wav::read(Path::new(trimmed))?;
        let name = Path::new(trimmed)
            .file_name()
            .map_or_else(|| trimmed.to_string(), |n| n.to_string_lossy().into_owned());
        self.notes.extend(audio.notes(&name));
        stream(Stream::Clip {
            path: trimmed.to_string(),
            seconds: audio.seconds(),
        });
        let language = self.language(params.language.as_deref())?;
        let pieces: Vec<&[f32]> = audio.samples.chunks(CHUNK_SAMPLES).collect();
        if pieces.len() > 1 {
            self.notes.push(format!(
                "{name} is {:.0} s long: Whisper hears 30 s at a time, so hftutor transcribed it in {} pieces and joined the texts (a word cut at a boundary may come out wrong).",
                audio.seconds(),
                pieces.len()
            ));
        }
        let mut out = Transcription {
            text: String::new(),
            token_ids: Vec::new(),
            stop: StopReason::EndOfText,
        };
        for piece in pieces {
            let (ids, stop) =
                self.transcribe_chunk(piece, language, params.max_new_tokens, run, stream)?;
            let text = self
                .tokenizer
                .decode(&ids, true)
                .map_err(|e| model_error(format!("can't decode tokens: {e}")))?;
            out.text.push_str(&text);
            out.token_ids.push(ids);
            out.stop = stop;
            if stop == StopReason::MaxTokens {
                self.notes.push(format!(
                    "the transcript stopped after {} tokens (max_new_tokens): raise --max-new-tokens for longer speech.",
                    params.max_new_tokens
                ));
            }
            if stop == StopReason::Cancelled {
                break;
            }
        }
        Ok(out)
    }
}

/// The decoder's scores for the token after `tokens` (before any suppression). `fresh`: a new
/// piece of audio (recompute the cross-attention keys).
fn next_logits(
    model: &mut Whisper,
    device: &Device,
    tokens: &[u32],
    audio: &Tensor,
    fresh: bool,
) -> Result<Vec<f32>, PipelineError> {
    let input = Tensor::new(tokens, device)?.unsqueeze(0)?;
    let hidden = model.decoder.forward(&input, audio, fresh)?;
    let last = hidden.i((.., tokens.len() - 1..))?;
    Ok(model
        .decoder
        .final_linear(&last)?
        .flatten_all()?
        .to_vec1()?)
}

/// The first index of the largest value (ties: the lowest id, as torch's argmax).
fn argmax(v: &[f32]) -> u32 {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x > v[best] {
            best = i;
        }
    }
    best as u32
}

impl Pipeline for SpeechRecognitionPipeline {
    fn task(&self) -> Task {
        Task::AutomaticSpeechRecognition
    }

    fn run(
        &mut self,
        inputs: &[String],
        params: &RunParams,
        _runs: usize,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        self.notes.clear();
        if inputs.is_empty() {
            return Err(PipelineError::BadInput(
                "give the path of a .wav file to transcribe".into(),
            ));
        }
        let mut out = Vec::new();
        for (i, path) in inputs.iter().enumerate() {
            out.push(self.transcribe(path, params, i, stream)?);
        }
        // One note per kind, not one per 30 s piece.
        let mut seen = std::collections::HashSet::new();
        self.notes.retain(|n| seen.insert(n.clone()));
        Ok(PipelineOutput::Transcriptions(out))
    }

    fn last_notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}
