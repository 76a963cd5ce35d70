//! The sandbox's `sentence_transformers`: `SentenceTransformer(name).encode(…)`, `.similarity`,
//! and `util.cos_sim`. The classes are Python (a prelude run before the student's code, because a
//! host object can't choose how it prints); their work is done by host functions here (called from `__init__`: monty 0.0.23
//! can't pause inside `__str__`, so each array's text is made when it is): encoding is
//! a feature-extraction job on `Models`, and arrays print as numpy and torch print them
//! (`arrays.rs`). Not there: indexing an array (`e[0]`; monty 0.0.23 has no `__getitem__` on
//! classes): `e.tolist()[0]` works.

use monty_types::{ExcType, MontyException, MontyObject};

use super::arrays::{self, Array};
use super::values::{self, raise};
use super::{Call, Models};
use crate::domain::{JobRequest, ModelRef, PipelineOutput, RunParams, Task, TaskInput};
use crate::inference::tasks::embeddings::cosine;

/// The host functions the prelude calls.
pub const HOST_FUNCTIONS: &[&str] = &[
    "__hf_st_load",
    "__hf_st_encode",
    "__hf_cos_sim",
    "__hf_array_str",
];

/// Python run before the student's code when it imports `sentence_transformers`. It binds the
/// hidden globals the import pre-pass reads.
pub const PRELUDE: &str = r#"def __hf_st():
    def data_of(x):
        return getattr(x, "_data", x)
    def shape_of(d):
        if len(d) > 0 and isinstance(d[0], list):
            return (len(d), len(d[0]))
        return (len(d),)
    class ndarray:
        def __init__(self, data):
            self._data = data
            self.shape = shape_of(data)
            self.ndim = len(self.shape)
            self.dtype = "float32"
            self._text = __hf_array_str("numpy", data)
        def __str__(self):
            return self._text
        def __repr__(self):
            return self._text
        def tolist(self):
            return self._data
    class Tensor:
        def __init__(self, data):
            self._data = data
            self.shape = shape_of(data)
            self._text = __hf_array_str("torch", data)
        def __str__(self):
            return self._text
        def __repr__(self):
            return self._text
        def tolist(self):
            return self._data
        def item(self):
            d = self._data
            while isinstance(d, list):
                if len(d) != 1:
                    raise ValueError("only one element tensors can be converted to Python scalars")
                d = d[0]
            return d
    class SentenceTransformer:
        def __init__(self, model_name_or_path, device=None):
            self._model = __hf_st_load(model_name_or_path)
        def encode(self, sentences, convert_to_tensor=False, convert_to_numpy=True, normalize_embeddings=False, batch_size=32, show_progress_bar=None):
            data = __hf_st_encode(self._model, sentences)
            if convert_to_tensor:
                return Tensor(data)
            return ndarray(data)
        def similarity(self, embeddings1, embeddings2):
            return Tensor(__hf_cos_sim(data_of(embeddings1), data_of(embeddings2)))
    class util:
        def cos_sim(self, a, b):
            return Tensor(__hf_cos_sim(data_of(a), data_of(b)))
    class module:
        def __init__(self):
            self.SentenceTransformer = SentenceTransformer
            self.util = util()
    return SentenceTransformer, util(), module()
__hf_sentence_transformers_SentenceTransformer, __hf_sentence_transformers_util, __hf_sentence_transformers = __hf_st()
"#;

/// The Hub id sentence-transformers loads for `name` (a bare name is one of its own models).
fn model_id(name: &str) -> String {
    let path = name.starts_with("./") || name.starts_with('/') || name.starts_with("../");
    if name.contains('/') || path {
        name.to_string()
    } else {
        format!("sentence-transformers/{name}")
    }
}

fn floats(v: &MontyObject, what: &str) -> Result<Vec<f32>, MontyException> {
    let MontyObject::List(items) = v else {
        return Err(raise(
            ExcType::TypeError,
            format!("{what} must be a list of numbers"),
        ));
    };
    items
        .iter()
        .map(|x| values::float(x, what).map(|f| f as f32))
        .collect()
}

/// A 1-D or 2-D list of numbers: its rows, and whether it was 1-D.
fn rows(v: &MontyObject, what: &str) -> Result<(Vec<Vec<f32>>, bool), MontyException> {
    match v {
        MontyObject::List(items)
            if items
                .first()
                .is_some_and(|i| matches!(i, MontyObject::List(_))) =>
        {
            let rows = items
                .iter()
                .map(|r| floats(r, what))
                .collect::<Result<Vec<_>, _>>()?;
            Ok((rows, false))
        }
        other => Ok((vec![floats(other, what)?], true)),
    }
}

fn list(v: &[f32]) -> MontyObject {
    MontyObject::List(
        v.iter()
            .map(|x| MontyObject::Float(f64::from(*x)))
            .collect(),
    )
}

/// Answers one of `HOST_FUNCTIONS`.
pub fn call(
    name: &str,
    args: &[MontyObject],
    models: &mut dyn Models,
    calls: &mut Vec<Call>,
) -> Result<MontyObject, MontyException> {
    match (name, args) {
        ("__hf_st_load", [m]) => Ok(MontyObject::String(model_id(&values::string(
            m,
            "model_name_or_path",
        )?))),
        ("__hf_st_encode", [m, sentences]) => {
            let id = values::string(m, "model")?;
            let (texts, listed) = values::texts(sentences, "sentences")?;
            let job = JobRequest {
                task: Task::FeatureExtraction,
                model: ModelRef {
                    id,
                    gguf_file: None,
                },
                input: TaskInput::Texts(texts),
                params: RunParams::default(),
                runs: 1,
            };
            let output = models
                .run(&job)
                .map_err(|e| raise(ExcType::OSError, e.to_string()))?;
            let PipelineOutput::Embeddings(vectors) = &output else {
                return Err(raise(ExcType::RuntimeError, "the model gave no embeddings"));
            };
            let value = if listed {
                MontyObject::List(vectors.iter().map(|v| list(v)).collect())
            } else {
                vectors.first().map_or(MontyObject::None, |v| list(v))
            };
            calls.push(Call {
                task: Task::FeatureExtraction,
                model: job.model.clone(),
                keywords: Vec::new(),
                texts: job.input.as_inputs(),
                output,
            });
            Ok(value)
        }
        ("__hf_cos_sim", [a, b]) => {
            let (a, _) = rows(a, "a")?;
            let (b, _) = rows(b, "b")?;
            let matrix: Vec<MontyObject> = a
                .iter()
                .map(|x| {
                    let row: Vec<f32> = b.iter().map(|y| cosine(x, y)).collect();
                    list(&row)
                })
                .collect();
            Ok(MontyObject::List(matrix))
        }
        ("__hf_array_str", [kind, data]) => {
            let (rows, vector) = rows(data, "array")?;
            let array = if vector {
                Array::Vector(&rows[0])
            } else {
                Array::Matrix(&rows)
            };
            let text = if values::string(kind, "kind")? == "torch" {
                arrays::torch_str(&array)
            } else {
                arrays::numpy_str(&array)
            };
            Ok(MontyObject::String(text))
        }
        _ => Err(raise(
            ExcType::TypeError,
            format!("{name}() got the wrong arguments"),
        )),
    }
}
