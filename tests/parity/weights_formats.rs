//! Weights in every form a Hub repo keeps them (src/inference/arch/weights.rs): a tiny random Marian
//! saved as pytorch_model.bin only (like the opus-mt repos) and a tiny random BERT classifier in
//! three safetensors shards (tests/fixtures/parity/make_weights_formats_fixtures.py) give
//! transformers' outputs through the normal loading path — from a folder, from the cache offline,
//! and from a fake Hub on 127.0.0.1 that has no model.safetensors. Clear errors when a model has
//! no weights, when its index names a missing shard, and when it simply isn't downloaded.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::Task;
use hftutor::domain::{Seq2SeqParams, Seq2SeqText};
use hftutor::hub::{Pins, Provision, ProvisionConfig, ProvisionError};
use hftutor::inference;
use hftutor::inference::arch::weights::{self, WeightFiles};
use hftutor::inference::tasks::seq2seq::Seq2SeqPipeline;
use hftutor::inference::Pipeline;
use hftutor::inference::PipelineError;
use serde_json::Value;

const TOLERANCE: f64 = 1e-4;
const REPO: &str = "hftutor-test/opus-bin";
const COMMIT: &str = "0123456789abcdef0123456789abcdef01234567";

fn folder(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parity")
        .join(name)
}

fn expected(name: &str) -> Value {
    let text = std::fs::read_to_string(folder(name).join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn ids(v: &Value) -> Vec<u32> {
    let list = v.as_array().unwrap();
    list.iter().map(|x| x.as_u64().unwrap() as u32).collect()
}

fn local(name: &str) -> ModelRef {
    ModelRef::new(folder(name).to_string_lossy())
}

/// No package fallback, no pins; offline unless an endpoint is given.
fn config(cache: &Path, endpoint: Option<&str>) -> ProvisionConfig {
    let mut c = ProvisionConfig::new(cache);
    c.offline = endpoint.is_none();
    c.endpoint = endpoint.unwrap_or("http://127.0.0.1:9").to_string();
    c.package_fallback = false;
    c.python = "/nonexistent/python3".to_string();
    c.pins = Pins::default();
    c.connect_timeout = Duration::from_secs(2);
    c.read_timeout = Duration::from_secs(2);
    c
}

fn error_of<T>(r: Result<T, PipelineError>) -> PipelineError {
    match r {
        Ok(_) => panic!("an error was expected"),
        Err(e) => e,
    }
}

fn translate(p: &mut Box<dyn Pipeline>, text: &str, beams: Option<usize>) -> Seq2SeqText {
    let params = RunParams {
        seq2seq: Seq2SeqParams {
            max_new_tokens: beams.map(|_| 20),
            num_beams: beams,
            ..Seq2SeqParams::default()
        },
        ..RunParams::default()
    };
    let out = p.run(&[text.to_string()], &params, 1, &mut |_| true);
    let Ok(PipelineOutput::Seq2Seq(mut v)) = out else {
        panic!("seq2seq output expected, got {out:?}")
    };
    v.remove(0)
}

/// Greedy, num_beams=3 and the model's own settings give transformers' ids and texts.
fn marian_generation_matches(model: &ModelRef, provision: &Provision) {
    let exp = expected("marian_bin");
    for case in exp["cases"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        for (key, beams) in [("greedy", Some(1)), ("beam", Some(3)), ("default", None)] {
            let mut p = inference::load(Task::Translation, model, provision, &mut |_| {})
                .expect("the .bin model loads");
            let got = translate(&mut p, text, beams);
            assert_eq!(
                got.token_ids,
                ids(&case[format!("{key}_ids")]),
                "{key}: {text}"
            );
            assert_eq!(got.text, case[format!("{key}_text")].as_str().unwrap());
        }
    }
}

#[test]
fn marian_from_pytorch_bin_matches_transformers() {
    let provision = Provision::from_env();
    let model = local("marian_bin");
    let found = weights::find(&provision, &model, &mut |_| {}).unwrap();
    assert_eq!(
        found,
        WeightFiles::Pytorch(folder("marian_bin/pytorch_model.bin"))
    );
    let mut worst: f64 = 0.0;
    for case in expected("marian_bin")["cases"].as_array().unwrap() {
        let params = Seq2SeqParams::default();
        let mut p =
            Seq2SeqPipeline::load(Task::Translation, &model, &provision, &mut |_| {}).unwrap();
        let text = case["text"].as_str().unwrap();
        assert_eq!(
            p.input_ids(text, &params).unwrap().0,
            ids(&case["input_ids"])
        );
        let got = p.first_logits(text, &params).unwrap();
        let want = case["first_logits"].as_array().unwrap();
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            worst = worst.max((f64::from(*g) - w.as_f64().unwrap()).abs());
        }
    }
    eprintln!("marian_bin: largest first-step logit difference {worst:e}");
    assert!(worst < TOLERANCE, "{worst}");
    marian_generation_matches(&model, &provision);

    // The student is told once which file was read.
    let mut p = inference::load(Task::Translation, &model, &provision, &mut |_| {}).unwrap();
    translate(&mut p, "The cat sat on the mat.", Some(1));
    assert!(
        p.last_notes()
            .iter()
            .any(|n| n.contains("pytorch_model.bin")),
        "{:?}",
        p.last_notes()
    );
    translate(&mut p, "The cat sat on the mat.", Some(1));
    assert!(p.last_notes().is_empty(), "{:?}", p.last_notes());
}

#[test]
fn bert_from_shards_matches_transformers() {
    let exp = expected("bert_sharded");
    let WeightFiles::Shards { shards, .. } = weights::in_dir(&folder("bert_sharded")).unwrap()
    else {
        panic!("shards expected")
    };
    let names: Vec<String> = shards
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ids_as_strings(&exp["shards"]));
    assert_eq!(names.len(), 3);

    let mut events = Vec::new();
    let mut p = inference::load(
        Task::TextClassification,
        &local("bert_sharded"),
        &Provision::from_env(),
        &mut |e| events.push(format!("{e:?}")),
    )
    .expect("the sharded model loads");
    assert!(
        events.iter().any(|e| e.contains("3 safetensors shards")),
        "{events:?}"
    );
    let mut worst: f64 = 0.0;
    let runs = exp["text_classification"].as_array().unwrap();
    assert_eq!(runs.len(), 6);
    for run in runs {
        let text = run["text"].as_str().unwrap();
        let params = RunParams {
            top_k: run["top_k"].as_u64().map(|k| k as usize),
            ..RunParams::default()
        };
        let out = p
            .run(&[text.to_string()], &params, 1, &mut |_| true)
            .unwrap();
        let PipelineOutput::Labels(per_text) = out else {
            panic!("labels expected, got {out:?}")
        };
        let want = run["output"].as_array().unwrap();
        assert_eq!(per_text[0].len(), want.len(), "{text:?}");
        for (g, w) in per_text[0].iter().zip(want) {
            assert_eq!(g.label, w["label"].as_str().unwrap(), "{text:?}");
            worst = worst.max((f64::from(g.score) - w["score"].as_f64().unwrap()).abs());
        }
    }
    eprintln!("bert_sharded: largest score difference {worst:e}");
    assert!(worst < TOLERANCE, "{worst}");
}

