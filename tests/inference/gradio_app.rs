//! The sandbox's gradio on the real models: `gr.Interface(…).launch()` runs fn on the first
//! example and shows the app; `Interface.from_pipeline` wraps a pipeline as gradio does; the
//! call the app's fn made is what a code exercise judges, so a call after launch() can't stand
//! in for it.

use hftutor::hub::Provision;
use hftutor::python::local::LoadedModels;
use hftutor::python::{CellRun, Shown, Source};

fn run(code: &str) -> CellRun {
    let course = hftutor::course::load_embedded(&hftutor::attempt::Rules)
        .expect("the built-in course loads");
    let mut loaded = hftutor::inference::loaded::Loaded::new();
    let provision = Provision::from_env();
    let models_per_task = course.models.clone();
    let mut models = LoadedModels {
        loaded: &mut loaded,
        provision: &provision,
        course: &models_per_task,
        on_event: &mut |_| {},
        on_stream: &mut |_| true,
        stop: &|| false,
        seed: None,
    };
    let source = Source {
        code: code.to_string(),
        file_name: "app.py".into(),
    };
    hftutor::python::run(&source, &mut models, hftutor::python::Limits::default())
}

const APP: &str = r#"import gradio as gr
from transformers import pipeline

classifier = pipeline("text-classification")

def run(text):
    results = classifier(text, top_k=None)
    return {r["label"]: r["score"] for r in results}

demo = gr.Interface(fn=run, inputs=gr.Textbox(label="Your text"), outputs="label",
                    title="Sentiment", examples=[["I hate waiting in line."]])
demo.launch()
"#;

#[test]
fn launch_runs_fn_on_the_first_example_and_shows_the_app() {
    let cell = run(APP);
    assert_eq!(cell.error, None);
    let [app] = &cell.apps[..] else {
        panic!("one app launched: {:?}", cell.apps)
    };
    assert_eq!(app.title.as_deref(), Some("Sentiment"));
    assert_eq!(app.inputs[0].label.as_deref(), Some("Your text"));
    assert_eq!(app.outputs[0].kind, "label");
    assert_eq!(
        app.example,
        Some(vec!["I hate waiting in line.".to_string()])
    );
    let Shown::Scores(scores) = &app.results[0] else {
        panic!("a label's scores: {:?}", app.results)
    };
    // Both labels, best first, summing to 1, the same as the pipeline's own scores.
    assert_eq!(scores[0].0, "NEGATIVE", "{scores:?}");
    assert!(scores[0].1 > scores[1].1);
    assert!((scores.iter().map(|(_, s)| s).sum::<f64>() - 1.0).abs() < 1e-5);
    assert_eq!(app.calls, 0..1, "fn's call is the app's");
    let lines = hftutor::present::app::lines(app);
    assert_eq!(lines[0], "app \"Sentiment\"");
    assert_eq!(lines[1], "  Your text: I hate waiting in line.");
}

#[test]
fn from_pipeline_wraps_a_pipeline_and_other_components_import() {
    let cell = run(
        "from gradio import Interface, Textbox, Label\nfrom transformers import pipeline\npipe = pipeline(\"sentiment-analysis\")\nInterface.from_pipeline(pipe, examples=[\"A lovely day.\"]).launch()\nprint(Textbox(label=\"x\").label, Label(num_top_classes=2).num_top_classes)",
    );
    assert_eq!(cell.error, None);
    assert_eq!(cell.stdout, "x 2\n");
    let app = &cell.apps[0];
    assert_eq!(app.inputs[0].label.as_deref(), Some("Input"));
    assert_eq!(app.outputs[0].label.as_deref(), Some("Classification"));
    assert!(matches!(&app.results[0], Shown::Scores(s) if s[0].0 == "POSITIVE"));
}

#[test]
fn an_app_without_examples_runs_nothing_and_says_how() {
    let cell = run(&APP.replace(", examples=[[\"I hate waiting in line.\"]]", ""));
    assert_eq!(cell.error, None);
    assert!(cell.calls.is_empty(), "{:?}", cell.calls);
    assert_eq!(cell.apps[0].example, None);
    assert!(hftutor::present::app::lines(&cell.apps[0])
        .iter()
        .any(|l| l.contains("no examples")));
}

