//! question-answering parity: tiny random BertForQuestionAnswering and
//! DistilBertForQuestionAnswering models (tests/fixtures/parity/make_qa_fixtures.py) give,
//! through hftutor's normal loading path, the same start/end logits and the same answers as
//! transformers' question-answering pipeline (ported, since transformers 5 dropped it): answer
//! text and character offsets exactly, scores within 1e-4, including a context long enough to
//! be read in two overlapping windows. And against transformers 4.57's real pipeline
//! (tests/fixtures/parity/record_qa_pipeline.py, `<name>/pipeline_v4.json`): the same answers on
//! contexts of about 130 tokens, read in as many windows as it reads them.

use crate::parity;

use hftutor::domain::Answer;
use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::Task;
use hftutor::hub::Provision;
use hftutor::inference;
use hftutor::inference::Pipeline;
use hftutor::inference::PipelineError;
use parity::{expected, folder, TOLERANCE};
use serde_json::{json, Value};

fn load(name: &str) -> Box<dyn Pipeline> {
    parity::load(Task::QuestionAnswering, name)
}

fn ask(p: &mut Box<dyn Pipeline>, question: &str, context: &str, top_k: usize) -> Vec<Answer> {
    let params = RunParams {
        top_k: Some(top_k),
        context: context.to_string(),
        ..RunParams::default()
    };
    let out = p
        .run(&[question.to_string()], &params, 1, &mut |_| true)
        .unwrap();
    let PipelineOutput::Answers(mut per_question) = out else {
        panic!("answers expected, got {out:?}")
    };
    per_question.remove(0)
}

fn check_against_transformers(name: &str) {
    let exp = expected(name);
    let runs = parity::runs(&exp, "question_answering", 10);
    let mut p = load(name);
    let mut worst: f64 = 0.0;
    let mut windowed = false;
    for run in runs {
        let question = run["question"].as_str().unwrap();
        let context = run["context"].as_str().unwrap();
        let k = run["top_k"].as_u64().unwrap() as usize;
        let got = ask(&mut p, question, context, k);
        let want: Vec<Value> = match &run["output"] {
            Value::Array(list) => list.clone(),
            one => vec![one.clone()],
        };
        let ctx = format!("{name} top_k={k} {question:?}");
        assert_eq!(got.len(), want.len(), "{ctx}: {got:?}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.answer, w["answer"].as_str().unwrap(), "{ctx}");
            assert_eq!(g.start as u64, w["start"].as_u64().unwrap(), "{ctx}");
            assert_eq!(g.end as u64, w["end"].as_u64().unwrap(), "{ctx}");
            parity::close(&ctx, g.score, &w["score"], &mut worst);
            // The JSON has transformers' keys and no others.
            let keys = serde_json::to_value(g).unwrap();
            let mut keys: Vec<&String> = keys.as_object().unwrap().keys().collect();
            keys.sort();
            assert_eq!(keys, ["answer", "end", "score", "start"], "{ctx}");
        }
        if k == 1 {
            windowed |= run["features"].as_array().unwrap().len() > 1;
            let notes = p.last_notes();
            assert_eq!(
                notes.len(),
                run["features"].as_array().unwrap().len() - 1,
                "{ctx}: {notes:?}"
            );
        }
    }
    assert!(windowed, "one context must need the doc stride");
    eprintln!("{name}: largest score difference {worst:.2e}");
}

