//! Real-model tests of the pipelines built on all-MiniLM-L6-v2 embeddings: text-classification
//! with the shipped sentiment head, zero-shot classification, semantic search over the shipped
//! documents, and live training (train-classifier); plus the shipped head against its held-out set.

use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::Task;
use hftutor::hub::Provision;
use hftutor::inference;
use hftutor::inference::tasks::embeddings::Embedder;
use hftutor::inference::train::{self, parse_examples};
use hftutor::inference::Pipeline;
use hftutor::inference::PipelineError;

const MINILM: &str = "sentence-transformers/all-MiniLM-L6-v2";

fn load(task: Task) -> Box<dyn Pipeline> {
    inference::load(
        task,
        &ModelRef::new(MINILM),
        &Provision::from_env(),
        &mut |_| {},
    )
    .expect("MiniLM loads (is it in the Hugging Face cache?)")
}

fn run(p: &mut Box<dyn Pipeline>, inputs: &[&str]) -> Result<PipelineOutput, PipelineError> {
    let inputs: Vec<String> = inputs.iter().map(|s| s.to_string()).collect();
    p.run(&inputs, &RunParams::default(), 1, &mut |_| true)
}

#[test]
fn sentiment_labels_every_text_with_probabilities() {
    let mut p = load(Task::TextClassification);
    let out = run(&mut p, &["I hate Mondays.", "The concert was wonderful."]).unwrap();
    let PipelineOutput::Labels(per_text) = out else {
        panic!("labels expected, got {out:?}")
    };
    assert_eq!(per_text.len(), 2);
    assert_eq!(per_text[0][0].label, "NEGATIVE");
    assert!(per_text[0][0].score > 0.95, "{:?}", per_text[0]);
    assert_eq!(per_text[1][0].label, "POSITIVE");
    for labels in &per_text {
        let sum: f32 = labels.iter().map(|l| l.score).sum();
        assert!((sum - 1.0).abs() < 1e-4);
        assert!(labels[0].score >= labels[1].score);
    }
    let empty = run(&mut p, &["  "]).unwrap_err();
    assert!(matches!(empty, PipelineError::BadInput(_)), "{empty}");
}

#[test]
fn the_shipped_head_scores_at_least_90_percent_on_its_heldout_set() {
    let text = std::fs::read_to_string("assets/sentiment/heldout.tsv").unwrap();
    let examples = parse_examples(&text).unwrap();
    assert!(examples.len() >= 250, "{}", examples.len());
    let embedder =
        Embedder::load(&ModelRef::new(MINILM), &Provision::from_env(), &mut |_| {}).unwrap();
    let texts: Vec<String> = examples.iter().map(|e| e.text.clone()).collect();
    let vectors = embedder.embed(&texts).unwrap().vectors;
    let head = train::sentiment_head().unwrap();
    let targets: Vec<usize> = examples
        .iter()
        .map(|e| head.labels.iter().position(|l| *l == e.label).unwrap())
        .collect();
    let accuracy = train::correct(&head, &vectors, &targets) as f64 / vectors.len() as f64;
    assert!(accuracy >= 0.9, "held-out accuracy {accuracy}");
}

#[test]
fn zero_shot_ranks_labels_by_meaning() {
    let mut p = load(Task::ZeroShotClassification);
    let out = run(
        &mut p,
        &[
            "sport, politics, food",
            "Parliament votes on the new tax law",
            "Chef opens a noodle bar",
        ],
    )
    .unwrap();
    let PipelineOutput::ZeroShot(results) = out else {
        panic!("zero-shot results expected, got {out:?}")
    };
    assert_eq!(results.len(), 2);
    assert_eq!(results[0].sequence, "Parliament votes on the new tax law");
    assert_eq!(results[0].labels[0], "politics");
    assert_eq!(results[1].labels[0], "food");
    for r in &results {
        assert_eq!(r.labels.len(), 3);
        assert!((r.scores.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        assert!(r.scores.windows(2).all(|w| w[0] >= w[1]));
    }
    let one_label = run(&mut p, &["sport", "A goal"]).unwrap_err().to_string();
    assert!(one_label.contains("at least two labels"), "{one_label}");
}

#[test]
fn search_ranks_all_thirty_documents() {
    let mut p = load(Task::SemanticSearch);
    let out = run(&mut p, &["how do insects talk to each other"]).unwrap();
    let PipelineOutput::Ranking(hits) = out else {
        panic!("a ranking expected, got {out:?}")
    };
    assert_eq!(hits.len(), 30);
    assert_eq!(hits[0].corpus_id, 2, "the honeybees: {:?}", hits[0]);
    assert!(hits[0].text.starts_with("Honeybees"));
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(run(&mut p, &["one", "two"]).is_err());
}

#[test]
fn training_on_the_students_examples_is_tested_on_the_heldout_set() {
    let mut p = load(Task::TrainClassifier);
    let sport = "We won the football match; She runs every morning; The goalkeeper caught the ball; He swims fast in the pool";
    let food = "I baked a chocolate cake; The pasta needs more salt; We ate pizza for dinner; This apple is sweet and juicy";
    let started = std::time::Instant::now();
    let out = run(&mut p, &[sport, food]).unwrap();
    assert!(
        started.elapsed().as_secs_f64() < 60.0, // a runaway guard, not a benchmark
        "{:?}",
        started.elapsed()
    );
    let PipelineOutput::Trained(good) = out else {
        panic!("a training report expected, got {out:?}")
    };
    assert_eq!(good.labels, ["sport", "food"]);
    assert_eq!(good.examples, [4, 4]);
    assert_eq!(good.total, 30);
    assert!(good.accuracy >= 0.8, "{good:?}");
    assert_eq!(good.correct + good.mistakes.len(), 30);
    let PipelineOutput::Trained(swapped) = run(&mut p, &[food, sport]).unwrap() else {
        panic!("a training report expected")
    };
    assert!(swapped.accuracy <= 0.2, "{swapped:?}");
    let few = run(&mut p, &["We won the match; She runs fast", food])
        .unwrap_err()
        .to_string();
    assert!(few.contains("at least 4 sport examples"), "{few}");
}

#[test]
fn the_train_command_writes_a_head_and_reports_heldout_accuracy() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("train.tsv");
    let heldout = dir.path().join("heldout.tsv");
    let out = dir.path().join("head.json");
    std::fs::write(
        &data,
        "# tiny\nsport\tWe won the football match\nsport\tShe runs every morning\nsport\tThe goalkeeper caught the ball\nfood\tI baked a chocolate cake\nfood\tThe pasta needs more salt\nfood\tWe ate pizza for dinner\n",
    )
    .unwrap();
    std::fs::write(
        &heldout,
        "sport\tHe scored a goal in the final\nfood\tThis soup is too salty\n",
    )
    .unwrap();
    let result = std::process::Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .args(["train", "--data"])
        .arg(&data)
        .arg("--heldout")
        .arg(&heldout)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&result.stdout);
    assert!(
        result.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&result.stderr)
    );
    assert!(
        stdout.contains("trained on 6 sentences (3 food, 3 sport)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("held-out accuracy: 100.0% (2/2) on 2 sentences"),
        "{stdout}"
    );
    let head = train::Head::from_json(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(head.labels, ["food", "sport"]);
    assert_eq!(head.dim(), 384);
}
