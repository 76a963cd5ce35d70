//! Labelled sentences for training and testing a head: `label<TAB>text` lines (a comma works in
//! place of the tab when the label has none), blank lines and `#` comments skipped.

use super::TrainError;

/// One labelled sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub label: String,
    pub text: String,
}

/// Reads `label<TAB>text` lines; errors name the 1-based line.
pub fn parse_examples(text: &str) -> Result<Vec<Example>, TrainError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let (label, text) = line
            .split_once('\t')
            .or_else(|| line.split_once(','))
            .ok_or(TrainError::NoSeparator(i + 1))?;
        let (label, text) = (label.trim(), text.trim());
        if label.is_empty() || text.is_empty() {
            return Err(TrainError::EmptyField(i + 1));
        }
        out.push(Example {
            label: label.to_string(),
            text: text.to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tabs_commas_and_comments() {
        let got = parse_examples("# hi\nPOSITIVE\tGreat, really.\n\nNEGATIVE,Bad\n").unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].text, "Great, really.");
        assert_eq!(got[1].label, "NEGATIVE");
        assert_eq!(
            parse_examples("a\tb\nnolabel\n").unwrap_err().to_string(),
            "line 2: write the label, a tab, then the sentence"
        );
    }
}
