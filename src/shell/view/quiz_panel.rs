//! The quiz panel: the question, numbered choices with the selection, and once picked, each picked
//! choice marked right or wrong with its explanation.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

use crate::course::Quiz;
use crate::shell::state::{App, Focus};
use crate::shell::strings;
use crate::shell::text::wrap::{wrap, wrap_plain};

pub(super) fn lines(app: &App, quiz: &Quiz, width: usize) -> Vec<Line<'static>> {
    let th = app.theme();
    let width = width.max(1);
    let selected = app
        .quiz_ui(app.lesson_index(), &quiz.id)
        .map_or(0, |u| u.selected);
    let lesson = app
        .current_lesson()
        .map(|l| l.id.as_str())
        .unwrap_or_default();
    let record = app
        .progress()
        .lesson(lesson)
        .and_then(|l| l.quizzes.get(&quiz.id));
    let picked: &[usize] = record.map_or(&[], |r| r.picked.as_slice());

    let mut out = wrap_plain(&quiz.question, th.bold(), width);
    out.push(Line::default());
    for (i, choice) in quiz.choices.iter().enumerate() {
        let is_selected = i == selected;
        let pointer = if is_selected { "▸ " } else { "  " };
        let number = format!("{}. ", i + 1);
        let lead = format!("{pointer}{number}");
        let style = if is_selected {
            th.focused()
        } else {
            Default::default()
        };
        let mut spans = vec![Span::styled(choice.text.clone(), style)];
        if picked.contains(&i) {
            let (mark, mark_style) = if choice.correct {
                (" ✓", th.pass())
            } else {
                (" ✗", th.fail())
            };
            spans.push(Span::styled(mark, mark_style));
        }
        let indent = " ".repeat(lead.chars().count());
        out.extend(wrap(
            &spans,
            width,
            &[Span::styled(lead, style)],
            &[Span::raw(indent.clone())],
        ));
        if picked.contains(&i) && !choice.explain.is_empty() {
            let explain = [Span::styled(choice.explain.clone(), th.feedback())];
            out.extend(wrap(
                &explain,
                width,
                &[Span::raw(indent.clone())],
                &[Span::raw(indent)],
            ));
        }
    }
    out.push(Line::default());
    match (record, picked.last()) {
        (Some(r), Some(&last)) => {
            let last_right = quiz.choices.get(last).is_some_and(|c| c.correct);
            if last_right || r.correct {
                out.push(Line::styled(strings::RIGHT, th.pass()));
            } else {
                out.push(Line::styled(strings::WRONG, th.fail()));
            }
        }
        _ => out.push(Line::styled(strings::QUIZ_KEYS, th.dim())),
    }
    out
}

pub(super) fn draw(frame: &mut Frame, app: &App, quiz: &Quiz, area: Rect) {
    let th = app.theme();
    let inner_w = area.width.saturating_sub(2) as usize;
    let inner_h = area.height.saturating_sub(2) as usize;
    let text = lines(app, quiz, inner_w);
    let skip = skip(app, quiz, &text, inner_h);
    let visible: Vec<Line<'static>> = text.into_iter().skip(skip).take(inner_h).collect();
    let focused = app.focus() == Focus::Lesson;
    let block = Block::bordered()
        .border_style(if focused {
            th.border_focused()
        } else {
            th.border()
        })
        .title(Span::styled(format!(" {} ", strings::QUIZ), th.bold()));
    frame.render_widget(Paragraph::new(visible).block(block), area);
}

/// The choice on screen row `row` of a quiz panel drawn in `area` (for mouse clicks).
pub(super) fn choice_at(app: &App, quiz: &Quiz, area: Rect, row: u16) -> Option<usize> {
    let inner_h = area.height.saturating_sub(2) as usize;
    let text = lines(app, quiz, area.width.saturating_sub(2) as usize);
    let skip = skip(app, quiz, &text, inner_h);
    let line = (row.checked_sub(area.y + 1)? as usize).min(inner_h) + skip;
    // A choice's lines: from its numbered line up to the next choice or the end.
    let mut current = None;
    for (i, l) in text.iter().enumerate().take(line + 1) {
        let first = l.spans.first().map_or("", |s| s.content.as_ref());
        let number = first.trim_start_matches(['▸', ' ']);
        if let Some(n) = number
            .strip_suffix(". ")
            .and_then(|n| n.parse::<usize>().ok())
        {
            current = Some(n - 1);
        } else if l.spans.is_empty() && i > 0 && current.is_some() {
            current = None; // the blank line after the choices
        }
    }
    current.filter(|&c| c < quiz.choices.len())
}

/// Lines dropped from the top so the selected choice stays in view when the panel is short.
fn skip(app: &App, quiz: &Quiz, text: &[Line<'static>], inner_h: usize) -> usize {
    let selected = app
        .quiz_ui(app.lesson_index(), &quiz.id)
        .map_or(0, |u| u.selected);
    if text.len() > inner_h {
        let anchor = text
            .iter()
            .position(|l| {
                l.spans
                    .first()
                    .is_some_and(|s| s.content.starts_with(&format!("▸ {}.", selected + 1)))
            })
            .unwrap_or(0);
        anchor
            .saturating_sub(inner_h.saturating_sub(2))
            .min(text.len() - inner_h)
    } else {
        0
    }
}
