//! `kind: code` exercises in a lesson file: the starter becomes the cell, code checks are only
//! for code, fields-only keys are refused with what to do, and a solution that can't parse is
//! reported at its line.

use std::path::Path;

use hftutor::course::{check_course, Block, Kind, Problem};

const COURSE: &str = "title: T\nlessons: [lesson]\nmodels:\n  text-classification: m\n";

fn problems(dir: &Path, exercise: &str) -> Vec<Problem> {
    std::fs::write(dir.join("course.yaml"), COURSE).expect("write");
    let lesson =
        format!("---\nid: l\ntitle: L\nsummary: S\n---\n\n## Step\n\n```exercise\n{exercise}```\n");
    std::fs::write(dir.join("lesson.md"), lesson).expect("write");
    check_course(Some(dir), &hftutor::attempt::Rules)
        .into_iter()
        .filter(|p| !p.warning)
        .collect()
}

const GOOD: &str = r#"id: cell
kind: code
task: text-classification
goal: Make it say NEGATIVE.
starter: |
  from transformers import pipeline
  classifier = pipeline("sentiment-analysis")
check:
  label: NEGATIVE
  keywords: [top_k]
  printed: [NEGATIVE]
  code_not_contains: ['"NEGATIVE"']
feedback: {pass: yes, fail: no}
hints: [one]
solution:
  - |
    from transformers import pipeline
    classifier = pipeline("sentiment-analysis", top_k=1)
    classifier("awful")
counterexample:
  - print('NEGATIVE')
"#;

#[test]
fn a_code_exercise_loads_with_its_starter_as_the_cell() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(problems(dir.path(), GOOD), Vec::<Problem>::new());
    let course =
        hftutor::course::load_dir(dir.path(), &hftutor::attempt::Rules).expect("the course loads");
    let exercise = course.lessons[0]
        .steps
        .iter()
        .flat_map(|s| &s.blocks)
        .find_map(|b| match b {
            Block::Exercise(e) => Some(e.clone()),
            _ => None,
        })
        .expect("the exercise");
    assert_eq!(exercise.kind, Kind::Code);
    assert_eq!(exercise.inputs.len(), 1);
    assert!(exercise.inputs[0]
        .default
        .starts_with("from transformers import pipeline\n"));
    assert_eq!(exercise.check.code.keywords, ["top_k"]);
    assert_eq!(exercise.check.code.printed, ["NEGATIVE"]);
    assert_eq!(exercise.solutions.len(), 1);
}

fn messages(exercise: &str) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    problems(dir.path(), exercise)
        .into_iter()
        .map(|p| format!("{}:{}: {}", p.line, p.col, p.message))
        .collect()
}

#[test]
fn fields_keys_in_a_code_exercise_say_what_to_do() {
    let m = messages(&GOOD.replace(
        "starter: |",
        "inputs: [Sentence]\nparams: {top_k: 2}\nruns: 2\nx_starter: |",
    ));
    let all = m.join("\n");
    assert!(
        all.contains("unknown field `x_starter`") || all.contains("x_starter"),
        "{all}"
    );
    let m = messages(&GOOD.replace("kind: code\n", "kind: code\ninputs: [Sentence]\nruns: 2\n"));
    let all = m.join("\n");
    assert!(
        all.contains("is a code exercise: its one input is the code: remove `inputs`"),
        "{all}"
    );
    assert!(all.contains("remove `runs`"), "{all}");
}

#[test]
fn code_checks_and_starters_need_kind_code() {
    let m = messages(&GOOD.replace("kind: code\n", ""));
    let all = m.join("\n");
    assert!(
        all.contains("starter is the code a code cell starts with: add `kind: code`"),
        "{all}"
    );
    assert!(
        all.contains("check \"keywords\" judges a code cell"),
        "{all}"
    );
    assert!(
        all.contains("check \"printed\" judges a code cell"),
        "{all}"
    );
}

#[test]
fn an_unknown_kind_gets_a_did_you_mean() {
    let all = messages(&GOOD.replace("kind: code", "kind: cod")).join("\n");
    assert!(
        all.contains("unknown kind \"cod\" (did you mean \"code\"?)"),
        "{all}"
    );
}

#[test]
fn a_solution_that_cannot_parse_is_reported_where_it_is() {
    let broken = GOOD.replace("    classifier(\"awful\")\n", "    classifier(\"awful\"\n");
    let m = messages(&broken);
    let all = m.join("\n");
    assert!(
        all.contains("solution 1 can't pass: its code has a SyntaxError on line"),
        "{all}"
    );
    // A hard-coded answer in a solution is caught without running it.
    let cheat = GOOD.replace("    classifier(\"awful\")\n", "    print(\"NEGATIVE\")\n");
    let all = messages(&cheat).join("\n");
    assert!(
        all.contains("solution 1 can't pass: your code writes"),
        "{all}"
    );
}
