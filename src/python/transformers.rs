//! The sandbox's `transformers` module: `pipeline(task, model=…)` and calls of the pipelines it
//! makes, with transformers' task names, aliases, keyword arguments and result shapes. Each call is
//! one `JobRequest` run by the `Models` the sandbox was given (the model worker in the tutor, a
//! `Loaded` in `hftutor python`), so models resolve exactly as everywhere else in hftutor.

use monty_types::{ExcType, MontyException, MontyObject};

use super::values::{self, raise, Args};
use super::{Call, Models};
use crate::domain::{
    Aggregation, JobRequest, ModelRef, PipelineOutput, RunParams, Task, TaskInput,
};

/// One task as transformers' `pipeline` knows it.
struct Known {
    /// transformers' names for it (canonical first, then aliases).
    names: &'static [&'static str],
    task: Task,
    class: &'static str,
    /// The model transformers itself would pick.
    default: &'static str,
}

const KNOWN: &[Known] = &[
    Known {
        names: &["text-classification", "sentiment-analysis"],
        task: Task::TextClassification,
        class: "TextClassificationPipeline",
        default: "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
    },
    Known {
        names: &["token-classification", "ner"],
        task: Task::TokenClassification,
        class: "TokenClassificationPipeline",
        default: "dbmdz/bert-large-cased-finetuned-conll03-english",
    },
    Known {
        names: &["question-answering"],
        task: Task::QuestionAnswering,
        class: "QuestionAnsweringPipeline",
        default: "distilbert/distilbert-base-cased-distilled-squad",
    },
    Known {
        names: &["fill-mask"],
        task: Task::FillMask,
        class: "FillMaskPipeline",
        default: "distilbert/distilroberta-base",
    },
    Known {
        names: &["summarization"],
        task: Task::Summarization,
        class: "SummarizationPipeline",
        default: "sshleifer/distilbart-cnn-12-6",
    },
    Known {
        names: &["translation"],
        task: Task::Translation,
        class: "TranslationPipeline",
        default: "google-t5/t5-base",
    },
    Known {
        names: &["text-generation"],
        task: Task::TextGeneration,
        class: "TextGenerationPipeline",
        default: "openai-community/gpt2",
    },
    Known {
        names: &["zero-shot-classification"],
        task: Task::ZeroShotClassification,
        class: "ZeroShotClassificationPipeline",
        default: "facebook/bart-large-mnli",
    },
    Known {
        names: &["feature-extraction"],
        task: Task::FeatureExtraction,
        class: "FeatureExtractionPipeline",
        default: "distilbert/distilbert-base-cased",
    },
    Known {
        names: &["image-classification"],
        task: Task::ImageClassification,
        class: "ImageClassificationPipeline",
        default: "google/vit-base-patch16-224",
    },
    Known {
        names: &["automatic-speech-recognition"],
        task: Task::AutomaticSpeechRecognition,
        class: "AutomaticSpeechRecognitionPipeline",
        default: "facebook/wav2vec2-base-960h",
    },
];

/// The Hub ids of models the course runs as another copy: (the id a student writes, what hftutor
/// runs is named like this).
const COPIES: &[(&str, &str)] = &[(
    "HuggingFaceTB/SmolLM2-135M-Instruct",
    "SmolLM2-135M-Instruct",
)];

/// A pipeline the student made.
#[derive(Debug, Clone)]
pub struct Pipe {
    pub task: Task,
    pub model: ModelRef,
    class: &'static str,
    /// translation_xx_to_yy: the language pair.
    langs: Option<(String, String)>,
    /// Keyword arguments given to `pipeline(…)` that calls inherit (`top_k`, `aggregation_strategy`…).
    defaults: Vec<(MontyObject, MontyObject)>,
}

impl Pipe {
    /// The name its callable has in the sandbox (unique per pipeline made).
    pub fn callable_name(&self, index: usize) -> String {
        format!("{}#{}", self.class, index + 1)
    }
}

