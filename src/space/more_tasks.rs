//! The Python of exported Spaces for the tasks beyond the core models: fill-mask, token
//! classification, question answering, summarization and translation. transformers 5 has no
//! pipeline for the last three, so those use the model classes directly (as its docs do).

use crate::course::Exercise;
use crate::domain::ModelRef;
use crate::domain::Task;

use super::quoted;

/// The task's model loading, `run(*values)` and output component; `None` for other tasks.
pub(super) fn task_code(exercise: &Exercise, model: &ModelRef) -> Option<String> {
    let id = quoted(&model.id);
    Some(match exercise.task {
        Task::FillMask => format!(
            r#"unmasker = pipeline("fill-mask", model={id})


def run(*values):
    texts, p = split(values)
    targets = [t.strip() for t in (p.get("targets") or "").split(",") if t.strip()] or None
    guesses = unmasker(texts[0], targets=targets)
    if guesses and isinstance(guesses[0], list):  # several masks: the first one's guesses
        guesses = guesses[0]
    return {{g["token_str"].strip(): g["score"] for g in guesses}}


OUTPUT = gr.Label(label="The model's guesses")
"#
        ),
        Task::TokenClassification => format!(
            r#"tagger = pipeline("token-classification", model={id})


def run(*values):
    texts, p = split(values)
    found = tagger(texts[0], aggregation_strategy=p.get("aggregation_strategy") or "none")
    entities = [
        {{"entity": e.get("entity_group") or e.get("entity"), "start": e["start"], "end": e["end"]}}
        for e in found
    ]
    return {{"text": texts[0], "entities": entities}}


OUTPUT = gr.HighlightedText(label="Entities")
"#
        ),
        Task::QuestionAnswering => format!(
            r#"import torch
from transformers import AutoModelForQuestionAnswering, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({id})
model = AutoModelForQuestionAnswering.from_pretrained({id})


def run(*values):
    texts, p = split(values)
    inputs = tokenizer(texts[0], p.get("context") or "", return_tensors="pt", truncation="only_second")
    with torch.no_grad():
        out = model(**inputs)
    # The best start, then the best end at or after it: the answer is that span of the context.
    start = int(out.start_logits[0].argmax())
    end = start + int(out.end_logits[0, start:].argmax())
    return tokenizer.decode(inputs["input_ids"][0, start : end + 1], skip_special_tokens=True)


OUTPUT = gr.Textbox(label="The answer, copied from the context")
"#
        ),
        Task::Summarization | Task::Translation => {
            let t5 = model.id.to_lowercase().contains("t5");
            let prefix = match (exercise.task, t5) {
                (Task::Summarization, true) => "summarize: ",
                (Task::Translation, true) => "translate English to French: ",
                _ => "",
            };
            let prefix = quoted(prefix);
            format!(
                r#"from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({id})
model = AutoModelForSeq2SeqLM.from_pretrained({id})
PREFIX = {prefix}


def run(*values):
    texts, p = split(values)
    inputs = tokenizer(PREFIX + texts[0], return_tensors="pt", truncation=True)
    ids = model.generate(**inputs, max_new_tokens=int(p.get("max_new_tokens") or 60), num_beams=4)
    return tokenizer.decode(ids[0], skip_special_tokens=True)


OUTPUT = gr.Textbox(label="What the model wrote")
"#
            )
        }
        Task::AutomaticSpeechRecognition => format!(
            r#"listener = pipeline("automatic-speech-recognition", model={id})


def run(*values):
    texts, _ = split(values)
    return listener(texts[0])["text"]


OUTPUT = gr.Textbox(label="What was said")
"#
        ),
        Task::ImageClassification => format!(
            r#"classifier = pipeline("image-classification", model={id})


def run(*values):
    texts, _ = split(values)
    return {{r["label"]: r["score"] for r in classifier(texts[0])}}


OUTPUT = gr.Label(label="What the model sees")
"#
        ),
        _ => return None,
    })
}

/// The Gradio input for a text field of a task whose inputs are files (a path is handed over).
pub(super) fn file_component(task: Task, label: &str) -> Option<String> {
    let label = quoted(label);
    match task {
        Task::AutomaticSpeechRecognition => {
            Some(format!("gr.Audio(type=\"filepath\", label={label})"))
        }
        Task::ImageClassification => Some(format!("gr.Image(type=\"filepath\", label={label})")),
        _ => None,
    }
}
