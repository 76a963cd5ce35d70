//! Collecting problems for one file: errors and warnings at `line:col`.

use super::Problem;

/// The problems found in one file, in the order found.
#[derive(Debug, Default)]
pub struct Report {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn new(file: impl Into<String>) -> Self {
        Report {
            file: file.into(),
            problems: Vec::new(),
        }
    }

    pub fn error(&mut self, (line, col): (usize, usize), message: impl Into<String>) {
        self.push(line, col, message.into(), false);
    }

    pub fn warn(&mut self, (line, col): (usize, usize), message: impl Into<String>) {
        self.push(line, col, message.into(), true);
    }

    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| !p.warning)
    }

    fn push(&mut self, line: usize, col: usize, message: String, warning: bool) {
        self.problems.push(Problem {
            file: self.file.clone(),
            line: line.max(1),
            col: col.max(1),
            message,
            warning,
        });
    }
}