fn known(name: &str) -> Option<(&'static Known, Option<(String, String)>)> {
    if let Some(pair) = name.strip_prefix("translation_") {
        let (src, tgt) = pair.split_once("_to_")?;
        let k = KNOWN.iter().find(|k| k.task == Task::Translation)?;
        return Some((k, Some((src.to_string(), tgt.to_string()))));
    }
    KNOWN
        .iter()
        .find(|k| k.names.contains(&name))
        .map(|k| (k, None))
}

fn unknown_task(name: &str) -> MontyException {
    let mut names: Vec<&str> = KNOWN.iter().flat_map(|k| k.names.iter().copied()).collect();
    names.sort_unstable();
    let listed: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    let mut message = format!(
        "Unknown task {name}, available tasks are [{}, 'translation_XX_to_YY']",
        listed.join(", ")
    );
    if let Some(t) = Task::parse(name).filter(|t| t.spec().transformers.is_none()) {
        message.push_str(&format!(
            " ({t} is hftutor's own exercise kind, not a transformers pipeline)"
        ));
    }
    raise(ExcType::KeyError, message)
}

/// `pipeline(task, model=None, **kwargs)`: the pipeline, and notes for stderr (which model runs).
pub fn make_pipeline(
    positional: &[MontyObject],
    keywords: &[(MontyObject, MontyObject)],
    models: &dyn Models,
) -> Result<(Pipe, Vec<String>), MontyException> {
    let mut args = Args::new("pipeline", positional, keywords)?;
    let task_name = match args.take("task") {
        Some(v) => values::string(&v, "task")?,
        None => {
            return Err(raise(
                ExcType::RuntimeError,
                "Impossible to instantiate a pipeline without either a task or a model being specified.",
            ))
        }
    };
    let Some((k, langs)) = known(&task_name) else {
        return Err(unknown_task(&task_name));
    };
    let mut notes = Vec::new();
    let model = match args.take("model") {
        Some(MontyObject::None) | None => {
            let m = models.course_model(k.task).ok_or_else(|| {
                raise(
                    ExcType::OSError,
                    format!(
                        "this course names no model for {}: pass model=\"…\"",
                        k.task
                    ),
                )
            })?;
            notes.push(format!(
                "No model was supplied, defaulted to {} (the course's model for {}; transformers itself would pick {}).",
                m.id, k.task, k.default
            ));
            m
        }
        Some(v) => {
            let id = values::string(&v, "model")?;
            resolve_copy(&id, k.task, models, &mut notes)
        }
    };
    // Settings transformers accepts when the pipeline is made and uses on every call.
    let mut defaults = Vec::new();
    for name in args.keyword_names() {
        if accepts(k.task, &name) {
            if let Some(v) = args.keyword(&name) {
                defaults.push((MontyObject::String(name), v));
            }
        }
    }
    // Device and precision choices don't apply on hftutor's CPU: taken, not used.
    for ignored in [
        "device",
        "device_map",
        "torch_dtype",
        "dtype",
        "framework",
        "revision",
    ] {
        args.keyword(ignored);
    }
    args.finish()?;
    Ok((
        Pipe {
            task: k.task,
            model,
            class: k.class,
            langs,
            defaults,
        },
        notes,
    ))
}

pub(super) fn resolve_copy(
    id: &str,
    task: Task,
    models: &dyn Models,
    notes: &mut Vec<String>,
) -> ModelRef {
    let course = models.course_model(task);
    for (asked, runs_as) in COPIES {
        if id == *asked {
            if let Some(m) = course.as_ref().filter(|m| m.id.contains(runs_as)) {
                let file = m.gguf_file.as_deref().unwrap_or("its weights");
                notes.push(format!(
                    "hftutor runs {id} as the course's copy {} ({file})",
                    m.id
                ));
                return m.clone();
            }
        }
    }
    // The GGUF repo named without its file: the course's file, when the course uses that repo.
    if let Some(m) = course.filter(|m| m.id == id && m.gguf_file.is_some()) {
        return m;
    }
    ModelRef {
        id: id.to_string(),
        gguf_file: None,
    }
}

