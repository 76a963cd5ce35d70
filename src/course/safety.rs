//! What a course from someone else may name, so it can't make the tutor read or write outside its
//! folder or fetch from anywhere but the Hub: lesson entries are names (never paths), models are
//! Hub repo ids with a plain GGUF file name, and course files are read only from inside the
//! course folder (links to outside refused), up to a size cap.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::domain::repo_id as ids;

use crate::domain::ModelRef;

/// The largest course.yaml or lesson file read (lessons are a few KB; this is 100× that).
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Why a `lessons:` entry in course.yaml is refused: it must name a file in the course folder.
pub fn lesson_entry_problem(entry: &str) -> Option<String> {
    let is_path = entry.contains('/')
        || entry.contains('\\')
        || entry.contains('\0')
        || entry.starts_with('.')
        || entry.starts_with('~')
        || Path::new(entry).is_absolute();
    is_path.then(|| {
        format!(
            "lesson \"{entry}\" is a path: list lessons by file name or id only; \
             they must be files next to course.yaml"
        )
    })
}

/// Why a model named by a course is refused. Only Hub repo ids are allowed: a folder path would
/// let a course someone else wrote read any folder on the student's computer. A teacher with a
/// local model imports it (`hftutor models import FOLDER --repo OWNER/NAME`) and names the id.
pub fn model_problem(model: &ModelRef) -> Option<String> {
    let id = model.id.as_str();
    let looks_like_path = id.starts_with('.')
        || id.starts_with('/')
        || id.starts_with('~')
        || id.contains('\\')
        || id.matches('/').count() > 1
        || Path::new(id).is_absolute();
    if looks_like_path {
        return Some(format!(
            "model \"{id}\" is a folder path: a course can only name Hub models (owner/name); \
             import a local model with `hftutor models import FOLDER --repo OWNER/NAME` and name that"
        ));
    }
    if ids::check_repo_id(id).is_err() {
        return Some(format!(
            "model \"{id}\" is not a Hub repo id: use owner/name, made of letters, digits, - _ ."
        ));
    }
    match &model.gguf_file {
        Some(file) if !file.is_empty() && ids::check_repo_path(file).is_err() => Some(format!(
            "model file \"{file}\" is not a file inside the model repo: give its name, such as model.Q4_1.gguf"
        )),
        _ => None,
    }
}

/// Why a course file can't be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("can't read this file: {0}")]
    Io(#[source] std::io::Error),
    #[error(
        "this file is a link to nothing: remove it or point it at a file in the course folder"
    )]
    DanglingLink(#[source] std::io::Error),
    #[error("this file is a link to {}, outside the course folder: a course can only use its own files", .0.display())]
    OutsideFolder(PathBuf),
    #[error("this file is a link to a folder, not a file")]
    LinkToFolder,
    #[error("this file is over {} MB: course files can be at most that big", MAX_FILE_BYTES / (1024 * 1024))]
    TooBig,
    #[error("this file is not UTF-8 text: save it as UTF-8")]
    NotUtf8(#[source] std::str::Utf8Error),
}

/// Reads `name` in the course folder `dir`: `Ok(None)` when there is no such file; refused when
/// it is a link to outside the folder, not a file, or larger than [`MAX_FILE_BYTES`].
pub fn read_in_folder(dir: &Path, name: &str) -> Result<Option<String>, ReadError> {
    let path = dir.join(name);
    let meta = match std::fs::symlink_metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ReadError::Io(e)),
    };
    if meta.file_type().is_symlink() {
        let target = std::fs::canonicalize(&path).map_err(ReadError::DanglingLink)?;
        let inside = std::fs::canonicalize(dir).is_ok_and(|root| target.starts_with(root));
        if !inside {
            return Err(ReadError::OutsideFolder(target));
        }
    }
    if !path.is_file() {
        return if meta.file_type().is_symlink() {
            Err(ReadError::LinkToFolder)
        } else {
            Ok(None)
        };
    }
    let file = std::fs::File::open(&path).map_err(ReadError::Io)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooBig);
    }
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|e| ReadError::NotUtf8(e.utf8_error()))
}
