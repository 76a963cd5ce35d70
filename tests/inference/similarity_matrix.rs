//! Real-model test of the all-pairs similarity matrix that sentence-similarity streams for three or
//! more texts (all-MiniLM-L6-v2): symmetric, ones on the diagonal, its first row the answer.

use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::Stream;
use hftutor::domain::Task;
use hftutor::hub::Provision;
use hftutor::inference;

const MINILM: &str = "sentence-transformers/all-MiniLM-L6-v2";

fn texts(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn three_or_more_sentences_stream_every_pair() {
    hftutor::threads::apply(hftutor::threads::choose(None).min(2));
    let provision = Provision::from_env();
    let mut p = inference::load(
        Task::SentenceSimilarity,
        &ModelRef::new(MINILM),
        &provision,
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("can't load {MINILM}: {e}"));

    let inputs = texts(&[
        "I love this course.",
        "This class is wonderful.",
        "The stock market fell today.",
        "Shares dropped sharply this morning.",
    ]);
    let mut matrices = Vec::new();
    let out = p
        .run(&inputs, &RunParams::default(), 1, &mut |s| {
            if let Stream::SimilarityMatrix(m) = s {
                matrices.push(m);
            }
            true
        })
        .expect("similarity runs");
    let PipelineOutput::Similarities(scores) = out else {
        panic!("similarities expected");
    };
    assert_eq!(matrices.len(), 1, "one matrix per run");
    let m = &matrices[0];
    assert_eq!(m.len(), 4);
    for (i, row) in m.iter().enumerate() {
        assert_eq!(row.len(), 4);
        assert!((row[i] - 1.0).abs() < 1e-4, "diagonal {}", row[i]);
        for (j, v) in row.iter().enumerate() {
            assert!((v - m[j][i]).abs() < 1e-6, "symmetric at {i},{j}");
        }
    }
    for (j, s) in scores.iter().enumerate() {
        assert!((m[0][j + 1] - s).abs() < 1e-6, "first row is the answer");
    }
    assert!((m[0][1] - 0.6132).abs() < 0.001, "{}", m[0][1]);
    // The two finance sentences are closer to each other than to the course ones.
    assert!(m[2][3] > m[0][2] && m[2][3] > m[1][3], "{m:?}");

    // Two sentences: the answer says it all, no matrix.
    let mut streamed = 0;
    p.run(&inputs[..2], &RunParams::default(), 1, &mut |_| {
        streamed += 1;
        true
    })
    .expect("similarity runs");
    assert_eq!(streamed, 0);
}