#[test]
fn from_pipeline_on_a_task_it_cannot_wrap_is_a_clear_error() {
    let cell = run(
        "import gradio as gr\nfrom transformers import pipeline\ngr.Interface.from_pipeline(pipeline(\"feature-extraction\"))\n",
    );
    let error = cell.error.unwrap_or_default();
    assert!(
        error
            .contains("ValueError: hftutor's gradio makes an Interface from a text-classification")
            && error.contains("for feature-extraction"),
        "{error}"
    );
    // The traceback names the student's line, and the library's own as gradio's.
    assert!(error.contains("File \"app.py\", line 3"), "{error}");
    assert!(error.contains("<hftutor's gradio>"), "{error}");
}

#[test]
fn a_call_after_launch_does_not_stand_in_for_the_apps() {
    let course = hftutor::course::load_embedded(&hftutor::attempt::Rules).expect("course");
    let exercise = course
        .lessons
        .iter()
        .flat_map(|l| l.exercises())
        .find(|e| e.id == "real-app")
        .cloned()
        .expect("lesson 11 has the app exercise");
    let positive_app = APP.replace("I hate waiting in line.", "What a lovely day!");
    let gamed = format!("{positive_app}run(\"I hate waiting in line.\")\n");
    let cell = run(&gamed);
    assert_eq!(cell.calls.len(), 2);
    let v = hftutor::attempt::judge_cell(&exercise, &gamed, &cell);
    assert!(!v.passed, "{v:?}");
    assert!(v.details.iter().any(|d| d.contains("POSITIVE")), "{v:?}");
    let fair = run(APP);
    assert!(hftutor::attempt::judge_cell(&exercise, APP, &fair).passed);
}

#[test]
fn a_form_runs_fn_on_what_the_student_typed() {
    let course = hftutor::course::load_embedded(&hftutor::attempt::Rules).expect("course");
    let mut loaded = hftutor::inference::loaded::Loaded::new();
    let provision = Provision::from_env();
    let mut models = LoadedModels {
        loaded: &mut loaded,
        provision: &provision,
        course: &course.models,
        on_event: &mut |_| {},
        on_stream: &mut |_| true,
        stop: &|| false,
        seed: None,
    };
    let source = Source {
        code: APP.replace("I hate waiting in line.", "What a lovely day!"),
        file_name: "app.py".into(),
    };
    let form = ["This is awful, I want a refund.".to_string()];
    let cell = hftutor::python::run_with_form(
        &source,
        &mut models,
        hftutor::python::Limits::default(),
        Some(&form),
    );
    assert_eq!(cell.error, None);
    let app = &cell.apps[0];
    assert!(app.from_form);
    assert_eq!(cell.calls[0].texts, form.to_vec(), "fn got the form's text");
    assert!(matches!(&app.results[0], Shown::Scores(s) if s[0].0 == "NEGATIVE"));
}

#[test]
fn highlighted_text_takes_pairs_and_a_pipelines_entities() {
    let cell = run(r#"import gradio as gr
def pairs(t):
    return [("Hello ", None), (t, "NAME")]
def entities(t):
    return {"text": t, "entities": [{"entity_group": "LOC", "start": 15, "end": 20, "word": "Paris"}]}
gr.Interface(fn=pairs, inputs="text", outputs=gr.HighlightedText(), examples=[["Ann"]]).launch()
gr.Interface(fn=entities, inputs="text", outputs="highlightedtext", examples=["Sarah lives in Paris now"]).launch()
"#);
    assert_eq!(cell.error, None);
    assert_eq!(
        cell.apps[0].results,
        [Shown::Highlighted(vec![
            ("Hello ".into(), None),
            ("Ann".into(), Some("NAME".into()))
        ])]
    );
    assert_eq!(
        cell.apps[1].results,
        [Shown::Highlighted(vec![
            ("Sarah lives in ".into(), None),
            ("Paris".into(), Some("LOC".into())),
            (" now".into(), None)
        ])]
    );
    let lines = hftutor::present::app::lines(&cell.apps[1]);
    assert!(
        lines
            .iter()
            .any(|l| l.ends_with("Sarah lives in Paris [LOC] now")),
        "{lines:?}"
    );
}
