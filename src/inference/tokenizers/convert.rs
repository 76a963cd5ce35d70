//! Fast tokenizers built from the "slow" files older Hub repos ship instead of a `tokenizer.json`,
//! as transformers builds them (`convert_slow_tokenizer`'s BertConverter, RobertaConverter and
//! GPT2Converter; in transformers 5 the tokenizer classes' own constructors): WordPiece from
//! `vocab.txt`, byte-level BPE from `vocab.json` + `merges.txt`. Every part is the `tokenizers`
//! crate's own; only the settings are read here, from `tokenizer_config.json` (then
//! `special_tokens_map.json`, then the class's defaults). Checked against transformers by
//! tests/parity/slow_tokenizers.rs.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tokenizers::decoders::wordpiece::WordPiece as WordPieceDecoder;
use tokenizers::models::bpe::BPE;
use tokenizers::models::wordpiece::WordPiece;
use tokenizers::normalizers::BertNormalizer;
use tokenizers::pre_tokenizers::bert::BertPreTokenizer;
use tokenizers::pre_tokenizers::byte_level::ByteLevel;
use tokenizers::processors::roberta::RobertaProcessing;
use tokenizers::processors::template::TemplateProcessing;
use tokenizers::{AddedToken, Tokenizer};

/// The tokenizer families hftutor can build from slow files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlowKind {
    /// BERT-style WordPiece from `vocab.txt` (BERT, DistilBERT, ELECTRA…).
    WordPiece,
    /// RoBERTa-style byte-level BPE: `<s> A </s></s> B </s>`.
    Roberta,
    /// GPT-2-style byte-level BPE: no special tokens around the text.
    Gpt2,
}

impl SlowKind {
    /// The files it is built from, the first one being the vocabulary.
    pub fn files(self) -> &'static [&'static str] {
        match self {
            SlowKind::WordPiece => &["vocab.txt"],
            SlowKind::Roberta | SlowKind::Gpt2 => &["vocab.json", "merges.txt"],
        }
    }

    /// What to call it in messages.
    pub fn label(self) -> &'static str {
        match self {
            SlowKind::WordPiece => "WordPiece",
            SlowKind::Roberta | SlowKind::Gpt2 => "byte-level BPE",
        }
    }
}

/// What a repo's configs say about its tokenizer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declared {
    Known(SlowKind),
    /// A class hftutor can't build from slow files (SentencePiece ones, Whisper's…).
    Unsupported(String),
    /// Neither `tokenizer_class` nor a `model_type` hftutor knows.
    Silent,
}

/// The family `tokenizer_class` (tokenizer_config.json) names, else the one transformers'
/// AutoTokenizer picks for config.json's `model_type`.
pub fn declared(tokenizer_class: Option<&str>, model_type: Option<&str>) -> Declared {
    if let Some(class) = tokenizer_class {
        let base = class.strip_suffix("Fast").unwrap_or(class);
        return match base {
            "BertTokenizer"
            | "DistilBertTokenizer"
            | "ElectraTokenizer"
            | "MobileBertTokenizer"
            | "SqueezeBertTokenizer"
            | "LayoutLMTokenizer" => Declared::Known(SlowKind::WordPiece),
            "RobertaTokenizer" | "BartTokenizer" | "LongformerTokenizer" => {
                Declared::Known(SlowKind::Roberta)
            }
            "GPT2Tokenizer" => Declared::Known(SlowKind::Gpt2),
            _ => Declared::Unsupported(class.to_string()),
        };
    }
    match model_type {
        Some("bert" | "distilbert" | "electra" | "mobilebert" | "squeezebert" | "layoutlm") => {
            Declared::Known(SlowKind::WordPiece)
        }
        Some("roberta" | "bart" | "longformer") => Declared::Known(SlowKind::Roberta),
        Some("gpt2") => Declared::Known(SlowKind::Gpt2),
        _ => Declared::Silent,
    }
}

