//! The classroom: a student's progress exported as a small JSON file
//! (`hftutor progress --export FILE`), and a teacher's report over many of them
//! (`hftutor class report FILES…`), as a text table or CSV.

use serde::{Deserialize, Serialize};

use crate::course::Course;
use crate::present::safe;
use crate::progress::{LessonState, Progress};

/// The `format` of an export this version writes and reads.
pub const FORMAT: &str = "hftutor-progress/1";

/// One student's progress through one course.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub format: String,
    pub student: String,
    pub course: String,
    pub lessons: Vec<LessonExport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonExport {
    pub id: String,
    pub title: String,
    /// Every exercise passed and every quiz answered right.
    pub done: bool,
    pub exercises: Vec<ExerciseExport>,
    pub quizzes: Vec<QuizExport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseExport {
    pub id: String,
    pub done: bool,
    pub attempts: u32,
    pub hints_used: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuizExport {
    pub id: String,
    pub correct: bool,
    /// Answers given (the wrong ones and the right one).
    pub tries: u32,
}

/// The export of `progress` on `course` for `student`, lessons and blocks in course order.
pub fn export(course: &Course, progress: &Progress, student: &str) -> Export {
    let lessons = course
        .lessons
        .iter()
        .map(|lesson| {
            let lp = progress.lesson(&lesson.id);
            let ex_ids: Vec<&str> = lesson.exercises().map(|e| e.id.as_str()).collect();
            let qz_ids: Vec<&str> = lesson.quizzes().map(|q| q.id.as_str()).collect();
            let exercises = ex_ids
                .iter()
                .map(|id| {
                    let p = lp.and_then(|l| l.exercises.get(*id));
                    ExerciseExport {
                        id: id.to_string(),
                        done: p.is_some_and(|p| p.passed),
                        attempts: p.map_or(0, |p| p.attempts),
                        hints_used: p.map_or(0, |p| p.hints_used),
                    }
                })
                .collect();
            let quizzes = qz_ids
                .iter()
                .map(|id| {
                    let p = lp.and_then(|l| l.quizzes.get(*id));
                    QuizExport {
                        id: id.to_string(),
                        correct: p.is_some_and(|p| p.correct),
                        tries: p.map_or(0, |p| p.picked.len() as u32),
                    }
                })
                .collect();
            LessonExport {
                id: lesson.id.clone(),
                title: lesson.title.clone(),
                done: progress.state(&lesson.id, &ex_ids, &qz_ids) == LessonState::Done,
                exercises,
                quizzes,
            }
        })
        .collect();
    Export {
        format: FORMAT.to_string(),
        student: student.to_string(),
        course: course.title.clone(),
        lessons,
    }
}

/// Why progress exports can't be read or reported on.
#[derive(Debug, thiserror::Error)]
pub enum ClassError {
    #[error("this is not a progress file from `hftutor progress --export` ({0})")]
    NotAnExport(#[source] serde_json::Error),
    /// An export of another format version than [`FORMAT`].
    #[error("this progress file has format \"{0}\"; this hftutor reads \"{FORMAT}\"", FORMAT = FORMAT)]
    WrongFormat(String),
    #[error("no progress files given")]
    NoExports,
    #[error(
        "these files are from different courses (\"{0}\" and \"{1}\"): report one course at a time"
    )]
    MixedCourses(String, String),
}

/// Reads an export written by `hftutor progress --export`.
pub fn parse_export(text: &str) -> Result<Export, ClassError> {
    let export: Export = serde_json::from_str(text).map_err(ClassError::NotAnExport)?;
    if export.format != FORMAT {
        return Err(ClassError::WrongFormat(export.format));
    }
    Ok(export)
}

/// One line of the class report: a lesson, or an exercise or quiz in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub lesson: String,
    /// Empty for the lesson's own line.
    pub item: String,
    /// "lesson", "exercise" or "quiz".
    pub kind: &'static str,
    /// Students who finished it.
    pub done: usize,
    pub students: usize,
    /// Mean attempts (exercises) or answers (quizzes) among students who tried; None if nobody did.
    pub mean_attempts: Option<f64>,
    /// Hints used, over all students (exercises only).
    pub hints: Option<u32>,
}

/// A class's progress on one course.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassReport {
    pub course: String,
    pub students: Vec<String>,
    pub rows: Vec<Row>,
}

