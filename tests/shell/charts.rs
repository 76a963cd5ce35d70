//! The exercise panel's charts as insta snapshots on ratatui's TestBackend, fed by hand-made
//! worker events: next-token candidates live and stepped back through, the similarity heatmap,
//! token chips with ids on demand; and the no-colour theme drawing without any colour.

use crate::fixture;

use fixture::*;
use hftutor::course::{Block, Exercise, InputField};
use hftutor::domain::Candidate;
use hftutor::domain::PipelineOutput;
use hftutor::domain::StopReason;
use hftutor::domain::Stream;
use hftutor::domain::TokenInfo;
use hftutor::progress::Progress;
use hftutor::shell::text::theme::Theme;
use hftutor::shell::{self, Action, App};
use hftutor::worker::WorkerEvent;
use insta::assert_snapshot;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;
use ratatui::Terminal;

fn candidates(step: usize, chosen: u32, list: &[(u32, &str, f32)]) -> Action {
    Action::Worker(WorkerEvent::Stream {
        job: 1,
        stream: Stream::Candidates {
            run: 0,
            step,
            chosen,
            candidates: list
                .iter()
                .map(|&(id, text, probability)| Candidate {
                    id,
                    text: text.into(),
                    probability,
                })
                .collect(),
        },
    })
}

/// The chosen id, its text, and the top candidates (id, text, probability) of one token.
type Step = (u32, &'static str, [(u32, &'static str, f32); 3]);

/// A generation that wrote ", there was a" with the candidates of each token.
fn generating() -> App {
    let mut app = app_at(2, 100, 30);
    app.on_key(key(KeyCode::Enter));
    app.update(Action::Submitted(1));
    app.update(Action::Worker(WorkerEvent::Started { job: 1 }));
    let steps: [Step; 3] = [
        (
            28,
            ",",
            [(28, ",", 0.62), (30, " there", 0.21), (11, "\n", 0.05)],
        ),
        (
            612,
            " there",
            [
                (612, " there", 0.71),
                (253, " a", 0.12),
                (339, " the", 0.08),
            ],
        ),
        (
            436,
            " was",
            [
                (436, " was", 0.88),
                (4172, " lived", 0.09),
                (905, " were", 0.01),
            ],
        ),
    ];
    for (i, (chosen, text, list)) in steps.iter().enumerate() {
        app.update(candidates(i, *chosen, list));
        app.update(stream(1, text));
    }
    app
}

#[test]
fn candidates_while_generating() {
    let app = generating();
    assert_snapshot!(render(&app, 100, 30));
}

#[test]
fn candidates_stepped_back_after_the_run() {
    let mut app = generating();
    app.update(finished(
        1,
        generation(", there was", StopReason::MaxTokens),
        900,
    ));
    app.on_key(key(KeyCode::Char(',')));
    app.on_key(key(KeyCode::Char(',')));
    let first = render(&app, 100, 30);
    assert!(first.contains("token 1 of 3"), "{first}");
    app.on_key(key(KeyCode::Char(',')));
    assert_eq!(render(&app, 100, 30), first, "no step before the first");
    assert_snapshot!(first);
    app.on_key(key(KeyCode::Char('.')));
    assert!(render(&app, 100, 30).contains("token 2 of 3"));
}

#[test]
fn a_sampled_token_outside_the_top_is_named() {
    let mut app = app_at(2, 100, 30);
    app.on_key(key(KeyCode::Enter));
    app.update(Action::Submitted(1));
    app.update(candidates(0, 9999, &[(28, ",", 0.5), (30, " there", 0.3)]));
    let screen = render(&app, 100, 30);
    assert!(
        screen.contains("picked token #9999, which was not in the top 2"),
        "{screen}"
    );
}

fn three_sentences() -> App {
    let mut course = course();
    let field = |label: &str, default: &str| InputField {
        label: label.into(),
        param: None,
        default: default.into(),
    };
    let exercise = Exercise {
        inputs: vec![
            field("Sentence A", "I love this course."),
            field("Sentence B", "This class is wonderful."),
            field("Sentence C", "The stock market fell today."),
        ],
        ..similarity_exercise()
    };
    course.lessons[1].steps[0].blocks[1] = Block::Exercise(exercise);
    let mut app = App::new(course, Progress::default(), None);
    app.update(Action::Resize(100, 30));
    app.update(Action::OpenLesson(1));
    app
}

#[test]
fn similarity_heatmap_for_three_sentences() {
    let mut app = three_sentences();
    app.update(Action::Run);
    app.update(Action::Submitted(1));
    app.update(Action::Worker(WorkerEvent::Stream {
        job: 1,
        stream: Stream::SimilarityMatrix(vec![
            vec![1.0, 0.6132, 0.0166],
            vec![0.6132, 1.0, 0.0412],
            vec![0.0166, 0.0412, 1.0],
        ]),
    }));
    app.update(finished(
        1,
        PipelineOutput::Similarities(vec![0.6132, 0.0166]),
        300,
    ));
    assert_snapshot!(render(&app, 100, 30));
}

#[test]
fn token_chips_show_ids_on_demand() {
    let mut app = app_at(2, 80, 24);
    app.update(Action::Run);
    app.update(Action::Submitted(1));
    let tok = |id: u32, token: &str, special: bool| TokenInfo {
        id,
        token: token.into(),
        start: 0,
        end: 0,
        special,
    };
    let output = PipelineOutput::Tokens(vec![vec![
        tok(101, "[CLS]", true),
        tok(2320, "once", false),
        tok(2588, "upon", false),
        tok(1037, "a", false),
        tok(2051, "time", false),
        tok(102, "[SEP]", true),
    ]]);
    app.update(finished(1, output, 40));
    let without = render(&app, 80, 24);
    assert!(without.contains("6 tokens · t: show ids"), "{without}");
    assert!(!without.contains("2320"));
    app.on_key(key(KeyCode::Char('t')));
    assert_snapshot!(render(&app, 80, 24));
}

/// Every cell's colours in `theme`.
fn colours(app: &App, theme: Theme) -> Vec<(Color, Color)> {
    let mut app = app.clone();
    app.set_theme(theme);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("test terminal");
    terminal.draw(|f| shell::draw(f, &app)).expect("draw");
    terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| (c.fg, c.bg))
        .collect()
}

#[test]
fn no_color_draws_no_colour_and_the_same_text() {
    let app = generating();
    let dark = colours(&app, Theme::Dark);
    assert!(dark.iter().any(|&(fg, _)| fg != Color::Reset));
    let none = colours(&app, Theme::NoColor);
    assert!(
        none.iter().all(|&c| c == (Color::Reset, Color::Reset)),
        "no colour at all"
    );
    let light = colours(&app, Theme::Light);
    assert_ne!(light, dark, "light has its own colours");
    let mut plain = app.clone();
    plain.set_theme(Theme::NoColor);
    let text = render(&plain, 100, 30);
    assert_eq!(
        text,
        render(&app, 100, 30),
        "the text does not depend on colour"
    );
}
