//! `hftutor pipeline` on the real core models, through the binary: JSON shaped like transformers'.
//! The models are provisioned by the product's own code (HF cache → Hub → package fallback).
//! One test per model family, so two models never run at once on a small CI machine.

use std::process::Command;

fn pipeline_json(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .arg("pipeline")
        .args(args)
        .arg("--json")
        .output()
        .expect("the hftutor binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"))
}

#[test]
fn embeddings_and_similarity_as_json() {
    let sims = pipeline_json(&[
        "sentence-similarity",
        "I love this course.",
        "This class is wonderful.",
        "The stock market fell today.",
    ]);
    let sims: Vec<f64> = serde_json::from_value(sims).expect("a list of numbers");
    assert_eq!(sims.len(), 2);
    assert!((sims[0] - 0.6132).abs() < 0.001, "{sims:?}");
    assert!((sims[1] - 0.0166).abs() < 0.001, "{sims:?}");

    let vecs = pipeline_json(&["feature-extraction", "Hello world", "Bonjour"]);
    let vecs: Vec<Vec<f64>> = serde_json::from_value(vecs).expect("one list of floats per input");
    assert_eq!(vecs.len(), 2);
    for v in &vecs {
        assert_eq!(v.len(), 384);
        let norm: f64 = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "normalised: {norm}");
    }
}

#[test]
fn generation_as_json() {
    let out = pipeline_json(&[
        "text-generation",
        "--max-new-tokens",
        "8",
        "Once upon a time",
    ]);
    let text = out[0]["generated_text"]
        .as_str()
        .expect("[{\"generated_text\": …}]");
    assert!(
        text.starts_with("Once upon a time"),
        "plain mode keeps the prompt: {text}"
    );
    assert!(text.len() > "Once upon a time".len(), "{text}");

    let chat = pipeline_json(&[
        "text-generation",
        "--chat",
        "--max-new-tokens",
        "12",
        "What is Hugging Face?",
    ]);
    let reply = chat[0]["generated_text"]
        .as_str()
        .expect("[{\"generated_text\": …}]");
    assert!(
        !reply.contains("<|im_start|>"),
        "chat mode returns the reply only: {reply}"
    );
    assert!(!reply.trim().is_empty());
}
