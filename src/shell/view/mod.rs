//! Drawing: `draw(frame, &App)` reads the state only. This file owns the screen layout (header,
//! lesson list, lesson pane, exercise/quiz panel, status line, footer) and the "too small" note.

mod charts;
mod classes;
mod code_cell;
mod course_end;
mod exercise_panel;
mod footer;
pub mod graphics;
mod graphics_encode;
mod graphics_query;
mod help;
mod lesson_list;
mod lesson_pane;
mod output;
mod picture;
mod quiz_panel;
mod reload_errors;

use crate::shell::text::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::shell::state::{App, Focus, Panel};
use crate::shell::text::strings;

/// Below this the shell only shows a note.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;
/// From this width on, the lesson list stays beside the lesson.
const SIDEBAR_FROM: u16 = 70;

/// Where each part of the screen goes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Areas {
    pub header: Rect,
    pub list: Option<Rect>,
    pub lesson: Option<Rect>,
    pub panel: Option<Rect>,
    pub status: Option<Rect>,
    pub footer: Rect,
}

/// The layout for a screen of `area`, or None when it is too small.
pub(crate) fn areas(app: &App, area: Rect) -> Option<Areas> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let header = Rect::new(area.x, area.y, area.width, 1);
    let footer = Rect::new(area.x, area.bottom() - 1, area.width, 1);
    let status_h = u16::from(app.status().is_some());
    let status = (status_h > 0).then(|| Rect::new(area.x, footer.y - 1, area.width, 1));
    let body = Rect::new(area.x, area.y + 1, area.width, area.height - 2 - status_h);

    let (list, content) = if area.width >= SIDEBAR_FROM {
        let w = (area.width / 4).clamp(18, 26);
        (
            Some(Rect::new(body.x, body.y, w, body.height)),
            Some(Rect::new(body.x + w, body.y, body.width - w, body.height)),
        )
    } else if app.focus() == Focus::Lessons {
        (Some(body), None)
    } else {
        (None, Some(body))
    };
    let Some(content) = content else {
        return Some(Areas {
            header,
            list,
            lesson: None,
            panel: None,
            status,
            footer,
        });
    };
    let panel_h = if app.active_panel().is_some() {
        let inner_w = content.width.saturating_sub(2);
        let needed = panel_lines(app, inner_w).len() as u16 + 2;
        // The lesson keeps room for its text, up to 2/5 of the height, and at least one line.
        let text = lesson_pane::lines(app, inner_w as usize).len() as u16 + 2;
        let keep = text.min(content.height * 2 / 5).max(3);
        needed.min(content.height.saturating_sub(keep))
    } else {
        0
    };
    let lesson = Rect::new(
        content.x,
        content.y,
        content.width,
        content.height - panel_h,
    );
    let panel =
        (panel_h > 0).then(|| Rect::new(content.x, lesson.bottom(), content.width, panel_h));
    Some(Areas {
        header,
        list,
        lesson: Some(lesson),
        panel,
        status,
        footer,
    })
}

/// The panel's lines at `width` (for sizing): exercise or quiz.
fn panel_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    match app.active_panel() {
        Some(Panel::Exercise(e)) => exercise_panel::lines(app, e, width as usize).all(),
        Some(Panel::Quiz(q)) => quiz_panel::lines(app, q, width as usize),
        None => Vec::new(),
    }
}

/// The lesson on screen row `row` of the lesson list drawn in `area`.
pub(crate) fn lesson_at(app: &App, area: Rect, full: bool, row: u16) -> Option<usize> {
    lesson_list::lesson_at(app, area, full, row)
}

/// The quiz choice on screen row `row` of the quiz panel drawn in `area`.
pub(crate) fn choice_at(
    app: &App,
    quiz: &crate::course::Quiz,
    area: Rect,
    row: u16,
) -> Option<usize> {
    quiz_panel::choice_at(app, quiz, area, row)
}

