//! A Hub repo laid out as distilbert/distilbert-base-uncased-finetuned-sst-2-english really is
//! (config.json, weights, vocab.txt and a tokenizer_config.json with `do_lower_case` and
//! `model_max_length` only; no tokenizer.json), served by the fake Hub: `models pull` takes the
//! vocabulary files, and text-classification then runs on it with the scores transformers gave on
//! the same weights and vocabulary (tests/fixtures/parity/distilbert_cls, whose weights are copied
//! in at test time), after a pull or straight away. A repo with neither tokenizer file gets a
//! message that names what it has and doesn't tell the student to pull again.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::common::sealed_config;
use crate::fake_hub::{fake_hub, ok, online_config, Reply, Seen};
use hftutor::domain::{ModelRef, PipelineOutput, RunParams, Task};
use hftutor::hub::{commands, Provision, ProvisionConfig};
use hftutor::inference::{self, PipelineError};
use serde_json::Value;

const SST2: &str = "distilbert/distilbert-base-uncased-finetuned-sst-2-english";
const COMMIT: &str = "5e0f0d6a7b6c1b2a3c4d5e6f708192a3b4c5d6e7";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parity")
        .join(name)
}

fn read(path: PathBuf) -> Vec<u8> {
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture's WordPiece vocabulary as a vocab.txt (one token a line, in id order).
fn vocab_txt(fixture_name: &str) -> Vec<u8> {
    let json: Value =
        serde_json::from_slice(&read(fixture(fixture_name).join("tokenizer.json"))).expect("json");
    let vocab = json["model"]["vocab"].as_object().expect("a vocab");
    let mut by_id: Vec<(u64, &str)> = vocab
        .iter()
        .map(|(t, id)| (id.as_u64().expect("an id"), t.as_str()))
        .collect();
    by_id.sort();
    by_id
        .iter()
        .map(|(_, t)| format!("{t}\n"))
        .collect::<String>()
        .into_bytes()
}

/// Routes for an unpinned repo with `files` on its main branch: the listing and each file.
fn repo(files: Vec<(&str, Vec<u8>)>) -> HashMap<String, Reply> {
    let siblings: Vec<Value> = files
        .iter()
        .map(|(name, _)| serde_json::json!({ "rfilename": name }))
        .collect();
    let info = serde_json::json!({ "sha": COMMIT, "siblings": siblings });
    let mut routes = HashMap::new();
    routes.insert(
        format!("/api/models/{SST2}/revision/main"),
        ok(info.to_string().into_bytes(), &[]),
    );
    for (name, body) in files {
        routes.insert(
            format!("/{SST2}/resolve/main/{name}"),
            ok(body, &[("X-Repo-Commit", COMMIT)]),
        );
    }
    routes
}

fn sst2_layout() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "config.json",
            read(fixture("distilbert_cls").join("config.json")),
        ),
        (
            "model.safetensors",
            read(fixture("distilbert_cls").join("model.safetensors")),
        ),
        (
            "tokenizer_config.json",
            br#"{"model_max_length": 512, "do_lower_case": true}"#.to_vec(),
        ),
        ("vocab.txt", vocab_txt("distilbert_cls")),
    ]
}

fn config(cache: &std::path::Path, endpoint: &str) -> ProvisionConfig {
    let mut c = online_config(cache, endpoint);
    c.pins = sealed_config(cache).pins;
    c
}

/// text-classification on `p` gives transformers' recorded labels and scores.
fn classifies_like_transformers(p: &Provision) {
    let mut pipeline = inference::load(
        Task::TextClassification,
        &ModelRef::new(SST2),
        p,
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("loads: {e}"));
    let expected: Value =
        serde_json::from_slice(&read(fixture("distilbert_cls").join("expected.json")))
            .expect("json");
    let runs = expected["text_classification"].as_array().expect("runs");
    let mut checked = 0;
    for run in runs.iter().filter(|r| r["top_k"].is_null()) {
        let text = run["text"].as_str().expect("text");
        let params = RunParams {
            top_k: Some(3),
            ..RunParams::default()
        };
        let out = pipeline
            .run(&[text.to_string()], &params, 1, &mut |_| true)
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let PipelineOutput::Labels(per_text) = out else {
            panic!("labels expected")
        };
        let want = run["output"].as_array().expect("labels");
        assert_eq!(per_text[0].len(), want.len(), "{text}");
        for (got, want) in per_text[0].iter().zip(want) {
            assert_eq!(Some(got.label.as_str()), want["label"].as_str(), "{text}");
            let w = want["score"].as_f64().expect("score");
            assert!(
                (f64::from(got.score) - w).abs() < 1e-4,
                "{text}: {} vs {w}",
                got.score
            );
        }
        checked += 1;
    }
    assert!(checked >= 2, "recorded runs with every label: {checked}");
}

