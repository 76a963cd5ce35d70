//! Python errors as CPython 3.11 prints them: the traceback from monty's frames (with `^` carets
//! only where CPython draws them, and recursion collapsed), a SyntaxError without a traceback
//! header and with CPython's wording for the common mistakes, and NameError's "Did you mean".

use monty_types::{ExcType, MontyException, StackFrame};

use super::imports::ImportProblem;
use super::values::raise;

/// CPython's wording for the parser's messages a beginner meets most.
const SYNTAX_WORDING: &[(&str, &str)] = &[
    ("Expected an expression", "invalid syntax"),
    ("Expected a statement", "invalid syntax"),
    (
        "Simple statements must be separated by newlines or semicolons",
        "invalid syntax",
    ),
    (
        "Expected an indented block after",
        "expected an indented block after",
    ),
    ("Unexpected indentation", "unexpected indent"),
];

fn syntax_message(message: &str) -> String {
    for (ruff, cpython) in SYNTAX_WORDING {
        if let Some(rest) = message.strip_prefix(ruff) {
            return format!("{cpython}{rest}");
        }
    }
    message.to_string()
}

/// Where the student's code starts in what monty ran: before it, each host library's Python
/// (sentence_transformers, gradio), in order, with its line count; tracebacks name its lines
/// `<hftutor's LIBRARY>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Prelude {
    pub parts: [(&'static str, usize); 2],
}

impl Prelude {
    /// Lines before the student's code.
    pub fn offset(&self) -> usize {
        self.parts.iter().map(|(_, n)| n).sum()
    }

    /// Adds a library's prelude of `lines` lines after the ones there.
    pub fn push(&mut self, library: &'static str, lines: usize) {
        if let Some(slot) = self.parts.iter_mut().find(|(_, n)| *n == 0) {
            *slot = (library, lines);
        }
    }

    /// The library whose prelude holds `line` (1-based, of what ran), and the line in it.
    fn library_at(&self, line: usize) -> (&'static str, usize) {
        let mut start = 0;
        for (name, n) in self.parts {
            if line <= start + n {
                return (name, line - start);
            }
            start += n;
        }
        ("", line)
    }
}

/// The whole error as CPython prints it to stderr.
pub fn format(e: &MontyException, prelude: Prelude) -> String {
    let syntax = e.exc_type() == ExcType::SyntaxError;
    let mut s = String::new();
    let frames = e.traceback();
    if !syntax && !frames.is_empty() {
        s.push_str("Traceback (most recent call last):\n");
    }
    let mut i = 0;
    while i < frames.len() {
        let f = &frames[i];
        let mut same = 1;
        while i + same < frames.len() && same_place(&frames[i + same], f) {
            same += 1;
        }
        let shown = same.min(3);
        for _ in 0..shown {
            frame(&mut s, f, syntax, prelude);
        }
        if same > 3 {
            s.push_str(&format!(
                "  [Previous line repeated {} more times]\n",
                same - 3
            ));
        }
        i += same;
    }
    let indentation = |m: &str| {
        m.starts_with("Expected an indented block") || m.starts_with("Unexpected indentation")
    };
    let kind = if syntax && e.message().is_some_and(indentation) {
        "IndentationError".to_string()
    } else {
        e.exc_type().to_string()
    };
    match e.message() {
        Some(m) if syntax => s.push_str(&format!("{kind}: {}", syntax_message(m))),
        Some(m) if e.exc_type() == ExcType::KeyError => {
            s.push_str(&format!("{kind}: {}", key_repr(m)))
        }
        Some(m) => s.push_str(&format!("{kind}: {m}")),
        None => s.push_str(&kind),
    }
    s.push('\n');
    s
}

/// KeyError shows its key's repr (`KeyError: 'b'`); monty keeps the bare text.
fn key_repr(m: &str) -> String {
    let quoted = m.starts_with('\'') || m.starts_with('"');
    let number = m.parse::<f64>().is_ok();
    if quoted || number || m.contains(' ') {
        m.to_string()
    } else {
        format!("'{m}'")
    }
}

fn same_place(a: &StackFrame, b: &StackFrame) -> bool {
    a.filename == b.filename && a.start.line == b.start.line && a.frame_name == b.frame_name
}

fn frame(s: &mut String, f: &StackFrame, syntax: bool, prelude: Prelude) {
    let line = f.start.line as usize;
    let (file, line) = if line <= prelude.offset() {
        let (library, line) = prelude.library_at(line);
        (format!("<hftutor's {library}>"), line)
    } else {
        (f.filename.clone(), line - prelude.offset())
    };
    if f.hide_frame_name || syntax {
        s.push_str(&format!("  File \"{file}\", line {line}\n"));
    } else {
        let name = f.frame_name.as_deref().unwrap_or("<module>");
        s.push_str(&format!("  File \"{file}\", line {line}, in {name}\n"));
    }
    let Some(line) = f.preview_line.as_deref() else {
        return;
    };
    let trimmed = line.trim_start();
    let shown = trimmed.trim_end();
    s.push_str(&format!("    {shown}\n"));
    let lead = line.chars().count() - trimmed.chars().count();
    let start = (f.start.column as usize)
        .saturating_sub(1)
        .saturating_sub(lead);
    if syntax {
        s.push_str(&format!("{}^\n", " ".repeat(4 + start)));
    } else if !f.hide_caret && f.start.line == f.end.line {
        let width = (f.end.column as usize)
            .saturating_sub(f.start.column as usize)
            .max(1);
        // CPython draws no carets under an expression that is the whole line.
        if width < shown.chars().count() {
            s.push_str(&format!("{}{}\n", " ".repeat(4 + start), "^".repeat(width)));
        }
    }
}

/// An import the sandbox can't satisfy, as a traceback at its line.
pub fn import_problem(p: &ImportProblem, file_name: &str, source: &str) -> String {
    let line = source
        .lines()
        .nth(p.line.saturating_sub(1))
        .unwrap_or("")
        .trim();
    format!(
        "Traceback (most recent call last):\n  File \"{file_name}\", line {}, in <module>\n    {line}\n{}: {}\n",
        p.line, p.kind, p.message
    )
}

/// The built-in names CPython would also suggest.
const BUILTINS: &[&str] = &[
    "print",
    "len",
    "range",
    "list",
    "dict",
    "str",
    "int",
    "float",
    "round",
    "sorted",
    "sum",
    "max",
    "min",
    "enumerate",
    "zip",
    "abs",
    "isinstance",
    "type",
    "set",
    "tuple",
    "bool",
    "any",
    "all",
];

/// CPython's suggestion: the closest name within its distance budget (a move costs 2, so the
/// budget is (len(a) + len(b) + 3) · 2 / 6).
pub fn did_you_mean(name: &str, candidates: &[String]) -> Option<String> {
    let all = candidates
        .iter()
        .map(String::as_str)
        .chain(BUILTINS.iter().copied());
    all.filter(|c| *c != name && !c.starts_with("__hf_"))
        .map(|c| (strsim::levenshtein(name, c) * 2, c))
        .filter(|(d, c)| *d <= (name.len() + c.len() + 3) * 2 / 6)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

/// NameError for `name`, with CPython's "Did you mean".
pub fn name_error(name: &str, candidates: &[String]) -> MontyException {
    let hint = did_you_mean(name, candidates)
        .map(|c| format!(". Did you mean: '{c}'?"))
        .unwrap_or_default();
    raise(
        ExcType::NameError,
        format!("name '{name}' is not defined{hint}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_follow_cpython() {
        let names = vec!["classifier".to_string(), "result".to_string()];
        assert_eq!(
            did_you_mean("classifer", &names).as_deref(),
            Some("classifier")
        );
        assert_eq!(did_you_mean("prnt", &names).as_deref(), Some("print"));
        assert_eq!(did_you_mean("zebra", &names), None);
    }
}
