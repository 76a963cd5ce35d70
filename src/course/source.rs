//! Where a course's files come from: the folder embedded in the binary, or a folder on disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use super::safety::ReadError;

/// The default course, `lessons/` at build time.
static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/lessons");

pub enum Source {
    Embedded,
    Folder(PathBuf),
    /// Files held in memory, by name (fuzzing and tests): checked like a folder's.
    Memory(BTreeMap<String, String>),
}

/// The bytes of a file of the built-in course (e.g. `media/clip.wav`).
pub fn embedded_bytes(name: &str) -> Option<&'static [u8]> {
    EMBEDDED.get_file(name).map(|f| f.contents())
}

/// Files in a course folder that are not lessons.
fn is_lesson_file(name: &str) -> bool {
    name.ends_with(".md") && !name.eq_ignore_ascii_case("README.md")
}

impl Source {
    pub fn root(&self) -> Option<PathBuf> {
        match self {
            Source::Embedded | Source::Memory(_) => None,
            Source::Folder(dir) => Some(dir.clone()),
        }
    }

    /// The path of `name` as shown in messages.
    pub fn shown(&self, name: &str) -> String {
        match self {
            Source::Embedded => format!("lessons/{name}"),
            Source::Memory(_) => name.to_string(),
            Source::Folder(dir) => dir.join(name).display().to_string(),
        }
    }

    /// Whether the course folder itself exists.
    pub fn exists(&self) -> bool {
        match self {
            Source::Embedded | Source::Memory(_) => true,
            Source::Folder(dir) => dir.is_dir(),
        }
    }

    /// The text of `name`: `Ok(None)` when there is no such file, `Err` when it can't be read.
    pub fn read(&self, name: &str) -> Result<Option<String>, ReadError> {
        match self {
            Source::Embedded => match EMBEDDED.get_file(name) {
                None => Ok(None),
                Some(f) => std::str::from_utf8(f.contents())
                    .map(|s| Some(s.to_string()))
                    .map_err(ReadError::NotUtf8),
            },
            Source::Folder(dir) => super::safety::read_in_folder(dir, name),
            Source::Memory(files) => Ok(files.get(name).cloned()),
        }
    }

    /// The lesson files of the course (top-level `*.md` but README.md), sorted by name.
    pub fn lesson_files(&self) -> Vec<String> {
        let mut names: Vec<String> = match self {
            Source::Embedded => EMBEDDED
                .files()
                .filter_map(|f| {
                    f.path()
                        .file_name()
                        .and_then(|n| n.to_str())
                        .map(str::to_string)
                })
                .collect(),
            Source::Folder(dir) => read_names(dir),
            Source::Memory(files) => files.keys().cloned().collect(),
        };
        names.retain(|n| is_lesson_file(n));
        names.sort();
        names
    }
}

fn read_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        // Links are listed too, so one pointing outside the folder is refused, not skipped.
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect()
}
