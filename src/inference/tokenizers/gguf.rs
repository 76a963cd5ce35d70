//! The tokenizer of a GGUF model, rebuilt from its metadata (`tokenizer.ggml.*`) as a byte-level
//! BPE with the tokenizers crate. candle's `Tokenizer::from_gguf` adds a prefix space ("Hello" →
//! "ĠHello"), which llama.cpp and transformers don't; this one matches them.

use std::collections::HashMap;

use candle_core::quantized::gguf_file::Value;
use tokenizers::decoders::byte_level::ByteLevel as ByteLevelDecoder;
use tokenizers::models::bpe::{Vocab, BPE};
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::pre_tokenizers::digits::Digits;
use tokenizers::pre_tokenizers::sequence::Sequence;
use tokenizers::pre_tokenizers::PreTokenizerWrapper;
use tokenizers::processors::template::{TemplateProcessing, TemplateProcessingBuilderError};
use tokenizers::{AddedToken, Tokenizer};

/// Why a GGUF file's metadata doesn't make a tokenizer.
#[derive(Debug, thiserror::Error)]
pub enum GgufTokenizerError {
    #[error(
        "this GGUF file's tokenizer is {0:?}; hftutor reads byte-level BPE (\"gpt2\") tokenizers only"
    )]
    UnsupportedKind(String),
    #[error("the GGUF file has no {0}")]
    Missing(String),
    #[error("{0} is not a list")]
    NotAList(String),
    #[error("{0} holds a non-string")]
    NotAString(String),
    #[error("the vocabulary is too large")]
    VocabularyTooLarge,
    #[error("tokenizer.ggml.merges: bad merge {0:?}")]
    BadMerge(String),
    #[error("can't build the BPE tokenizer: {0}")]
    Bpe(#[source] tokenizers::Error),
    #[error("can't register the control tokens: {0}")]
    ControlTokens(#[source] tokenizers::Error),
    #[error("can't register the added tokens: {0}")]
    AddedTokens(#[source] tokenizers::Error),
    #[error("bos_token_id is out of range")]
    BosOutOfRange,
    /// The BOS template is refused (the tokenizers crate says why in a string).
    #[error("bos template: {0}")]
    BosTemplate(String),
    #[error("bos template: {0}")]
    BosProcessor(#[source] TemplateProcessingBuilderError),
}

/// Generated tokens that the tokenizer can't turn back into text.
#[derive(Debug, thiserror::Error)]
#[error("can't decode tokens: {0}")]
pub struct DecodeError(#[source] pub tokenizers::Error);

/// GGUF token types (llama.cpp's `llama_token_type`).
const TOKEN_TYPE_CONTROL: i64 = 3;
const TOKEN_TYPE_USER_DEFINED: i64 = 4;

/// The special token ids a GGUF file names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecialIds {
    pub bos: Option<u32>,
    pub eos: Option<u32>,
    pub add_bos: bool,
}

fn get<'a>(md: &'a HashMap<String, Value>, key: &str) -> Result<&'a Value, GgufTokenizerError> {
    md.get(key)
        .ok_or_else(|| GgufTokenizerError::Missing(key.to_string()))
}

fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::U8(x) => Some(*x as i64),
        Value::I8(x) => Some(*x as i64),
        Value::U16(x) => Some(*x as i64),
        Value::I16(x) => Some(*x as i64),
        Value::U32(x) => Some(*x as i64),
        Value::I32(x) => Some(*x as i64),
        Value::U64(x) => i64::try_from(*x).ok(),
        Value::I64(x) => Some(*x),
        _ => None,
    }
}

fn strings(v: &Value, key: &str) -> Result<Vec<String>, GgufTokenizerError> {
    let items = v
        .to_vec()
        .map_err(|_| GgufTokenizerError::NotAList(key.to_string()))?;
    items
        .iter()
        .map(|x| {
            x.to_string()
                .cloned()
                .map_err(|_| GgufTokenizerError::NotAString(key.to_string()))
        })
        .collect()
}

/// A metadata string, if present.
pub fn md_string(md: &HashMap<String, Value>, key: &str) -> Option<String> {
    md.get(key).and_then(|v| v.to_string().ok()).cloned()
}

/// A metadata integer id, if present.
pub fn md_id(md: &HashMap<String, Value>, key: &str) -> Option<u32> {
    md.get(key)
        .and_then(as_int)
        .and_then(|x| u32::try_from(x).ok())
}

/// BOS/EOS ids and whether the model wants a BOS at the start of every text.
pub fn special_ids(md: &HashMap<String, Value>) -> SpecialIds {
    SpecialIds {
        bos: md_id(md, "tokenizer.ggml.bos_token_id"),
        eos: md_id(md, "tokenizer.ggml.eos_token_id"),
        add_bos: md
            .get("tokenizer.ggml.add_bos_token")
            .and_then(|v| v.to_bool().ok())
            .unwrap_or(false),
    }
}