/// The call keywords each task takes (besides its inputs).
fn accepts(task: Task, name: &str) -> bool {
    let names: &[&str] = match task {
        Task::TextClassification => &["top_k", "function_to_apply"],
        Task::ZeroShotClassification => &["candidate_labels", "multi_label", "hypothesis_template"],
        Task::TokenClassification => &["aggregation_strategy"],
        Task::QuestionAnswering => &["question", "context", "top_k"],
        Task::FillMask => &["top_k", "targets"],
        Task::TextGeneration => &[
            "max_new_tokens",
            "do_sample",
            "temperature",
            "top_k",
            "top_p",
            "num_return_sequences",
            "return_full_text",
        ],
        Task::Summarization | Task::Translation => &[
            "max_new_tokens",
            "num_beams",
            "max_length",
            "src_lang",
            "tgt_lang",
        ],
        Task::ImageClassification => &["top_k"],
        Task::AutomaticSpeechRecognition => &["max_new_tokens"],
        _ => &[],
    };
    names.contains(&name)
}

/// What one call asks: the job, and how to shape its output.
struct Asked {
    job: JobRequest,
    single: bool,
    top_k: Option<usize>,
    chat: Option<Vec<MontyObject>>,
    full_text: bool,
}

/// Calls pipeline `pipe` on the sandbox's arguments: runs it on `models` and gives the result as
/// transformers does.
pub fn call(
    pipe: &Pipe,
    positional: &[MontyObject],
    keywords: &[(MontyObject, MontyObject)],
    models: &mut dyn Models,
    calls: &mut Vec<Call>,
) -> Result<MontyObject, MontyException> {
    let mut all = pipe.defaults.clone();
    for (k, v) in keywords {
        all.retain(|(d, _)| d != k);
        all.push((k.clone(), v.clone()));
    }
    let mut args = Args::new(format!("{}.__call__", pipe.class), positional, &all)?;
    let keyword_names = args.keyword_names();
    if pipe.task == Task::FeatureExtraction {
        return features(pipe, args, models, calls, keyword_names);
    }
    let asked = ask(pipe, &mut args)?;
    args.finish()?;
    let output = models
        .run(&asked.job)
        .map_err(|e| raise(ExcType::RuntimeError, e.to_string()))?;
    let value = shape(pipe.task, &asked, &output);
    calls.push(Call {
        task: pipe.task,
        model: pipe.model.clone(),
        keywords: keyword_names,
        texts: asked.job.input.as_inputs(),
        output,
    });
    Ok(value)
}

/// feature-extraction: for each text, its tokens' vectors with a batch dimension of 1
/// (`[1][tokens][hidden]`), as transformers gives them; a list of those for a list of texts.
fn features(
    pipe: &Pipe,
    mut args: Args,
    models: &mut dyn Models,
    calls: &mut Vec<Call>,
    keywords: Vec<String>,
) -> Result<MontyObject, MontyException> {
    let Some(inputs) = args.take("inputs") else {
        return Err(raise(
            ExcType::TypeError,
            format!(
                "{}() missing 1 required positional argument: 'inputs'",
                args.callee()
            ),
        ));
    };
    let (texts, listed) = values::texts(&inputs, "inputs")?;
    args.finish()?;
    let mut per_text = Vec::new();
    for text in texts {
        let params = RunParams {
            token_features: true,
            ..RunParams::default()
        };
        let job = job(pipe, TaskInput::Texts(vec![text]), params, 1);
        let output = models
            .run(&job)
            .map_err(|e| raise(ExcType::RuntimeError, e.to_string()))?;
        let value = values::from_json(&crate::present::json(pipe.task, &output, false, None));
        per_text.push(MontyObject::List(vec![value]));
        calls.push(Call {
            task: pipe.task,
            model: pipe.model.clone(),
            keywords: keywords.clone(),
            texts: job.input.as_inputs(),
            output,
        });
    }
    Ok(if listed {
        MontyObject::List(per_text)
    } else {
        per_text.pop().unwrap_or(MontyObject::None)
    })
}

