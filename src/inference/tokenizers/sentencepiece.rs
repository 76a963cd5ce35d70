//! Marian's tokenizer without Python: reads a SentencePiece model file (source.spm) — its pieces,
//! scores and normalisation table, from the protobuf directly — into a `tokenizers` Unigram model
//! set up the way transformers converts SentencePiece, and maps pieces to ids through vocab.json
//! as transformers' MarianTokenizer does (end token added; pieces vocab.json lacks are `<unk>`).

use std::collections::HashMap;
use std::path::Path;

use tokenizers::models::unigram::Unigram;
use tokenizers::normalizers::replace::ReplacePattern;
use tokenizers::normalizers::{Precompiled, Replace, Sequence};
use tokenizers::pre_tokenizers::metaspace::{Metaspace, PrependScheme};
use tokenizers::{NormalizerWrapper, Tokenizer};

use crate::inference::model_error;
use crate::inference::PipelineError;

/// Why a SentencePiece model doesn't make a `tokenizers` tokenizer.
#[derive(Debug, thiserror::Error)]
pub enum SentencePieceError {
    #[error("{0}")]
    Unigram(#[source] tokenizers::Error),
    /// The normalisation table doesn't parse (shown as its Debug form).
    #[error("{0:?}")]
    Charsmap(#[source] tokenizers::Error),
    #[error("{0}")]
    Normalizer(#[source] tokenizers::Error),
}

/// What hftutor uses of a SentencePiece model.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SpmModel {
    /// (piece, score, type): type 1 normal, 2 unknown, 3 control, 4 user-defined, 6 byte.
    pub pieces: Vec<(String, f32, u64)>,
    pub precompiled_charsmap: Vec<u8>,
    pub add_dummy_prefix: bool,
    pub remove_extra_whitespaces: bool,
}

/// A protobuf reader just big enough for SentencePiece's ModelProto.
struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Option<u64> {
        let mut out = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.buf.get(self.pos)?;
            self.pos += 1;
            out |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(out);
            }
        }
        None
    }

    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let out = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(out)
    }

    /// The next field: (number, wire type, varint value or bytes).
    fn field(&mut self) -> Option<(u64, Field<'a>)> {
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Field::Int(self.varint()?),
            1 => Field::Bytes(self.bytes(8)?),
            2 => {
                let n = self.varint()? as usize;
                Field::Bytes(self.bytes(n)?)
            }
            5 => Field::Bytes(self.bytes(4)?),
            _ => return None,
        };
        Some((key >> 3, value))
    }
}

enum Field<'a> {
    Int(u64),
    Bytes(&'a [u8]),
}

