//! `hftutor train`: trains a classification head on all-MiniLM-L6-v2 embeddings from a file of
//! labelled sentences, saves it as JSON and prints its accuracy on a held-out file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;

use crate::domain::ModelRef;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::tasks::embeddings::Embedder;
use crate::inference::train::{self, parse_examples, Example, Head, TrainOptions};

/// The model heads are trained on: the one lesson 1 and lesson 8 run.
pub const HEAD_MODEL: &str = "sentence-transformers/all-MiniLM-L6-v2";

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Labelled sentences: one `LABEL<TAB>sentence` per line (# starts a comment).
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Where to write the trained head (JSON).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Sentences kept out of training, to measure accuracy on (same format).
    #[arg(long, value_name = "FILE")]
    pub heldout: Option<PathBuf>,
    #[arg(long, default_value_t = TrainOptions::default().epochs)]
    pub epochs: usize,
    #[arg(long, default_value_t = TrainOptions::default().learning_rate)]
    pub learning_rate: f64,
    #[arg(long, default_value_t = TrainOptions::default().weight_decay)]
    pub weight_decay: f64,
}

fn read(path: &Path) -> anyhow::Result<Vec<Example>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("can't read {}", path.display()))?;
    parse_examples(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn embed(embedder: &Embedder, examples: &[Example]) -> anyhow::Result<Vec<Vec<f32>>> {
    let texts: Vec<String> = examples.iter().map(|e| e.text.clone()).collect();
    Ok(embedder.embed(&texts)?.vectors)
}

pub fn run(args: TrainArgs) -> anyhow::Result<ExitCode> {
    let examples = read(&args.data)?;
    let mut labels: Vec<String> = examples.iter().map(|e| e.label.clone()).collect();
    labels.sort();
    labels.dedup();
    let targets: Vec<usize> = examples
        .iter()
        .filter_map(|e| labels.iter().position(|l| *l == e.label))
        .collect();
    let provision = Provision::from_env();
    let mut on_event = |e: ProvisionEvent| {
        if let ProvisionEvent::Note(n) = e {
            errln!("{n}");
        }
    };
    let embedder = Embedder::load(&ModelRef::new(HEAD_MODEL), &provision, &mut on_event)?;
    let started = Instant::now();
    let vectors = embed(&embedder, &examples)?;
    let embedded = started.elapsed();
    let options = TrainOptions {
        epochs: args.epochs,
        learning_rate: args.learning_rate,
        weight_decay: args.weight_decay,
    };
    let head = train::train(&vectors, &targets, labels.clone(), &options)
        .map_err(|e| anyhow::anyhow!(e))?;
    let trained = started.elapsed() - embedded;
    let counts: Vec<String> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{} {l}", targets.iter().filter(|&&t| t == i).count()))
        .collect();
    outln!(
        "trained on {} sentences ({}); embedding {:.1}s, training {:.2}s",
        examples.len(),
        counts.join(", "),
        embedded.as_secs_f64(),
        trained.as_secs_f64()
    );
    outln!(
        "training accuracy: {}",
        percent(train::correct(&head, &vectors, &targets), vectors.len())
    );
    if let Some(path) = &args.heldout {
        report_heldout(&embedder, &head, &read(path)?)?;
    }
    std::fs::write(&args.out, head.to_json() + "\n")
        .with_context(|| format!("can't write {}", args.out.display()))?;
    outln!("wrote {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}

fn report_heldout(embedder: &Embedder, head: &Head, examples: &[Example]) -> anyhow::Result<()> {
    let vectors = embed(embedder, examples)?;
    let mut targets = Vec::new();
    for e in examples {
        let t = head
            .labels
            .iter()
            .position(|l| *l == e.label)
            .ok_or_else(|| {
                anyhow::anyhow!("held-out label \"{}\" is not one the head learned", e.label)
            })?;
        targets.push(t);
    }
    let ok = train::correct(head, &vectors, &targets);
    outln!(
        "held-out accuracy: {} on {} sentences",
        percent(ok, vectors.len()),
        vectors.len()
    );
    for (e, v) in examples.iter().zip(&vectors) {
        let got = head.best(v).and_then(|i| head.labels.get(i));
        if got != Some(&e.label) {
            outln!("  missed: {}\t{}", e.label, e.text);
        }
    }
    Ok(())
}

fn percent(ok: usize, total: usize) -> String {
    format!(
        "{:.1}% ({ok}/{total})",
        100.0 * ok as f64 / total.max(1) as f64
    )
}
