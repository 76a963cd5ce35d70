//! Model folders with absurd configs (issue 13, probe 4): each is refused with the key, its value
//! and the limit, before anything is allocated, in well under 2 s. Before, ViT with 10⁹ layers
//! aborted the process ("memory allocation of 432000000000 bytes failed"), zero heads divided by
//! zero inside candle, and 10⁹ positions took 7.8 GB.

use std::path::Path;
use std::time::{Duration, Instant};

use candle_core::quantized::{gguf_file, QTensor};
use candle_core::{Device, Tensor};

use crate::common::*;

/// A copy of fixture `name` with `edit` applied to its config.json.
fn broken_copy(name: &str, edit: impl Fn(&mut serde_json::Value)) -> tempfile::TempDir {
    let dir = fixture_copy(name);
    let path = dir.path().join("config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    edit(&mut config);
    std::fs::write(&path, config.to_string()).expect("write");
    dir
}

/// Runs `hftutor pipeline TASK --model DIR INPUT`: it must fail fast with a message naming `key`
/// and the limit, and not crash.
fn refused(task: &str, model: &Path, input: &str, key: &str) {
    let home = tempfile::tempdir().expect("tempdir");
    let m = model.to_str().expect("utf-8 path");
    let started = Instant::now();
    let out = hftutor(&["pipeline", task, "--model", m, input], home.path());
    let took = started.elapsed();
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains(key) && said.contains("must be"), "{said}");
    assert!(!said.contains("panicked"), "{said}");
    assert!(took < Duration::from_secs(2), "took {took:?}: {said}");
}

#[test]
fn vit_with_a_billion_layers_is_refused() {
    let dir = broken_copy("vit_tiny", |c| {
        c["num_hidden_layers"] = 1_000_000_000u64.into()
    });
    let image = fixture("images/shapes.png");
    refused(
        "image-classification",
        dir.path(),
        image.to_str().expect("utf-8"),
        "num_hidden_layers is 1000000000",
    );
}

#[test]
fn bert_with_zero_heads_is_refused() {
    let dir = broken_copy("bert_cls", |c| c["num_attention_heads"] = 0.into());
    refused(
        "text-classification",
        dir.path(),
        "I love it",
        "num_attention_heads is 0",
    );
}

#[test]
fn llama_with_absurd_positions_is_refused() {
    for (value, shown) in [
        (
            serde_json::json!(1e9),
            "max_position_embeddings is 1000000000.0",
        ),
        (serde_json::json!(0), "max_position_embeddings is 0"),
    ] {
        let dir = broken_copy("llama_tiny", |c| {
            c["max_position_embeddings"] = value.clone()
        });
        refused("text-generation", dir.path(), "Hello", shown);
    }
}

#[test]
fn heads_that_dont_divide_the_width_are_refused() {
    let dir = broken_copy("bert_cls", |c| {
        let width = c["hidden_size"].as_u64().expect("hidden_size");
        c["num_attention_heads"] = (width + 1).into();
    });
    let home = tempfile::tempdir().expect("tempdir");
    let m = dir.path().to_str().expect("utf-8");
    let out = hftutor(
        &["pipeline", "text-classification", "--model", m, "hi"],
        home.path(),
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("must be a multiple of num_attention_heads"),
        "{said}"
    );
}

#[test]
fn a_gguf_with_zero_heads_is_refused_before_candle_divides() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("model.gguf");
    let tensor = QTensor::quantize(
        &Tensor::zeros((4, 32), candle_core::DType::F32, &Device::Cpu).expect("zeros"),
        candle_core::quantized::GgmlDType::F32,
    )
    .expect("tensor");
    let arch = gguf_file::Value::String("llama".into());
    let zero = gguf_file::Value::U32(0);
    let width = gguf_file::Value::U32(32);
    let metadata = [
        ("general.architecture", &arch),
        ("llama.attention.head_count", &zero),
        ("llama.attention.head_count_kv", &zero),
        ("llama.embedding_length", &width),
    ];
    let mut file = std::fs::File::create(&path).expect("create");
    gguf_file::write(&mut file, &metadata, &[("token_embd.weight", &tensor)]).expect("write");
    drop(file);
    let content = hftutor::inference::quant::gguf_load::read_content(&path).expect("header");
    let format = hftutor::inference::quant::gguf_load::WeightFormat::from_env();
    let err = match hftutor::inference::quant::gguf_load::load_llama(
        &path,
        content,
        format,
        &Device::Cpu,
    ) {
        Ok(_) => panic!("a model with no heads loaded"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("llama.attention.head_count is 0; it must be from 1"),
        "{err}"
    );
}

#[test]
fn a_model_needing_more_memory_than_is_free_is_refused() {
    // Every dimension in range, but together terabytes.
    let dir = broken_copy("bert_cls", |c| {
        c["hidden_size"] = 65536.into();
        c["intermediate_size"] = 262144.into();
        c["num_hidden_layers"] = 900.into();
        c["num_attention_heads"] = 64.into();
    });
    let home = tempfile::tempdir().expect("tempdir");
    let m = dir.path().to_str().expect("utf-8");
    let out = hftutor(
        &["pipeline", "text-classification", "--model", m, "hi"],
        home.path(),
    );
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("this model needs about") && said.contains("free"),
        "{said}"
    );
}
