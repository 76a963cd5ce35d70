//! A lesson body cut into steps (at `##` headings) and pieces: Markdown text and the YAML of
//! ```` ```exercise ```` and ```` ```quiz ```` blocks, each with its file line. Fence-aware: a `##`
//! inside a code block doesn't start a step.

/// Which interactive block a fence opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Exercise,
    Quiz,
}

impl BlockKind {
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Exercise => "exercise",
            BlockKind::Quiz => "quiz",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    Markdown { text: String, line: usize },
    Block(RawBlock),
}

/// The YAML of an interactive block.
#[derive(Debug, Clone, PartialEq)]
pub struct RawBlock {
    pub kind: BlockKind,
    pub yaml: String,
    /// File line of the opening fence.
    pub fence_line: usize,
    /// Spaces before the fence (stripped from the YAML lines).
    pub indent: usize,
    /// False when the file ended before the closing fence.
    pub closed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RawStep {
    /// `None` for the text before the first `##` heading.
    pub title: Option<String>,
    /// File line of the heading (of the first line, for the intro).
    pub line: usize,
    pub pieces: Vec<Piece>,
    /// Lines of Markdown in the step (for the screen-size check).
    pub markdown_lines: Vec<String>,
}

/// An ordinary code fence, for the typo check (```` ```exercize ````).
#[derive(Debug, Clone, PartialEq)]
pub struct CodeFence {
    pub info: String,
    pub line: usize,
    pub col: usize,
}

#[derive(Debug, Default)]
pub struct Body {
    pub steps: Vec<RawStep>,
    pub code_fences: Vec<CodeFence>,
}

struct Fence {
    ch: char,
    len: usize,
    indent: usize,
    info: String,
}

/// Opens a fence? (up to 3 spaces, then 3+ backticks or tildes)
fn opening_fence(line: &str) -> Option<Fence> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let ch = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == ch).count();
    if len < 3 {
        return None;
    }
    let info = rest[len..].trim().to_string();
    if ch == '`' && info.contains('`') {
        return None;
    }
    Some(Fence {
        ch,
        len,
        indent,
        info,
    })
}

fn closes(line: &str, fence: &Fence) -> bool {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return false;
    }
    let rest = line[indent..].trim_end();
    rest.len() >= fence.len && rest.chars().all(|c| c == fence.ch)
}

/// `## Title` → "Title" (not `#` or `###`).
fn step_heading(line: &str) -> Option<String> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = line[indent..].strip_prefix("##")?;
    if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
        return None;
    }
    let title = rest.trim().trim_end_matches('#').trim_end();
    Some(title.to_string())
}

/// Cuts `lines` (the body, whose first line is file line `first_line`) into steps.
pub fn split(lines: &[&str], first_line: usize) -> Body {
    let mut body = Body::default();
    let mut step = RawStep {
        title: None,
        line: first_line,
        pieces: Vec::new(),
        markdown_lines: Vec::new(),
    };
    let mut md: Vec<&str> = Vec::new();
    let mut md_line = first_line;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let file_line = first_line + i;
        if let Some(title) = step_heading(line) {
            flush(&mut step, &mut md, md_line);
            let done = std::mem::replace(
                &mut step,
                RawStep {
                    title: Some(title),
                    line: file_line,
                    pieces: Vec::new(),
                    markdown_lines: Vec::new(),
                },
            );
            push_step(&mut body, done);
            md_line = file_line + 1;
            i += 1;
            continue;
        }
        let Some(fence) = opening_fence(line) else {
            if md.is_empty() {
                md_line = file_line;
            }
            md.push(line);
            i += 1;
            continue;
        };
        let word = fence.info.split_whitespace().next().unwrap_or("");
        let kind = match word {
            "exercise" => Some(BlockKind::Exercise),
            "quiz" => Some(BlockKind::Quiz),
            _ => None,
        };
        // Find the closing fence.
        let end = (i + 1..lines.len()).find(|&j| closes(lines[j], &fence));
        let last = end.unwrap_or(lines.len());
        match kind {
            Some(kind) => {
                flush(&mut step, &mut md, md_line);
                let yaml: Vec<&str> = lines[i + 1..last]
                    .iter()
                    .map(|l| {
                        let strip = (l.len() - l.trim_start_matches(' ').len()).min(fence.indent);
                        &l[strip..]
                    })
                    .collect();
                let mut yaml = yaml.join("\n");
                yaml.push('\n');
                step.pieces.push(Piece::Block(RawBlock {
                    kind,
                    yaml,
                    fence_line: file_line,
                    indent: fence.indent,
                    closed: end.is_some(),
                }));
                md_line = first_line + last + 1;
            }
            None => {
                if !fence.info.is_empty() {
                    body.code_fences.push(CodeFence {
                        info: fence.info.clone(),
                        line: file_line,
                        col: fence.indent + 1,
                    });
                }
                if md.is_empty() {
                    md_line = file_line;
                }
                md.extend_from_slice(&lines[i..(last + 1).min(lines.len())]);
            }
        }
        i = last + 1;
    }
    flush(&mut step, &mut md, md_line);
    push_step(&mut body, step);
    body
}

