//! A lesson file's front matter: the YAML between the `---` lines at the top.

/// The front matter of a lesson file, and where the body starts.
#[derive(Debug, PartialEq)]
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: String,
    /// File line (1-based) of the YAML's first line.
    pub yaml_line: usize,
    /// The Markdown after the closing fence.
    pub body: Vec<&'a str>,
    /// File line (1-based) of the body's first line.
    pub body_line: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub enum FrontMatterError {
    /// The file doesn't start with `---`.
    Missing,
    /// No closing `---`.
    Unclosed,
}

/// Splits a lesson file into front matter and body.
pub fn split(text: &str) -> Result<Split<'_>, FrontMatterError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    if lines.first().map(|l| l.trim_end()) != Some("---") {
        return Err(FrontMatterError::Missing);
    }
    let close = lines
        .iter()
        .enumerate()
        .skip(1)
        .find(|(_, l)| matches!(l.trim_end(), "---" | "..."))
        .map(|(i, _)| i)
        .ok_or(FrontMatterError::Unclosed)?;
    let mut yaml = lines[1..close].join("\n");
    yaml.push('\n');
    Ok(Split {
        yaml,
        yaml_line: 2,
        body: lines[close + 1..].to_vec(),
        body_line: close + 2,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits() {
        let s = split("---\nid: a\n---\n# hi\n").expect("front matter");
        assert_eq!(s.yaml, "id: a\n");
        assert_eq!(s.body, vec!["# hi", ""]);
        assert_eq!(s.body_line, 4);
        assert_eq!(split("id: a\n"), Err(FrontMatterError::Missing));
        assert_eq!(split("---\nid: a\n"), Err(FrontMatterError::Unclosed));
        assert!(split("\u{feff}---\r\nid: a\r\n---\r\n").is_ok());
    }
}
