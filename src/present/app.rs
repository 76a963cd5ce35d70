//! A gradio app that `launch()` showed (python/gradio.rs), as plain lines for the command line:
//! its title and description, each input with the first example's value, and what `fn` gave
//! for each output (a label's scores best first, as percentages). The tutor draws the same with
//! bars (shell/view/code_cell.rs).

use crate::domain::app::{Component, LaunchedApp, Shown};

/// A component's name as the app shows it: its label, else its kind (`Textbox`).
pub fn name(c: &Component) -> String {
    match &c.label {
        Some(l) if !l.trim().is_empty() => l.clone(),
        _ => kind_name(&c.kind).to_string(),
    }
}

fn kind_name(kind: &str) -> &str {
    match kind {
        "textbox" => "Textbox",
        "label" => "Label",
        "slider" => "Slider",
        "number" => "Number",
        "dropdown" => "Dropdown",
        "checkbox" => "Checkbox",
        "highlightedtext" => "HighlightedText",
        "json" => "JSON",
        "markdown" => "Markdown",
        other => other,
    }
}

/// The app's heading: `app "TITLE"`, or `app` when untitled.
pub fn heading(app: &LaunchedApp) -> String {
    match &app.title {
        Some(t) => format!("app \"{t}\""),
        None => "app".to_string(),
    }
}

/// The value each input shows: the first example's, else the component's own starting value.
pub fn input_values(app: &LaunchedApp) -> Vec<(String, String)> {
    app.inputs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let value = app
                .example
                .as_ref()
                .and_then(|e| e.get(i).cloned())
                .or_else(|| c.value.clone())
                .unwrap_or_default();
            (name(c), value)
        })
        .collect()
}

/// Labelled pieces as one line: each labelled piece followed by its label, `Paris [LOC]`.
pub fn highlighted_text(pieces: &[(String, Option<String>)]) -> String {
    pieces
        .iter()
        .map(|(text, label)| match label {
            Some(l) => format!("{text} [{l}]"),
            None => text.clone(),
        })
        .collect()
}

/// The whole app as lines.
pub fn lines(app: &LaunchedApp) -> Vec<String> {
    let mut out = vec![heading(app)];
    if let Some(d) = &app.description {
        out.push(format!("  {d}"));
    }
    for (name, value) in input_values(app) {
        out.push(format!("  {name}: {value}"));
    }
    if app.example.is_none() {
        out.push("  (no examples: give examples=[[…]] to see what fn gives)".to_string());
    }
    for (c, shown) in app.outputs.iter().zip(&app.results) {
        match shown {
            Shown::Text(t) => out.push(format!("  → {}: {t}", name(c))),
            Shown::Scores(scores) => {
                out.push(format!("  → {}:", name(c)));
                for (label, score) in scores {
                    out.push(format!("      {label}  {:.1}%", score * 100.0));
                }
            }
            Shown::Highlighted(pieces) => {
                out.push(format!("  → {}: {}", name(c), highlighted_text(pieces)))
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_app_reads_as_its_form() {
        let app = LaunchedApp {
            title: Some("Sentiment".into()),
            description: None,
            inputs: vec![Component {
                kind: "textbox".into(),
                label: None,
                value: None,
            }],
            outputs: vec![Component {
                kind: "label".into(),
                label: Some("Mood".into()),
                value: None,
            }],
            example: Some(vec!["I hate queues.".into()]),
            results: vec![Shown::Scores(vec![
                ("NEGATIVE".into(), 0.982),
                ("POSITIVE".into(), 0.018),
            ])],
            from_form: false,
            calls: 0..1,
        };
        assert_eq!(
            lines(&app),
            [
                "app \"Sentiment\"",
                "  Textbox: I hate queues.",
                "  → Mood:",
                "      NEGATIVE  98.2%",
                "      POSITIVE  1.8%",
            ]
        );
    }
}