/// Why slow files don't make a tokenizer.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("can't read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The `tokenizers` crate refused a file or a part.
    #[error("{what}: {source}")]
    Tokenizers {
        what: String,
        #[source]
        source: tokenizers::Error,
    },
    #[error("tokenizer_config.json: \"{key}\" is {value}, not true, false or null")]
    NotABool { key: &'static str, value: String },
    #[error("tokenizer_config.json: \"{key}\" is {value}, not a token")]
    NotAToken { key: String, value: String },
    /// The `[CLS]`/`[SEP]` template doesn't parse (a token with a space or colon in it).
    #[error("the special tokens {cls} and {sep} don't make a template: {why}")]
    Template {
        cls: String,
        sep: String,
        why: String,
    },
}

/// The settings files, parsed (each may be missing).
#[derive(Debug, Default, Clone)]
pub struct Settings {
    pub tokenizer_config: Option<Value>,
    pub special_tokens_map: Option<Value>,
}

impl Settings {
    fn flag(&self, key: &'static str, default: Option<bool>) -> Result<Option<bool>, ConvertError> {
        match self.tokenizer_config.as_ref().and_then(|c| c.get(key)) {
            None => Ok(default),
            Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(ConvertError::NotABool {
                key,
                value: other.to_string(),
            }),
        }
    }

    fn bool_or(&self, key: &'static str, default: bool) -> Result<bool, ConvertError> {
        Ok(self.flag(key, Some(default))?.unwrap_or(default))
    }

    /// The special token `key` (`cls_token`…): tokenizer_config.json, else special_tokens_map.json,
    /// else `default`. A value is a string or an AddedToken object (`{"content": …, "lstrip": …}`).
    fn special(&self, key: &str, default: &str) -> Result<AddedToken, ConvertError> {
        let found = [&self.tokenizer_config, &self.special_tokens_map]
            .into_iter()
            .flatten()
            .find_map(|v| v.get(key).filter(|x| !x.is_null()));
        match found {
            None => Ok(AddedToken::from(default, true)),
            Some(v) => added_token(key, v, true),
        }
    }

    /// tokenizer_config.json's `added_tokens_decoder` (id → AddedToken), in id order.
    fn added_tokens(&self) -> Result<Vec<AddedToken>, ConvertError> {
        let Some(map) = self
            .tokenizer_config
            .as_ref()
            .and_then(|c| c.get("added_tokens_decoder"))
            .and_then(Value::as_object)
        else {
            return Ok(Vec::new());
        };
        let mut by_id: Vec<(u64, AddedToken)> = Vec::new();
        for (id, v) in map {
            let id = id.parse::<u64>().map_err(|_| ConvertError::NotAToken {
                key: format!("added_tokens_decoder.{id}"),
                value: "under a key that is not an id".to_string(),
            })?;
            let special = v.get("special").and_then(Value::as_bool).unwrap_or(false);
            by_id.push((id, added_token("added_tokens_decoder", v, special)?));
        }
        by_id.sort_by_key(|(id, _)| *id);
        Ok(by_id.into_iter().map(|(_, t)| t).collect())
    }
}

fn added_token(key: &str, v: &Value, special: bool) -> Result<AddedToken, ConvertError> {
    let bad = || ConvertError::NotAToken {
        key: key.to_string(),
        value: v.to_string(),
    };
    if let Some(s) = v.as_str() {
        return Ok(AddedToken::from(s, special));
    }
    let content = v.get("content").and_then(Value::as_str).ok_or_else(bad)?;
    let flag = |name: &str, default: bool| v.get(name).and_then(Value::as_bool).unwrap_or(default);
    Ok(AddedToken::from(content, special)
        .single_word(flag("single_word", false))
        .lstrip(flag("lstrip", false))
        .rstrip(flag("rstrip", false))
        .normalized(flag("normalized", !special)))
}

