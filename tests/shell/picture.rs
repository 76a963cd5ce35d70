//! Pictures in the exercise panel: the image pipeline streams a small copy of the picture, and
//! the panel draws it with half blocks (`▀`: top pixel as the foreground, bottom as the
//! background); without colour it says the picture isn't shown.

use crate::fixture;

use fixture::*;
use hftutor::domain::Stream;
use hftutor::shell::text::theme::Theme;
use hftutor::shell::{self, App};
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;

fn cells(app: &App) -> Vec<(String, Color, Color)> {
    let mut terminal = Terminal::new(TestBackend::new(80, 30)).expect("terminal");
    terminal.draw(|f| shell::draw(f, app)).expect("draw");
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| (c.symbol().to_string(), c.fg, c.bg))
        .collect()
}

#[test]
fn the_picture_is_drawn_with_half_blocks_in_its_colours() {
    let app = classified(30);
    assert_eq!(app.theme(), Theme::Dark);
    let blocks: Vec<(Color, Color)> = cells(&app)
        .into_iter()
        .filter(|(s, _, _)| s == "▀")
        .map(|(_, fg, bg)| (fg, bg))
        .collect();
    let red_over_green = (Color::Rgb(255, 0, 0), Color::Rgb(0, 255, 0));
    let blue_over_white = (Color::Rgb(0, 0, 255), Color::Rgb(255, 255, 255));
    assert_eq!(
        blocks,
        [
            red_over_green,
            red_over_green,
            blue_over_white,
            blue_over_white
        ]
    );
}

#[test]
fn without_colour_the_picture_is_not_drawn() {
    let mut app = classified(30);
    app.set_theme(Theme::NoColor);
    let text = render(&app, 80, 30);
    assert!(!text.contains('▀'), "{text}");
    assert!(
        text.contains("the picture is not shown: colours are off"),
        "{text}"
    );
}

#[test]
fn the_image_pipeline_streams_a_small_copy_of_the_picture() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity");
    let model = hftutor::domain::ModelRef::new(root.join("vit_tiny").to_string_lossy());
    let mut p = hftutor::inference::load(
        hftutor::domain::Task::ImageClassification,
        &model,
        &hftutor::hub::Provision::from_env(),
        &mut |_| {},
    )
    .expect("the fixture loads");
    let picture = root.join("images/photo.jpg").display().to_string();
    let mut got = Vec::new();
    p.run(&[picture], &Default::default(), 1, &mut |s| {
        if let Stream::Thumbnail(t) = s {
            got.push(t);
        }
        true
    })
    .expect("it runs");
    assert_eq!(got.len(), 1);
    let t = &got[0];
    // The 80×60 photo is smaller than the copy's size, so it comes whole (never enlarged).
    assert!(
        t.width.max(t.height) == 80.min(hftutor::inference::preprocess::thumbnail::SIZE as usize)
            && t.width.min(t.height) >= 1,
        "{}×{}",
        t.width,
        t.height
    );
    assert_eq!(t.rgb.len(), t.width * t.height * 3);
}
