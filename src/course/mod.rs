//! The lesson file format: front matter, steps, exercise and quiz blocks; loading a course
//! (embedded or from a folder) and validating it with `file:line:col` messages.
//! Knows nothing of ratatui or candle, and never runs the judge: a lesson's solutions are tried by
//! the rules its caller hands in (`attempt::Rules`). The format is described for teachers in
//! lessons/README.md.

pub mod answers;
mod check_classes;
mod check_spec;
pub(crate) mod course_file;
pub mod did_you_mean;
mod exercise;
mod exercise_params;
mod front_matter;
pub(crate) mod ids;
mod lesson;
mod load;
pub mod media;
pub mod nesting;
mod quiz;
pub(crate) mod raw;
pub(crate) mod report;
mod safety;
mod source;
mod split;
mod types;
mod yaml_doc;
mod yaml_tree;

use std::path::Path;

pub use answers::{AnswerCheck, AnswerRules};
pub use types::*;

use source::Source;

/// One problem found in a course: `file:line:col: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Path as shown to the teacher (the course folder joined with the file name).
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// Warnings don't make `hftutor check` fail.
    pub warning: bool,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = if self.warning { "warning: " } else { "" };
        write!(
            f,
            "{}:{}:{}: {kind}{}",
            self.file, self.line, self.col, self.message
        )
    }
}

/// The default course, embedded in the binary from `lessons/`.
pub fn load_embedded(rules: &dyn AnswerRules) -> Result<Course, Vec<Problem>> {
    into_result(load::load(&Source::Embedded, rules))
}

/// A course from a folder holding `course.yaml`.
pub fn load_dir(dir: &Path, rules: &dyn AnswerRules) -> Result<Course, Vec<Problem>> {
    into_result(load::load(&Source::Folder(dir.to_path_buf()), rules))
}

/// A course from files held in memory (name → text), checked as a folder would be: the
/// course and every problem. For fuzzing and tests.
pub fn load_files(
    files: std::collections::BTreeMap<String, String>,
    rules: &dyn AnswerRules,
) -> (Option<Course>, Vec<Problem>) {
    load::load(&Source::Memory(files), rules)
}

/// Every problem of a course, errors and warnings, in file order (course.yaml, then the
/// lessons in course order, then files not listed). `None` checks the embedded course.
pub fn check_course(dir: Option<&Path>, rules: &dyn AnswerRules) -> Vec<Problem> {
    let source = match dir {
        Some(d) => Source::Folder(d.to_path_buf()),
        None => Source::Embedded,
    };
    load::load(&source, rules).1
}

/// Problems as a JSON array of `{file, line, col, severity, message}` (severity: "error" or
/// "warning"), for editors.
pub fn problems_json(problems: &[Problem]) -> String {
    #[derive(serde::Serialize)]
    struct Json<'a> {
        file: &'a str,
        line: usize,
        col: usize,
        severity: &'a str,
        message: &'a str,
    }
    let list: Vec<Json> = problems
        .iter()
        .map(|p| Json {
            file: &p.file,
            line: p.line,
            col: p.col,
            severity: if p.warning { "warning" } else { "error" },
            message: &p.message,
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".into())
}

/// Errors and warnings are returned together when there is at least one error.
fn into_result((course, problems): (Option<Course>, Vec<Problem>)) -> Result<Course, Vec<Problem>> {
    course.ok_or(problems)
}
