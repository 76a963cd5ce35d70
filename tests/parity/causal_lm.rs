//! text-generation from plain safetensors folders (LlamaForCausalLM with tied embeddings, GPT-2
//! with Conv1D weights) against transformers: the tiny random models of
//! tests/fixtures/parity/make_causal_fixtures.py, loaded through the normal `--model FOLDER`
//! path, give transformers' greedy tokens and text exactly and its first-step logits within 1e-4.

use std::path::PathBuf;
use std::process::Command;

use candle_core::Tensor;
use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::Task;
use hftutor::hub::Provision;
use hftutor::inference;
use hftutor::inference::arch::causal_lm;
use serde_json::Value;

fn folder(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parity")
        .join(name)
}

fn expected(name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(folder(name).join("expected.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["runs"].as_array().unwrap().clone()
}

fn ids(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

fn greedy_matches_transformers(name: &str) {
    let model = ModelRef::new(folder(name).to_string_lossy());
    let mut pipeline = inference::load(
        Task::TextGeneration,
        &model,
        &Provision::from_env(),
        &mut |_| {},
    )
    .expect("the fixture model loads");
    let params = RunParams {
        max_new_tokens: 20,
        temperature: 0.0,
        ..RunParams::default()
    };
    for run in expected(name) {
        let prompt = run["prompt"].as_str().unwrap();
        let out = pipeline
            .run(&[prompt.to_string()], &params, 1, &mut |_| true)
            .unwrap();
        let PipelineOutput::Generations(g) = out else {
            panic!("not generations")
        };
        assert_eq!(g[0].prompt_tokens, ids(&run["prompt_ids"]).len(), "{name}");
        assert_eq!(g[0].token_ids, ids(&run["new_ids"]), "{name}: {prompt:?}");
        assert_eq!(
            g[0].text,
            run["text"].as_str().unwrap(),
            "{name}: {prompt:?}"
        );
    }
}

/// The largest difference between our first-step logits and transformers'.
fn max_logit_difference(name: &str) -> f32 {
    let mut model = causal_lm::load_dir(&folder(name)).unwrap();
    let mut worst = 0f32;
    for run in expected(name) {
        let prompt = ids(&run["prompt_ids"]);
        model.clear_kv_cache();
        let input = Tensor::new(prompt.as_slice(), &candle_core::Device::Cpu)
            .unwrap()
            .unsqueeze(0)
            .unwrap();
        let got = model
            .forward(&input, 0)
            .unwrap()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        let want: Vec<f32> = run["first_logits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect();
        assert_eq!(got.len(), want.len(), "{name}: vocab");
        for (g, w) in got.iter().zip(&want) {
            worst = worst.max((g - w).abs());
        }
    }
    eprintln!("{name}: max first-step logit difference {worst:e}");
    worst
}

#[test]
fn llama_greedy_tokens_and_text_match_transformers() {
    greedy_matches_transformers("llama_tiny");
}

#[test]
fn gpt2_greedy_tokens_and_text_match_transformers() {
    greedy_matches_transformers("gpt2_tiny");
}

#[test]
fn llama_logits_match_transformers() {
    let d = max_logit_difference("llama_tiny");
    assert!(d < 1e-4, "llama_tiny: {d}");
}

#[test]
fn gpt2_logits_match_transformers() {
    let d = max_logit_difference("gpt2_tiny");
    assert!(d < 1e-4, "gpt2_tiny: {d}");
}

#[test]
fn kv_cache_steps_equal_a_full_forward() {
    // One token at a time through the cache gives the same last logits as the whole sequence.
    for name in ["llama_tiny", "gpt2_tiny"] {
        let mut model = causal_lm::load_dir(&folder(name)).unwrap();
        let ids: Vec<u32> = vec![5, 17, 42, 99, 7];
        let dev = candle_core::Device::Cpu;
        let full = model
            .forward(
                &Tensor::new(ids.as_slice(), &dev)
                    .unwrap()
                    .unsqueeze(0)
                    .unwrap(),
                0,
            )
            .unwrap();
        model.clear_kv_cache();
        let mut last = None;
        for (i, id) in ids.iter().enumerate() {
            let x = Tensor::new(&[*id], &dev).unwrap().unsqueeze(0).unwrap();
            last = Some(model.forward(&x, i).unwrap());
        }
        let diff = (full - last.unwrap())
            .unwrap()
            .abs()
            .unwrap()
            .max_all()
            .unwrap()
            .to_scalar::<f32>()
            .unwrap();
        assert!(diff < 1e-4, "{name}: {diff}");
    }
}

#[test]
fn llama_chat_uses_the_folders_template() {
    let model = ModelRef::new(folder("llama_tiny").to_string_lossy());
    let pipeline = inference::load(
        Task::TextGeneration,
        &model,
        &Provision::from_env(),
        &mut |_| {},
    )
    .unwrap();
    let raw = pipeline.chat_template().expect("a chat template");
    assert!(raw.contains("<|im_start|>"), "{raw}");
}

#[test]
fn gpt2_has_no_chat_mode() {
    let model = ModelRef::new(folder("gpt2_tiny").to_string_lossy());
    let mut pipeline = inference::load(
        Task::TextGeneration,
        &model,
        &Provision::from_env(),
        &mut |_| {},
    )
    .unwrap();
    let params = RunParams {
        chat: true,
        ..RunParams::default()
    };
    let err = pipeline
        .run(&["Hi".to_string()], &params, 1, &mut |_| true)
        .unwrap_err();
    assert!(err.to_string().contains("chat"), "{err}");
}

#[test]
fn unsupported_architecture_is_a_clear_error() {
    // A BERT classifier folder has no GGUF and a config naming another architecture.
    let model = ModelRef::new(folder("bert_cls").to_string_lossy());
    let err = inference::load(
        Task::TextGeneration,
        &model,
        &Provision::from_env(),
        &mut |_| {},
    )
    .err()
    .expect("BERT can't generate");
    let msg = err.to_string();
    assert!(msg.contains("can't generate text"), "{msg}");
    assert!(msg.contains("GPT2LMHeadModel"), "{msg}");
}

#[test]
fn cli_generates_with_gpt2() {
    let dir = folder("gpt2_tiny");
    let out = Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .args(["pipeline", "text-generation", "--model"])
        .arg(&dir)
        .args(["Hello", "--json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    let text = v.to_string();
    assert!(text.contains("generated_text"), "{text}");
    assert!(text.contains("Hello"), "{text}");
}

/// A copy of fixture `name` in a fresh temporary folder, with `edit` applied to it.
fn broken_copy(name: &str, tag: &str, edit: impl Fn(&std::path::Path)) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "hftutor-causal-{name}-{tag}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(folder(name)).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
    }
    edit(&dir);
    dir
}

fn set_config(dir: &std::path::Path, key: &str, value: Value) {
    let path = dir.join("config.json");
    let mut config: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    config[key] = value;
    std::fs::write(&path, config.to_string()).unwrap();
}

#[test]
fn broken_folders_are_errors_not_panics() {
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            broken_copy("llama_tiny", "layers", |d| {
                set_config(d, "num_hidden_layers", 3.into())
            }),
            "model.layers.2",
        ),
        (
            broken_copy("llama_tiny", "width", |d| {
                set_config(d, "intermediate_size", 48.into())
            }),
            "mlp",
        ),
        (
            broken_copy("gpt2_tiny", "layers", |d| {
                set_config(d, "n_layer", 3.into())
            }),
            "h.2",
        ),
        (
            broken_copy("gpt2_tiny", "cut", |d| {
                let w = d.join("model.safetensors");
                let bytes = std::fs::read(&w).unwrap();
                std::fs::write(&w, &bytes[..100]).unwrap();
            }),
            "safetensors",
        ),
        (
            broken_copy("gpt2_tiny", "json", |d| {
                std::fs::write(d.join("config.json"), "{ not json").unwrap()
            }),
            "not valid JSON",
        ),
        (
            broken_copy("gpt2_tiny", "arch", |d| {
                set_config(d, "architectures", Value::Null)
            }),
            "names no architecture",
        ),
    ];
    for (dir, want) in cases {
        let model = ModelRef::new(dir.to_string_lossy());
        let result = inference::load(
            Task::TextGeneration,
            &model,
            &Provision::from_env(),
            &mut |_| {},
        );
        let msg = result.err().expect("a broken folder fails").to_string();
        assert!(msg.contains(want), "{}: {msg}", dir.display());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
