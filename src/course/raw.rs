//! The YAML of course files as written, before any checking: serde structs with
//! `deny_unknown_fields`, every field optional so that all missing ones can be reported at once.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// `course.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCourse {
    pub title: Option<String>,
    pub lessons: Option<Vec<String>>,
    pub models: Option<BTreeMap<String, RawModel>>,
}

/// A lesson's front matter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFrontMatter {
    pub id: Option<String>,
    pub title: Option<String>,
    pub summary: Option<String>,
    /// The ideas the lesson names (shown on the course-end screen), e.g. `[token, embedding]`.
    pub concepts: Option<Vec<String>>,
    /// What the lesson's models download the first time, e.g. "268 MB" (lessons beyond the
    /// core models): shown before the student starts.
    pub download: Option<String>,
}

/// A model: `id`, `id#file.gguf`, or `{id: …, file: …}`.
#[derive(Debug)]
pub struct RawModel {
    pub id: String,
    pub file: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawModelMap {
    id: Option<String>,
    file: Option<String>,
}

/// An ```exercise block.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawExercise {
    pub id: Option<String>,
    /// `fields` (the default) or `code`: a Python cell the student writes.
    pub kind: Option<String>,
    pub task: Option<String>,
    pub model: Option<RawModel>,
    pub goal: Option<String>,
    pub inputs: Option<Vec<RawInput>>,
    /// kind: code: the code the cell starts with.
    pub starter: Option<String>,
    pub params: Option<RawParams>,
    pub runs: Option<i64>,
    pub check: Option<RawCheck>,
    pub feedback: Option<RawFeedback>,
    pub hints: Option<Texts>,
    pub solution: Option<Answers>,
    pub counterexample: Option<Answers>,
}

/// An input field: a label, or `{label, param, default}`.
#[derive(Debug, Default)]
pub struct RawInput {
    pub label: Option<String>,
    pub param: Option<String>,
    pub default: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInputMap {
    label: Option<String>,
    param: Option<String>,
    default: Option<Scalar>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawParams {
    pub temperature: Option<f64>,
    pub top_k: Option<i64>,
    pub top_p: Option<f64>,
    pub seed: Option<i64>,
    pub max_new_tokens: Option<i64>,
    pub chat: Option<bool>,
    pub system: Option<String>,
    /// question-answering: the text the answers are looked for in.
    pub context: Option<String>,
    /// fill-mask: only score these words.
    pub targets: Option<Texts>,
    /// token-classification: none, simple, first, average or max.
    pub aggregation_strategy: Option<String>,
    /// summarization / translation: beam search with this many beams (1: greedy).
    pub num_beams: Option<i64>,
    /// automatic-speech-recognition: the spoken language, for multilingual models.
    pub language: Option<String>,
    /// zero-shot-classification with an NLI model: score each label on its own.
    pub multi_label: Option<bool>,
    /// zero-shot-classification with an NLI model: the hypothesis, `{}` for the label.
    pub hypothesis_template: Option<String>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCheck {
    pub similarity: Option<RawBounds>,
    pub similarity_gap: Option<RawBounds>,
    pub contains: Option<Texts>,
    pub not_contains: Option<Texts>,
    pub input_not_contains: Option<Texts>,
    pub regex: Option<String>,
    pub words: Option<RawBounds>,
    pub tokens: Option<RawBounds>,
    pub pieces_in_a_word: Option<RawBounds>,
    pub runs_agree: Option<String>,
    pub shared_words: Option<RawBounds>,
    pub same_words: Option<bool>,
    pub distinct_inputs: Option<bool>,
    pub label: Option<Texts>,
    pub score: Option<RawBounds>,
    pub rank: Option<RawRank>,
    pub accuracy: Option<RawBounds>,
    pub entities: Option<Texts>,
    /// kind: code: keyword arguments the judged pipeline must be given.
    pub keywords: Option<Texts>,
    /// kind: code: what the code printed must contain.
    pub printed: Option<Texts>,
    /// kind: code: what the code printed must not contain.
    pub not_printed: Option<Texts>,
    /// kind: code: the code (comments left out) must contain these.
    pub code_contains: Option<Texts>,
    /// kind: code: the code (comments left out) must not contain these.
    pub code_not_contains: Option<Texts>,
}

/// `rank: {document: 4, max: 1}`.
#[derive(Debug, Default, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRank {
    pub document: Option<i64>,
    pub max: Option<i64>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBounds {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFeedback {
    pub pass: Option<String>,
    pub fail: Option<String>,
}

/// A ```quiz block.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawQuiz {
    pub id: Option<String>,
    pub question: Option<String>,
    pub choices: Option<Vec<RawChoice>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChoice {
    pub text: Option<String>,
    pub correct: Option<bool>,
    pub explain: Option<String>,
}

/// A text or a list of texts.
#[derive(Debug, Default, Clone)]
pub struct Texts(pub Vec<String>);

/// Solutions or counterexamples: a list whose items are a text (one input field) or a list of
/// texts (one per field); a single text stands for a one-item list.
#[derive(Debug, Default, Clone)]
pub struct Answers(pub Vec<Answer>);

#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A plain text: a value for an exercise with one input field.
    One(String),
    /// One value per input field.
    Many(Vec<String>),
}

/// A YAML scalar read as text (`0.7` → "0.7", `true` → "true").
#[derive(Debug, Clone)]
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor).map(Scalar)
    }
}

