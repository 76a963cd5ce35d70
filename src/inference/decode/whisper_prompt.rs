//! Whisper's decoding settings from `generation_config.json`, as transformers' `generate` reads
//! them: the forced prefix (`<|startoftranscript|>`, language, `<|transcribe|>`,
//! `<|notimestamps|>`; English-only models have no language or task token), the tokens never to
//! pick (`suppress_tokens`) and those not to start with (`begin_suppress_tokens`).

use serde_json::Value;
use tokenizers::Tokenizer;

use crate::inference::model_error;
use crate::inference::PipelineError;

/// The settings greedy decoding needs.
#[derive(Debug, Clone, PartialEq)]
pub struct WhisperPrompt {
    pub start: u32,
    pub end: u32,
    pub no_timestamps: Option<u32>,
    pub transcribe: Option<u32>,
    /// Language tokens (`<|en|>`, …) with their ids; empty for English-only models.
    pub languages: Vec<(String, u32)>,
    pub suppress: Vec<u32>,
    pub begin_suppress: Vec<u32>,
    /// Longest decoder sequence (prefix included).
    pub max_length: usize,
}

fn ids(v: &Value) -> Vec<u32> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_u64())
                .map(|x| x as u32)
                .collect()
        })
        .unwrap_or_default()
}

impl WhisperPrompt {
    /// From `generation_config.json` (`gen`, may be `Null`), `config.json` and the tokenizer.
    pub fn new(
        gen: &Value,
        config: &Value,
        tokenizer: &Tokenizer,
        max_positions: usize,
    ) -> Result<WhisperPrompt, PipelineError> {
        let id = |key: &str, token: &str| -> Option<u32> {
            gen[key]
                .as_u64()
                .or_else(|| config[key].as_u64())
                .map(|x| x as u32)
                .or_else(|| tokenizer.token_to_id(token))
        };
        let start = id("decoder_start_token_id", "<|startoftranscript|>")
            .ok_or_else(|| model_error("the model names no <|startoftranscript|> token"))?;
        let end = id("eos_token_id", "<|endoftext|>")
            .ok_or_else(|| model_error("the model names no <|endoftext|> token"))?;
        let no_timestamps = id("no_timestamps_token_id", "<|notimestamps|>");
        let multilingual = gen["is_multilingual"]
            .as_bool()
            .unwrap_or_else(|| gen["lang_to_id"].is_object());
        let mut languages: Vec<(String, u32)> = match gen["lang_to_id"].as_object() {
            Some(map) if multilingual => map
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_u64()? as u32)))
                .collect(),
            _ => Vec::new(),
        };
        languages.sort_by_key(|(_, id)| *id);
        let transcribe = if multilingual {
            gen["task_to_id"]["transcribe"]
                .as_u64()
                .map(|x| x as u32)
                .or_else(|| tokenizer.token_to_id("<|transcribe|>"))
        } else {
            None
        };
        let pick = |key: &str| {
            if gen[key].is_array() {
                ids(&gen[key])
            } else {
                ids(&config[key])
            }
        };
        let max_length = gen["max_length"]
            .as_u64()
            .map_or(max_positions, |m| (m as usize).min(max_positions));
        Ok(WhisperPrompt {
            start,
            end,
            no_timestamps,
            transcribe,
            languages,
            suppress: pick("suppress_tokens"),
            begin_suppress: pick("begin_suppress_tokens"),
            max_length,
        })
    }

    pub fn multilingual(&self) -> bool {
        !self.languages.is_empty()
    }

    /// The language token id for `language` (`en`, `<|en|>` or `english`).
    pub fn language_id(&self, language: &str) -> Result<u32, PipelineError> {
        let l = language.trim().to_lowercase();
        let code = match l.as_str() {
            "english" => "en",
            "french" => "fr",
            "german" => "de",
            "spanish" => "es",
            "italian" => "it",
            "portuguese" => "pt",
            "dutch" => "nl",
            "chinese" => "zh",
            "japanese" => "ja",
            other => other.trim_start_matches("<|").trim_end_matches("|>"),
        };
        let token = format!("<|{code}|>");
        self.languages
            .iter()
            .find(|(t, _)| *t == token)
            .map(|(_, id)| *id)
            .ok_or_else(|| {
                let known: Vec<&str> = self
                    .languages
                    .iter()
                    .map(|(t, _)| t.trim_start_matches("<|").trim_end_matches("|>"))
                    .collect();
                PipelineError::BadInput(format!(
                    "this model doesn't know the language \"{language}\"; try one of: {}",
                    known.join(", ")
                ))
            })
    }

    /// The forced prefix for a language token (`None`: English-only model).
    pub fn prefix(&self, language: Option<u32>) -> Vec<u32> {
        let mut p = vec![self.start];
        if let Some(l) = language {
            p.push(l);
            p.extend(self.transcribe);
        }
        p.extend(self.no_timestamps);
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tokenizer() -> Tokenizer {
        Tokenizer::new(tokenizers::models::bpe::BPE::default())
    }

    #[test]
    fn english_only_and_multilingual_prefixes() {
        let en = json!({"decoder_start_token_id": 5, "eos_token_id": 4, "no_timestamps_token_id": 9,
            "suppress_tokens": [1, 2], "begin_suppress_tokens": [3, 4], "max_length": 448});
        let p = WhisperPrompt::new(&en, &json!({}), &tokenizer(), 64).unwrap();
        assert!(!p.multilingual());
        assert_eq!(p.prefix(None), vec![5, 9]);
        assert_eq!(
            (p.suppress.clone(), p.begin_suppress.clone(), p.max_length),
            (vec![1, 2], vec![3, 4], 64)
        );
        assert!(matches!(
            p.language_id("en"),
            Err(PipelineError::BadInput(_))
        ));

        let multi = json!({"decoder_start_token_id": 5, "eos_token_id": 4, "no_timestamps_token_id": 9,
            "is_multilingual": true, "lang_to_id": {"<|en|>": 6, "<|fr|>": 7},
            "task_to_id": {"transcribe": 8, "translate": 10}});
        let p = WhisperPrompt::new(&multi, &json!({}), &tokenizer(), 448).unwrap();
        assert_eq!(p.language_id("English").unwrap(), 6);
        assert_eq!(p.prefix(Some(7)), vec![5, 7, 8, 9]);
        let err = p.language_id("klingon").unwrap_err().to_string();
        assert!(err.contains("en, fr"), "{err}");
    }
}
