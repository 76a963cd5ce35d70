//! JSON Schemas for the YAML a teacher writes (course.yaml, front matter, `exercise` and
//! `quiz` blocks), generated with schemars from the same serde structs that read the files
//! (src/course/raw.rs), so a new field or check kind shows up in editors by itself.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::Value;

use crate::course::raw::{
    Answers, RawCourse, RawExercise, RawFrontMatter, RawInput, RawModel, RawQuiz, Texts,
};

/// Which YAML a schema describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    Course,
    FrontMatter,
    Exercise,
    Quiz,
}

impl SchemaKind {
    pub const ALL: [SchemaKind; 4] = [
        SchemaKind::Course,
        SchemaKind::FrontMatter,
        SchemaKind::Exercise,
        SchemaKind::Quiz,
    ];

    /// The name used on the command line (`hftutor schema --block NAME`).
    pub fn name(self) -> &'static str {
        match self {
            SchemaKind::Course => "course",
            SchemaKind::FrontMatter => "front-matter",
            SchemaKind::Exercise => "exercise",
            SchemaKind::Quiz => "quiz",
        }
    }

    pub fn parse(name: &str) -> Option<SchemaKind> {
        SchemaKind::ALL.into_iter().find(|k| k.name() == name)
    }

    fn title(self) -> &'static str {
        match self {
            SchemaKind::Course => "hftutor course.yaml",
            SchemaKind::FrontMatter => "hftutor lesson front matter",
            SchemaKind::Exercise => "hftutor exercise block",
            SchemaKind::Quiz => "hftutor quiz block",
        }
    }
}

fn generator() -> SchemaGenerator {
    SchemaSettings::draft07().into_generator()
}

/// The schema of one kind of YAML, or (`None`) of any of them: a document that is a course
/// file, a front matter, an exercise or a quiz.
pub fn json_schema(kind: Option<SchemaKind>) -> Value {
    let gen = generator();
    let Some(kind) = kind else {
        return any_schema(gen);
    };
    let root = match kind {
        SchemaKind::Course => gen.into_root_schema_for::<RawCourse>(),
        SchemaKind::FrontMatter => gen.into_root_schema_for::<RawFrontMatter>(),
        SchemaKind::Exercise => gen.into_root_schema_for::<RawExercise>(),
        SchemaKind::Quiz => gen.into_root_schema_for::<RawQuiz>(),
    };
    let mut v = root.to_value();
    if let Some(obj) = v.as_object_mut() {
        obj.insert("title".into(), Value::String(kind.title().into()));
    }
    v
}

/// A document that is any of the kinds.
fn any_schema(mut gen: SchemaGenerator) -> Value {
    let any: Vec<Value> = SchemaKind::ALL
        .into_iter()
        .map(|k| subschema(&mut gen, k).to_value())
        .collect();
    let defs: serde_json::Map<String, Value> = gen.take_definitions(true);
    serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "hftutor course YAML (course.yaml, front matter, exercise or quiz)",
        "anyOf": any,
        "definitions": defs,
    })
}

fn subschema(gen: &mut SchemaGenerator, kind: SchemaKind) -> Schema {
    match kind {
        SchemaKind::Course => gen.subschema_for::<RawCourse>(),
        SchemaKind::FrontMatter => gen.subschema_for::<RawFrontMatter>(),
        SchemaKind::Exercise => gen.subschema_for::<RawExercise>(),
        SchemaKind::Quiz => gen.subschema_for::<RawQuiz>(),
    }
}

// The types below have hand-written `Deserialize` impls (they accept several shapes), so their
// schemas are written by hand to match.

impl JsonSchema for RawModel {
    fn schema_name() -> Cow<'static, str> {
        "Model".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A Hub id (owner/name) or a folder, optionally `id#file.gguf`; or {id, file}.",
            "anyOf": [
                { "type": "string" },
                {
                    "type": "object",
                    "properties": {
                        "id": { "type": "string", "description": "Hub id or folder" },
                        "file": { "type": "string", "description": "the .gguf file in the repository" }
                    },
                    "additionalProperties": false
                }
            ]
        })
    }
}

impl JsonSchema for RawInput {
    fn schema_name() -> Cow<'static, str> {
        "Input".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A text field's label, or {label, param, default} for a field that sets a param.",
            "anyOf": [
                { "type": "string" },
                {
                    "type": "object",
                    "properties": {
                        "label": { "type": "string" },
                        "param": { "type": "string" },
                        "default": { "type": ["string", "number", "boolean"] }
                    },
                    "additionalProperties": false
                }
            ]
        })
    }
}

impl JsonSchema for Texts {
    fn schema_name() -> Cow<'static, str> {
        "Texts".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A text or a list of texts.",
            "anyOf": [
                { "type": ["string", "number"] },
                { "type": "array", "items": { "type": ["string", "number", "boolean"] } }
            ]
        })
    }
}

impl JsonSchema for Answers {
    fn schema_name() -> Cow<'static, str> {
        "Answers".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A list of inputs: each a text (one input field) or a list with one text per field.",
            "anyOf": [
                { "type": "string" },
                {
                    "type": "array",
                    "items": {
                        "anyOf": [
                            { "type": ["string", "number", "boolean"] },
                            { "type": "array", "items": { "type": ["string", "number", "boolean"] } }
                        ]
                    }
                }
            ]
        })
    }
}
