//! NaN is never a pass: a broken model's NaN or infinite scores fail every check on a float
//! (`score`, `similarity`, `similarity_gap`, `accuracy`), with feedback saying why. Before,
//! `v < min` being false for NaN let a NaN score pass `score: {min: 0.5}`.

use hftutor::checks::judge;
use hftutor::course::{Bounds, Check, Exercise, Feedback, InputField};
use hftutor::domain::{LabelScore, PipelineOutput, Prepared, RunParams, Task, TrainReport};

fn exercise(task: Task, inputs: usize, check: Check) -> Exercise {
    Exercise {
        kind: Default::default(),
        id: "e".into(),
        task,
        model: None,
        goal: "A goal.".into(),
        inputs: (0..inputs)
            .map(|i| InputField {
                label: format!("Text {i}"),
                param: None,
                default: String::new(),
            })
            .collect(),
        params: RunParams::default(),
        runs: 1,
        check,
        feedback: Feedback {
            pass: Some("Well done!".into()),
            fail: Some("Try again.".into()),
        },
        hints: vec![],
        solutions: vec![],
        counterexamples: vec![],
        answers_at: Default::default(),
        line: 1,
    }
}

fn prepared(texts: &[&str]) -> Prepared {
    Prepared {
        texts: texts.iter().map(|s| s.to_string()).collect(),
        prediction: None,
        params: RunParams::default(),
        runs: 1,
    }
}

fn at_least(v: f64) -> Option<Bounds> {
    Some(Bounds {
        min: Some(v),
        max: None,
    })
}

fn any() -> Option<Bounds> {
    Some(Bounds {
        min: None,
        max: None,
    })
}

const BAD: [f32; 3] = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY];

fn assert_fails_saying_why(v: &hftutor::checks::Verdict, what: &str) {
    assert!(!v.passed, "{what}: {:?}", v.details);
    assert!(
        v.details
            .iter()
            .any(|d| d.contains("the model gave no real number, so this can't pass")),
        "{what}: {:?}",
        v.details
    );
    assert_eq!(v.feedback.as_deref(), Some("Try again."), "{what}");
}

#[test]
fn a_nan_or_infinite_label_score_never_passes() {
    for bounds in [at_least(0.5), any()] {
        let e = exercise(
            Task::TextClassification,
            1,
            Check {
                score: bounds,
                ..Check::default()
            },
        );
        for bad in BAD {
            let out = PipelineOutput::Labels(vec![vec![LabelScore {
                label: "POSITIVE".into(),
                score: bad,
            }]]);
            let v = judge(&e, &prepared(&["I love it"]), &out);
            assert_fails_saying_why(&v, &format!("score {bad} against {bounds:?}"));
        }
    }
}

#[test]
fn a_nan_or_infinite_similarity_or_gap_never_passes() {
    for bad in BAD {
        let e = exercise(
            Task::SentenceSimilarity,
            2,
            Check {
                similarity: any(),
                ..Check::default()
            },
        );
        let v = judge(
            &e,
            &prepared(&["a", "b"]),
            &PipelineOutput::Similarities(vec![bad]),
        );
        assert_fails_saying_why(&v, &format!("similarity {bad}"));

        let e = exercise(
            Task::SentenceSimilarity,
            3,
            Check {
                similarity_gap: at_least(0.1),
                ..Check::default()
            },
        );
        let v = judge(
            &e,
            &prepared(&["a", "b", "c"]),
            &PipelineOutput::Similarities(vec![bad, 0.2]),
        );
        assert_fails_saying_why(&v, &format!("gap with {bad}"));
    }
}

#[test]
fn a_nan_accuracy_never_passes() {
    let e = exercise(
        Task::TrainClassifier,
        1,
        Check {
            accuracy: at_least(0.5),
            ..Check::default()
        },
    );
    let report = TrainReport {
        labels: vec!["a".into(), "b".into()],
        examples: vec![1, 1],
        correct: 0,
        total: 0,
        accuracy: f32::NAN,
        mistakes: vec![],
    };
    let v = judge(&e, &prepared(&["a\tx"]), &PipelineOutput::Trained(report));
    assert_fails_saying_why(&v, "accuracy NaN");
}