fn ids_as_strings(v: &Value) -> Vec<String> {
    let list = v.as_array().unwrap();
    list.iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// A copy of fixture `name` in a temporary folder, without the files `drop`.
fn copy_without(name: &str, drop: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(folder(name)).unwrap().flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if !drop.contains(&file.as_str()) {
            std::fs::copy(entry.path(), tmp.path().join(&file)).unwrap();
        }
    }
    tmp
}

#[test]
fn a_folder_without_weights_names_the_three_forms() {
    let tmp = copy_without("bert_cls", &["model.safetensors"]);
    let model = ModelRef::new(tmp.path().to_string_lossy());
    let provision = Provision::from_env();
    let e = error_of(inference::load(
        Task::TextClassification,
        &model,
        &provision,
        &mut |_| {},
    ));
    assert!(
        matches!(
            e,
            PipelineError::Provision(ProvisionError::Unavailable { .. })
        ),
        "{e:?}"
    );
    let msg = e.to_string();
    eprintln!("no weights: {msg}");
    for form in [
        "model.safetensors",
        "model.safetensors.index.json",
        "pytorch_model.bin",
    ] {
        assert!(msg.contains(form), "{msg}");
    }
    let msg = error_of(weights::in_dir(tmp.path())).to_string();
    assert!(
        msg.contains("pytorch_model.bin") && msg.contains("index.json"),
        "{msg}"
    );
    assert!(!weights::dir_has_weights(tmp.path()));
    assert!(weights::dir_has_weights(&folder("bert_sharded")));
}

#[test]
fn an_index_naming_a_missing_shard_says_which() {
    let shard = "model-00002-of-00003.safetensors";
    let tmp = copy_without("bert_sharded", &[shard]);
    let model = ModelRef::new(tmp.path().to_string_lossy());
    let provision = Provision::from_env();
    let msg = error_of(inference::load(
        Task::TextClassification,
        &model,
        &provision,
        &mut |_| {},
    ))
    .to_string();
    eprintln!("missing shard: {msg}");
    assert!(
        msg.contains(shard) && msg.contains("model.safetensors.index.json"),
        "{msg}"
    );
    let msg = error_of(weights::in_dir(tmp.path())).to_string();
    assert!(msg.contains(shard), "{msg}");

    std::fs::write(
        tmp.path().join("model.safetensors.index.json"),
        "{\"metadata\": {}}",
    )
    .unwrap();
    let msg = error_of(weights::in_dir(tmp.path())).to_string();
    assert!(msg.contains("weight_map"), "{msg}");
}

