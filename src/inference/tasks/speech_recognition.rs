//! `automatic-speech-recognition`: a wav file in, `{"text"}` out, with a Whisper encoder–decoder
//! (arch/whisper.rs) decoded as transformers' `generate` does it: the forced prefix,
//! `suppress_tokens` / `begin_suppress_tokens`, language detection for multilingual models
//! without `--language`, greedy or beam search (decode/beam_search.rs; the pipeline's default is 5
//! beams unless generation_config.json sets `num_beams`), stop at `<|endoftext|>` or
//! `max_new_tokens`. Clips over 30 s are transcribed 30 s at a time and the pieces joined (said
//! in `last_notes`).

use crate::domain::TaskInput;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use serde_json::Value;
use tokenizers::Tokenizer;

use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::StopReason;
use crate::domain::Stream;
use crate::domain::Task;
use crate::domain::Transcription;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::arch::weights;
use crate::inference::arch::whisper::WhisperModel;
use crate::inference::decode::beam_search::{self, Seq2SeqModel, Settings};
use crate::inference::decode::whisper_prompt::WhisperPrompt;
use crate::inference::model_error;
use crate::inference::preprocess::log_mel::{LogMel, CHUNK_SAMPLES, N_FRAMES};
use crate::inference::preprocess::wav::{self, Audio};
use crate::inference::read_json;
use crate::inference::tokenizers::gguf::{DecodeError, TextStreamer};
use crate::inference::tokenizers::load as tokenizers_load;
use crate::inference::Pipeline;
use crate::inference::PipelineError;

/// transformers' automatic-speech-recognition pipeline beams, when generation_config.json sets none.
pub const PIPELINE_NUM_BEAMS: usize = 5;

