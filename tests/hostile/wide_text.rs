//! Text that is long in characters but not in columns (issue 13, probe 7): 200,000 zero-width
//! spaces then 50,000 emoji, 800 KB in one paragraph, took 87 s before the tutor's first frame,
//! with `q` dead meanwhile (the line cutter measured its chunk again at every char). Now the
//! lesson opens and draws at once.

use std::time::{Duration, Instant};

use hftutor::progress::Progress;
use hftutor::shell::{self, Action, App};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::common::*;

#[test]
fn zero_width_and_emoji_floods_draw_at_once() {
    let flood = format!("{}{}", "\u{200b}".repeat(200_000), "😀".repeat(50_000));
    // And a smaller one in a code block (cut by another routine), to stay under the 1 MB limit.
    let code = format!("{}{}", "\u{200b}".repeat(40_000), "😀".repeat(5_000));
    let body = format!("{flood}\n\n```\n{code}\n```");
    let dir = course("", &lesson("", &body));
    let started = Instant::now();
    let course = hftutor::course::load_dir(dir.path(), &hftutor::attempt::Rules)
        .unwrap_or_else(|p| panic!("the course loads: {p:?}"));
    let mut app = App::new(course, Progress::default(), None);
    app.update(Action::Resize(80, 24));
    app.update(Action::OpenLesson(0));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let frame = terminal.draw(|f| shell::draw(f, &app)).expect("draw");
    let symbols: String = frame.buffer.content().iter().map(|c| c.symbol()).collect();
    let took = started.elapsed();
    assert!(symbols.contains('😀'), "the emoji are on screen");
    // Minutes before; a generous bound for an unoptimised build on a busy machine.
    assert!(took < Duration::from_secs(5), "took {took:?}");
}