/// Builds the `kind` tokenizer from `files` (as [`SlowKind::files`] names them, in that order).
pub fn build(
    kind: SlowKind,
    files: &[PathBuf],
    settings: &Settings,
) -> Result<Tokenizer, ConvertError> {
    match (kind, files) {
        (SlowKind::WordPiece, [vocab]) => wordpiece(vocab, settings),
        (SlowKind::Roberta | SlowKind::Gpt2, [vocab, merges]) => {
            byte_level(kind, vocab, merges, settings)
        }
        _ => Err(ConvertError::Tokenizers {
            what: format!("the {} tokenizer", kind.label()),
            source: format!("needs {}", kind.files().join(" + ")).into(),
        }),
    }
}

fn tk_err(what: impl Into<String>) -> impl FnOnce(tokenizers::Error) -> ConvertError {
    let what = what.into();
    move |source| ConvertError::Tokenizers { what, source }
}

/// BertConverter: BertNormalizer (clean_text; Chinese characters, accents and lower-casing as the
/// config says), BertPreTokenizer, WordPiece (`##`, 100 characters a word), `[CLS] A [SEP] B [SEP]`.
fn wordpiece(vocab_path: &Path, settings: &Settings) -> Result<Tokenizer, ConvertError> {
    let bytes = std::fs::read(vocab_path).map_err(|source| ConvertError::Read {
        path: vocab_path.to_path_buf(),
        source,
    })?;
    let vocab = WordPiece::read_bytes(&bytes).map_err(tk_err(vocab_path.display().to_string()))?;
    let unk = settings.special("unk_token", "[UNK]")?;
    let model = WordPiece::builder()
        .vocab(vocab)
        .unk_token(unk.content.clone())
        .continuing_subword_prefix("##".to_string())
        .max_input_chars_per_word(100)
        .build()
        .map_err(tk_err("the WordPiece model"))?;
    let mut tokenizer = Tokenizer::new(model);
    let normalizer = BertNormalizer::new(
        true,
        settings.bool_or("tokenize_chinese_chars", true)?,
        settings.flag("strip_accents", None)?,
        settings.bool_or("do_lower_case", true)?,
    );
    tokenizer
        .with_normalizer(Some(normalizer))
        .map_err(tk_err("the BERT normalizer"))?;
    tokenizer.with_pre_tokenizer(Some(BertPreTokenizer));
    tokenizer.with_decoder(Some(WordPieceDecoder::new("##".to_string(), true)));
    let cls = settings.special("cls_token", "[CLS]")?;
    let sep = settings.special("sep_token", "[SEP]")?;
    let named = [
        unk,
        sep.clone(),
        settings.special("pad_token", "[PAD]")?,
        cls.clone(),
        settings.special("mask_token", "[MASK]")?,
    ];
    add_specials(&mut tokenizer, settings, named)?;
    let (cls_id, sep_id) = (id_of(&tokenizer, &cls)?, id_of(&tokenizer, &sep)?);
    let (c, s) = (&cls.content, &sep.content);
    let template = TemplateProcessing::builder()
        .try_single(format!("{c}:0 $A:0 {s}:0"))
        .and_then(|b| b.try_pair(format!("{c}:0 $A:0 {s}:0 $B:1 {s}:1")))
        .map_err(|why| template_error(c, s, why))?
        .special_tokens(vec![(c.clone(), cls_id), (s.clone(), sep_id)])
        .build()
        .map_err(|e| template_error(c, s, e.to_string()))?;
    tokenizer.with_post_processor(Some(template));
    Ok(tokenizer)
}

