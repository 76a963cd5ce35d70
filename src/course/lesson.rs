//! One lesson file: front matter, steps and their blocks, turned into a [`Lesson`] with every
//! problem of the file reported (ids unique within the lesson, steps that don't fit a screen…).

use super::did_you_mean;
use super::front_matter::{self, FrontMatterError};
use super::raw::{RawExercise, RawFrontMatter, RawQuiz};
use super::report::Report;
use super::split::{self, BlockKind, Piece, RawBlock};
use super::types::{Block, Lesson, Step};
use super::yaml_doc::{Kind, YamlDoc};
use super::{exercise, ids, quiz};

/// Text width of the lesson pane at 100 columns (sidebar and borders taken off).
const PANE_WIDTH: usize = 72;
/// Lines of text a step may have before the student must scroll, without and with a panel below.
const MAX_LINES: usize = 24;
const MAX_LINES_WITH_PANEL: usize = 16;
/// Lessons of this many steps or more should end with a recap (warning).
const MIN_STEPS_FOR_RECAP: usize = 3;

/// A parsed lesson and where its id is written (for duplicate-id messages).
pub struct Parsed {
    pub lesson: Lesson,
    pub id_pos: (usize, usize),
}

/// Parses a lesson file; `file` is the name relative to the course folder.
pub fn parse(file: &str, text: &str, report: &mut Report) -> Option<Parsed> {
    let split = match front_matter::split(text) {
        Ok(s) => s,
        Err(FrontMatterError::Missing) => {
            report.error(
                (1, 1),
                "the lesson has no front matter: start the file with a `---` line, then `id:`, `title:` and `summary:`, then `---`",
            );
            return None;
        }
        Err(FrontMatterError::Unclosed) => {
            report.error(
                (1, 1),
                "the front matter is never closed: add a `---` line after it",
            );
            return None;
        }
    };
    // Before any parse: nesting the renderer would pay for quadratically.
    if let Some(deep) = super::nesting::markdown(&split.body) {
        report.error(
            (split.body_line + deep.line - 1, deep.col),
            deep.markdown_message(),
        );
    }
    let doc = YamlDoc::new(&split.yaml, Kind::FrontMatter, split.yaml_line, 0, (1, 1));
    let blank = doc.is_blank();
    if blank {
        report.error(
            (1, 1),
            "the front matter is empty: give it `id:`, `title:` and `summary:`",
        );
    }
    let decoded: Option<RawFrontMatter> = if blank { None } else { doc.decode(report) };
    // Missing fields are only worth saying when the front matter could be read at all.
    let complain = decoded.is_some();
    let front = decoded.unwrap_or(RawFrontMatter {
        id: None,
        title: None,
        summary: None,
        concepts: None,
        download: None,
    });
    let concepts: Vec<String> = front
        .concepts
        .unwrap_or_default()
        .iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let mut field = |key: &str, value: Option<String>, how: &str| -> String {
        match value
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
        {
            Some(v) => v,
            None => {
                if complain {
                    report.error(
                        (1, 1),
                        format!("the front matter has no {key}: add `{key}: {how}`"),
                    );
                }
                String::new()
            }
        }
    };
    let id = field("id", front.id, "a-short-name");
    let title = field("title", front.title, "…");
    let summary = field(
        "summary",
        front.summary,
        "one sentence on what the student will do",
    );
    if !id.is_empty() {
        if let Err(m) = ids::check(&id) {
            report.error(doc.value_pos("id"), m.to_string());
        }
    }
    let id_pos = if id.is_empty() { (1, 1) } else { doc.pos("id") };

    let body = split::split(&split.body, split.body_line);
    for fence in &body.code_fences {
        let word = fence.info.split_whitespace().next().unwrap_or_default();
        if let Some(meant) = did_you_mean::closest(word, ["exercise", "quiz"]) {
            report.warn(
                (fence.line, fence.col),
                format!("code block \"{word}\" is shown as code (did you mean \"{meant}\"?)"),
            );
        }
    }

    let mut steps = Vec::new();
    let mut seen: Vec<(String, &'static str, usize)> = Vec::new();
    let mut last_heading = (1, 1);
    for raw_step in body.steps {
        let step_title = raw_step.title.clone().unwrap_or_else(|| title.clone());
        let mut blocks = Vec::new();
        for piece in &raw_step.pieces {
            match piece {
                Piece::Markdown { text, .. } => blocks.push(Block::Markdown(text.clone())),
                Piece::Block(raw) => {
                    if let Some((block, id, pos)) = block(raw, report) {
                        let kind = raw.kind.name();
                        if let Some((_, other_kind, line)) = seen.iter().find(|(s, _, _)| *s == id)
                        {
                            report.error(
                                pos,
                                format!("duplicate id \"{id}\": the {other_kind} at line {line} uses it too; ids must be unique in a lesson"),
                            );
                        } else {
                            seen.push((id, kind, raw.fence_line));
                        }
                        blocks.push(block);
                    }
                }
            }
        }
        let heading = (raw_step.line, 1);
        last_heading = heading;
        if raw_step.pieces.is_empty() {
            report.warn(
                heading,
                format!("step \"{step_title}\" is empty: add text, or remove the heading"),
            );
        }
        let has_panel = blocks.iter().any(|b| !matches!(b, Block::Markdown(_)));
        let lines: usize = raw_step
            .markdown_lines
            .iter()
            .map(|l| l.chars().count().div_ceil(PANE_WIDTH).max(1))
            .sum();
        let max = if has_panel {
            MAX_LINES_WITH_PANEL
        } else {
            MAX_LINES
        };
        if lines > max {
            report.warn(
                heading,
                format!(
                    "step \"{step_title}\" is {lines} lines long at 100 columns; about {max} fit{}: split it with another `##` heading",
                    if has_panel { " above its panel" } else { " on a screen" }
                ),
            );
        }
        steps.push(Step {
            title: step_title,
            blocks,
        });
    }
    let is_recap = |s: &Step| {
        let t = s.title.to_lowercase();
        ["recap", "summary", "what you learned", "wrap-up", "wrap up"]
            .iter()
            .any(|w| t.contains(w))
    };
    if steps.len() >= MIN_STEPS_FOR_RECAP && !steps.iter().any(is_recap) {
        report.warn(
            last_heading,
            "the lesson has no recap: end it with a short `## Recap` step listing the words it introduced",
        );
    }
    if steps.is_empty() {
        report.error((split.body_line.saturating_sub(1).max(1), 1), "the lesson has no content: add text after the front matter, with `##` headings to start steps");
    }
    Some(Parsed {
        lesson: Lesson {
            id,
            title,
            summary,
            concepts,
            download: front
                .download
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string),
            file: file.to_string(),
            steps,
        },
        id_pos,
    })
}