fn ask(pipe: &Pipe, args: &mut Args) -> Result<Asked, MontyException> {
    let mut params = RunParams::default();
    let mut top_k = None;
    let mut chat = None;
    let full_text = true;
    let task = pipe.task;
    let input = match task {
        Task::QuestionAnswering => {
            let first = args.take("question");
            let (question, context) = match first {
                Some(d @ MontyObject::Dict(_)) => (
                    values::dict_get(&d, "question").cloned(),
                    values::dict_get(&d, "context").cloned(),
                ),
                other => (other, args.keyword("context")),
            };
            let (Some(question), Some(context)) = (question, context) else {
                return Err(raise(
                    ExcType::ValueError,
                    "question-answering takes question= and context= (or a dict with both)",
                ));
            };
            let (questions, listed) = values::texts(&question, "question")?;
            let context = values::string(&context, "context")?;
            if let Some(k) = args.keyword("top_k") {
                top_k = Some(values::count(&k, "top_k")?);
            }
            return Ok(Asked {
                job: job(pipe, TaskInput::Questions { questions, context }, params, 1),
                single: !listed,
                top_k,
                chat,
                full_text,
            });
        }
        _ => {
            let Some(inputs) = args.take("inputs") else {
                return Err(raise(
                    ExcType::TypeError,
                    format!(
                        "{}() missing 1 required positional argument: 'inputs'",
                        args.callee()
                    ),
                ));
            };
            inputs
        }
    };
    if task == Task::TextGeneration {
        if let MontyObject::List(items) = &input {
            if items
                .first()
                .is_some_and(|m| matches!(m, MontyObject::Dict(_)))
            {
                let (system, user) = chat_messages(items)?;
                params.chat = true;
                params.system = system;
                chat = Some(items.clone());
                return finish_generation(pipe, args, params, vec![user], true, chat);
            }
        }
    }
    let (texts, listed) = values::texts(&input, "inputs")?;
    match task {
        Task::TextClassification => {
            if let Some(k) = args.keyword("top_k") {
                top_k = match k {
                    MontyObject::None => Some(usize::MAX),
                    k => Some(values::count(&k, "top_k")?),
                };
            }
            if let Some(f) = args.keyword("function_to_apply") {
                let f = values::string(&f, "function_to_apply")?;
                if f != "softmax" {
                    return Err(raise(ExcType::ValueError, format!("hftutor's text-classification gives softmax scores only, not function_to_apply=\"{f}\"")));
                }
            }
        }
        Task::ZeroShotClassification => {
            let labels = match args.keyword("candidate_labels") {
                Some(MontyObject::String(s)) => s
                    .split(',')
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty())
                    .collect(),
                Some(v) => values::texts(&v, "candidate_labels")?.0,
                None => {
                    return Err(raise(
                        ExcType::ValueError,
                        "You must include at least one label and at least one sequence.",
                    ))
                }
            };
            if let Some(m) = args.keyword("multi_label") {
                params.multi_label = values::boolean(&m, "multi_label")?;
            }
            if let Some(h) = args.keyword("hypothesis_template") {
                params.hypothesis_template = Some(values::string(&h, "hypothesis_template")?);
            }
            return Ok(Asked {
                job: job(pipe, TaskInput::Labeled { labels, texts }, params, 1),
                single: !listed,
                top_k,
                chat,
                full_text,
            });
        }
        Task::TokenClassification => {
            if let Some(a) = args.keyword("aggregation_strategy") {
                let a = values::string(&a, "aggregation_strategy")?;
                params.aggregation_strategy = [
                    Aggregation::None,
                    Aggregation::Simple,
                    Aggregation::First,
                    Aggregation::Average,
                    Aggregation::Max,
                ]
                .into_iter()
                .find(|s| s.name() == a.to_lowercase())
                .ok_or_else(|| {
                    raise(
                        ExcType::ValueError,
                        format!("'{a}' is not a valid AggregationStrategy"),
                    )
                })?;
            }
        }
        Task::FillMask | Task::ImageClassification => {
            if let Some(k) = args.keyword("top_k") {
                top_k = Some(values::count(&k, "top_k")?);
            }
            // Only fill-mask takes targets; for a picture it stays unknown (a TypeError).
            let targets = (task == Task::FillMask)
                .then(|| args.keyword("targets"))
                .flatten();
            if let Some(t) = targets {
                params.targets = values::texts(&t, "targets")?.0;
            }
        }
        Task::Summarization | Task::Translation => {
            if let Some(n) = args.keyword("max_new_tokens") {
                params.seq2seq.max_new_tokens = Some(values::count(&n, "max_new_tokens")?);
            }
            if let Some(n) = args.keyword("max_length") {
                // The decoder's length counts its start token; the new tokens are one fewer.
                params.seq2seq.max_new_tokens =
                    Some(values::count(&n, "max_length")?.saturating_sub(1).max(1));
            }
            if let Some(n) = args.keyword("num_beams") {
                params.seq2seq.num_beams = Some(values::count(&n, "num_beams")?);
            }
            let (mut src, mut tgt) = pipe.langs.clone().unzip();
            if let Some(s) = args.keyword("src_lang") {
                src = Some(values::string(&s, "src_lang")?);
            }
            if let Some(t) = args.keyword("tgt_lang") {
                tgt = Some(values::string(&t, "tgt_lang")?);
            }
            params.seq2seq.src_lang = src;
            params.seq2seq.tgt_lang = tgt;
        }
        Task::AutomaticSpeechRecognition => {
            if let Some(n) = args.keyword("max_new_tokens") {
                params.max_new_tokens = values::count(&n, "max_new_tokens")?;
            }
        }
        Task::TextGeneration => {
            return finish_generation(pipe, args, params, texts, listed, None);
        }
        _ => {}
    }
    Ok(Asked {
        job: job(pipe, TaskInput::Texts(texts), params, 1),
        single: !listed,
        top_k,
        chat,
        full_text,
    })
}

