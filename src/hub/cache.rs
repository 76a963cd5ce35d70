//! The HF hub cache on disk, laid out as huggingface_hub and hf-hub read it:
//! `models--ORG--NAME/{blobs/<sha256>, snapshots/<rev>/<path> → ../../blobs/<sha256>, refs/main}`.
//! Blobs are written to a temp file in `blobs/`, hashed, fsynced and renamed; a snapshot entry is
//! made only once its blob is complete, and an import's new revision is linked in
//! `.hftutor-staging/<rev>` (beside `snapshots/`, where huggingface_hub doesn't look) and renamed
//! into `snapshots/` whole. Writers hold an advisory lock on
//! `.locks/models--ORG--NAME/hftutor.lock`, where huggingface_hub keeps its own locks (a lock file
//! inside the repo folder would leave a half-made repo behind after a miss, which Python's
//! `scan_cache_dir` reports as corrupted).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::blob::{write_hashed, Meter};
use super::pins::PinnedFile;
use super::ProvisionEvent;
use crate::domain::repo_id as ids;

pub use super::blob::sha256_file;

const PART_SUFFIX: &str = ".hftutor-part";
const LOCK_FILE: &str = "hftutor.lock";
const STAGING: &str = ".hftutor-staging";

/// One model repo folder in the cache.
#[derive(Debug, Clone)]
pub struct RepoDir {
    pub repo_id: String,
    root: PathBuf,
    locks: PathBuf,
}

/// A blob written (or found) in `blobs/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub sha256: String,
    pub size: u64,
}

/// Why a blob couldn't be stored.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Reading the source failed (a stalled download, a broken archive).
    #[error("reading failed: {0}")]
    Read(io::Error),
    /// Writing to the cache failed.
    #[error("writing to the cache failed: {0}")]
    Write(io::Error),
    /// The content is not what the pins say.
    #[error("sha256 {actual} ({actual_size} bytes) instead of the pinned {expected} ({expected_size} bytes)")]
    Mismatch {
        expected: String,
        expected_size: u64,
        actual: String,
        actual_size: u64,
    },
}

/// Holds the repo's advisory lock until dropped.
#[derive(Debug)]
pub struct RepoLock {
    _file: File,
}

/// What `models list` shows about a cached repo.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedRepo {
    pub repo_id: String,
    /// Bytes of its complete blobs.
    pub size: u64,
    /// Snapshot folders (revisions), sorted.
    pub revisions: Vec<String>,
    /// What `refs/main` names, if anything.
    pub main: Option<String>,
    pub path: PathBuf,
}

