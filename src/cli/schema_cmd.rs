//! `hftutor schema [--block KIND]`: prints the JSON Schema of the course YAML for editors.

use std::process::ExitCode;

use crate::author::schema::{json_schema, SchemaKind};

/// Prints the schema of one kind of YAML (`course`, `front-matter`, `exercise`, `quiz`), or of
/// any of them when `block` is `None`.
pub fn run(block: Option<&str>) -> anyhow::Result<ExitCode> {
    let kind = match block {
        None => None,
        Some(name) => Some(SchemaKind::parse(name).ok_or_else(|| {
            anyhow::anyhow!(
                "unknown block \"{name}\": use one of {}",
                SchemaKind::ALL.map(SchemaKind::name).join(", ")
            )
        })?),
    };
    super::out::json_line(&serde_json::to_string_pretty(&json_schema(kind))?);
    Ok(ExitCode::SUCCESS)
}