/// Builds the tokenizer from a GGUF file's metadata. Only byte-level BPE (`tokenizer.ggml.model`
/// = "gpt2", as in SmolLM, GPT-2, Qwen, Llama 3) is supported.
pub fn from_gguf_metadata(md: &HashMap<String, Value>) -> Result<Tokenizer, GgufTokenizerError> {
    let kind = md_string(md, "tokenizer.ggml.model").unwrap_or_default();
    if kind != "gpt2" {
        return Err(GgufTokenizerError::UnsupportedKind(kind));
    }
    let tokens = strings(get(md, "tokenizer.ggml.tokens")?, "tokenizer.ggml.tokens")?;
    let merges = strings(get(md, "tokenizer.ggml.merges")?, "tokenizer.ggml.merges")?;
    let types: Vec<i64> = match md.get("tokenizer.ggml.token_type") {
        Some(v) => v
            .to_vec()
            .map_err(|_| GgufTokenizerError::NotAList("tokenizer.ggml.token_type".into()))?
            .iter()
            .map(|x| as_int(x).unwrap_or(1))
            .collect(),
        None => Vec::new(),
    };

    let mut vocab: HashMap<String, u32> = HashMap::with_capacity(tokens.len());
    for (id, tok) in tokens.iter().enumerate() {
        let id = u32::try_from(id).map_err(|_| GgufTokenizerError::VocabularyTooLarge)?;
        vocab.entry(tok.clone()).or_insert(id);
    }
    let merges: Vec<(String, String)> = merges
        .iter()
        .map(|m| {
            m.split_once(' ')
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .ok_or_else(|| GgufTokenizerError::BadMerge(m.clone()))
        })
        .collect::<Result<_, _>>()?;
    let bpe = BPE::builder()
        .vocab_and_merges(vocab.into_iter().collect::<Vocab>(), merges)
        .build()
        .map_err(GgufTokenizerError::Bpe)?;

    let mut tokenizer = Tokenizer::new(bpe);
    // llama.cpp's pre-tokenizer regexes, by `tokenizer.ggml.pre`: SmolLM/StarCoder split every
    // digit apart, then apply GPT-2's regex; no prefix space is added ("Hello" → "Hello").
    let byte_level = ByteLevel::new(false, true, true);
    let pre = md_string(md, "tokenizer.ggml.pre").unwrap_or_default();
    let pre_tokenizer: PreTokenizerWrapper = match pre.as_str() {
        "smollm" | "starcoder" | "refact" | "command-r" | "codeshell" | "exaone" | "minerva-7b" => {
            Sequence::new(vec![Digits::new(true).into(), byte_level.into()]).into()
        }
        _ => byte_level.into(),
    };
    tokenizer.with_pre_tokenizer(Some(pre_tokenizer));
    tokenizer.with_decoder(Some(ByteLevelDecoder::default()));

    let mut special = Vec::new();
    let mut user = Vec::new();
    for (tok, &ty) in tokens.iter().zip(types.iter()) {
        match ty {
            TOKEN_TYPE_CONTROL => special.push(AddedToken::from(tok.clone(), true)),
            TOKEN_TYPE_USER_DEFINED => user.push(AddedToken::from(tok.clone(), false)),
            _ => {}
        }
    }
    tokenizer
        .add_special_tokens(special)
        .map_err(GgufTokenizerError::ControlTokens)?;
    tokenizer
        .add_tokens(user)
        .map_err(GgufTokenizerError::AddedTokens)?;

    let ids = special_ids(md);
    if let (true, Some(bos)) = (ids.add_bos, ids.bos) {
        let bos_tok = tokens
            .get(bos as usize)
            .cloned()
            .ok_or(GgufTokenizerError::BosOutOfRange)?;
        let processor = TemplateProcessing::builder()
            .try_single(format!("{bos_tok}:0 $A:0"))
            .and_then(|b| b.try_pair(format!("{bos_tok}:0 $A:0 $B:1")))
            .map_err(GgufTokenizerError::BosTemplate)?
            .special_tokens(vec![(bos_tok.clone(), bos)])
            .build()
            .map_err(GgufTokenizerError::BosProcessor)?;
        tokenizer.with_post_processor(Some(processor));
    }
    Ok(tokenizer)
}

/// Decodes generated tokens into text piece by piece, holding back bytes of a character split
/// across tokens until it is whole (the approach of candle's `TokenOutputStream`).
pub struct TextStreamer<'a> {
    tokenizer: &'a Tokenizer,
    tokens: Vec<u32>,
    prev_index: usize,
    current_index: usize,
}

impl<'a> TextStreamer<'a> {
    pub fn new(tokenizer: &'a Tokenizer) -> Self {
        TextStreamer {
            tokenizer,
            tokens: Vec::new(),
            prev_index: 0,
            current_index: 0,
        }
    }

    fn decode(&self, tokens: &[u32]) -> Result<String, DecodeError> {
        self.tokenizer.decode(tokens, true).map_err(DecodeError)
    }

