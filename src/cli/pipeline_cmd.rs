//! `hftutor pipeline TASK …`: one pipeline run from the command line, printed for people or as
//! JSON shaped like transformers' pipelines.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use super::course_cmd::load_course;
use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::domain::TaskInput;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference;
use crate::present;

#[derive(Debug, Args)]
pub struct PipelineArgs {
    /// The task: feature-extraction, sentence-similarity, text-generation, tokenize,
    /// text-classification, zero-shot-classification, semantic-search, train-classifier,
    /// fill-mask, token-classification, question-answering, summarization, translation,
    /// automatic-speech-recognition or image-classification (transformers' aliases work too,
    /// such as sentiment-analysis and ner)
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
    pub aggregation_strategy: crate::domain::Aggregation,
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
        let aliases = Task::ALL.iter().flat_map(|t| t.names().iter().copied());
        let guess = match crate::course::did_you_mean::closest(&args.task, aliases) {
            Some(c) => format!(" (did you mean \"{c}\"?)"),
            None => String::new(),
        };
        anyhow::bail!(
            "unknown task \"{}\"{guess}; tasks are: {}",
            args.task,
            names.join(", ")
        );
    };
    // Sampling settings are checked before a model is loaded, against a lesson's bounds.
    crate::domain::params::temperature(args.temperature)
        .with_context(|| format!("--temperature {}", args.temperature))?;
    if let Some(p) = args.top_p {
        crate::domain::params::top_p(p).with_context(|| format!("--top-p {p}"))?;
    }
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
            .unwrap_or(crate::domain::DEFAULT_MAX_NEW_TOKENS),
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
        seq2seq: crate::domain::Seq2SeqParams {
            max_new_tokens: args.max_new_tokens,
            num_beams: args.num_beams,
            src_lang: args.src_lang.clone(),
            tgt_lang: args.tgt_lang.clone(),
        },
        multi_label: args.multi_label,
        hypothesis_template: args.hypothesis_template.clone(),
        token_features: false,
    };
    let provision = Provision::from_env();
    let mut on_event = |e: ProvisionEvent| match e {
        ProvisionEvent::Note(n) => errln!("{n}"),
        ProvisionEvent::Progress { .. } => {}
    };
    let mut pipeline =
        inference::guard::guarded(|| inference::load(task, &model, &provision, &mut on_event))?;
    let stream_text = !args.json
        && matches!(
            task,
            Task::TextGeneration | Task::AutomaticSpeechRecognition
        );
    if stream_text && !args.chat && task == Task::TextGeneration {
        out!("{}", args.inputs.join(" "));
    }
    let mut on_stream = |s: Stream| {
        if let (true, Stream::Text { text, .. }) = (stream_text, s) {
            out!("{text}");
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
    // --labels go first, as a lesson's labels field does; --context is in `params`.
    let input = TaskInput::from_inputs(task, &inputs, &params)?;
    let output =
        inference::guard::guarded(|| pipeline.run_input(&input, &params, 1, &mut on_stream))?;
    for note in pipeline.last_notes() {
        errln!("{note}");
    }
    if args.json {
        let value = present::json(task, &output, args.chat, args.top_k);
        super::out::json_line(&serde_json::to_string(&value)?);
    } else {
        if let PipelineOutput::Generations(gens) = &output {
            for g in gens {
                errln!(
                    "[{} tokens, {:?}; prompt {:.0} tok/s, decode {:.1} tok/s]",
                    g.token_ids.len(),
                    g.stop,
                    g.prompt_tokens_per_s,
                    g.decode_tokens_per_s
                );
            }
        }
        for line in present::lines(&inputs, &output) {
            outln!("{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
