//! `hftutor pipeline TASK …`: one pipeline run from the command line, printed for people or as
//! JSON shaped like transformers' pipelines.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::course_cmd::load_course;
use crate::course::ModelRef;
use crate::models::{Provision, ProvisionEvent};
use crate::pipelines::{self, PipelineOutput, RunParams, Stream};
use crate::task::Task;

#[derive(Debug, Args)]
pub struct PipelineArgs {
    /// feature-extraction, sentence-similarity, text-generation, tokenize, text-classification,
    /// fill-mask, token-classification, …
    pub task: String,
    /// Hub repo id or local folder (default: the course's model for the task).
    #[arg(long)]
    pub model: Option<String>,
    /// The GGUF file inside the model repo (default: the one the course pins).
    #[arg(long, value_name = "NAME")]
    pub gguf_file: Option<String>,
    /// Print JSON shaped like transformers' pipeline output.
    #[arg(long)]
    pub json: bool,
    /// Most tokens to write (default 40; summarization/translation: the model's own setting).
    #[arg(long)]
    pub max_new_tokens: Option<usize>,
    /// summarization / translation / automatic-speech-recognition: beam search with this many
    /// beams (1 is greedy; default: the model's own setting, or 5 for speech as transformers).
    #[arg(long)]
    pub num_beams: Option<usize>,
    /// translation with T5: translate from this language (en) …
    #[arg(long)]
    pub src_lang: Option<String>,
    /// … to this one (fr, de, ro): picks the model's "translate English to French: " prefix.
    #[arg(long)]
    pub tgt_lang: Option<String>,
    /// 0 means greedy decoding.
    #[arg(long, default_value_t = 0.0)]
    pub temperature: f64,
    #[arg(long)]
    pub top_k: Option<usize>,
    #[arg(long)]
    pub top_p: Option<f64>,
    #[arg(long)]
    pub seed: Option<u64>,
    /// Wrap the input as a user message in the model's chat template.
    #[arg(long)]
    pub chat: bool,
    /// System message for --chat (default: the template's own).
    #[arg(long)]
    pub system: Option<String>,
    /// fill-mask: only score these words (comma-separated), like transformers' `targets`.
    #[arg(long, value_delimiter = ',')]
    pub targets: Vec<String>,
    /// token-classification: none, simple, first, average or max.
    #[arg(long, default_value = "none")]
    pub aggregation_strategy: crate::pipelines::token_classification::Aggregation,
    /// question-answering: the text to look for the answer in (the inputs are questions).
    #[arg(long, default_value = "")]
    pub context: String,
    /// automatic-speech-recognition: the spoken language (en, fr, …) for multilingual Whisper.
    #[arg(long)]
    pub language: Option<String>,
    /// zero-shot-classification with an NLI model: score each label on its own, so several
    /// can be true at once.
    #[arg(long)]
    pub multi_label: bool,
    /// zero-shot-classification: the candidate labels, comma-separated (without it, the first
    /// input holds them).
    #[arg(long)]
    pub labels: Option<String>,
    /// zero-shot-classification with an NLI model: the sentence each label is put into, {}
    /// standing for the label (default "This example is {}.").
    #[arg(long)]
    pub hypothesis_template: Option<String>,
    /// The texts (image files for image-classification). sentence-similarity compares the first
    /// with each of the others.
    #[arg(required = true)]
    pub inputs: Vec<String>,
}

pub fn run(course_dir: Option<&Path>, args: PipelineArgs) -> anyhow::Result<ExitCode> {
    let Some(task) = Task::parse(&args.task) else {
        let names: Vec<&str> = Task::ALL.iter().map(|t| t.name()).collect();
        anyhow::bail!(
            "unknown task \"{}\"; tasks are: {}",
            args.task,
            names.join(", ")
        );
    };
    let model = match &args.model {
        Some(id) => ModelRef {
            id: id.clone(),
            gguf_file: args.gguf_file.clone(),
        },
        None => {
            let course = load_course(course_dir)?;
            let mut m = course.models.get(&task).cloned().ok_or_else(|| {
                anyhow::anyhow!("the course names no model for {task}; pass --model ID_OR_FOLDER")
            })?;
            if args.gguf_file.is_some() {
                m.gguf_file = args.gguf_file.clone();
            }
            m
        }
    };
    let params = RunParams {
        max_new_tokens: args
            .max_new_tokens
            .unwrap_or(crate::pipelines::DEFAULT_MAX_NEW_TOKENS),
        temperature: args.temperature,
        top_k: args.top_k,
        top_p: args.top_p,
        seed: args.seed,
        chat: args.chat,
        system: args.system.clone(),
        targets: args.targets.clone(),
        aggregation_strategy: args.aggregation_strategy,
        context: args.context.clone(),
        language: args.language.clone(),
        seq2seq: crate::pipelines::seq2seq::Seq2SeqParams {
            max_new_tokens: args.max_new_tokens,
            num_beams: args.num_beams,
            src_lang: args.src_lang.clone(),
            tgt_lang: args.tgt_lang.clone(),
        },
        multi_label: args.multi_label,
        hypothesis_template: args.hypothesis_template.clone(),
    };
    let provision = Provision::from_env();
    let mut on_event = |e: ProvisionEvent| match e {
        ProvisionEvent::Note(n) => eprintln!("{n}"),
        ProvisionEvent::Progress { .. } => {}
    };
    let mut pipeline = pipelines::load(task, &model, &provision, &mut on_event)?;
    let stream_text = !args.json
        && matches!(
            task,
            Task::TextGeneration | Task::AutomaticSpeechRecognition
        );
    if stream_text && !args.chat && task == Task::TextGeneration {
        print!("{}", args.inputs.join(" "));
    }
    let mut on_stream = |s: Stream| {
        if let (true, Stream::Text { text, .. }) = (stream_text, s) {
            print!("{text}");
            let _ = std::io::stdout().flush();
        }
        true
    };
    let inputs: Vec<String> = match (&args.labels, task) {
        (Some(labels), Task::ZeroShotClassification) => std::iter::once(labels.clone())
            .chain(args.inputs.iter().cloned())
            .collect(),
        _ => args.inputs.clone(),
    };
    let output = pipeline.run(&inputs, &params, 1, &mut on_stream)?;
    for note in pipeline.last_notes() {
        eprintln!("{note}");
    }
    if args.json {
        let value = match (&output, args.top_k) {
            // Images get their top_k (default 5) labels, already cut by the pipeline.
            (PipelineOutput::Labels(per_image), _) if task == Task::ImageClassification => {
                match per_image.as_slice() {
                    [one] => json!(one),
                    _ => json!(per_image),
                }
            }
            // With --top-k, transformers gives each text its k best labels, not just the best.
            (PipelineOutput::Labels(per_text), Some(k)) => {
                let top: Vec<_> = per_text.iter().map(|l| &l[..k.min(l.len())]).collect();
                match top.as_slice() {
                    [one] => json!(one),
                    _ => json!(top),
                }
            }
            (PipelineOutput::Answers(a), k) => crate::pipelines::question_answering::to_json(a, k),
            _ => to_json(&output, args.chat),
        };
        println!("{}", serde_json::to_string(&value)?);
    } else {
        print_human(&inputs, &output);
    }
    Ok(ExitCode::SUCCESS)
}