/// The report over every student's export; they must all be of the same course. Lessons and
/// blocks come in the order of the first export, then any that only later ones have.
pub fn class_report(exports: &[Export]) -> Result<ClassReport, ClassError> {
    let Some(first) = exports.first() else {
        return Err(ClassError::NoExports);
    };
    if let Some(other) = exports.iter().find(|e| e.course != first.course) {
        return Err(ClassError::MixedCourses(
            first.course.clone(),
            other.course.clone(),
        ));
    }
    // (lesson, item, kind) in first-seen order.
    let mut keys: Vec<(String, String, &'static str)> = Vec::new();
    for e in exports {
        for l in &e.lessons {
            let items = std::iter::once((String::new(), "lesson"))
                .chain(l.exercises.iter().map(|x| (x.id.clone(), "exercise")))
                .chain(l.quizzes.iter().map(|q| (q.id.clone(), "quiz")));
            for (item, kind) in items {
                let key = (l.id.clone(), item, kind);
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
        }
    }
    let rows = keys
        .into_iter()
        .map(|(lesson, item, kind)| row(exports, lesson, item, kind))
        .collect();
    Ok(ClassReport {
        course: first.course.clone(),
        students: exports.iter().map(|e| e.student.clone()).collect(),
        rows,
    })
}

fn row(exports: &[Export], lesson: String, item: String, kind: &'static str) -> Row {
    let mut done = 0;
    let mut tries: Vec<u32> = Vec::new();
    let mut hints = 0;
    for e in exports {
        let Some(l) = e.lessons.iter().find(|l| l.id == lesson) else {
            continue;
        };
        match kind {
            "lesson" => done += usize::from(l.done),
            "exercise" => {
                if let Some(x) = l.exercises.iter().find(|x| x.id == item) {
                    done += usize::from(x.done);
                    hints += x.hints_used;
                    if x.attempts > 0 {
                        tries.push(x.attempts);
                    }
                }
            }
            _ => {
                if let Some(q) = l.quizzes.iter().find(|q| q.id == item) {
                    done += usize::from(q.correct);
                    if q.tries > 0 {
                        tries.push(q.tries);
                    }
                }
            }
        }
    }
    let mean_attempts = (kind != "lesson" && !tries.is_empty())
        .then(|| f64::from(tries.iter().sum::<u32>()) / tries.len() as f64);
    Row {
        lesson,
        item,
        kind,
        done,
        students: exports.len(),
        mean_attempts,
        hints: (kind == "exercise").then_some(hints),
    }
}

impl ClassReport {
    const HEADER: [&'static str; 6] = [
        "lesson",
        "item",
        "kind",
        "done",
        "mean attempts",
        "hints used",
    ];

    fn cells(row: &Row) -> [String; 6] {
        [
            safe::line(&row.lesson).into_owned(),
            safe::line(&row.item).into_owned(),
            row.kind.to_string(),
            format!("{}/{}", row.done, row.students),
            row.mean_attempts.map_or("-".into(), |m| format!("{m:.1}")),
            row.hints.map_or("-".into(), |h| h.to_string()),
        ]
    }

    /// A text table for the terminal, with a title line.
    pub fn table(&self) -> String {
        let rows: Vec<[String; 6]> = self.rows.iter().map(Self::cells).collect();
        let mut widths = Self::HEADER.map(|h| h.chars().count());
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
                let pad = " ".repeat(w - c.chars().count());
                // Text left, numbers right.
                if i < 3 {
                    s.push_str(&format!("{c}{pad}  "));
                } else {
                    s.push_str(&format!("{pad}{c}  "));
                }
            }
            format!("{}\n", s.trim_end())
        };
        let n = self.students.len();
        let mut out = format!(
            "{}: {n} student{}\n",
            self.course,
            if n == 1 { "" } else { "s" }
        );
        out.push_str(&line(&Self::HEADER.map(String::from)));
        for r in &rows {
            out.push_str(&line(r));
        }
        out
    }

    /// The same as CSV, for a spreadsheet (numbers as numbers, empty when none).
    pub fn csv(&self) -> String {
        let mut out = String::from("lesson,item,kind,done,students,mean_attempts,hints_used\n");
        for r in &self.rows {
            let fields = [
                csv_field(&r.lesson),
                csv_field(&r.item),
                r.kind.to_string(),
                r.done.to_string(),
                r.students.to_string(),
                r.mean_attempts.map_or(String::new(), |m| format!("{m:.2}")),
                r.hints.map_or(String::new(), |h| h.to_string()),
            ];
            out.push_str(&fields.join(","));
            out.push('\n');
        }
        out
    }
}

/// A text cell for a spreadsheet: quoted when it holds a comma, a quote or a line break, and
/// neutralised with a leading `'` when it starts like a formula (`= + - @`, or a tab or CR that
/// a spreadsheet skips before one), so `=HYPERLINK(…)` from a student's file stays text.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}