impl RepoDir {
    pub fn new(cache_dir: &Path, repo_id: &str) -> RepoDir {
        let folder = ids::repo_folder_name(repo_id);
        RepoDir {
            repo_id: repo_id.to_string(),
            root: cache_dir.join(&folder),
            locks: cache_dir.join(".locks").join(folder),
        }
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    pub fn snapshot_dir(&self, rev: &str) -> PathBuf {
        self.root.join("snapshots").join(rev)
    }

    /// `snapshots/<rev>/<path>` (path already checked by [`ids::check_repo_path`]).
    pub fn snapshot_file(&self, rev: &str, path: &str) -> PathBuf {
        path.split('/')
            .fold(self.snapshot_dir(rev), |p, part| p.join(part))
    }

    pub fn blob_path(&self, sha256: &str) -> PathBuf {
        self.root.join("blobs").join(sha256)
    }

    /// Takes the repo's exclusive lock. Says so when another process holds it.
    pub fn lock(&self, events: &mut dyn FnMut(ProvisionEvent)) -> io::Result<RepoLock> {
        fs::create_dir_all(&self.locks)?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.locks.join(LOCK_FILE))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                events(ProvisionEvent::Note(format!(
                    "waiting for another hftutor that is fetching {}",
                    self.repo_id
                )));
                file.lock()?;
            }
            Err(fs::TryLockError::Error(e)) => return Err(e),
        }
        Ok(RepoLock { _file: file })
    }

    /// Removes temp files and half-linked snapshot folders left by an interrupted writer. Call
    /// with the lock held: every live writer holds it, so any temp seen then is stale.
    pub fn remove_stale_parts(&self, _lock: &RepoLock) {
        let _ = fs::remove_dir_all(self.root.join(STAGING));
        let Ok(entries) = fs::read_dir(self.root.join("blobs")) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().ends_with(PART_SUFFIX) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// `.hftutor-staging/<rev>`: where a new revision is linked before
    /// [`RepoDir::publish_snapshot`] renames it into `snapshots/` (a kill in between leaves no
    /// half-made revision; links made here point at the blobs as they will from `snapshots/`).
    pub fn staging_dir(&self, rev: &str) -> PathBuf {
        self.root.join(STAGING).join(rev)
    }

    /// Renames `.hftutor-staging/<rev>` to `snapshots/<rev>`, fsyncing its folders first.
    pub fn publish_snapshot(&self, rev: &str, _lock: &RepoLock) -> io::Result<()> {
        let from = self.staging_dir(rev);
        let mut dirs = vec![from.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in fs::read_dir(&dir)?.flatten() {
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    dirs.push(entry.path());
                }
            }
            sync_dir(&dir);
        }
        fs::create_dir_all(self.root.join("snapshots"))?;
        fs::rename(&from, self.snapshot_dir(rev))?;
        sync_dir(&self.root.join("snapshots"));
        let _ = fs::remove_dir(self.root.join(STAGING));
        Ok(())
    }

    /// Removes the repo's folders that a failed attempt left empty (never a file).
    pub fn tidy(&self, _lock: &RepoLock) {
        for sub in ["blobs", "snapshots", "refs"] {
            let _ = fs::remove_dir(self.root.join(sub));
        }
        let _ = fs::remove_dir(&self.root);
    }

    /// The revision `refs/main` names, if any.
    pub fn main_ref(&self) -> Option<String> {
        let text = fs::read_to_string(self.root.join("refs").join("main")).ok()?;
        let rev = text.trim().to_string();
        ids::check_revision(&rev).ok().map(|_| rev)
    }

    /// Points `refs/main` at `rev` (temp file, fsync, atomic rename).
    pub fn set_main(&self, rev: &str, _lock: &RepoLock) -> io::Result<()> {
        let refs = self.root.join("refs");
        fs::create_dir_all(&refs)?;
        let tmp = refs.join(format!(".main{}", unique_suffix()));
        let written = File::create(&tmp).and_then(|mut f| {
            f.write_all(rev.as_bytes())?;
            f.sync_all()
        });
        if let Err(e) = written.and_then(|_| fs::rename(&tmp, refs.join("main"))) {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        sync_dir(&refs);
        Ok(())
    }

    /// Points `refs/main` at `rev` unless it already names a snapshot that exists (a newer main
    /// fetched by Python or the Hub stays the default for other tools).
    pub fn set_main_if_unset(&self, rev: &str, lock: &RepoLock) -> io::Result<()> {
        match self.main_ref() {
            Some(main) if self.snapshot_dir(&main).is_dir() => Ok(()),
            _ => self.set_main(rev, lock),
        }
    }

    /// Copies `reader` into `blobs/<sha256>`: temp file, hash, fsync, check against `expected`,
    /// rename. When `expected`'s blob is already complete the reader isn't touched.
    pub fn store_blob(
        &self,
        reader: &mut dyn Read,
        expected: Option<&PinnedFile>,
        meter: &mut Meter<'_>,
        _lock: &RepoLock,
    ) -> Result<Blob, StoreError> {
        if let Some(pin) = expected {
            if self.blob_is_complete(pin) {
                return Ok(Blob {
                    sha256: pin.sha256.clone(),
                    size: pin.size,
                });
            }
        }
        let blobs = self.root.join("blobs");
        fs::create_dir_all(&blobs).map_err(StoreError::Write)?;
        let tmp = blobs.join(format!(
            "{}{PART_SUFFIX}",
            unique_suffix().trim_start_matches('.')
        ));
        let result = write_hashed(reader, &tmp, meter);
        let blob = match result {
            Ok(blob) => blob,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        };
        if let Some(pin) = expected {
            if blob.sha256 != pin.sha256 || blob.size != pin.size {
                let _ = fs::remove_file(&tmp);
                return Err(StoreError::Mismatch {
                    expected: pin.sha256.clone(),
                    expected_size: pin.size,
                    actual: blob.sha256,
                    actual_size: blob.size,
                });
            }
        }
        let final_path = self.blob_path(&blob.sha256);
        let same = fs::metadata(&final_path)
            .map(|m| m.len() == blob.size)
            .unwrap_or(false);
        if same {
            let _ = fs::remove_file(&tmp);
        } else {
            fs::rename(&tmp, &final_path).map_err(StoreError::Write)?;
            sync_dir(&blobs);
        }
        Ok(blob)
    }

    fn blob_is_complete(&self, pin: &PinnedFile) -> bool {
        fs::metadata(self.blob_path(&pin.sha256))
            .map(|m| m.is_file() && m.len() == pin.size)
            .unwrap_or(false)
    }

    /// Makes `snapshots/<rev>/<path>` point at the blob (relative symlink, as huggingface_hub
    /// does; a copy where symlinks aren't allowed). Returns the snapshot path.
    pub fn link(
        &self,
        rev: &str,
        path: &str,
        sha256: &str,
        _lock: &RepoLock,
    ) -> io::Result<PathBuf> {
        self.link_under(&self.snapshot_dir(rev), path, sha256)
    }

    /// [`RepoDir::link`] into `.hftutor-staging/<rev>` (see [`RepoDir::publish_snapshot`]).
    pub fn link_staged(
        &self,
        rev: &str,
        path: &str,
        sha256: &str,
        _lock: &RepoLock,
    ) -> io::Result<PathBuf> {
        self.link_under(&self.staging_dir(rev), path, sha256)
    }

    /// Links `<dir>/<path>` to the blob; `dir` is two levels below the repo folder.
    fn link_under(&self, dir: &Path, path: &str, sha256: &str) -> io::Result<PathBuf> {
        let dest = path
            .split('/')
            .fold(dir.to_path_buf(), |p, part| p.join(part));
        let parent = dest
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dir.to_path_buf());
        fs::create_dir_all(&parent)?;
        let depth = path.split('/').count() + 1;
        let mut target = PathBuf::new();
        for _ in 0..depth {
            target.push("..");
        }
        target.push("blobs");
        target.push(sha256);
        let tmp = parent.join(format!(".link{}", unique_suffix()));
        make_link(&target, &self.blob_path(sha256), &tmp)?;
        if let Err(e) = fs::rename(&tmp, &dest) {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        Ok(dest)
    }

    /// `snapshots/<rev>/<path>` if it holds exactly the pinned content: right size, and either a
    /// link to the blob named by the pinned sha256 or content that hashes to it.
    pub fn verified_file(&self, rev: &str, pin: &PinnedFile) -> Option<PathBuf> {
        let path = self.snapshot_file(rev, &pin.path);
        let meta = fs::metadata(&path).ok()?;
        if !meta.is_file() || meta.len() != pin.size {
            return None;
        }
        let points_at_blob = fs::read_link(&path)
            .ok()
            .and_then(|t| {
                t.file_name()
                    .map(|n| n.to_string_lossy() == pin.sha256.as_str())
            })
            .unwrap_or(false);
        if points_at_blob && self.blob_is_complete(pin) {
            return Some(path);
        }
        let (sha, _) = sha256_file(&path).ok()?;
        (sha == pin.sha256).then_some(path)
    }

    /// `snapshots/<rev>/<path>` if it exists (not a dangling link).
    pub fn existing_file(&self, rev: &str, path: &str) -> Option<PathBuf> {
        let p = self.snapshot_file(rev, path);
        fs::metadata(&p).ok().filter(|m| m.is_file()).map(|_| p)
    }

    /// Finds the pinned content under another snapshot (e.g. a newer `main` fetched by Python) and
    /// links it into `rev`, so it isn't fetched twice.
    pub fn adopt(&self, rev: &str, pin: &PinnedFile, lock: &RepoLock) -> Option<PathBuf> {
        for other in self.revisions() {
            if other == rev {
                continue;
            }
            let candidate = self.snapshot_file(&other, &pin.path);
            let Ok(meta) = fs::metadata(&candidate) else {
                continue;
            };
            if meta.len() != pin.size {
                continue;
            }
            let Ok(mut file) = File::open(&candidate) else {
                continue;
            };
            let mut meter = Meter::silent();
            if self
                .store_blob(&mut file, Some(pin), &mut meter, lock)
                .is_ok()
            {
                return self.link(rev, &pin.path, &pin.sha256, lock).ok();
            }
        }
        None
    }

    /// Snapshot folder names, sorted.
    pub fn revisions(&self) -> Vec<String> {
        let mut revs: Vec<String> = fs::read_dir(self.root.join("snapshots"))
            .map(|rd| {
                rd.flatten()
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| !n.starts_with('.'))
                    .collect()
            })
            .unwrap_or_default();
        revs.sort();
        revs
    }

    /// Files (repo paths) present in a snapshot, sorted.
    pub fn snapshot_files(&self, rev: &str) -> Vec<String> {
        let mut out = Vec::new();
        walk_files(&self.snapshot_dir(rev), "", 0, &mut out);
        out.sort();
        out
    }

    /// Total size of the complete blobs.
    pub fn blobs_size(&self) -> u64 {
        fs::read_dir(self.root.join("blobs"))
            .map(|rd| {
                rd.flatten()
                    .filter(|e| !e.file_name().to_string_lossy().ends_with(PART_SUFFIX))
                    .filter_map(|e| e.metadata().ok())
                    .filter(|m| m.is_file())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    }
}

/// Every model repo in the cache, sorted by id.
pub fn list_repos(cache_dir: &Path) -> Vec<CachedRepo> {
    let mut repos: Vec<CachedRepo> = fs::read_dir(cache_dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.path().is_dir())
                .filter_map(|e| ids::repo_id_of_folder(&e.file_name().to_string_lossy()))
                .map(|id| {
                    let dir = RepoDir::new(cache_dir, &id);
                    CachedRepo {
                        size: dir.blobs_size(),
                        revisions: dir.revisions(),
                        main: dir.main_ref(),
                        path: dir.root.clone(),
                        repo_id: id,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    repos.sort_by_key(|r| r.repo_id.to_lowercase());
    repos
}

fn walk_files(dir: &Path, prefix: &str, depth: usize, out: &mut Vec<String>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    for entry in rd.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(".link") {
            continue;
        }
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let path = entry.path();
        match fs::metadata(&path) {
            Ok(m) if m.is_dir() && depth < 16 => walk_files(&path, &rel, depth + 1, out),
            Ok(m) if m.is_file() => out.push(rel),
            _ => {}
        }
    }
}

fn unique_suffix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        ".{}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

#[cfg(unix)]
fn make_link(target: &Path, _blob: &Path, at: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, at)
}

#[cfg(not(unix))]
fn make_link(target: &Path, blob: &Path, at: &Path) -> io::Result<()> {
    #[cfg(windows)]
    if std::os::windows::fs::symlink_file(target, at).is_ok() {
        return Ok(());
    }
    let _ = target;
    fs::copy(blob, at).map(|_| ())
}

fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
