//! `hftutor new course DIR` and `hftutor new lesson ID`: thin wrappers over
//! `course::scaffold` that print what was written and what to do next.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use crate::author::scaffold;

#[derive(Debug, Subcommand)]
pub enum NewAction {
    /// A new course folder: course.yaml and a first lesson with one example of every block.
    Course {
        /// The folder to create (it may exist, but not its course.yaml).
        dir: PathBuf,
        /// The course's title.
        #[arg(long, default_value = "My course")]
        title: String,
    },
    /// A new lesson in a course (default: the current folder), added last to its course.yaml.
    Lesson {
        /// The lesson id: lowercase letters, digits, - and _.
        id: String,
    },
}

pub fn run(course_dir: Option<&Path>, action: NewAction) -> anyhow::Result<ExitCode> {
    match action {
        NewAction::Course { dir, title } => {
            let written = scaffold::new_course(&dir, &title)?;
            for f in &written {
                outln!("wrote {}", f.display());
            }
            let d = dir.display();
            outln!(
                "Next: `hftutor check {d}`, then `hftutor --course {d} --watch` while you edit."
            );
        }
        NewAction::Lesson { id } => {
            let dir = course_dir.unwrap_or(Path::new("."));
            let file = scaffold::new_lesson(dir, &id)?;
            outln!("wrote {}", file.display());
            outln!("added it to {}", dir.join("course.yaml").display());
        }
    }
    Ok(ExitCode::SUCCESS)
}