fn job(pipe: &Pipe, input: TaskInput, params: RunParams, runs: usize) -> JobRequest {
    JobRequest {
        task: pipe.task,
        model: pipe.model.clone(),
        input,
        params,
        runs,
    }
}

/// A chat's system message and its one user message (hftutor's chat runs one turn).
fn chat_messages(items: &[MontyObject]) -> Result<(Option<String>, String), MontyException> {
    let mut system = None;
    let mut user = None;
    for m in items {
        let role = values::dict_get(m, "role")
            .map(|r| values::string(r, "role"))
            .transpose()?;
        let content = values::dict_get(m, "content")
            .map(|c| values::string(c, "content"))
            .transpose()?;
        let (Some(role), Some(content)) = (role, content) else {
            return Err(raise(
                ExcType::ValueError,
                "each chat message is a dict with 'role' and 'content'",
            ));
        };
        match role.as_str() {
            "system" if system.is_none() && user.is_none() => system = Some(content),
            "user" if user.is_none() => user = Some(content),
            _ => return Err(raise(
                ExcType::ValueError,
                "hftutor's chat takes one turn: an optional system message, then one user message",
            )),
        }
    }
    let user = user.ok_or_else(|| raise(ExcType::ValueError, "the chat has no user message"))?;
    Ok((system, user))
}

fn finish_generation(
    pipe: &Pipe,
    args: &mut Args,
    mut params: RunParams,
    texts: Vec<String>,
    listed: bool,
    chat: Option<Vec<MontyObject>>,
) -> Result<Asked, MontyException> {
    let mut sample = false;
    if let Some(d) = args.keyword("do_sample") {
        sample = values::boolean(&d, "do_sample")?;
    }
    let temperature = args
        .keyword("temperature")
        .map(|t| values::float(&t, "temperature"))
        .transpose()?;
    let top_k = args
        .keyword("top_k")
        .map(|k| values::count(&k, "top_k"))
        .transpose()?;
    let top_p = args
        .keyword("top_p")
        .map(|p| values::float(&p, "top_p"))
        .transpose()?;
    if let Some(n) = args.keyword("max_new_tokens") {
        params.max_new_tokens = values::count(&n, "max_new_tokens")?;
    }
    let mut runs = 1;
    if let Some(n) = args.keyword("num_return_sequences") {
        runs = values::count(&n, "num_return_sequences")?;
        if runs > 1 && !sample {
            return Err(raise(ExcType::ValueError, "Greedy methods without beam search do not support `num_return_sequences` different than 1 (got {runs}): pass do_sample=True"));
        }
    }
    let mut full_text = true;
    if let Some(f) = args.keyword("return_full_text") {
        full_text = values::boolean(&f, "return_full_text")?;
    }
    if sample {
        let t = temperature.unwrap_or(1.0);
        if !(t.is_finite() && t > 0.0) {
            return Err(raise(ExcType::ValueError, format!("`temperature` (={t}) has to be a strictly positive float, otherwise your next token scores will be invalid.")));
        }
        params.temperature = t;
        // transformers' generation defaults when sampling.
        params.top_k = Some(top_k.unwrap_or(50));
        params.top_p = top_p;
    }
    if listed && texts.len() > 1 {
        return Err(raise(
            ExcType::NotImplementedError,
            "hftutor's text-generation takes one prompt per call: call it once per prompt",
        ));
    }
    Ok(Asked {
        job: job(pipe, TaskInput::Texts(texts), params, runs),
        single: !listed || chat.is_some(),
        top_k: None,
        chat,
        full_text,
    })
}