fn flush(step: &mut RawStep, md: &mut Vec<&str>, line: usize) {
    let first = md.iter().position(|l| !l.trim().is_empty());
    let last = md.iter().rposition(|l| !l.trim().is_empty());
    if let (Some(a), Some(b)) = (first, last) {
        let text = md[a..=b].join("\n");
        step.markdown_lines
            .extend(md[a..=b].iter().map(|l| l.to_string()));
        step.pieces.push(Piece::Markdown {
            text,
            line: line + a,
        });
    }
    md.clear();
}

fn push_step(body: &mut Body, step: RawStep) {
    // The intro exists only when there is something before the first heading.
    if step.title.is_none() && step.pieces.is_empty() {
        return;
    }
    body.steps.push(step);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(s: &str) -> Vec<&str> {
        s.split('\n').collect()
    }

    #[test]
    fn steps_and_blocks() {
        let text = "Intro text.\n\n## First\nSome *text*.\n```exercise\nid: a\n```\nAfter.\n## Second\n```python\n## not a step\n```\n";
        let body = split(&lines(text), 5);
        assert_eq!(body.steps.len(), 3);
        assert_eq!(body.steps[0].title, None);
        assert_eq!(
            body.steps[0].pieces,
            vec![Piece::Markdown {
                text: "Intro text.".into(),
                line: 5
            }]
        );
        assert_eq!(body.steps[1].title.as_deref(), Some("First"));
        assert_eq!(body.steps[1].line, 7);
        assert_eq!(body.steps[1].pieces.len(), 3);
        assert_eq!(
            body.steps[1].pieces[1],
            Piece::Block(RawBlock {
                kind: BlockKind::Exercise,
                yaml: "id: a\n".into(),
                fence_line: 9,
                indent: 0,
                closed: true
            })
        );
        assert_eq!(
            body.steps[1].pieces[2],
            Piece::Markdown {
                text: "After.".into(),
                line: 12
            }
        );
        assert_eq!(
            body.steps[2].pieces,
            vec![Piece::Markdown {
                text: "```python\n## not a step\n```".into(),
                line: 14
            }]
        );
        assert_eq!(
            body.code_fences,
            vec![CodeFence {
                info: "python".into(),
                line: 14,
                col: 1
            }]
        );
    }

    #[test]
    fn no_intro_when_body_starts_with_a_heading() {
        let body = split(&lines("\n## Only\ntext"), 1);
        assert_eq!(body.steps.len(), 1);
        assert_eq!(body.steps[0].title.as_deref(), Some("Only"));
    }

    #[test]
    fn unclosed_block() {
        let body = split(&lines("## S\n~~~~quiz\nid: q\n"), 1);
        match &body.steps[0].pieces[0] {
            Piece::Block(b) => {
                assert!(!b.closed);
                assert_eq!(b.kind, BlockKind::Quiz);
                assert_eq!(b.yaml, "id: q\n\n");
            }
            other => panic!("expected a block, got {other:?}"),
        }
    }

    #[test]
    fn headings_need_a_space() {
        assert_eq!(step_heading("## A ##"), Some("A".into()));
        assert_eq!(step_heading("##A"), None);
        assert_eq!(step_heading("### A"), None);
        assert_eq!(step_heading("    ## A"), None);
    }
}