    /// Adds a token; returns the new complete text it makes, if any.
    pub fn push(&mut self, token: u32) -> Result<Option<String>, DecodeError> {
        let prev_text = if self.tokens.is_empty() {
            String::new()
        } else {
            self.decode(&self.tokens[self.prev_index..self.current_index])?
        };
        self.tokens.push(token);
        let text = self.decode(&self.tokens[self.prev_index..])?;
        if text.len() > prev_text.len() && !text.ends_with('\u{FFFD}') {
            let new = text.get(prev_text.len()..).unwrap_or_default().to_string();
            self.prev_index = self.current_index;
            self.current_index = self.tokens.len();
            Ok(Some(new))
        } else {
            Ok(None)
        }
    }

    /// The whole text so far.
    pub fn text(&self) -> Result<String, DecodeError> {
        self.decode(&self.tokens)
    }

    /// What is still held back (an incomplete character at the end), decoded as is.
    pub fn rest(&self) -> Result<Option<String>, DecodeError> {
        let prev_text = self.decode(&self.tokens[self.prev_index..self.current_index])?;
        let text = self.decode(&self.tokens[self.prev_index..])?;
        Ok((text.len() > prev_text.len())
            .then(|| text.get(prev_text.len()..).unwrap_or_default().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny GGUF-style vocabulary: two control tokens, the 256 byte symbols, one merge ("Ġ" + "w").
    fn metadata(pre: &str, add_bos: bool) -> HashMap<String, Value> {
        let mut alphabet: Vec<char> = ByteLevel::alphabet().into_iter().collect();
        alphabet.sort();
        let mut tokens = vec!["<|endoftext|>".to_string(), "<|im_start|>".to_string()];
        tokens.extend(alphabet.iter().map(|c| c.to_string()));
        tokens.push("Ġw".into());
        let mut types = vec![Value::I32(3), Value::I32(3)];
        types.extend(std::iter::repeat_n(Value::I32(1), tokens.len() - 2));
        let list = |v: Vec<String>| Value::Array(v.into_iter().map(Value::String).collect());
        let mut md = HashMap::new();
        md.insert("tokenizer.ggml.model".into(), Value::String("gpt2".into()));
        md.insert("tokenizer.ggml.pre".into(), Value::String(pre.into()));
        md.insert("tokenizer.ggml.tokens".into(), list(tokens));
        md.insert("tokenizer.ggml.merges".into(), list(vec!["Ġ w".into()]));
        md.insert("tokenizer.ggml.token_type".into(), Value::Array(types));
        md.insert("tokenizer.ggml.bos_token_id".into(), Value::U32(1));
        md.insert("tokenizer.ggml.eos_token_id".into(), Value::U32(0));
        md.insert("tokenizer.ggml.add_bos_token".into(), Value::Bool(add_bos));
        md
    }

    fn tokens(t: &Tokenizer, text: &str) -> Vec<String> {
        t.encode(text, true).unwrap().get_tokens().to_vec()
    }

    #[test]
    fn byte_level_without_prefix_space_with_control_tokens() {
        let t = from_gguf_metadata(&metadata("smollm", false)).unwrap();
        assert_eq!(tokens(&t, "a w"), ["a", "Ġw"]);
        assert_eq!(tokens(&t, "<|im_start|>12"), ["<|im_start|>", "1", "2"]);
        assert_eq!(t.token_to_id("<|im_start|>"), Some(1));
        let ids = t.encode("hé w", true).unwrap().get_ids().to_vec();
        assert_eq!(t.decode(&ids, false).unwrap(), "hé w");
        assert_eq!(special_ids(&metadata("smollm", false)).eos, Some(0));
    }

    #[test]
    fn bos_is_added_when_the_file_asks() {
        let t = from_gguf_metadata(&metadata("gpt2", true)).unwrap();
        assert_eq!(tokens(&t, "a"), ["<|im_start|>", "a"]);
    }

    #[test]
    fn other_tokenizer_kinds_are_refused_with_a_reason() {
        let mut md = metadata("smollm", false);
        md.insert("tokenizer.ggml.model".into(), Value::String("llama".into()));
        let err = from_gguf_metadata(&md).unwrap_err().to_string();
        assert!(err.contains("\"llama\""), "{err}");
        md.remove("tokenizer.ggml.model");
        assert!(from_gguf_metadata(&md).is_err());
    }

    #[test]
    fn streamer_holds_back_split_characters() {
        let t = from_gguf_metadata(&metadata("smollm", false)).unwrap();
        let ids = t.encode("é🤗!", false).unwrap().get_ids().to_vec();
        assert_eq!(ids.len(), 2 + 4 + 1, "one token per byte");
        let mut s = TextStreamer::new(&t);
        let pieces: Vec<Option<String>> = ids.iter().map(|&id| s.push(id).unwrap()).collect();
        assert_eq!(pieces[0], None, "half an é");
        assert_eq!(pieces[1].as_deref(), Some("é"));
        assert!(pieces[2..5].iter().all(Option::is_none));
        assert_eq!(pieces[5].as_deref(), Some("🤗"));
        assert_eq!(pieces[6].as_deref(), Some("!"));
        assert_eq!(s.text().unwrap(), "é🤗!");
        assert_eq!(s.rest().unwrap(), None);
    }
}