/// RobertaConverter / GPT2Converter: BPE (no unknown token, no prefixes), ByteLevel pre-tokenizer
/// and decoder; RoBERTa's `<s> A </s></s> B </s>` or GPT-2's bare text (BOS first if
/// `add_bos_token`).
fn byte_level(
    kind: SlowKind,
    vocab: &Path,
    merges: &Path,
    settings: &Settings,
) -> Result<Tokenizer, ConvertError> {
    let as_str = |p: &Path| {
        p.to_str()
            .map(str::to_string)
            .ok_or_else(|| ConvertError::Read {
                path: p.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a UTF-8 path"),
            })
    };
    let what = format!("{} + {}", vocab.display(), merges.display());
    let model = BPE::from_file(&as_str(vocab)?, &as_str(merges)?)
        .continuing_subword_prefix(String::new())
        .end_of_word_suffix(String::new())
        .fuse_unk(false)
        .build()
        .map_err(tk_err(what))?;
    let mut tokenizer = Tokenizer::new(model);
    let add_prefix_space = settings.bool_or("add_prefix_space", false)?;
    tokenizer.with_pre_tokenizer(Some(ByteLevel::new(add_prefix_space, true, true)));
    tokenizer.with_decoder(Some(ByteLevel::default()));
    if kind == SlowKind::Roberta {
        let bos = settings.special("bos_token", "<s>")?;
        let eos = settings.special("eos_token", "</s>")?;
        let cls = settings.special("cls_token", "<s>")?;
        let sep = settings.special("sep_token", "</s>")?;
        let named = [
            bos,
            eos,
            settings.special("unk_token", "<unk>")?,
            sep.clone(),
            settings.special("pad_token", "<pad>")?,
            cls.clone(),
            settings.special("mask_token", "<mask>")?,
        ];
        add_specials(&mut tokenizer, settings, named)?;
        let processing = RobertaProcessing::new(
            (sep.content.clone(), id_of(&tokenizer, &sep)?),
            (cls.content.clone(), id_of(&tokenizer, &cls)?),
        )
        .trim_offsets(settings.bool_or("trim_offsets", true)?)
        .add_prefix_space(add_prefix_space);
        tokenizer.with_post_processor(Some(processing));
        return Ok(tokenizer);
    }
    let end = "<|endoftext|>";
    let bos = settings.special("bos_token", end)?;
    let named = [
        bos.clone(),
        settings.special("eos_token", end)?,
        settings.special("unk_token", end)?,
    ];
    add_specials(&mut tokenizer, settings, named)?;
    let template = if settings.bool_or("add_bos_token", false)? {
        let b = &bos.content;
        TemplateProcessing::builder()
            .try_single(format!("{b}:0 $A:0"))
            .and_then(|t| t.try_pair(format!("{b}:0 $A:0 $B:1")))
            .map_err(|why| template_error(b, b, why))?
            .special_tokens(vec![(b.clone(), id_of(&tokenizer, &bos)?)])
            .build()
    } else {
        TemplateProcessing::builder()
            .try_single("$A:0")
            .and_then(|t| t.try_pair("$A:0 $B:1"))
            .map_err(|why| template_error("", "", why))?
            .build()
    }
    .map_err(|e| template_error(&bos.content, &bos.content, e.to_string()))?;
    tokenizer.with_post_processor(Some(template));
    Ok(tokenizer)
}

/// The config's added tokens (in id order), then the named special tokens not among them.
fn add_specials(
    tokenizer: &mut Tokenizer,
    settings: &Settings,
    named: impl IntoIterator<Item = AddedToken>,
) -> Result<(), ConvertError> {
    let mut tokens = settings.added_tokens()?;
    for t in named {
        if !tokens.iter().any(|x| x.content == t.content) {
            tokens.push(t);
        }
    }
    for t in tokens {
        let what = format!("the added token {}", t.content);
        if t.special {
            tokenizer.add_special_tokens([t]).map_err(tk_err(what))?;
        } else {
            tokenizer.add_tokens([t]).map_err(tk_err(what))?;
        }
    }
    Ok(())
}

fn id_of(tokenizer: &Tokenizer, token: &AddedToken) -> Result<u32, ConvertError> {
    tokenizer
        .token_to_id(&token.content)
        .ok_or_else(|| ConvertError::Tokenizers {
            what: format!("the special token {}", token.content),
            source: "has no id".into(),
        })
}

fn template_error(cls: &str, sep: &str, why: impl Into<String>) -> ConvertError {
    ConvertError::Template {
        cls: cls.to_string(),
        sep: sep.to_string(),
        why: why.into(),
    }
}
