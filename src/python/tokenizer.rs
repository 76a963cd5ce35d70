//! The sandbox's `transformers.AutoTokenizer`: `AutoTokenizer.from_pretrained(name)` gives a
//! tokenizer object whose `tokenize(text)` (the pieces, without special tokens) and
//! `encode(text)` (the ids, with them) run hftutor's tokenize task on `Models`, as
//! transformers' fast tokenizers give them. The objects are host instances whose methods are host
//! functions (`tokenizer#1.tokenize`), since monty 0.0.23 can't call an instance itself: so
//! `tokenizer("text")` is not there (`encode` is).

use monty_types::{
    DictPairs, ExcType, MontyClassInstance, MontyClassType, MontyException, MontyObject, MontyUuid,
};

use super::transformers::resolve_copy;
use super::values::{self, raise};
use super::{Call, Models};
use crate::domain::{JobRequest, ModelRef, PipelineOutput, RunParams, Task, TaskInput};

/// The host function `AutoTokenizer.from_pretrained` is called by.
pub const FROM_PRETRAINED: &str = "transformers.AutoTokenizer.from_pretrained";

/// The methods a tokenizer object has.
const METHODS: [&str; 2] = ["tokenize", "encode"];

fn instance(class: &str, id: u128, attrs: Vec<(MontyObject, MontyObject)>) -> MontyObject {
    MontyObject::ClassInstance(Box::new(MontyClassInstance {
        class_type: MontyClassType {
            name: class.into(),
            id: MontyUuid::from_u128(0x6866_7475_746f_7200_0000_0000_0001_0000 + id),
            host_defined: true,
            is_dataclass: false,
            attrs: DictPairs::default(),
        },
        instance_id: MontyUuid::from_u128(0x6866_7475_746f_7200_0000_0000_0002_0000 + id),
        attrs: attrs.into(),
    }))
}

fn function(name: String) -> MontyObject {
    MontyObject::Function {
        name,
        docstring: None,
    }
}

/// The `AutoTokenizer` object an import binds.
pub fn auto_tokenizer() -> MontyObject {
    instance(
        "type",
        0,
        vec![(
            MontyObject::String("from_pretrained".into()),
            function(FROM_PRETRAINED.to_string()),
        )],
    )
}

/// `from_pretrained(name)`: the tokenizer object for the `index`-th tokenizer made, and its model.
pub fn from_pretrained(
    args: &[MontyObject],
    kwargs: &[(MontyObject, MontyObject)],
    index: usize,
    models: &dyn Models,
    notes: &mut Vec<String>,
) -> Result<(MontyObject, ModelRef), MontyException> {
    if let Some((k, _)) = kwargs.first() {
        let k = values::string(k, "keyword").unwrap_or_default();
        return Err(raise(
            ExcType::TypeError,
            format!("hftutor's AutoTokenizer.from_pretrained() takes no keyword '{k}'"),
        ));
    }
    let [name] = args else {
        return Err(raise(
            ExcType::TypeError,
            "AutoTokenizer.from_pretrained() takes the model's name: AutoTokenizer.from_pretrained(\"sentence-transformers/all-MiniLM-L6-v2\")",
        ));
    };
    let id = values::string(name, "pretrained_model_name_or_path")?;
    let model = resolve_copy(&id, Task::TextGeneration, models, notes);
    let class = if model.gguf_file.is_some() {
        "GPT2TokenizerFast"
    } else {
        "BertTokenizerFast"
    };
    let mut attrs: Vec<(MontyObject, MontyObject)> = METHODS
        .iter()
        .map(|m| {
            (
                MontyObject::String((*m).into()),
                function(format!("tokenizer#{}.{m}", index + 1)),
            )
        })
        .collect();
    attrs.push((
        MontyObject::String("name_or_path".into()),
        MontyObject::String(id),
    ));
    Ok((instance(class, index as u128 + 1, attrs), model))
}

/// Whether `name` is a tokenizer's method: its tokenizer's index and the method.
pub fn method(name: &str) -> Option<(usize, &str)> {
    let rest = name.strip_prefix("tokenizer#")?;
    let (n, m) = rest.split_once('.')?;
    let n: usize = n.parse().ok()?;
    METHODS.contains(&m).then_some((n.checked_sub(1)?, m))
}

/// Calls `method` of the tokenizer on `model`.
pub fn call(
    model: &ModelRef,
    method: &str,
    args: &[MontyObject],
    models: &mut dyn Models,
    calls: &mut Vec<Call>,
) -> Result<MontyObject, MontyException> {
    let [text] = args else {
        return Err(raise(
            ExcType::TypeError,
            format!("{method}() takes one text: tokenizer.{method}(\"…\")"),
        ));
    };
    let text = values::string(text, "text")?;
    let job = JobRequest {
        task: Task::Tokenize,
        model: model.clone(),
        input: TaskInput::Texts(vec![text]),
        params: RunParams::default(),
        runs: 1,
    };
    let output = models
        .run(&job)
        .map_err(|e| raise(ExcType::OSError, e.to_string()))?;
    let PipelineOutput::Tokens(per_text) = &output else {
        return Err(raise(ExcType::RuntimeError, "the tokenizer gave no tokens"));
    };
    let tokens = per_text.first().cloned().unwrap_or_default();
    let value = if method == "tokenize" {
        MontyObject::List(
            tokens
                .iter()
                // Only the tokens the tokenizer added ([CLS], [SEP]: no place in the text);
                // [UNK] stands for text, so it stays, as in transformers.
                .filter(|t| !(t.special && t.start == t.end))
                .map(|t| MontyObject::String(t.token.clone()))
                .collect(),
        )
    } else {
        MontyObject::List(
            tokens
                .iter()
                .map(|t| MontyObject::Int(i64::from(t.id)))
                .collect(),
        )
    };
    calls.push(Call {
        task: Task::Tokenize,
        model: model.clone(),
        keywords: Vec::new(),
        texts: job.input.as_inputs(),
        output,
    });
    Ok(value)
}
