//! `ModelRef`: which model a task runs on: a Hub repo id or a local folder, and the GGUF file to
//! use if any. The rules a repo id must follow are in `repo_id`.

/// A model reference: a Hub repo id or a local folder, with the GGUF file to use if any.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ModelRef {
    pub id: String,
    pub gguf_file: Option<String>,
}

impl ModelRef {
    pub fn new(id: impl Into<String>) -> Self {
        ModelRef {
            id: id.into(),
            gguf_file: None,
        }
    }
}

impl std::fmt::Display for ModelRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.gguf_file {
            Some(file) => write!(f, "{} ({file})", self.id),
            None => f.write_str(&self.id),
        }
    }
}
