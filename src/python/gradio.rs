//! The sandbox's `gradio`: `gr.Interface(fn=…, inputs=…, outputs=…, title=…, description=…,
//! examples=…)`, `gr.Interface.from_pipeline(pipe)`, the components a beginner's app uses
//! (`Textbox`, `Label`, `Slider`, `Number`, `Dropdown`, `HighlightedText`, `JSON`, `Markdown`,
//! `Checkbox`; or their names as strings, `"text"`, `"label"`), and `demo.launch()`.
//!
//! A Space serves the app at a web address; hftutor has none, so `launch()` shows the app in the
//! tutor: its title, description and fields, filled with the first example, and what `fn` gave
//! for it (a label's scores as bars, text as text). When the student fills the app's fields in
//! the tutor, the cell runs again with those values (`form`) in the example's place. The same code runs unchanged as a Space's
//! app.py. The classes are Python (a prelude, as for sentence_transformers); `fn` runs in the
//! VM, so its pipeline calls are recorded and judged like any other.

use monty_types::{ExcType, MontyException, MontyObject};

use super::values::{self, raise};
use super::{Component, LaunchedApp, Shown};

/// The host functions the prelude calls (`__hf_gr_task` is answered by the session, which knows
/// the pipelines made).
pub const HOST_FUNCTIONS: &[&str] = &[
    "__hf_gr_launch",
    "__hf_gr_task",
    "__hf_gr_begin",
    "__hf_gr_form",
];

/// Python run before the student's code when it imports `gradio`. It binds the hidden globals
/// the import pre-pass reads.
pub const PRELUDE: &str = r#"def __hf_gr():
    def spec(c):
        if isinstance(c, str):
            return [c.lower(), None, None]
        return [c._kind, c.label, c.value]
    class Textbox:
        def __init__(self, value=None, label=None, lines=1, placeholder=None, max_lines=None, info=None, interactive=None, show_label=None):
            self._kind = "textbox"
            self.label = label
            self.value = value
    class Label:
        def __init__(self, value=None, label=None, num_top_classes=None, show_label=None):
            self._kind = "label"
            self.label = label
            self.value = value
            self.num_top_classes = num_top_classes
    class Slider:
        def __init__(self, minimum=0, maximum=100, value=None, step=None, label=None, info=None, interactive=None):
            self._kind = "slider"
            self.label = label
            self.value = value
    class Number:
        def __init__(self, value=None, label=None, precision=None, minimum=None, maximum=None, info=None):
            self._kind = "number"
            self.label = label
            self.value = value
    class Dropdown:
        def __init__(self, choices=None, value=None, label=None, multiselect=None, info=None):
            self._kind = "dropdown"
            self.label = label
            self.value = value
    class Checkbox:
        def __init__(self, value=False, label=None, info=None):
            self._kind = "checkbox"
            self.label = label
            self.value = value
    class HighlightedText:
        def __init__(self, value=None, label=None, combine_adjacent=False, show_legend=False):
            self._kind = "highlightedtext"
            self.label = label
            self.value = value
    class JSON:
        def __init__(self, value=None, label=None):
            self._kind = "json"
            self.label = label
            self.value = value
    class Markdown:
        def __init__(self, value=None, label=None):
            self._kind = "markdown"
            self.label = label
            self.value = value
    class Interface:
        def __init__(self, fn, inputs, outputs, examples=None, title=None, description=None, article=None, flagging_mode=None, allow_flagging=None, live=False, theme=None, css=None, cache_examples=None):
            self.fn = fn
            self.inputs = inputs if isinstance(inputs, list) else [inputs]
            self.outputs = outputs if isinstance(outputs, list) else [outputs]
            self.examples = examples
            self.title = title
            self.description = description
        def from_pipeline(pipeline, **kwargs):
            task = __hf_gr_task(pipeline)
            if task == "text-classification" or task == "sentiment-analysis":
                def fn(text):
                    return {r["label"]: r["score"] for r in pipeline(text, top_k=None)}
                return Interface(fn, Textbox(label="Input"), Label(label="Classification"), **kwargs)
            if task == "fill-mask":
                def fn(text):
                    return {r["token_str"]: r["score"] for r in pipeline(text)}
                return Interface(fn, Textbox(label="Input"), Label(label="Classification"), **kwargs)
            if task == "token-classification" or task == "ner":
                def fn(text):
                    return {"text": text, "entities": pipeline(text)}
                return Interface(fn, Textbox(label="Input"), HighlightedText(label="Output"), **kwargs)
            if task == "text-generation":
                def fn(text):
                    return pipeline(text)[0]["generated_text"]
                return Interface(fn, Textbox(label="Input"), Textbox(label="Output"), **kwargs)
            if task == "summarization":
                def fn(text):
                    return pipeline(text)[0]["summary_text"]
                return Interface(fn, Textbox(label="Input"), Textbox(label="Summary"), **kwargs)
            if task == "translation":
                def fn(text):
                    return pipeline(text)[0]["translation_text"]
                return Interface(fn, Textbox(label="Input"), Textbox(label="Translation"), **kwargs)
            raise ValueError("hftutor's gradio makes an Interface from a text-classification, token-classification, fill-mask, text-generation, summarization or translation pipeline; for " + task + ", write gr.Interface(fn=..., inputs=..., outputs=...)")
        def launch(self, share=False, debug=False, server_name=None, server_port=None, inbrowser=False, show_error=False, quiet=False, prevent_thread_lock=False):
            start = __hf_gr_begin()
            values = None
            form = __hf_gr_form()
            if form is not None:
                values = []
                for c, v in zip(self.inputs, form):
                    kind = spec(c)[0]
                    if kind == "slider" or kind == "number":
                        v = float(v)
                    elif kind == "checkbox":
                        v = v.strip().lower() in ["true", "yes", "1", "x"]
                    values.append(v)
            elif self.examples:
                first = self.examples[0]
                values = first if isinstance(first, list) else [first]
            results = None
            if values is not None:
                result = self.fn(*values)
                if len(self.outputs) > 1:
                    results = list(result)
                else:
                    results = [result]
            __hf_gr_launch(self.title, self.description, [spec(c) for c in self.inputs], [spec(c) for c in self.outputs], values, results, start)
    class module:
        def __init__(self):
            self.Interface = Interface
            self.Textbox = Textbox
            self.Label = Label
            self.Slider = Slider
            self.Number = Number
            self.Dropdown = Dropdown
            self.Checkbox = Checkbox
            self.HighlightedText = HighlightedText
            self.JSON = JSON
            self.Markdown = Markdown
    return Interface, Textbox, Label, Slider, Number, Dropdown, Checkbox, HighlightedText, JSON, Markdown, module()