struct ScalarVisitor;

impl Visitor<'_> for ScalarVisitor {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a text or a number")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        Ok(v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        Ok(v.to_string())
    }
}

impl<'de> Deserialize<'de> for Texts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Texts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text or a list of texts")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Texts, E> {
                Ok(Texts(vec![v.to_string()]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Texts, E> {
                Ok(Texts(vec![v.to_string()]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Texts, E> {
                Ok(Texts(vec![v.to_string()]))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Texts, E> {
                Ok(Texts(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Texts, A::Error> {
                let mut out = Vec::new();
                while let Some(Scalar(s)) = seq.next_element()? {
                    out.push(s);
                }
                Ok(Texts(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Answer;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text, or a list with one text per input field")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Answer, E> {
                Ok(Answer::One(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Answer, E> {
                Ok(Answer::One(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Answer, E> {
                Ok(Answer::One(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Answer, E> {
                Ok(Answer::One(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Answer, E> {
                Ok(Answer::One(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Answer, A::Error> {
                let mut out = Vec::new();
                while let Some(Scalar(s)) = seq.next_element()? {
                    out.push(s);
                }
                Ok(Answer::Many(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Answers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Answers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a list of inputs (each a text, or a list with one text per input field)",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Answers, E> {
                Ok(Answers(vec![Answer::One(v.to_string())]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Answers, A::Error> {
                let mut out = Vec::new();
                while let Some(a) = seq.next_element()? {
                    out.push(a);
                }
                Ok(Answers(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawModel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawModel;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a model id (optionally `id#file.gguf`) or a map {id: …, file: …}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawModel, E> {
                Ok(match v.split_once('#') {
                    Some((id, file)) => RawModel {
                        id: id.trim().to_string(),
                        file: Some(file.trim().to_string()),
                    },
                    None => RawModel {
                        id: v.trim().to_string(),
                        file: None,
                    },
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawModel, A::Error> {
                let m = RawModelMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawModel {
                    id: m.id.unwrap_or_default().trim().to_string(),
                    file: m.file,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawInput;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a label, or a map {label: …, param: …, default: …}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawInput, E> {
                Ok(RawInput {
                    label: Some(v.to_string()),
                    ..RawInput::default()
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawInput, A::Error> {
                let m = RawInputMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RawInput {
                    label: m.label,
                    param: m.param,
                    default: m.default.map(|s| s.0),
                })
            }
        }
        d.deserialize_any(V)
    }
}
