//! A cell's code as text, read with Ruff's tokenizer (the parser monty is built on): the code
//! with its comments blanked (what code checks look at, so `# top_k` doesn't count as using
//! `top_k`), its first syntax error (for `hftutor check` on a lesson's solutions), and the token
//! classes the editor colours.

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::PySourceType;
use ruff_text_size::Ranged;

/// `source` with every comment replaced by spaces (lines and columns stay where they were).
pub fn without_comments(source: &str) -> String {
    let parsed = ruff_python_parser::parse_unchecked_source(source, PySourceType::Python);
    let mut out = source.to_string();
    for t in parsed
        .tokens()
        .iter()
        .filter(|t| t.kind() == TokenKind::Comment)
    {
        let r = t.range().start().to_usize()..t.range().end().to_usize();
        if let Some(text) = source.get(r.clone()) {
            let blank = " ".repeat(text.chars().count());
            out.replace_range(r, &blank);
            // Replacing changes byte lengths when the comment isn't ASCII: redo on the new text.
            if blank.len() != text.len() {
                return without_comments(&out);
            }
        }
    }
    out
}

/// The first syntax error of `source`: its 1-based line and Ruff's message, or None when it
/// parses.
pub fn syntax_error(source: &str) -> Option<(usize, String)> {
    let error = ruff_python_parser::parse_module(source).err()?;
    let at = error.location.start().to_usize().min(source.len());
    let line = source.get(..at).map_or(1, |s| s.matches('\n').count() + 1);
    Some((line, error.error.to_string()))
}

/// How the editor colours a piece of code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Keyword,
    /// True, False, None.
    Constant,
    String,
    Number,
    Comment,
    /// A name called or defined: `pipeline(`, `def f`.
    Function,
    Plain,
}

/// The code's pieces with their class, as byte ranges covering all of `source` in order.
pub fn classes(source: &str) -> Vec<(std::ops::Range<usize>, Class)> {
    let parsed = ruff_python_parser::parse_unchecked_source(source, PySourceType::Python);
    let tokens = parsed.tokens();
    let mut out = Vec::new();
    let mut at = 0;
    for (i, t) in tokens.iter().enumerate() {
        let (start, end) = (t.range().start().to_usize(), t.range().end().to_usize());
        if start < at || end > source.len() || start >= end {
            continue;
        }
        if start > at {
            out.push((at..start, Class::Plain));
        }
        let next = tokens.get(i + 1).map(|n| n.kind());
        let kind = t.kind();
        let class = match kind {
            TokenKind::Comment => Class::Comment,
            TokenKind::Int | TokenKind::Float | TokenKind::Complex => Class::Number,
            TokenKind::True | TokenKind::False | TokenKind::None => Class::Constant,
            k if k.is_keyword() => Class::Keyword,
            TokenKind::Name if next == Some(TokenKind::Lpar) => Class::Function,
            TokenKind::String
            | TokenKind::FStringStart
            | TokenKind::FStringMiddle
            | TokenKind::FStringEnd
            | TokenKind::TStringStart
            | TokenKind::TStringMiddle
            | TokenKind::TStringEnd => Class::String,
            _ => Class::Plain,
        };
        out.push((start..end, class));
        at = end;
    }
    if at < source.len() {
        out.push((at..source.len(), Class::Plain));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_blanked_in_place() {
        let code = "x = 1  # top_k\ny = 'a # not a comment'\n# é\n";
        let out = without_comments(code);
        assert!(!out.contains("top_k"));
        assert!(out.contains("'a # not a comment'"));
        assert_eq!(out.lines().count(), code.lines().count());
        assert!(!out.contains('é'));
    }

    #[test]
    fn syntax_errors_give_their_line() {
        assert_eq!(syntax_error("x = 1\n"), None);
        let (line, message) = syntax_error("x = 1\ny = (\nz = 2\n").expect("an error");
        assert!(line >= 2, "{line}");
        assert!(!message.is_empty());
    }

    #[test]
    fn classes_cover_the_code() {
        let code = "from transformers import pipeline\nc = pipeline(\"ner\", top_k=3)  # hi\nif True: pass\n";
        let pieces = classes(code);
        let joined: String = pieces.iter().map(|(r, _)| &code[r.clone()]).collect();
        assert_eq!(joined, code);
        let class_of = |text: &str| {
            pieces
                .iter()
                .find(|(r, _)| &code[r.clone()] == text)
                .map(|(_, c)| *c)
        };
        assert_eq!(class_of("from"), Some(Class::Keyword));
        assert_eq!(class_of("\"ner\""), Some(Class::String));
        assert_eq!(class_of("3"), Some(Class::Number));
        assert_eq!(class_of("# hi"), Some(Class::Comment));
        assert_eq!(class_of("True"), Some(Class::Constant));
        assert_eq!(class_of("pipeline"), Some(Class::Plain)); // imported, not called
    }
}