#[test]
fn offline_and_not_downloaded_keeps_the_pull_message() {
    let tmp = tempfile::tempdir().unwrap();
    let provision = Provision::new(config(tmp.path(), None));
    let e = error_of(weights::find(&provision, &ModelRef::new(REPO), &mut |_| {}));
    let PipelineError::Provision(ProvisionError::Unavailable { ref file, .. }) = e else {
        panic!("{e:?}")
    };
    assert_eq!(file, "model.safetensors");
    let msg = e.to_string();
    eprintln!("offline: {msg}");
    assert!(
        msg.contains(&format!("hftutor models pull {REPO}")),
        "{msg}"
    );
    assert!(!msg.contains("pytorch_model.bin"), "{msg}");

    // The same when the Hub can't be reached (nothing listens on that port).
    let closed = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let endpoint = format!("http://{closed}");
    let provision = Provision::new(config(tmp.path(), Some(&endpoint)));
    let msg = error_of(weights::find(&provision, &ModelRef::new(REPO), &mut |_| {})).to_string();
    eprintln!("unreachable: {msg}");
    assert!(msg.contains("model.safetensors is not available"), "{msg}");
    assert!(
        msg.contains("can't be reached") && !msg.contains("pytorch_model.bin"),
        "{msg}"
    );
}

#[test]
fn offline_cache_with_only_the_bin_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("models--hftutor-test--opus-bin");
    let snapshot = repo.join("snapshots").join(COMMIT);
    std::fs::create_dir_all(&snapshot).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), COMMIT).unwrap();
    for entry in std::fs::read_dir(folder("marian_bin")).unwrap().flatten() {
        std::fs::copy(entry.path(), snapshot.join(entry.file_name())).unwrap();
    }
    let provision = Provision::new(config(tmp.path(), None));
    let model = ModelRef::new(REPO);
    assert_eq!(provision.model_dir(&model), Some(snapshot.clone()));
    assert!(weights::dir_has_weights(&snapshot));
    marian_generation_matches(&model, &provision);
}

/// A fake Hub serving `files` of [`REPO`] at `main` (404 for anything else) and its file list.
fn fake_hub(files: Vec<(String, Vec<u8>)>) -> (String, std::sync::mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let listing: Vec<Value> = files
        .iter()
        .map(|(n, _)| serde_json::json!({ "rfilename": n }))
        .collect();
    let mut routes: HashMap<String, Vec<u8>> = files
        .into_iter()
        .map(|(n, b)| (format!("/{REPO}/resolve/main/{n}"), b))
        .collect();
    let info = serde_json::json!({ "sha": COMMIT, "siblings": listing });
    routes.insert(
        format!("/api/models/{REPO}/revision/main"),
        info.to_string().into_bytes(),
    );
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            let _ = reader.read_line(&mut line);
            let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header == "\r\n" {
                    break;
                }
            }
            let _ = tx.send(path.clone());
            let (status, body) = match routes.get(&path) {
                Some(b) => (200, b.clone()),
                None => (404, Vec::new()),
            };
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nX-Repo-Commit: {COMMIT}\r\n\
                 Connection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (endpoint, rx)
}

fn fixture_files(name: &str, only: &[&str]) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(folder(name))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "expected.json" && (only.is_empty() || only.contains(&n.as_str())))
        .map(|n| (n.clone(), std::fs::read(folder(name).join(&n)).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn a_hub_repo_without_safetensors_gives_its_bin() {
    let (endpoint, seen) = fake_hub(fixture_files("marian_bin", &[]));
    let tmp = tempfile::tempdir().unwrap();
    let online = Provision::new(config(tmp.path(), Some(&endpoint)));
    let model = ModelRef::new(REPO);
    let found = weights::find(&online, &model, &mut |_| {}).unwrap();
    assert!(matches!(found, WeightFiles::Pytorch(_)), "{found:?}");
    let asked: Vec<String> = seen.try_iter().collect();
    let tail = |f: &str| format!("/{REPO}/resolve/main/{f}");
    assert_eq!(
        asked,
        [
            tail("model.safetensors"),
            tail("model.safetensors.index.json"),
            tail("pytorch_model.bin")
        ]
    );

    // `hftutor models pull` takes the .bin and the SentencePiece files; then it runs offline.
    let tmp = tempfile::tempdir().unwrap();
    let online = Provision::new(config(tmp.path(), Some(&endpoint)));
    let dir = online.pull(&model, &mut |_| {}).expect("pull");
    for f in [
        "pytorch_model.bin",
        "source.spm",
        "target.spm",
        "vocab.json",
        "config.json",
    ] {
        assert!(dir.join(f).is_file(), "{f} not pulled");
    }
    marian_generation_matches(&model, &Provision::new(config(tmp.path(), None)));
}

#[test]
fn a_hub_repo_with_no_weights_names_the_three_forms() {
    let (endpoint, _seen) = fake_hub(fixture_files("marian_bin", &["config.json"]));
    let tmp = tempfile::tempdir().unwrap();
    let online = Provision::new(config(tmp.path(), Some(&endpoint)));
    let msg = error_of(weights::find(&online, &ModelRef::new(REPO), &mut |_| {})).to_string();
    for form in [
        "model.safetensors,",
        "model.safetensors.index.json",
        "pytorch_model.bin",
    ] {
        assert!(msg.contains(form), "{msg}");
    }
    assert!(msg.contains("the repo has none"), "{msg}");
}
