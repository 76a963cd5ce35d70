//! Snapshots of the exercise panel after labelled, zero-shot, search and training results, at
//! 100×30 (a score bar per label, the top documents, the accuracy with a few mistakes), judged by
//! the real checks. Review changes with `cargo insta review`.

use crate::fixture;

use fixture::*;
use hftutor::course::{Block, Bounds, Check, Exercise, InputField, RankGoal};
use hftutor::domain::LabelScore;
use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::SearchHit;
use hftutor::domain::Task;
use hftutor::domain::ZeroShotResult;
use hftutor::domain::{Mistake, TrainReport};
use hftutor::progress::Progress;
use hftutor::shell::{Action, App};
use insta::assert_snapshot;

fn text_field(label: &str, default: &str) -> InputField {
    InputField {
        label: label.into(),
        param: None,
        default: default.into(),
    }
}

/// The test course with lesson 2's exercise replaced by `exercise`, run once on `output`.
fn after_run(exercise: Exercise, output: PipelineOutput) -> String {
    let mut course = course();
    course.models.insert(exercise.task, ModelRef::new(MINILM));
    course.lessons[1].steps[0].blocks[1] = Block::Exercise(exercise);
    let mut app = App::new(course, Progress::default(), None);
    app.update(Action::Resize(100, 30));
    app.update(Action::OpenLesson(1));
    app.update(Action::Run);
    app.update(Action::Submitted(1));
    app.update(finished(1, output, 120));
    render(&app, 100, 30)
}

fn exercise(task: Task, inputs: Vec<InputField>, check: Check) -> Exercise {
    Exercise {
        task,
        inputs,
        check,
        ..similarity_exercise()
    }
}

fn bounds(min: Option<f64>, max: Option<f64>) -> Option<Bounds> {
    Some(Bounds { min, max })
}

#[test]
fn sentiment_with_a_bar_per_label() {
    let ex = exercise(
        Task::TextClassification,
        vec![text_field("Sentence", "I hate Mondays.")],
        Check {
            label: vec!["NEGATIVE".into()],
            score: bounds(Some(0.95), None),
            ..Check::default()
        },
    );
    let output = PipelineOutput::Labels(vec![vec![
        LabelScore {
            label: "NEGATIVE".into(),
            score: 0.9919,
        },
        LabelScore {
            label: "POSITIVE".into(),
            score: 0.0081,
        },
    ]]);
    assert_snapshot!(after_run(ex, output));
}

#[test]
fn zero_shot_with_one_label_wrong() {
    let ex = exercise(
        Task::ZeroShotClassification,
        vec![
            text_field("Labels", "money, health, weather"),
            text_field(
                "Headline 1",
                "Shares tumble as the bank raises interest rates",
            ),
            text_field(
                "Headline 2",
                "Doctors warn about a flu outbreak this winter",
            ),
        ],
        Check {
            label: vec!["money".into(), "health".into()],
            ..Check::default()
        },
    );
    let result = |sequence: &str, labels: [&str; 3], scores: [f32; 3]| ZeroShotResult {
        sequence: sequence.into(),
        labels: labels.iter().map(|s| s.to_string()).collect(),
        scores: scores.to_vec(),
    };
    let output = PipelineOutput::ZeroShot(vec![
        result(
            "Shares tumble as the bank raises interest rates",
            ["money", "weather", "health"],
            [0.88, 0.07, 0.05],
        ),
        result(
            "Doctors warn about a flu outbreak this winter",
            ["weather", "health", "money"],
            [0.72, 0.26, 0.02],
        ),
    ]);
    assert_snapshot!(after_run(ex, output));
}

#[test]
fn search_shows_the_top_documents() {
    let ex = exercise(
        Task::SemanticSearch,
        vec![text_field("Query", "how do insects talk to each other")],
        Check {
            rank: Some(RankGoal {
                document: 3,
                max: 1,
            }),
            ..Check::default()
        },
    );
    let docs = hftutor::domain::corpus::documents();
    let hits = [2usize, 24, 8, 17, 29, 0]
        .iter()
        .enumerate()
        .map(|(i, &id)| SearchHit {
            corpus_id: id,
            score: 0.36 - 0.05 * i as f32,
            text: docs[id].to_string(),
        })
        .collect();
    assert_snapshot!(after_run(ex, PipelineOutput::Ranking(hits)));
}

#[test]
fn training_report_with_mistakes() {
    let ex = exercise(
        Task::TrainClassifier,
        vec![
            text_field(
                "Sport sentences",
                "We won the match; She runs; He swims; They row",
            ),
            text_field(
                "Food sentences",
                "I baked a cake; Soup is hot; Pizza tonight; Sweet apple",
            ),
        ],
        Check {
            accuracy: bounds(Some(0.8), None),
            ..Check::default()
        },
    );
    let mistake = |text: &str, expected: &str, predicted: &str| Mistake {
        text: text.into(),
        expected: expected.into(),
        predicted: predicted.into(),
    };
    let output = PipelineOutput::Trained(TrainReport {
        labels: vec!["sport".into(), "food".into()],
        examples: vec![4, 4],
        correct: 26,
        total: 30,
        accuracy: 26.0 / 30.0,
        mistakes: vec![
            mistake(
                "The cyclists climbed the mountain stage in thick fog.",
                "sport",
                "food",
            ),
            mistake(
                "The match was cancelled because the stadium was flooded.",
                "sport",
                "food",
            ),
            mistake("He has run three marathons this year.", "sport", "food"),
            mistake(
                "I had a boiled egg and toast this morning.",
                "food",
                "sport",
            ),
        ],
    });
    assert_snapshot!(after_run(ex, output));
}

#[test]
fn zero_shot_on_five_texts_is_one_line_each() {
    let headlines = [
        "Shares tumble",
        "New phone chip",
        "Flu outbreak this winter",
        "Striker scores",
        "Storm and snow",
    ];
    let mut inputs = vec![text_field("Labels", "money, tech, health, sport, weather")];
    inputs.extend(
        headlines
            .iter()
            .enumerate()
            .map(|(i, h)| text_field(&format!("Headline {}", i + 1), h)),
    );
    let wanted = ["money", "tech", "health", "sport", "weather"];
    let got = ["money", "tech", "weather", "sport", "weather"];
    let ex = exercise(
        Task::ZeroShotClassification,
        inputs,
        Check {
            label: wanted.iter().map(|s| s.to_string()).collect(),
            ..Check::default()
        },
    );
    let results = headlines
        .iter()
        .zip(got)
        .map(|(h, label)| ZeroShotResult {
            sequence: h.to_string(),
            labels: vec![label.into(), "other".into()],
            scores: vec![0.8, 0.2],
        })
        .collect();
    assert_snapshot!(after_run(ex, PipelineOutput::ZeroShot(results)));
}
