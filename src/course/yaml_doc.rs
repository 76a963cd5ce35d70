//! A piece of YAML inside a file (a block, front matter, course.yaml): decoding it with serde and
//! turning serde's errors into teacher-friendly problems at the right file line and column.

use serde::de::DeserializeOwned;

use super::did_you_mean;
use super::report::Report;
use super::yaml_tree::{self, parse_path, Node, Seg};

/// What a piece of YAML is, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Exercise,
    Quiz,
    FrontMatter,
    CourseFile,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Exercise => "the exercise",
            Kind::Quiz => "the quiz",
            Kind::FrontMatter => "the front matter",
            Kind::CourseFile => "course.yaml",
        }
    }
}

/// YAML text and where it sits in its file.
pub struct YamlDoc<'a> {
    pub text: &'a str,
    pub kind: Kind,
    /// File line of the YAML's first line.
    first_line: usize,
    /// Columns the YAML is indented by in the file.
    col_offset: usize,
    /// Where problems about the whole piece go (the ```exercise fence, the first `---`).
    anchor: (usize, usize),
    pub tree: Option<Node>,
    /// Flow collections nested past the budget: refused before either YAML parser runs.
    too_deep: Option<super::nesting::TooDeep>,
}

impl<'a> YamlDoc<'a> {
    pub fn new(
        text: &'a str,
        kind: Kind,
        first_line: usize,
        col_offset: usize,
        anchor: (usize, usize),
    ) -> Self {
        let too_deep = super::nesting::yaml_flow(text);
        YamlDoc {
            text,
            kind,
            first_line,
            col_offset,
            anchor,
            tree: if too_deep.is_some() {
                None
            } else {
                yaml_tree::parse(text)
            },
            too_deep,
        }
    }

    /// Where the piece as a whole is.
    pub fn anchor(&self) -> (usize, usize) {
        self.anchor
    }

    /// A YAML position (1-based) as a file position.
    pub fn to_file(&self, (line, col): (usize, usize)) -> (usize, usize) {
        (
            self.first_line + line.saturating_sub(1),
            col + self.col_offset,
        )
    }

    /// File position of `path` (`check.similarity.min`, `choices[1]`): the key for a key, the item
    /// for an index; the anchor for the empty path or when the YAML has no tree.
    pub fn pos(&self, path: &str) -> (usize, usize) {
        let segs = parse_path(path);
        match &self.tree {
            Some(tree) if !segs.is_empty() => self.to_file(tree.locate(&segs)),
            _ => self.anchor,
        }
    }

    /// File position of the value at `path` (falls back like [`YamlDoc::pos`]).
    pub fn value_pos(&self, path: &str) -> (usize, usize) {
        let segs = parse_path(path);
        match self.tree.as_ref().and_then(|t| t.at(&segs)) {
            Some(node) if !segs.is_empty() => self.to_file(node.pos()),
            _ => self.pos(path),
        }
    }

    /// Nothing but blank lines and comments.
    pub fn is_blank(&self) -> bool {
        self.text.lines().all(|l| {
            let t = l.trim();
            t.is_empty() || t.starts_with('#')
        })
    }

    /// Decodes the YAML, reporting why it can't be.
    pub fn decode<T: DeserializeOwned>(&self, report: &mut Report) -> Option<T> {
        if let Some(deep) = self.too_deep {
            report.error(self.to_file((deep.line, deep.col)), deep.yaml_message());
            return None;
        }
        match serde_yaml::from_str::<T>(self.text) {
            Ok(v) => Some(v),
            Err(e) => {
                let (pos, message) = self.describe(&e);
                report.error(pos, message);
                self.other_unknown_keys(&e, pos, report);
                None
            }
        }
    }