/// The recorded runs of transformers 4.57's own question-answering pipeline on fixture `name`.
fn real_pipeline(name: &str) -> Vec<Value> {
    let path = folder(name).join("pipeline_v4.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: Value = serde_json::from_str(&text).expect("pipeline_v4.json parses");
    json["question_answering"].as_array().expect("runs").clone()
}

fn check_against_the_real_pipeline(name: &str) {
    let runs = real_pipeline(name);
    let mut p = load(name);
    let mut worst: f64 = 0.0;
    let mut most_windows = 0;
    for run in &runs {
        let question = run["question"].as_str().unwrap();
        let context = run["context"].as_str().unwrap();
        let k = run["top_k"].as_u64().unwrap() as usize;
        let got = ask(&mut p, question, context, k);
        let want: Vec<Value> = match &run["output"] {
            Value::Array(list) => list.clone(),
            one => vec![one.clone()],
        };
        let windows = run["windows"].as_array().unwrap().len();
        most_windows = most_windows.max(windows);
        let ctx = format!("{name} top_k={k} {question:?} ({windows} windows)");
        let parts = p
            .last_notes()
            .iter()
            .find_map(|n| n.strip_suffix(" overlapping parts"))
            .and_then(|n| n.rsplit(' ').next())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(1);
        assert_eq!(parts, windows, "{ctx}: {:?}", p.last_notes());
        assert_eq!(got.len(), want.len(), "{ctx}: {got:?}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.answer, w["answer"].as_str().unwrap(), "{ctx}");
            assert_eq!(g.start as u64, w["start"].as_u64().unwrap(), "{ctx}");
            assert_eq!(g.end as u64, w["end"].as_u64().unwrap(), "{ctx}");
            parity::close(&ctx, g.score, &w["score"], &mut worst);
        }
    }
    assert!(most_windows >= 4, "a context read in several windows");
    eprintln!("{name}: largest score difference from the real pipeline {worst:.2e}");
}

#[test]
fn bert_answers_match_the_real_transformers_4_pipeline() {
    check_against_the_real_pipeline("bert_qa");
}

#[test]
fn distilbert_answers_match_the_real_transformers_4_pipeline() {
    check_against_the_real_pipeline("distilbert_qa");
}

#[test]
fn bert_answers_match_transformers() {
    check_against_transformers("bert_qa");
}

#[test]
fn distilbert_answers_match_transformers() {
    check_against_transformers("distilbert_qa");
}

#[test]
fn the_long_context_note_says_it_was_read_in_parts() {
    let mut p = load("bert_qa");
    let exp = expected("bert_qa");
    let long = exp["question_answering"][8]["context"].as_str().unwrap();
    ask(&mut p, "Who is in New York?", long, 1);
    assert_eq!(
        p.last_notes(),
        ["the context is longer than the 64 tokens the model reads at once, so it was read in 2 overlapping parts"]
    );
}

#[test]
fn json_is_one_object_for_one_answer_and_a_list_with_top_k() {
    let a = Answer {
        score: 0.5,
        start: 0,
        end: 5,
        answer: "Paris".into(),
    };
    let one = vec![vec![a.clone()]];
    let obj = json!({"score": 0.5, "start": 0, "end": 5, "answer": "Paris"});
    assert_eq!(hftutor::present::answers::to_json(&one, None), obj);
    assert_eq!(
        hftutor::present::answers::to_json(&one, Some(3)),
        json!([obj])
    );
    let two = vec![vec![a.clone()], vec![a]];
    assert_eq!(
        hftutor::present::answers::to_json(&two, Some(1)),
        json!([obj, obj])
    );
}

#[test]
fn empty_question_or_context_is_refused() {
    let mut p = load("distilbert_qa");
    let params = RunParams {
        context: "Paris is the capital of France.".into(),
        ..RunParams::default()
    };
    let err = p.run(&[" ".into()], &params, 1, &mut |_| true).unwrap_err();
    assert!(
        matches!(&err, PipelineError::BadInput(m) if m == "the question is empty: type a question first"),
        "{err:?}"
    );
    let err = p
        .run(
            &["Where is Paris?".into()],
            &RunParams::default(),
            1,
            &mut |_| true,
        )
        .unwrap_err();
    assert!(
        matches!(&err, PipelineError::BadInput(m) if m == "the context is empty: give a text to look for the answer in"),
        "{err:?}"
    );
}

#[test]
fn a_model_without_a_span_head_is_explained() {
    let err = inference::load(
        Task::QuestionAnswering,
        &ModelRef::new(folder("bert_ner").to_string_lossy()),
        &Provision::from_env(),
        &mut |_| {},
    )
    .err()
    .expect("a NER model has no qa_outputs");
    assert!(
        err.to_string().contains("no question-answering head"),
        "{err}"
    );
}

#[test]
fn the_command_line_answers_with_transformers_json() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .args(["pipeline", "question-answering", "--json", "--model"])
        .arg(folder("distilbert_qa"))
        .args(["--context", "John lives in Paris and works for Google."])
        .arg("Where does John live?")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["answer"], "Google.");
    assert_eq!(
        (got["start"].as_u64(), got["end"].as_u64()),
        (Some(34), Some(41))
    );
    assert!((got["score"].as_f64().unwrap() - 0.034104928).abs() < TOLERANCE);
}
