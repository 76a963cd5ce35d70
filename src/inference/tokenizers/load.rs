//! The one place a model's tokenizer is loaded (every pipeline with a Hugging Face tokenizer comes
//! here): its `tokenizer.json` when it has one, else built from the files older repos ship instead
//! (`vocab.txt`, or `vocab.json` + `merges.txt`, with `tokenizer_config.json` and
//! `special_tokens_map.json`; see [`convert`]). A model with none of them, or whose config names a
//! tokenizer class hftutor can't build, gets a [`TokenizerLoadError`] naming the files it has.

use std::path::{Path, PathBuf};

use tokenizers::Tokenizer;

use super::convert::{self, ConvertError, Declared, Settings, SlowKind};
use crate::domain::ModelRef;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::{read_json, PipelineError};

pub const TOKENIZER_JSON: &str = "tokenizer.json";
const TOKENIZER_CONFIG: &str = "tokenizer_config.json";
const SPECIAL_TOKENS_MAP: &str = "special_tokens_map.json";

/// Why a model's tokenizer can't be had from the files it has.
#[derive(Debug, thiserror::Error)]
pub enum TokenizerLoadError {
    /// None of the forms hftutor reads.
    #[error(
        "{model} has no tokenizer hftutor can read: {place} has no tokenizer.json, vocab.txt \
         (WordPiece) or vocab.json + merges.txt (byte-level BPE){}. A repo made with \
         transformers' save_pretrained() has them.",
        has_clause(.has)
    )]
    Missing {
        model: String,
        place: &'static str,
        has: Vec<String>,
    },
    /// The configs name a family, and its files aren't all there.
    #[error(
        "{model}: its {kind} tokenizer needs {}, and {place} has no {missing}{}",
        .needs.join(" + "),
        has_clause(.has)
    )]
    Incomplete {
        model: String,
        kind: &'static str,
        needs: Vec<&'static str>,
        missing: &'static str,
        place: &'static str,
        has: Vec<String>,
    },
    /// No tokenizer.json, and a class hftutor builds only from one.
    #[error(
        "{model} has no tokenizer.json, and its tokenizer class {class} is one hftutor reads only \
         from a tokenizer.json (it builds BERT-style WordPiece and RoBERTa/GPT-2 byte-level BPE \
         tokenizers from their vocabulary files){}",
        has_clause(.has)
    )]
    Unsupported {
        model: String,
        class: String,
        has: Vec<String>,
    },
    /// The files are there and don't make a tokenizer.
    #[error("{model}: can't build its {kind} tokenizer from {files}: {source}")]
    Build {
        model: String,
        kind: &'static str,
        files: String,
        #[source]
        source: ConvertError,
    },
}

fn has_clause(has: &[String]) -> String {
    if has.is_empty() {
        String::new()
    } else {
        format!(" (the files hftutor has of it: {})", has.join(", "))
    }
}