    /// serde stops at the first unknown key of a map (`gaol` hid `hint`): report the map's other
    /// keys that aren't among the known ones too (issue 17).
    fn other_unknown_keys(
        &self,
        err: &serde_yaml::Error,
        first: (usize, usize),
        report: &mut Report,
    ) {
        let full = err.to_string();
        let (path, body) = split_path(&full);
        let body = self.strip_locations(body, err.location().map(|l| (l.line(), l.column())));
        let Some(rest) = body.strip_prefix("unknown field `") else {
            return;
        };
        let (_, expected) = unknown_field_parts(rest);
        if expected.is_empty() {
            return;
        }
        let Some(yaml_tree::Kind::Map(entries)) = self
            .tree
            .as_ref()
            .and_then(|t| t.at(&parse_path(path)))
            .map(|n| &n.kind)
        else {
            return;
        };
        for (k, _) in entries {
            let yaml_tree::Kind::Scalar(key) = &k.kind else {
                continue;
            };
            let at = self.to_file(k.pos());
            if at != first && !expected.iter().any(|e| e == key) {
                report.error(at, self.unknown_key_message(path, key, &expected));
            }
        }
    }

    /// Position and message for a serde_yaml error.
    fn describe(&self, err: &serde_yaml::Error) -> ((usize, usize), String) {
        let full = err.to_string();
        let location = err.location().map(|l| (l.line(), l.column()));
        let (path, body) = split_path(&full);
        let body = self.strip_locations(body, location);

        if let Some(rest) = body.strip_prefix("unknown field `") {
            let (field, expected) = unknown_field_parts(rest);
            let pos = location
                .map(|l| self.to_file(l))
                .unwrap_or_else(|| self.pos(path));
            return (pos, self.unknown_key_message(path, &field, &expected));
        }
        if let Some(rest) = body.strip_prefix("duplicate field `") {
            let field = rest.split('`').next().unwrap_or_default();
            return (
                self.duplicate_pos(path, field),
                format!("\"{field}\" is given twice{}: keep one", in_path(path)),
            );
        }
        if let Some(rest) = body.strip_prefix("duplicate entry with key ") {
            let key = rest.trim().trim_matches('"');
            return (
                self.duplicate_pos(path, key),
                format!("\"{key}\" is given twice{}: keep one", in_path(path)),
            );
        }
        let pos = match location {
            Some(l) if l != (1, 1) || path.is_empty() => self.to_file(l),
            _ => self.value_pos(path),
        };
        if let Some(rest) = body
            .strip_prefix("invalid type: ")
            .or_else(|| body.strip_prefix("invalid value: "))
        {
            return (pos, self.type_message(path, rest));
        }
        if body.starts_with("missing field")
            || body.starts_with("invalid length")
            || body.starts_with("unknown variant")
        {
            return (
                pos,
                if path.is_empty() {
                    body
                } else {
                    format!("{path}: {body}")
                },
            );
        }
        (
            pos,
            format!("YAML syntax error: {body}{}", syntax_hint(&body)),
        )
    }

    /// Rewrites `at line L column C` (YAML positions) as file lines; drops the main one.
    fn strip_locations(&self, body: &str, main: Option<(usize, usize)>) -> String {
        let mut out = String::new();
        let mut rest = body;
        while let Some(i) = rest.find(" at line ") {
            out.push_str(&rest[..i]);
            let after = &rest[i + " at line ".len()..];
            let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
            let after_line = &after[digits.len()..];
            let (col_digits, tail) = match after_line.strip_prefix(" column ") {
                Some(t) => {
                    let d: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
                    let tail = &t[d.len()..];
                    (d, tail)
                }
                None => (String::new(), after_line),
            };
            let line: usize = digits.parse().unwrap_or(0);
            let col: usize = col_digits.parse().unwrap_or(0);
            if digits.is_empty() {
                out.push_str(" at line ");
                rest = after;
                continue;
            }
            if Some((line, col)) != main {
                let (fl, _) = self.to_file((line, col.max(1)));
                out.push_str(&format!(" at line {fl}"));
            }
            rest = tail;
        }
        out.push_str(rest);
        out
    }