pub struct SpeechRecognitionPipeline {
    model: WhisperModel,
    tokenizer: Tokenizer,
    mel: LogMel,
    prompt: WhisperPrompt,
    /// Beam search settings from config.json and generation_config.json.
    settings: Settings,
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
        let tokenizer = tokenizers_load::load(provision, model, events)?;
        let generation = provision.file(model, "generation_config.json", events).ok();
        events(ProvisionEvent::Note(format!("loading {model} into memory")));
        let config = read_json(&config)?;
        let generation = generation.map(|p| read_json(&p)).transpose()?;
        if config["model_type"].as_str() != Some("whisper") {
            return Err(model_error(
                "config.json doesn't describe a Whisper model (model_type \"whisper\")",
            ));
        }
        let weights = weights::load(provision, model, events, DType::F32, &Device::Cpu)?;
        SpeechRecognitionPipeline::new(
            config,
            generation.unwrap_or(Value::Null),
            tokenizer,
            weights.vb,
        )
    }

    /// A pipeline from a Whisper model's config, generation config, tokenizer and weights.
    pub fn new(
        config: Value,
        generation: Value,
        tokenizer: Tokenizer,
        vb: VarBuilder,
    ) -> Result<SpeechRecognitionPipeline, PipelineError> {
        if config["model_type"].as_str() != Some("whisper") {
            return Err(model_error(
                "config.json doesn't describe a Whisper model (model_type \"whisper\")",
            ));
        }
        let device = Device::Cpu;
        let model = WhisperModel::load(vb, &config)
            .map_err(|e| model_error(format!("can't load the Whisper model: {e}")))?;
        let prompt = WhisperPrompt::new(&generation, &config, &tokenizer, model.max_positions())?;
        let n_mels = config["num_mel_bins"].as_u64().unwrap_or(80) as usize;
        let mel = LogMel::new(n_mels)?;
        let mut settings = Settings::from_layers(&[&config, &generation]);
        // transformers' generation config comes from config.json only when there is no
        // generation_config.json; the pipeline adds its 5 beams when neither sets num_beams.
        let own_beams = if generation.is_null() {
            &config["num_beams"]
        } else {
            &generation["num_beams"]
        };
        if !own_beams.is_u64() {
            settings.num_beams = PIPELINE_NUM_BEAMS;
        }
        settings.eos = vec![prompt.end];
        settings.bad_words.extend(&prompt.suppress);
        settings.begin_suppress = prompt.begin_suppress.clone();
        Ok(SpeechRecognitionPipeline {
            model,
            tokenizer,
            mel,
            prompt,
            settings,
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
        let audio = self.model.encode_audio(&mel)?;
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
        let audio = wav::read(path)?;
        let language = self.language(language)?;
        let end = audio.samples.len().min(CHUNK_SAMPLES);
        let (encoded, prefix) = self.encode(&audio.samples[..end], language)?;
        let s = self.settings_for(&prefix, 1, 1);
        let logits = beam_search::first_logits(&mut self.model, &encoded, &s)?;
        Ok((prefix, logits))
    }

    /// The decoding settings for one piece: its prefix, at most `max_new` tokens, `beams` beams.
    fn settings_for(&self, prefix: &[u32], max_new: usize, beams: usize) -> Settings {
        let mut s = self.settings.clone();
        s.decoder_start = prefix.first().copied().unwrap_or(self.prompt.start);
        s.prefix = prefix.get(1..).unwrap_or_default().to_vec();
        s.max_length = prefix.len() + max_new;
        s.num_beams = beams;
        s
    }

    /// The number of beams for a run: `--num-beams`, else the model's or the pipeline's default.
    fn beams(&self, params: &RunParams) -> usize {
        params
            .seq2seq
            .num_beams
            .unwrap_or(self.settings.num_beams)
            .clamp(1, 32)
    }

    /// Decodes one 30 s piece; greedy runs stream text as it comes, beam search streams it once
    /// the best beam is known.
    fn transcribe_chunk(
        &mut self,
        samples: &[f32],
        language: Option<u32>,
        max_new_tokens: usize,
        beams: usize,
        run: usize,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<(Vec<u32>, StopReason), PipelineError> {
        let (audio, prefix) = self.encode(samples, language)?;
        let room = self.prompt.max_length.saturating_sub(prefix.len());
        if max_new_tokens > room && max_new_tokens != usize::MAX {
            self.notes.push(format!(
                "this model writes at most {room} tokens per 30 s, so max_new_tokens was lowered to {room}."
            ));
        }
        if max_new_tokens.min(room) == 0 {
            return Ok((Vec::new(), StopReason::MaxTokens));
        }
        let s = self.settings_for(&prefix, max_new_tokens.min(room), beams);
        let end = self.prompt.end;
        let mut streamer = TextStreamer::new(&self.tokenizer);
        let mut failed = None;
        let mut out = if beams > 1 {
            beam_search::beam_search(&mut self.model, &audio, &s, &mut || {
                stream(Stream::Text {
                    run,
                    text: String::new(),
                })
            })?
        } else {
            beam_search::greedy(&mut self.model, &audio, &s, &mut |ids| {
                let next = ids.last().copied().filter(|&t| t != end);
                match next.map(|t| streamer.push(t)) {
                    Some(Ok(Some(text))) => stream(Stream::Text { run, text }),
                    Some(Err(e)) => {
                        failed = Some(e);
                        false
                    }
                    _ => true,
                }
            })?
        };
        if let Some(e) = failed {
            return Err(e.into());
        }
        if out.ids.last() == Some(&end) {
            out.ids.pop();
        }
        if beams > 1 {
            let text = self.tokenizer.decode(&out.ids, true).map_err(DecodeError)?;
            if out.stop != StopReason::Cancelled && !stream(Stream::Text { run, text }) {
                out.stop = StopReason::Cancelled;
            }
        } else if out.stop != StopReason::Cancelled {
            if let Some(rest) = streamer.rest()? {
                if !stream(Stream::Text { run, text: rest }) {
                    out.stop = StopReason::Cancelled;
                }
            }
        }
        Ok((out.ids, out.stop))
    }

    /// transformers' `detect_language`: one decoder step on `<|startoftranscript|>`, the likeliest
    /// language token wins.
    fn detect_language(&mut self, audio: &Tensor) -> Result<u32, PipelineError> {
        self.model.reset();
        let logits: Vec<f32> = self
            .model
            .step(&[self.prompt.start], 0, audio)?
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
        let audio = wav::read(Path::new(trimmed))?;
        let name = Path::new(trimmed)
            .file_name()
            .map_or_else(|| trimmed.to_string(), |n| n.to_string_lossy().into_owned());
        self.notes.extend(audio.notes(&name));
        stream(Stream::Clip {
            path: trimmed.to_string(),
            seconds: audio.seconds(),
        });
        let language = self.language(params.language.as_deref())?;
        let beams = self.beams(params);
        let limit = token_limit(params);
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
            let (ids, stop) = self.transcribe_chunk(piece, language, limit, beams, run, stream)?;
            let text = self.tokenizer.decode(&ids, true).map_err(DecodeError)?;
            let written = ids.len();
            out.text.push_str(&text);
            out.token_ids.push(ids);
            out.stop = stop;
            if stop == StopReason::MaxTokens {
                self.notes.push(if limit == usize::MAX {
                    format!("the transcript stopped after {written} tokens, the most this model writes for 30 s of sound.")
                } else {
                    format!("the transcript stopped after {written} tokens (max_new_tokens): raise --max-new-tokens for longer speech.")
                });
            }
            if stop == StopReason::Cancelled {
                break;
            }
        }
        Ok(out)
    }
}

impl Pipeline for SpeechRecognitionPipeline {
    fn task(&self) -> Task {
        Task::AutomaticSpeechRecognition
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

/// How many tokens a 30 s piece may take: what the caller set (`--max-new-tokens`, a lesson's
/// `max_new_tokens`, or a program's own `max_new_tokens`), else as many as the model allows, as
/// transformers' pipeline does for Whisper (its `max_length`, 448 for the real checkpoints).
fn token_limit(params: &RunParams) -> usize {
    match params.seq2seq.max_new_tokens {
        Some(n) => n,
        None if params.max_new_tokens == crate::domain::DEFAULT_MAX_NEW_TOKENS => usize::MAX,
        None => params.max_new_tokens,
    }
}
