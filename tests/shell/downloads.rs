//! A model that is not on this computer yet: the first Enter says what will be downloaded (and
//! how much, from the lesson's `download:`) and runs nothing; the second Enter runs.

use crate::fixture;

use fixture::*;
use hftutor::progress::Progress;
use hftutor::shell::{Action, App, Outcome};

fn app_missing_minilm(download: Option<&str>) -> App {
    let mut course = course();
    course.lessons[1].download = download.map(str::to_string);
    let mut app = App::new(course, Progress::default(), None);
    app.set_missing_models([MINILM.to_string()]);
    app.update(Action::Resize(80, 24));
    app.update(Action::OpenLesson(1));
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    type_text(&mut app, "This class is wonderful.");
    app
}

#[test]
fn the_first_run_on_a_missing_model_offers_the_download_then_runs() {
    let mut app = app_missing_minilm(Some("90 MB"));
    let effects = app.update(Action::Run);
    assert!(submitted(&effects).is_none(), "{effects:?}");
    match &app.exercise_ui(1, "pair").expect("panel").outcome {
        Outcome::Notice(m) => {
            assert!(
                m.contains(MINILM)
                    && m.contains("downloads 90 MB into")
                    && m.contains("Enter again"),
                "{m}"
            )
        }
        other => panic!("expected the offer, got {other:?}"),
    }
    insta::assert_snapshot!(render(&app, 80, 24));
    let effects = app.update(Action::Run);
    assert!(submitted(&effects).is_some(), "the second Enter runs");
}

#[test]
fn models_already_here_run_at_once() {
    let mut app = app_missing_minilm(None);
    app.set_missing_models(Vec::<String>::new());
    assert!(submitted(&app.update(Action::Run)).is_some());
}

#[test]
fn without_a_size_the_offer_still_names_the_model() {
    let mut app = app_missing_minilm(None);
    assert!(submitted(&app.update(Action::Run)).is_none());
    match &app.exercise_ui(1, "pair").expect("panel").outcome {
        Outcome::Notice(m) => assert!(m.contains(MINILM) && !m.contains("MB"), "{m}"),
        other => panic!("expected the offer, got {other:?}"),
    }
}