/// An exercise or quiz block, with its id and the id's position.
fn block(raw: &RawBlock, report: &mut Report) -> Option<(Block, String, (usize, usize))> {
    let anchor = (raw.fence_line, raw.indent + 1);
    let kind_name = raw.kind.name();
    if !raw.closed {
        report.error(
            anchor,
            format!("this {kind_name} block is never closed: add a line with ``` after its YAML"),
        );
        return None;
    }
    let kind = match raw.kind {
        BlockKind::Exercise => Kind::Exercise,
        BlockKind::Quiz => Kind::Quiz,
    };
    let doc = YamlDoc::new(&raw.yaml, kind, raw.fence_line + 1, raw.indent, anchor);
    if doc.is_blank() {
        let what = match raw.kind {
            BlockKind::Exercise => "id, task, goal, check, …",
            BlockKind::Quiz => "id, question, choices",
        };
        report.error(
            anchor,
            format!("empty {kind_name} block: write its YAML ({what}) between the fences"),
        );
        return None;
    }
    match raw.kind {
        BlockKind::Exercise => {
            let raw_ex: RawExercise = doc.decode(report)?;
            let e = exercise::convert(&doc, raw_ex, raw.fence_line, report)?;
            let (id, pos) = (e.id.clone(), doc.value_pos("id"));
            Some((Block::Exercise(e), id, pos))
        }
        BlockKind::Quiz => {
            let raw_q: RawQuiz = doc.decode(report)?;
            let q = quiz::convert(&doc, raw_q, raw.fence_line, report)?;
            let (id, pos) = (q.id.clone(), doc.value_pos("id"));
            Some((Block::Quiz(q), id, pos))
        }
    }
}