/// How far the exercise panel's body can scroll from where it shows by default: (up, down).
pub(crate) fn panel_scroll_bounds(app: &App) -> (isize, isize) {
    let Some(Panel::Exercise(e)) = app.active_panel() else {
        return (0, 0);
    };
    let Some(rect) = areas(app, screen(app)).and_then(|a| a.panel) else {
        return (0, 0);
    };
    let text = exercise_panel::lines(app, e, rect.width.saturating_sub(2) as usize);
    let w = exercise_panel::window(&text, rect.height.saturating_sub(2) as usize);
    (-(w.auto as isize), (w.max - w.auto) as isize)
}

fn screen(app: &App) -> Rect {
    Rect::new(0, 0, app.size.0, app.size.1)
}

/// Rows of lesson text visible at the app's last known size.
pub(crate) fn lesson_viewport_height(app: &App) -> usize {
    areas(app, screen(app))
        .and_then(|a| a.lesson)
        .map_or(1, |r| r.height.saturating_sub(2) as usize)
}

/// How far the lesson text can scroll at the app's last known size.
pub(crate) fn lesson_scroll_max(app: &App) -> usize {
    let Some(rect) = areas(app, screen(app)).and_then(|a| a.lesson) else {
        return 0;
    };
    if app.course_end_shown() {
        return course_end::scroll_max(app, rect);
    }
    let lines = lesson_pane::lines(app, rect.width.saturating_sub(2) as usize).len();
    lines.saturating_sub(rect.height.saturating_sub(2) as usize)
}

/// Draws the whole screen from the state.
pub fn draw(frame: &mut Frame, app: &App) {
    draw_with_pictures(frame, app);
}

/// Draws the whole screen from `app`, and gives back the pictures drawn as half blocks, for
/// `graphics::Overlay` to show as real pictures where the terminal can.
pub fn draw_with_pictures(frame: &mut Frame, app: &App) -> Vec<graphics::Drawn> {
    let mut pictures = Vec::new();
    let area = frame.area();
    let Some(a) = areas(app, area) else {
        let note = Paragraph::new(strings::TOO_SMALL).wrap(Wrap { trim: true });
        frame.render_widget(note, area);
        return pictures;
    };
    footer::draw_header(frame, app, a.header);
    if let Some(list) = a.list {
        lesson_list::draw(frame, app, list, a.lesson.is_none());
    }
    match a.lesson {
        Some(lesson) if app.course_end_shown() => course_end::draw(frame, app, lesson),
        Some(lesson) => lesson_pane::draw(frame, app, lesson),
        None => {}
    }
    if let Some(panel) = a.panel {
        match app.active_panel() {
            Some(Panel::Exercise(e)) => pictures = exercise_panel::draw(frame, app, e, panel),
            Some(Panel::Quiz(q)) => quiz_panel::draw(frame, app, q, panel),
            None => {}
        }
    }
    if let (Some(lesson), false) = (a.lesson, app.course_errors().is_empty()) {
        let bottom = a.panel.map_or(lesson.bottom(), |p| p.bottom());
        let pane = Rect::new(lesson.x, lesson.y, lesson.width, bottom - lesson.y);
        reload_errors::draw(frame, app, pane);
    }
    if let Some(status) = a.status {
        footer::draw_status(frame, app, status);
    }
    footer::draw_footer(frame, app, a.footer);
    if app.help_shown() {
        help::draw(frame, area, app.theme());
    }
    pictures
}

/// Draws the visible window of a scrolled text in `block`, with "more above/below" marks:
/// `(scroll, max)` is where the window starts and how far it can go.
pub(crate) fn scrolled(
    frame: &mut Frame,
    area: Rect,
    mut block: ratatui::widgets::Block<'static>,
    text: Vec<Line<'static>>,
    (scroll, max): (usize, usize),
    inner_h: usize,
    th: Theme,
) {
    use ratatui::layout::Alignment;
    if scroll < max {
        block = block.title_bottom(
            Line::styled(format!(" {} ", strings::MORE_BELOW), th.dim())
                .alignment(Alignment::Right),
        );
    }
    if scroll > 0 {
        block = block.title_top(
            Line::styled(format!(" {} ", strings::MORE_ABOVE), th.dim())
                .alignment(Alignment::Right),
        );
    }
    let visible: Vec<Line<'static>> = text.into_iter().skip(scroll).take(inner_h).collect();
    frame.render_widget(Paragraph::new(visible).block(block), area);
}
