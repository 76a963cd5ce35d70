//! Text from a course, a model, a tokenizer or a student's file is shown with its control
//! characters visible (`^[`, `^G`, `<U+009B>`), from every command; JSON keeps them escaped.

use std::path::Path;

use crate::common::*;

/// Courses whose bad key, title or exercise id holds an OSC 52 sequence, and whether `check`
/// names it in an error (then the shown form must be in the output).
fn osc_courses() -> Vec<(&'static str, tempfile::TempDir, bool)> {
    let plain = lesson("", "Some words.");
    let exercise = format!(
        "```exercise\nid: \"e{OSC52_YAML}\"\ntask: sentence-similarity\ngoal: \"Find{OSC52_YAML} two\"\ncheck:\n  similarity: {{min: 0.5}}\nfeedback: {{pass: Well done., fail: Try again.}}\nhints: Say it twice.\nsolution: [[\"I love this course.\", \"This class is wonderful.\"]]\n```"
    );
    vec![
        (
            "course.yaml key",
            course(&format!("\"bogus{OSC52_YAML}\": 1\n"), &plain),
            true,
        ),
        (
            "front-matter key",
            course(
                "",
                &lesson(&format!("\"x{OSC52_YAML}\": 1\n"), "Some words."),
            ),
            true,
        ),
        (
            "lesson title",
            course(
                "",
                &lesson("", &format!("Some words.\n\n## Empty{OSC52}\n")).replace(
                    "title: A lesson",
                    &format!("title: \"A lesson{OSC52_YAML}\"\nconcepts: [\"c{OSC52_YAML}\"]"),
                ),
            ),
            false,
        ),
        (
            "exercise id and goal",
            course("", &lesson("", &exercise)),
            true,
        ),
        (
            "lesson text",
            course(
                "",
                &lesson("", &format!("Some {OSC52} words.\n\n# Head{OSC52}ing")),
            ),
            false,
        ),
    ]
}

#[test]
fn osc52_in_a_course_is_shown_not_sent_by_check_and_at_start_up() {
    let home = tempfile::tempdir().expect("home");
    for (what, dir, named) in osc_courses() {
        let d = dir.path().to_str().expect("utf-8 path");
        for args in [
            vec!["check", d],
            vec!["--course", d],
            vec!["progress", "--course", d],
        ] {
            let out = hftutor(&args, home.path());
            assert_no_raw_control(&out, &format!("{what}, {args:?}"));
            if named && args[0] != "progress" {
                assert!(
                    text(&out).contains(OSC52_SHOWN),
                    "{what}, {args:?}: the sequence is shown: {}",
                    text(&out)
                );
            }
        }
    }
}

#[test]
fn check_json_keeps_controls_escaped_and_exact() {
    let home = tempfile::tempdir().expect("home");
    // C1 CSI (U+009B) too, which serde_json alone writes raw.
    let dir = course(
        &format!("\"bogus{OSC52_YAML}\\x9b\": 1\n"),
        &lesson("", "Some words."),
    );
    let out = hftutor(
        &[
            "check",
            dir.path().to_str().expect("path"),
            "--format",
            "json",
        ],
        home.path(),
    );
    assert_no_raw_control(&out, "check --format json");
    let list: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("check --format json prints JSON");
    let message = list[0]["message"].as_str().expect("a message");
    assert!(
        message.contains(&format!("bogus{OSC52}\u{9b}")),
        "the JSON string holds the key exactly: {message:?}"
    );
}

#[test]
fn a_progress_title_from_the_course_is_shown() {
    let home = tempfile::tempdir().expect("home");
    let text_ = lesson("", "Some words.").replace(
        "title: A lesson",
        &format!("title: \"A lesson{OSC52_YAML}\""),
    );
    let dir = course("", &text_);
    let out = hftutor(
        &["progress", "--course", dir.path().to_str().expect("path")],
        home.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_no_raw_control(&out, "progress");
    assert!(
        text(&out).contains(&format!("A lesson{OSC52_SHOWN}")),
        "{}",
        text(&out)
    );
}

/// The tiny GPT-2 with a decoder that turns every "nin" it writes into an OSC 52 sequence, as a
/// tokenizer from anywhere may.
fn gpt2_writing_escapes() -> tempfile::TempDir {
    let dir = fixture_copy("gpt2_tiny");
    let path = dir.path().join("tokenizer.json");
    let mut tok: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    let byte_level = tok["decoder"].clone();
    tok["decoder"] = serde_json::json!({"type": "Sequence", "decoders": [
        byte_level,
        {"type": "Replace", "pattern": {"String": "nin"}, "content": OSC52}
    ]});
    std::fs::write(&path, tok.to_string()).expect("write");
    dir
}

fn pipeline(home: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["pipeline"];
    all.extend_from_slice(args);
    hftutor(&all, home)
}

#[test]
fn generated_escapes_are_shown_and_json_keeps_them_escaped() {
    let home = tempfile::tempdir().expect("home");
    let model = gpt2_writing_escapes();
    let m = model.path().to_str().expect("path");
    let args = [
        "text-generation",
        "--model",
        m,
        "--max-new-tokens",
        "5",
        "Hello",
    ];
    let out = pipeline(home.path(), &args);
    assert!(out.status.success(), "{}", text(&out));
    assert_no_raw_control(&out, "pipeline text-generation");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("Hello{OSC52_SHOWN}")),
        "{}",
        text(&out)
    );

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let out = pipeline(home.path(), &json_args);
    assert_no_raw_control(&out, "pipeline --json");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let generated = v[0]["generated_text"].as_str().expect("generated_text");
    assert!(
        generated.starts_with(&format!("Hello{OSC52}")),
        "{generated:?}"
    );
}

