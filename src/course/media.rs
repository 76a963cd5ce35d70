//! Files an exercise's inputs name — a wav clip for speech recognition, a picture for image
//! classification — turned into paths a pipeline can open. A relative path is a file of the
//! course (confined to its folder; taken out of the binary for the built-in course); an absolute
//! or `~/` path, or one found from the current folder, is the student's own file.

use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::domain::task::Input;
use crate::domain::Task;

use super::source;
use super::Course;

/// Why a file named by an exercise input can't be given to the pipeline.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("there is no home folder to look in")]
    NoHome,
    /// Neither a course file nor one of the student's; `example` is a path of the task's kind.
    #[error("there is no file \"{name}\": give the path of a file, such as {example}")]
    Missing { name: String, example: &'static str },
    #[error("{name} is a link to nothing")]
    DanglingLink {
        name: String,
        source: std::io::Error,
    },
    #[error("{name} is a link to {}, outside the course folder: a course can only use its own files", .target.display())]
    OutsideCourse { name: String, target: PathBuf },
    /// A file of the built-in course couldn't be written out to the cache folder.
    #[error("can't write {} for the pipeline: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Whether the task's text inputs are file paths.
pub fn takes_files(task: Task) -> bool {
    matches!(task.spec().input, Input::AudioFiles | Input::ImageFiles)
}

/// The inputs as paths for a file-taking task (others are returned as they are).
pub fn resolve_inputs(
    course: &Course,
    task: Task,
    texts: &[String],
) -> Result<Vec<String>, MediaError> {
    if !takes_files(task) {
        return Ok(texts.to_vec());
    }
    texts
        .iter()
        .map(|t| resolve(course, task, t.trim()))
        .collect()
}

/// Whether a file name reaches outside a course folder: absolute, `~/…`, or with `..` (or `.`)
/// in it. A course's own files are named as plain relative paths, such as `media/cat.png`.
pub fn outside_course(name: &str) -> bool {
    let name = name.trim();
    let path = Path::new(name);
    name.starts_with('~')
        || path.is_absolute()
        || !path.components().all(|c| matches!(c, Component::Normal(_)))
}

fn resolve(course: &Course, task: Task, name: &str) -> Result<String, MediaError> {
    if let Some(rest) = name.strip_prefix("~/") {
        let home = dirs::home_dir().ok_or(MediaError::NoHome)?;
        return Ok(home.join(rest).display().to_string());
    }
    let path = Path::new(name);
    if path.is_absolute() {
        return Ok(name.to_string());
    }
    let inside = path.components().all(|c| matches!(c, Component::Normal(_)));
    let course_file = if inside {
        match &course.root {
            Some(dir) => in_folder(dir, name)?,
            None => embedded(name)?,
        }
    } else {
        None
    };
    match course_file {
        Some(p) => Ok(p.display().to_string()),
        // Not a course file: a file of the student's, from where the tutor was started.
        None if path.exists() => Ok(name.to_string()),
        None => Err(MediaError::Missing {
            name: name.to_string(),
            example: match task.spec().input {
                Input::ImageFiles => "~/Pictures/cat.jpg",
                _ => "~/Music/clip.wav",
            },
        }),
    }
}

/// `name` in the course folder, refused when it leads out of the folder: the file or any folder
/// on its way may be a link, so the whole path is resolved and compared with the course's root.
fn in_folder(dir: &Path, name: &str) -> Result<Option<PathBuf>, MediaError> {
    let path = dir.join(name);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    let target = std::fs::canonicalize(&path).map_err(|source| MediaError::DanglingLink {
        name: name.to_string(),
        source,
    })?;
    let inside = std::fs::canonicalize(dir).is_ok_and(|root| target.starts_with(root));
    if !inside {
        return Err(MediaError::OutsideCourse {
            name: name.to_string(),
            target,
        });
    }
    Ok(target.is_file().then_some(path))
}

/// A file of the built-in course, written once to the cache folder so a pipeline can open it.
fn embedded(name: &str) -> Result<Option<PathBuf>, MediaError> {
    let Some(bytes) = source::embedded_bytes(name) else {
        return Ok(None);
    };
    let digest = Sha256::digest(bytes);
    let short: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    let file_name = Path::new(name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = dirs::cache_dir()
        .unwrap_or_else(std::env::temp_dir)
        .join("hftutor")
        .join("media");
    let path = dir.join(format!("{short}-{file_name}"));
    if std::fs::metadata(&path).is_ok_and(|m| m.len() == bytes.len() as u64) {
        return Ok(Some(path));
    }
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        let tmp = dir.join(format!(".{short}-{}.tmp", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)
    };
    write().map_err(|source| MediaError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course(root: Option<PathBuf>) -> Course {
        Course {
            title: "T".into(),
            root,
            lessons: Vec::new(),
            models: Default::default(),
        }
    }

    #[test]
    fn course_files_are_confined_and_student_files_allowed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("media")).unwrap();
        std::fs::write(dir.path().join("media/a.wav"), b"RIFF").unwrap();
        let c = course(Some(dir.path().to_path_buf()));
        let t = Task::AutomaticSpeechRecognition;
        let got = resolve_inputs(&c, t, &["media/a.wav".into()]).unwrap();
        assert_eq!(got, [dir.path().join("media/a.wav").display().to_string()]);
        // `..` never reaches a course file; such a path that doesn't exist is an error.
        let err = resolve_inputs(&c, t, &["../nope/x.wav".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("no file \"../nope/x.wav\""), "{err}");
        assert!(err.ends_with("such as ~/Music/clip.wav"), "{err}");
        // A missing picture gets a picture as its example.
        let img = Task::ImageClassification;
        let err = resolve_inputs(&c, img, &["nope.jpg".into()])
            .unwrap_err()
            .to_string();
        assert!(err.ends_with("such as ~/Pictures/cat.jpg"), "{err}");
        // Absolute paths are the student's own.
        assert_eq!(
            resolve_inputs(&c, t, &["/tmp/x.wav".into()]).unwrap(),
            ["/tmp/x.wav"]
        );
        // Other tasks' inputs are text.
        assert_eq!(
            resolve_inputs(&c, Task::FillMask, &["a b".into()]).unwrap(),
            ["a b"]
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_course_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.wav"), b"x").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.wav"), dir.path().join("s.wav"))
            .unwrap();
        let c = course(Some(dir.path().to_path_buf()));
        let err = resolve_inputs(&c, Task::ImageClassification, &["s.wav".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("outside the course folder"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_link_out_of_the_course_is_refused_too() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.png"), b"x").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("media")).unwrap();
        let c = course(Some(dir.path().to_path_buf()));
        let err = resolve_inputs(&c, Task::ImageClassification, &["media/secret.png".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("outside the course folder"), "{err}");
        for name in ["/etc/passwd", "~/x.png", "media/../../x.png", "./a.png"] {
            assert!(outside_course(name), "{name}");
        }
        assert!(!outside_course("media/cat.png"));
    }
}