impl SpmModel {
    pub fn parse(buf: &[u8]) -> Option<SpmModel> {
        let mut m = SpmModel {
            add_dummy_prefix: true,
            remove_extra_whitespaces: true,
            ..SpmModel::default()
        };
        let mut r = Reader { buf, pos: 0 };
        while r.pos < buf.len() {
            match r.field()? {
                (1, Field::Bytes(piece)) => {
                    let (mut text, mut score, mut kind) = (String::new(), 0f32, 1u64);
                    let mut p = Reader { buf: piece, pos: 0 };
                    while p.pos < piece.len() {
                        match p.field()? {
                            (1, Field::Bytes(b)) => text = String::from_utf8(b.to_vec()).ok()?,
                            (2, Field::Bytes(b)) => score = f32::from_le_bytes(b.try_into().ok()?),
                            (3, Field::Int(t)) => kind = t,
                            _ => {}
                        }
                    }
                    m.pieces.push((text, score, kind));
                }
                (3, Field::Bytes(spec)) => {
                    let mut p = Reader { buf: spec, pos: 0 };
                    while p.pos < spec.len() {
                        match p.field()? {
                            (2, Field::Bytes(b)) => m.precompiled_charsmap = b.to_vec(),
                            (3, Field::Int(v)) => m.add_dummy_prefix = v != 0,
                            (4, Field::Int(v)) => m.remove_extra_whitespaces = v != 0,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        (!m.pieces.is_empty()).then_some(m)
    }

    /// A `tokenizers` tokenizer giving the same pieces as SentencePiece (no special tokens added).
    pub fn tokenizer(&self) -> Result<Tokenizer, SentencePieceError> {
        let vocab: Vec<(String, f64)> = self
            .pieces
            .iter()
            .map(|(p, s, _)| (p.clone(), f64::from(*s)))
            .collect();
        let unk = self.pieces.iter().position(|p| p.2 == 2);
        let model = Unigram::from(vocab, unk, false).map_err(SentencePieceError::Unigram)?;
        let mut norms: Vec<NormalizerWrapper> = Vec::new();
        if !self.precompiled_charsmap.is_empty() {
            let p = Precompiled::from(&self.precompiled_charsmap)
                .map_err(|e| SentencePieceError::Charsmap(Box::new(e)))?;
            norms.push(p.into());
        }
        let replace = |pattern: ReplacePattern, with: &str| {
            Replace::new(pattern, with)
                .map(NormalizerWrapper::from)
                .map_err(SentencePieceError::Normalizer)
        };
        if self.remove_extra_whitespaces {
            norms.push(replace(ReplacePattern::Regex(r"\A +| +\z".into()), "")?);
            norms.push(replace(ReplacePattern::Regex(" {2,}".into()), " ")?);
        }
        norms.push(replace(ReplacePattern::String(" ".into()), "▁")?);
        let mut tok = Tokenizer::new(model);
        tok.with_normalizer(Some(Sequence::new(norms)))
            .map_err(SentencePieceError::Normalizer)?;
        let scheme = if self.add_dummy_prefix {
            PrependScheme::Always
        } else {
            PrependScheme::Never
        };
        tok.with_pre_tokenizer(Some(Metaspace::new('▁', scheme, false)));
        Ok(tok)
    }
}

/// transformers' MarianTokenizer: source.spm pieces, ids from vocab.json.
pub struct MarianTokenizer {
    source: Tokenizer,
    vocab: HashMap<String, u32>,
    pieces: HashMap<u32, String>,
    unk: u32,
    eos: u32,
    /// `</s>`, `<unk>`, `<pad>`: left out of decoded text.
    special: Vec<u32>,
}

impl MarianTokenizer {
    pub fn from_files(
        source: &Path,
        _target: &Path,
        vocab: &Path,
    ) -> Result<MarianTokenizer, PipelineError> {
        let bytes = std::fs::read(source).map_err(|e| PipelineError::Read {
            path: source.to_path_buf(),
            source: e,
        })?;
        let spm = SpmModel::parse(&bytes).ok_or_else(|| {
            model_error(format!("{} isn't a SentencePiece model", source.display()))
        })?;
        let source = spm.tokenizer()?;
        let text = std::fs::read_to_string(vocab).map_err(|source| PipelineError::Read {
            path: vocab.to_path_buf(),
            source,
        })?;
        let vocab: HashMap<String, u32> = serde_json::from_str(&text)
            .map_err(|e| model_error(format!("{} isn't a vocabulary: {e}", vocab.display())))?;
        let id = |t: &str| {
            vocab
                .get(t)
                .copied()
                .ok_or_else(|| model_error(format!("vocab.json has no {t} token")))
        };
        let (unk, eos) = (id("<unk>")?, id("</s>")?);
        let mut special = vec![unk, eos];
        special.extend(vocab.get("<pad>"));
        let pieces = vocab.iter().map(|(k, v)| (*v, k.clone())).collect();
        Ok(MarianTokenizer {
            source,
            vocab,
            pieces,
            unk,
            eos,
            special,
        })
    }

    /// The ids of `text`, ending with `</s>`. A leading language code (`>>fr<<`) is kept whole.
    pub fn encode(&self, text: &str) -> Result<Vec<u32>, PipelineError> {
        let mut ids = Vec::new();
        let mut rest = text;
        if let (true, Some(end)) = (text.starts_with(">>"), text.find("<<")) {
            ids.push(
                self.vocab
                    .get(&text[..end + 2])
                    .copied()
                    .unwrap_or(self.unk),
            );
            rest = &text[end + 2..];
        }
        let enc = self
            .source
            .encode(rest, false)
            .map_err(PipelineError::Tokenizer)?;
        ids.extend(
            enc.get_tokens()
                .iter()
                .map(|t| self.vocab.get(t).copied().unwrap_or(self.unk)),
        );
        ids.push(self.eos);
        Ok(ids)
    }

    /// The text of `ids`, special tokens left out (transformers' `skip_special_tokens=True`).
    pub fn decode(&self, ids: &[u32]) -> String {
        let joined: String = ids
            .iter()
            .filter(|id| !self.special.contains(id))
            .filter_map(|id| self.pieces.get(id).map(String::as_str))
            .collect();
        joined.replace('▁', " ").trim().to_string()
    }
}