fn paths(seen: &Seen) -> Vec<String> {
    seen.lock()
        .expect("seen")
        .iter()
        .map(|(p, _)| p.clone())
        .collect()
}

#[test]
fn a_vocab_txt_repo_pulls_and_classifies_as_transformers_does() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let (endpoint, seen) = fake_hub(repo(sst2_layout()));
    let p = Provision::new(config(&cache, &endpoint));

    let mut out = Vec::new();
    commands::pull_to(&p, &[SST2.to_string()], &mut out, false).expect("pull");
    let said = String::from_utf8_lossy(&out).into_owned();
    assert!(said.contains("ready"), "{said}");
    let dir = p.model_dir(&ModelRef::new(SST2)).expect("pulled");
    for f in [
        "vocab.txt",
        "tokenizer_config.json",
        "config.json",
        "model.safetensors",
    ] {
        assert!(dir.join(f).is_file(), "{f} not pulled: {said}");
    }

    classifies_like_transformers(&p);
    // The pulled snapshot is read as it is: nobody asked the Hub for a tokenizer.json.
    let asked = paths(&seen);
    assert!(
        !asked.iter().any(|p| p.ends_with("/tokenizer.json")),
        "{asked:?}"
    );
}

#[test]
fn a_vocab_txt_repo_runs_without_a_pull_too() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let (endpoint, seen) = fake_hub(repo(sst2_layout()));
    let p = Provision::new(config(&cache, &endpoint));
    classifies_like_transformers(&p);
    let asked = paths(&seen);
    let tokenizer_json = asked
        .iter()
        .filter(|p| p.ends_with("/tokenizer.json"))
        .count();
    assert_eq!(
        tokenizer_json, 1,
        "tokenizer.json asked for once: {asked:?}"
    );
    assert!(asked.iter().any(|p| p.ends_with("/vocab.txt")), "{asked:?}");

    // Loading again (a new session, offline now) reads the cached snapshot alone.
    let mut offline = config(&cache, &endpoint);
    offline.offline = true;
    classifies_like_transformers(&Provision::new(offline));
}

#[test]
fn a_repo_with_no_tokenizer_files_says_so_without_advising_a_pull() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let layout: Vec<(&str, Vec<u8>)> = sst2_layout()
        .into_iter()
        .filter(|(n, _)| !n.starts_with("vocab") && !n.starts_with("tokenizer"))
        .collect();
    let (endpoint, _seen) = fake_hub(repo(layout));
    let p = Provision::new(config(&cache, &endpoint));
    let model = ModelRef::new(SST2);
    commands::pull_to(&p, &[SST2.to_string()], &mut Vec::new(), false).expect("pull");

    let err = p
        .file(&model, "tokenizer.json", &mut |_| {})
        .expect_err("there is no tokenizer.json");
    assert!(err.is_absent(), "{err:?}");
    let said = err.to_string();
    assert!(said.contains("The Hub was reached"), "{said}");
    assert!(!said.contains("where the Hub can be reached"), "{said}");

    let err = inference::load(Task::TextClassification, &model, &p, &mut |_| {})
        .err()
        .expect("no tokenizer to load");
    assert!(matches!(err, PipelineError::TokenizerLoad(_)), "{err:?}");
    let said = err.to_string();
    for part in [
        "no tokenizer.json, vocab.txt",
        "vocab.json + merges.txt",
        "config.json, model.safetensors",
    ] {
        assert!(said.contains(part), "{part:?} not in: {said}");
    }
    assert!(!said.contains("models pull"), "{said}");
}