/// The output as transformers returns it for this call.
fn shape(task: Task, asked: &Asked, output: &PipelineOutput) -> MontyObject {
    use values::{dict, from_json};
    match output {
        PipelineOutput::Generations(gens) => {
            let items = gens
                .iter()
                .map(|g| match &asked.chat {
                    Some(messages) => {
                        let mut all = messages.clone();
                        all.push(dict(vec![
                            ("role", MontyObject::String("assistant".into())),
                            ("content", MontyObject::String(g.text.clone())),
                        ]));
                        dict(vec![("generated_text", MontyObject::List(all))])
                    }
                    None => {
                        let text = if asked.full_text {
                            format!("{}{}", g.prompt, g.text)
                        } else {
                            g.text.clone()
                        };
                        dict(vec![("generated_text", MontyObject::String(text))])
                    }
                })
                .collect();
            MontyObject::List(items)
        }
        PipelineOutput::Labels(per) if task == Task::TextClassification => {
            let per_text: Vec<MontyObject> = per
                .iter()
                .map(|labels| match asked.top_k {
                    None => labels
                        .first()
                        .map_or(MontyObject::None, |l| from_json(&serde_json::json!(l))),
                    Some(k) => from_json(&serde_json::json!(&labels[..k.min(labels.len())])),
                })
                .collect();
            match (asked.top_k, asked.single) {
                // A single text with top_k gives its list of labels.
                (Some(_), true) => per_text.into_iter().next().unwrap_or(MontyObject::None),
                _ => MontyObject::List(per_text),
            }
        }
        PipelineOutput::Labels(per)
            if task == Task::ImageClassification && asked.top_k.is_some() =>
        {
            let k = asked.top_k.unwrap_or(5);
            let cut: Vec<_> = per.iter().map(|l| &l[..k.min(l.len())]).collect();
            match (asked.single, cut.as_slice()) {
                (true, [one]) => from_json(&serde_json::json!(one)),
                _ => from_json(&serde_json::json!(cut)),
            }
        }
        PipelineOutput::FillMask(per_text) if asked.top_k.is_some() => {
            let k = asked.top_k.unwrap_or(5);
            let cut: Vec<Vec<Vec<_>>> = per_text
                .iter()
                .map(|masks| masks.iter().map(|m| m[..k.min(m.len())].to_vec()).collect())
                .collect();
            let value = crate::present::json(task, &PipelineOutput::FillMask(cut), false, None);
            from_json(&value)
        }
        _ => {
            let value = crate::present::json(task, output, false, asked.top_k);
            let value = from_json(&value);
            match (value, asked.single) {
                // present::json answers one input of a list-shaped task with the one item.
                (MontyObject::List(items), false)
                    if items.len() == 1
                        && matches!(
                            task,
                            Task::ZeroShotClassification | Task::AutomaticSpeechRecognition
                        ) =>
                {
                    MontyObject::List(items)
                }
                (v @ MontyObject::Dict(_), false)
                    if matches!(
                        task,
                        Task::ZeroShotClassification
                            | Task::AutomaticSpeechRecognition
                            | Task::QuestionAnswering
                    ) =>
                {
                    MontyObject::List(vec![v])
                }
                (v, _) => v,
            }
        }
    }
}