/// The tokenizer of `model`, padding and truncation as its files set them (callers set their own).
pub fn load(
    provision: &Provision,
    model: &ModelRef,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<Tokenizer, PipelineError> {
    let local = Path::new(&model.id).is_dir();
    // A snapshot already holding slow files and no tokenizer.json was pulled whole (or built here
    // before): read it as it is, without asking the Hub again for what it hasn't.
    let snapshot = (!local && provision.pinned(&model.id).is_none())
        .then(|| provision.model_dir(model))
        .flatten()
        .filter(|d| !d.join(TOKENIZER_JSON).is_file() && has_slow_vocab(d));
    if snapshot.is_none() {
        if let Some(path) = fetch(provision, model, TOKENIZER_JSON, events)? {
            return Tokenizer::from_file(&path)
                .map_err(|source| PipelineError::TokenizerFile { path, source });
        }
    }
    let mut optional = |name: &str| -> Result<Option<PathBuf>, PipelineError> {
        match &snapshot {
            Some(dir) => Ok(Some(dir.join(name)).filter(|p| p.is_file())),
            None => fetch(provision, model, name, events),
        }
    };
    // The settings before the vocabulary: a vocabulary on disk means they were looked for.
    let tokenizer_config = optional(TOKENIZER_CONFIG)?
        .map(|p| read_json(&p))
        .transpose()?;
    let special_tokens_map = optional(SPECIAL_TOKENS_MAP)?
        .map(|p| read_json(&p))
        .transpose()?;
    let config = optional("config.json")?
        .map(|p| read_json(&p))
        .transpose()?;
    let class = tokenizer_config
        .as_ref()
        .and_then(|c| c["tokenizer_class"].as_str());
    let model_type = config.as_ref().and_then(|c| c["model_type"].as_str());
    let declared = convert::declared(class, model_type);
    let place = if local { "the folder" } else { "the repo" };
    let has = || files_of(provision, model);
    let kind = match declared {
        Declared::Known(kind) => kind,
        Declared::Unsupported(class) => {
            return Err(TokenizerLoadError::Unsupported {
                model: model.id.clone(),
                class,
                has: has(),
            }
            .into())
        }
        // No class to go by: transformers' AutoTokenizer couldn't pick one either, except that
        // a vocab.txt is BERT's.
        Declared::Silent => match optional("vocab.txt")? {
            Some(_) => SlowKind::WordPiece,
            None if optional("vocab.json")?.is_some() => {
                return Err(TokenizerLoadError::Unsupported {
                    model: model.id.clone(),
                    class: match model_type {
                        Some(t) => format!("(none named; model type \"{t}\")"),
                        None => "(none named, and no model type)".to_string(),
                    },
                    has: has(),
                }
                .into())
            }
            None => {
                return Err(TokenizerLoadError::Missing {
                    model: model.id.clone(),
                    place,
                    has: has(),
                }
                .into())
            }
        },
    };
    let mut files = Vec::new();
    for name in kind.files() {
        match optional(name)? {
            Some(p) => files.push(p),
            None if files.is_empty() && !any_slow(&has()) => {
                return Err(TokenizerLoadError::Missing {
                    model: model.id.clone(),
                    place,
                    has: has(),
                }
                .into())
            }
            None => {
                return Err(TokenizerLoadError::Incomplete {
                    model: model.id.clone(),
                    kind: kind.label(),
                    needs: kind.files().to_vec(),
                    missing: name,
                    place,
                    has: has(),
                }
                .into())
            }
        }
    }
    let settings = Settings {
        tokenizer_config,
        special_tokens_map,
    };
    events(ProvisionEvent::Note(format!(
        "{model} has no tokenizer.json: building its {} tokenizer from {}, as transformers does",
        kind.label(),
        kind.files().join(" + ")
    )));
    convert::build(kind, &files, &settings).map_err(|source| {
        TokenizerLoadError::Build {
            model: model.id.clone(),
            kind: kind.label(),
            files: kind.files().join(" + "),
            source,
        }
        .into()
    })
}

/// `name` of `model`: `None` when it was looked for and isn't there; an error when it couldn't be
/// looked for (offline, the Hub unreachable, a course model's pins…).
fn fetch(
    provision: &Provision,
    model: &ModelRef,
    name: &str,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<Option<PathBuf>, PipelineError> {
    match provision.file(model, name, events) {
        Ok(path) => Ok(Some(path)),
        Err(e) if e.is_absent() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn has_slow_vocab(dir: &Path) -> bool {
    ["vocab.txt", "vocab.json"]
        .iter()
        .any(|f| dir.join(f).is_file())
}

fn any_slow(files: &[String]) -> bool {
    files
        .iter()
        .any(|f| f == "vocab.txt" || f == "vocab.json" || f == "merges.txt")
}

/// The files in the model's folder or cached snapshot (top level), sorted.
fn files_of(provision: &Provision, model: &ModelRef) -> Vec<String> {
    let Some(dir) = provision.model_dir(model) else {
        return Vec::new();
    };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_file())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