    fn duplicate_pos(&self, path: &str, key: &str) -> (usize, usize) {
        let segs = parse_path(path);
        let second = self
            .tree
            .as_ref()
            .and_then(|t| t.at(&segs))
            .and_then(|m| m.entry(key, 1));
        match second {
            Some((k, _)) => self.to_file(k.pos()),
            None => self.pos(path),
        }
    }

    fn unknown_key_message(&self, path: &str, field: &str, expected: &[String]) -> String {
        let last_key = parse_path(path).into_iter().rev().find_map(|s| match s {
            Seg::Key(k) => Some(k),
            Seg::Index(_) => None,
        });
        let only_keys = !path.contains('.') && !path.contains('[');
        let (noun, place) = match (self.kind, last_key.as_deref()) {
            (Kind::Exercise, Some("check")) if only_keys => ("check", String::new()),
            (Kind::Exercise, Some("params")) if only_keys => ("param", String::new()),
            _ if path.is_empty() => ("key", format!(" in {}", self.kind.name())),
            _ => ("key", in_path(path)),
        };
        let hint = match did_you_mean::closest(field, expected.iter().map(String::as_str)) {
            Some(c) => format!(" (did you mean \"{c}\"?)"),
            None if expected.is_empty() => String::new(),
            None => format!("; known {noun}s: {}", expected.join(", ")),
        };
        format!("unknown {noun} \"{field}\"{place}{hint}")
    }

    fn type_message(&self, path: &str, rest: &str) -> String {
        let (found, expected) = match rest.rsplit_once(", expected ") {
            Some((f, e)) => (f, e),
            None => (rest, ""),
        };
        let expected = friendly_expected(expected);
        let found_text = friendly_found(found);
        if path.is_empty() {
            let example = match self.kind {
                Kind::Exercise => "id: …, task: …, goal: …",
                Kind::Quiz => "id: …, question: …, choices: …",
                Kind::FrontMatter => "id: …, title: …, summary: …",
                Kind::CourseFile => "title: …, lessons: …, models: …",
            };
            return format!(
                "{} should be a YAML map ({example}), not {found_text}",
                self.kind.name()
            );
        }
        let mut msg = format!(
            "{} should be {expected}, not {found_text}",
            human_path(path)
        );
        if expected == "true or false" {
            msg.push_str(" (write true or false)");
        } else if expected.starts_with("a text")
            && (found.starts_with("map") || found.starts_with("sequence"))
        {
            msg.push_str(" (put a text containing `: `, `[` or `{` in quotes)");
        }
        msg
    }
}

fn in_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" in {}", human_path(path))
    }
}

/// A serde path as a teacher reads it, counting from 1 as every other message does:
/// `hints[2]` is "hint 3", `choices[1].correct` is "choice 2's correct" (issue 17).
fn human_path(path: &str) -> String {
    let mut out = String::new();
    let mut after_index = false;
    for seg in parse_path(path) {
        match seg {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push_str(if after_index { "'s " } else { "." });
                }
                out.push_str(&k);
                after_index = false;
            }
            Seg::Index(i) => {
                // "hints" → "hint 3"; a key that isn't a plural keeps its name.
                let word_start = out.rfind(['.', ' ']).map_or(0, |at| at + 1);
                if out[word_start..].len() > 1 && out.ends_with('s') {
                    out.pop();
                }
                out.push_str(&format!(" {}", i + 1));
                after_index = true;
            }
        }
    }
    out
}

/// Splits serde_yaml's `path: message` into its parts (the path is empty at the top level).
fn split_path(full: &str) -> (&str, &str) {
    if let Some((head, body)) = full.split_once(": ") {
        let is_path = !head.is_empty()
            && head
                .chars()
                .all(|c| c.is_alphanumeric() || "_-.[]".contains(c))
            && !head.contains(' ');
        let serde_like = [
            "unknown field",
            "invalid type",
            "invalid value",
            "duplicate",
            "missing field",
            "invalid length",
            "unknown variant",
        ]
        .iter()
        .any(|p| body.starts_with(p));
        if is_path && serde_like {
            return (head, body);
        }
    }
    ("", full)
}