#[test]
fn tokens_that_are_escapes_are_shown() {
    let home = tempfile::tempdir().expect("home");
    let model = tempfile::tempdir().expect("model");
    // A word-level tokenizer whose normalizer turns "hello" into an OSC 52 sequence.
    let tokenizer = serde_json::json!({
        "version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
        "normalizer": {"type": "Replace", "pattern": {"String": "hello"}, "content": OSC52},
        "pre_tokenizer": {"type": "WhitespaceSplit"},
        "post_processor": null, "decoder": null,
        "model": {"type": "WordLevel", "vocab": {"[UNK]": 0, OSC52: 1}, "unk_token": "[UNK]"}
    });
    std::fs::write(model.path().join("tokenizer.json"), tokenizer.to_string()).expect("write");
    let m = model.path().to_str().expect("path");
    let out = pipeline(home.path(), &["tokenize", "--model", m, "hello"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_no_raw_control(&out, "pipeline tokenize");
    assert!(text(&out).contains(OSC52_SHOWN), "{}", text(&out));
}

#[test]
fn a_label_from_the_model_config_is_shown() {
    let home = tempfile::tempdir().expect("home");
    let model = fixture_copy("bert_cls");
    let path = model.path().join("config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
    for id in ["0", "1", "2"] {
        config["id2label"][id] = format!("L{id}{OSC52}\u{9d}0;title\u{9c}").into();
    }
    std::fs::write(&path, config.to_string()).expect("write");
    let m = model.path().to_str().expect("path");
    let out = pipeline(
        home.path(),
        &["text-classification", "--model", m, "I love it"],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_no_raw_control(&out, "pipeline text-classification");
    assert!(
        text(&out).contains(&format!("{OSC52_SHOWN}<U+009D>0;title<U+009C>")),
        "{}",
        text(&out)
    );
}

#[test]
fn a_student_file_in_the_class_report_is_shown() {
    let home = tempfile::tempdir().expect("home");
    let dir = tempfile::tempdir().expect("dir");
    let export = serde_json::json!({
        "format": "hftutor-progress/1", "student": format!("eve{OSC52}"),
        "course": format!("T{OSC52}"),
        "lessons": [{"id": format!("intro{OSC52}"), "title": "t", "done": false,
            "exercises": [{"id": format!("e{OSC52}"), "done": true, "attempts": 2, "hints_used": 0}],
            "quizzes": []}]
    });
    let file = dir.path().join("eve.json");
    std::fs::write(&file, export.to_string()).expect("write");
    let f = file.to_str().expect("path");
    for args in [
        vec!["class", "report", f],
        vec!["class", "report", f, "--csv"],
    ] {
        let out = hftutor(&args, home.path());
        assert!(out.status.success(), "{}", text(&out));
        assert_no_raw_control(&out, &format!("{args:?}"));
        assert!(
            text(&out).contains(&format!("intro{OSC52_SHOWN}")),
            "{}",
            text(&out)
        );
    }
}

/// The one path: nothing in `src/` prints but `src/cli/out.rs` (which shows controls).
#[test]
fn only_the_safe_output_module_prints() {
    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut printing = Vec::new();
    for f in &all {
        if f.ends_with("cli/out.rs") {
            continue;
        }
        let code = std::fs::read_to_string(f).expect("read");
        let code = code
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            let line = line.split("//").next().unwrap_or_default();
            for mac in ["println!", "print!", "eprintln!", "eprint!", "dbg!"] {
                let at = line
                    .match_indices(mac)
                    .any(|(i, _)| !line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
                if at {
                    printing.push(format!("{}:{}: {mac}", f.display(), n + 1));
                }
            }
        }
    }
    assert!(all.len() > 50, "found the sources");
    assert_eq!(
        printing,
        Vec::<String>::new(),
        "print through src/cli/out.rs"
    );
}