__hf_gradio_Interface, __hf_gradio_Textbox, __hf_gradio_Label, __hf_gradio_Slider, __hf_gradio_Number, __hf_gradio_Dropdown, __hf_gradio_Checkbox, __hf_gradio_HighlightedText, __hf_gradio_JSON, __hf_gradio_Markdown, __hf_gradio = __hf_gr()
"#;

/// The names `from gradio import …` can take.
pub const NAMES: &[&str] = &[
    "Interface",
    "Textbox",
    "Label",
    "Slider",
    "Number",
    "Dropdown",
    "Checkbox",
    "HighlightedText",
    "JSON",
    "Markdown",
];

/// How a value of the code is shown: its `str`, as gradio's text components show it.
fn text_of(v: &MontyObject) -> String {
    match v {
        MontyObject::String(s) => s.clone(),
        MontyObject::None => String::new(),
        other => other.py_repr(),
    }
}

fn optional_text(v: &MontyObject) -> Option<String> {
    match v {
        MontyObject::None => None,
        other => Some(text_of(other)),
    }
}

fn components(v: &MontyObject, what: &str) -> Result<Vec<Component>, MontyException> {
    let MontyObject::List(items) = v else {
        return Err(raise(ExcType::TypeError, format!("{what} must be a list")));
    };
    items
        .iter()
        .map(|item| match item {
            MontyObject::List(parts) => {
                let kind = parts.first().map(text_of).unwrap_or_default();
                Ok(Component {
                    kind: match kind.as_str() {
                        "text" => "textbox".to_string(),
                        other => other.to_string(),
                    },
                    label: parts.get(1).and_then(optional_text),
                    value: parts.get(2).and_then(optional_text),
                })
            }
            _ => Err(raise(ExcType::TypeError, format!("{what}: a component"))),
        })
        .collect()
}

