//! A model's chat template: how a conversation (system + user message) becomes the prompt text.
//! ChatML (`<|im_start|>role\n…<|im_end|>\n`, SmolLM2, Qwen) is rendered natively; the raw Jinja
//! template from the model file is kept to show students and to find its default system message.

/// SmolLM2's default system message (used when the model file has no template to read it from).
pub const SMOLLM_DEFAULT_SYSTEM: &str =
    "You are a helpful AI assistant named SmolLM, trained by Hugging Face";

const IM_START: &str = "<|im_start|>";
const IM_END: &str = "<|im_end|>";

/// Why a conversation can't be rendered with a model's chat template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatTemplateError {
    #[error(
        "this model's chat template is not ChatML; hftutor can't render it yet: \
                        run without chat mode"
    )]
    NotChatMl,
}

/// The chat format of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatTemplate {
    /// The Jinja template as the model file has it (`tokenizer.chat_template`).
    raw: Option<String>,
    /// Inserted when the conversation has no system message of its own; `None`: none is.
    default_system: Option<String>,
    /// Whether this is a ChatML template (the only kind rendered so far).
    chatml: bool,
}

impl ChatTemplate {
    /// From the model file's template (if any). Without one, ChatML with SmolLM2's default system
    /// message is assumed (the course's chat model).
    pub fn from_raw(raw: Option<&str>) -> ChatTemplate {
        match raw {
            None => ChatTemplate {
                raw: None,
                default_system: Some(SMOLLM_DEFAULT_SYSTEM.to_string()),
                chatml: true,
            },
            Some(t) => ChatTemplate {
                raw: Some(t.to_string()),
                default_system: default_system_of(t),
                chatml: t.contains(IM_START) && t.contains(IM_END),
            },
        }
    }

    /// The template text as stored in the model file.
    pub fn raw(&self) -> Option<&str> {
        self.raw.as_deref()
    }

    /// The system message used when the student gives none.
    pub fn default_system(&self) -> Option<&str> {
        self.default_system.as_deref()
    }

    /// The token that ends a turn, at which generation stops in a chat.
    pub fn end_of_turn(&self) -> Option<&'static str> {
        self.chatml.then_some(IM_END)
    }

    /// The prompt for one user message with the assistant's turn opened (`add_generation_prompt`).
    /// `system`: `None` or blank uses the template's default.
    pub fn render(&self, system: Option<&str>, user: &str) -> Result<String, ChatTemplateError> {
        if !self.chatml {
            return Err(ChatTemplateError::NotChatMl);
        }
        let system = system
            .filter(|s| !s.trim().is_empty())
            .or(self.default_system.as_deref());
        let mut out = String::new();
        if let Some(system) = system {
            out.push_str(&format!("{IM_START}system\n{system}{IM_END}\n"));
        }
        out.push_str(&format!(
            "{IM_START}user\n{user}{IM_END}\n{IM_START}assistant\n"
        ));
        Ok(out)
    }
}

/// The system message a ChatML template inserts when none is given: the text between
/// `<|im_start|>system` + newline and `<|im_end|>` in a string literal of the template.
fn default_system_of(template: &str) -> Option<String> {
    let start = template.find(&format!("{IM_START}system"))? + IM_START.len() + "system".len();
    let rest = &template[start..];
    let rest = rest
        .strip_prefix("\\n")
        .or_else(|| rest.strip_prefix('\n'))?;
    let end = rest.find(IM_END)?;
    let msg = &rest[..end];
    // A template that interpolates the message (`' + message['content'] + '`) has no default.
    if msg.contains('\'') || msg.contains('{') || msg.is_empty() {
        return None;
    }
    Some(msg.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMOL: &str = "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    #[test]
    fn smollm_template_renders_like_transformers() {
        let t = ChatTemplate::from_raw(Some(SMOL));
        assert_eq!(t.default_system(), Some(SMOLLM_DEFAULT_SYSTEM));
        assert_eq!(
            t.render(None, "What is Hugging Face?").unwrap(),
            "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nWhat is Hugging Face?<|im_end|>\n<|im_start|>assistant\n"
        );
        assert_eq!(
            t.render(Some("Answer in one word."), "Hi").unwrap(),
            "<|im_start|>system\nAnswer in one word.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"
        );
        assert_eq!(t.end_of_turn(), Some("<|im_end|>"));
    }

    #[test]
    fn escaped_newlines_and_missing_defaults() {
        let t = ChatTemplate::from_raw(Some("{{ '<|im_start|>system\\nBe brief.<|im_end|>\\n' }}"));
        assert_eq!(t.default_system(), Some("Be brief."));
        let t = ChatTemplate::from_raw(Some(
            "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>'}}",
        ));
        assert_eq!(t.default_system(), None);
        assert!(t
            .render(None, "Hi")
            .unwrap()
            .starts_with("<|im_start|>user\nHi"));
        let t = ChatTemplate::from_raw(Some("[INST] {{ message }} [/INST]"));
        assert!(t.render(None, "Hi").is_err());
    }
}