/// JSON as transformers' pipelines shape it.
pub fn to_json(output: &PipelineOutput, chat: bool) -> serde_json::Value {
    match output {
        PipelineOutput::Embeddings(v) => json!(v),
        PipelineOutput::Similarities(s) => json!(s),
        PipelineOutput::Generations(g) => json!(g
            .iter()
            .map(|g| {
                let text = if chat {
                    g.text.clone()
                } else {
                    format!("{}{}", g.prompt, g.text)
                };
                json!({ "generated_text": text })
            })
            .collect::<Vec<_>>()),
        PipelineOutput::Tokens(t) => json!(t),
        // transformers gives the top label per text.
        PipelineOutput::Labels(per_text) => json!(per_text
            .iter()
            .filter_map(|labels| labels.first())
            .collect::<Vec<_>>()),
        PipelineOutput::ZeroShot(results) if results.len() == 1 => json!(results[0]),
        PipelineOutput::ZeroShot(results) => json!(results),
        PipelineOutput::Ranking(hits) => json!(hits),
        PipelineOutput::Trained(report) => json!(report),
        PipelineOutput::FillMask(per_text) => crate::pipelines::fill_mask::to_json(per_text),
        PipelineOutput::Entities(per_text) if per_text.len() == 1 => json!(per_text[0]),
        PipelineOutput::Entities(per_text) => json!(per_text),
        PipelineOutput::Answers(a) => crate::pipelines::question_answering::to_json(a, None),
        PipelineOutput::Transcriptions(t) if t.len() == 1 => json!(t[0]),
        PipelineOutput::Transcriptions(t) => json!(t),
        PipelineOutput::Seq2Seq(texts) => json!(texts),
    }
}

fn print_human(inputs: &[String], output: &PipelineOutput) {
    match output {
        PipelineOutput::Embeddings(vectors) => {
            for (text, v) in inputs.iter().zip(vectors) {
                let head: Vec<String> = v.iter().take(6).map(|x| format!("{x:+.4}")).collect();
                println!("{text:?}: {} dimensions [{} …]", v.len(), head.join(", "));
            }
        }
        PipelineOutput::Similarities(scores) => {
            for (other, s) in inputs.iter().skip(1).zip(scores) {
                println!("{s:.4}  {:?} ↔ {other:?}", inputs[0]);
            }
        }
        PipelineOutput::Generations(gens) => {
            println!();
            for g in gens {
                eprintln!(
                    "[{} tokens, {:?}; prompt {:.0} tok/s, decode {:.1} tok/s]",
                    g.token_ids.len(),
                    g.stop,
                    g.prompt_tokens_per_s,
                    g.decode_tokens_per_s
                );
            }
        }
        PipelineOutput::Tokens(all) => {
            for (text, tokens) in inputs.iter().zip(all) {
                println!("{text:?}: {} tokens", tokens.len());
                let line: Vec<String> = tokens
                    .iter()
                    .map(|t| format!("{}({})", t.token, t.id))
                    .collect();
                println!("  {}", line.join(" "));
            }
        }
        PipelineOutput::Labels(_)
        | PipelineOutput::ZeroShot(_)
        | PipelineOutput::Ranking(_)
        | PipelineOutput::Trained(_) => {
            for line in crate::pipelines::classify::describe(inputs, output) {
                println!("{line}");
            }
        }
        PipelineOutput::FillMask(per_text) => {
            for line in crate::pipelines::fill_mask::describe(inputs, per_text) {
                println!("{line}");
            }
        }
        PipelineOutput::Entities(per_text) => {
            for line in crate::pipelines::token_classification::describe(inputs, per_text) {
                println!("{line}");
            }
        }
        PipelineOutput::Answers(a) => {
            for line in crate::pipelines::question_answering::describe(inputs, a) {
                println!("{line}");
            }
        }
        // The text was streamed as it came.
        PipelineOutput::Transcriptions(_) => println!(),
        PipelineOutput::Seq2Seq(texts) => {
            for line in crate::pipelines::seq2seq::describe(inputs, texts) {
                println!("{line}");
            }
        }
    }
}