/// A dict's value at string key `key`.
fn get<'a>(dict: &'a MontyObject, key: &str) -> Option<&'a MontyObject> {
    let MontyObject::Dict(pairs) = dict else {
        return None;
    };
    pairs
        .iter()
        .find(|(k, _)| matches!(k, MontyObject::String(s) if s == key))
        .map(|(_, v)| v)
}

fn index(v: Option<&MontyObject>) -> Option<usize> {
    match v {
        Some(MontyObject::Int(i)) => usize::try_from(*i).ok(),
        _ => None,
    }
}

/// A HighlightedText value as gradio takes it: a list of `(text, label)` pairs, or
/// `{"text": …, "entities": [{"entity" or "entity_group": …, "start": …, "end": …}]}` (what a
/// token-classification pipeline gives). `None` when it is neither.
fn highlighted(value: &MontyObject) -> Option<Vec<(String, Option<String>)>> {
    if let MontyObject::List(items) = value {
        return items
            .iter()
            .map(|item| match item {
                MontyObject::List(pair) | MontyObject::Tuple(pair) if pair.len() == 2 => {
                    Some((text_of(&pair[0]), optional_text(&pair[1])))
                }
                _ => None,
            })
            .collect();
    }
    let text = match get(value, "text")? {
        MontyObject::String(t) => t.clone(),
        _ => return None,
    };
    let MontyObject::List(entities) = get(value, "entities")? else {
        return None;
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for e in entities {
        let label = get(e, "entity_group")
            .or_else(|| get(e, "entity"))
            .map(text_of);
        let (Some(start), Some(end)) = (index(get(e, "start")), index(get(e, "end"))) else {
            continue;
        };
        // transformers' offsets count chars; skip overlapping or out-of-range ones.
        if start < at || end > chars.len() || start > end {
            continue;
        }
        if start > at {
            out.push((chars[at..start].iter().collect(), None));
        }
        out.push((chars[start..end].iter().collect(), label));
        at = end;
    }
    if at < chars.len() {
        out.push((chars[at..].iter().collect(), None));
    }
    Some(out)
}

/// What an output component shows for `value`: a label's scores (a dict of label → score, best
/// first), a HighlightedText's labelled pieces, else the text.
fn shown(kind: &str, value: &MontyObject) -> Shown {
    if kind == "highlightedtext" {
        if let Some(pieces) = highlighted(value) {
            return Shown::Highlighted(pieces);
        }
    }
    if kind == "label" {
        if let MontyObject::Dict(pairs) = value {
            let mut scores: Vec<(String, f64)> = pairs
                .iter()
                .filter_map(|(k, v)| Some((text_of(k), values::float(v, "score").ok()?)))
                .collect();
            if scores.len() == pairs.len() {
                scores.sort_by(|a, b| b.1.total_cmp(&a.1));
                return Shown::Scores(scores);
            }
        }
    }
    Shown::Text(text_of(value))
}

/// Answers `__hf_gr_launch(title, description, inputs, outputs, values, results, start)`;
/// `calls_now` is how many pipeline calls the cell has made (those from `start` on were `fn`'s).
pub fn launch(args: &[MontyObject], calls_now: usize) -> Result<LaunchedApp, MontyException> {
    let [title, description, inputs, outputs, example, results, start] = args else {
        return Err(raise(
            ExcType::TypeError,
            "launch() got the wrong arguments",
        ));
    };
    let start = match start {
        MontyObject::Int(n) => usize::try_from(*n).unwrap_or(0).min(calls_now),
        _ => calls_now,
    };
    let inputs = components(inputs, "inputs")?;
    let outputs = components(outputs, "outputs")?;
    let example = match example {
        MontyObject::List(values) => Some(values.iter().map(text_of).collect()),
        _ => None,
    };
    let results = match results {
        MontyObject::List(values) => outputs
            .iter()
            .zip(values)
            .map(|(c, v)| shown(&c.kind, v))
            .collect(),
        _ => Vec::new(),
    };
    Ok(LaunchedApp {
        title: optional_text(title),
        description: optional_text(description),
        inputs,
        outputs,
        example,
        results,
        from_form: false,
        calls: start..calls_now,
    })
}
