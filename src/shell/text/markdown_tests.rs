//! Tests of the Markdown renderer: what each construct looks like as plain lines.

use super::*;
use crate::shell::text::theme::Theme;

fn lines(md: &str, width: usize) -> Vec<String> {
    plain(&render(md, width, Theme::Dark))
}

#[test]
fn headings_paragraphs_and_gaps() {
    let out = lines("# Title\n\nSome *soft* text\nand more.\n\n## Next", 40);
    assert_eq!(
        out,
        vec!["Title", "", "Some soft text and more.", "", "Next"]
    );
    let styled = render("# Title", 40, Theme::Dark);
    assert!(styled[0].spans[0]
        .style
        .add_modifier
        .contains(Modifier::BOLD));
}

#[test]
fn emphasis_strong_and_inline_code_are_styled() {
    let out = render("a *b* **c** `d`", 40, Theme::Dark);
    let spans = &out[0].spans;
    let find = |t: &str| spans.iter().find(|s| s.content.contains(t)).expect(t).style;
    assert!(find("b").add_modifier.contains(Modifier::ITALIC));
    assert!(find("c").add_modifier.contains(Modifier::BOLD));
    assert_eq!(find("d").fg, Theme::Dark.code().fg);
    assert_eq!(plain(&out), vec!["a b c d"]);
}

#[test]
fn lists_bullets_numbers_and_nesting() {
    let md = "- one\n- two words that wrap here\n  - inner\n\n1. first\n2. second\n";
    let out = lines(md, 16);
    assert_eq!(
        out,
        vec![
            "• one",
            "• two words that",
            "  wrap here",
            "  ◦ inner",
            "",
            "1. first",
            "2. second"
        ]
    );
    assert_eq!(lines("3. three\n4. four", 20), vec!["3. three", "4. four"]);
}

#[test]
fn fenced_code_keeps_spaces_and_quotes_get_a_bar() {
    let out = lines(
        "Text:\n\n```python\nx  = 1\nprint(x)\n```\n\n> quoted words",
        30,
    );
    assert_eq!(
        out,
        vec!["Text:", "", "  x  = 1", "  print(x)", "", "│ quoted words"]
    );
}

#[test]
fn links_show_their_url_once() {
    assert_eq!(
        lines("See [the hub](https://huggingface.co).", 60),
        vec!["See the hub (https://huggingface.co)."]
    );
    assert_eq!(lines("<https://hf.co>", 60), vec!["https://hf.co"]);
}

#[test]
fn tables_align_when_they_fit_and_stack_when_not() {
    let md = "| task | model |\n|---|---|\n| embeddings | MiniLM |\n| generation | SmolLM2 |\n";
    assert_eq!(
        lines(md, 40),
        vec![
            "task       │ model",
            "───────────┼────────",
            "embeddings │ MiniLM",
            "generation │ SmolLM2"
        ]
    );
    assert_eq!(
        lines(md, 14),
        vec![
            "• task:",
            "    embeddings",
            "  model:",
            "    MiniLM",
            "",
            "• task:",
            "    generation",
            "  model:",
            "    SmolLM2"
        ]
    );
}

#[test]
fn long_code_lines_are_cut_not_lost() {
    let out = lines("```\nabcdefghijklmnop\n```", 10);
    assert_eq!(out, vec!["  abcdefgh", "  ijklmnop"]);
}

#[test]
fn rule_and_empty_input() {
    assert!(lines("", 20).is_empty());
    assert_eq!(
        lines("a\n\n---\n\nb", 20),
        vec!["a", "", "────────────────────", "", "b"]
    );
}