/// From "lable`, expected one of `a`, `b`" → ("lable", [a, b]).
fn unknown_field_parts(rest: &str) -> (String, Vec<String>) {
    let (field, tail) = rest.split_once('`').unwrap_or((rest, ""));
    let expected = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    (field.to_string(), expected)
}

fn friendly_expected(e: &str) -> String {
    let e = e.trim();
    match e {
        "f64" | "f32" => "a number".into(),
        "u64" | "u32" | "usize" | "i64" | "i32" | "isize" | "u8" | "u16" => "a whole number".into(),
        "a boolean" => "true or false".into(),
        "a string" => "a text".into(),
        "a sequence" => "a list".into(),
        "a map" => "a map of keys".into(),
        _ if e.starts_with("struct ") => "a map of keys".into(),
        _ => e.to_string(),
    }
}

fn friendly_found(f: &str) -> String {
    let f = f.trim();
    if let Some(s) = f.strip_prefix("string ") {
        return format!("the text {s}");
    }
    for prefix in ["integer ", "floating point ", "boolean "] {
        if let Some(v) = f.strip_prefix(prefix) {
            return v.trim_matches('`').to_string();
        }
    }
    match f {
        "sequence" => "a list".into(),
        "map" => "a map".into(),
        "unit value" => "an empty value".into(),
        _ => f.to_string(),
    }
}

fn syntax_hint(body: &str) -> &'static str {
    if body.contains("tab character") {
        " (indent with spaces, not tabs)"
    } else if body.contains("mapping values are not allowed") {
        " (a text containing `: ` needs quotes)"
    } else if body.contains("did not find expected")
        && (body.contains("flow") || body.contains("','"))
    {
        " (a `[` or `{` is not closed, or a text inside it needs quotes)"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn paths_count_from_one_in_words() {
        assert_eq!(human_path("hints[0]"), "hint 1");
        assert_eq!(human_path("choices[1].correct"), "choice 2's correct");
        assert_eq!(human_path("inputs[2].label"), "input 3's label");
        assert_eq!(human_path("check.score.min"), "check.score.min");
        assert_eq!(human_path("solution[1]"), "solution 2");
    }

    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        id: Option<String>,
        n: Option<f64>,
        ok: Option<bool>,
    }

    fn first(text: &str) -> String {
        let doc = YamlDoc::new(text, Kind::Quiz, 10, 0, (9, 1));
        let mut r = Report::new("f.md");
        assert!(doc.decode::<T>(&mut r).is_none());
        r.problems[0].to_string()
    }

    #[test]
    fn serde_errors_become_file_positions() {
        assert_eq!(
            first("id: a\nnn: 1\n"),
            "f.md:11:1: unknown key \"nn\" in the quiz (did you mean \"n\"?)"
        );
        assert_eq!(
            first("id: a\ncolour: 1\n"),
            "f.md:11:1: unknown key \"colour\" in the quiz; known keys: id, n, ok"
        );
        assert_eq!(
            first("id: a\nn: high\n"),
            "f.md:11:4: n should be a number, not the text \"high\""
        );
        assert_eq!(
            first("ok: yes\n"),
            "f.md:10:5: ok should be true or false, not the text \"yes\" (write true or false)"
        );
        assert_eq!(
            first("id: a\nid: b\n"),
            "f.md:11:1: \"id\" is given twice: keep one"
        );
        assert_eq!(
            first("- a\n"),
            "f.md:10:1: the quiz should be a YAML map (id: …, question: …, choices: …), not a list"
        );
        assert_eq!(
            first("id: a\n\tn: 1\n"),
            "f.md:11:1: YAML syntax error: found a tab character that violates indentation, while scanning a plain scalar at line 10 (indent with spaces, not tabs)"
        );
    }
}
