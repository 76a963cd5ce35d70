//! Repo ids are Hub ids (issue 13, probe 5): a folder in the current directory named like a repo
//! (`./sentence-transformers/all-MiniLM-L6-v2/`, a course's `models/vit_tiny`) never shadows
//! the cached model. Only what is written as a path (`./x`, `../x`, `/x`, `~/x`) is a folder.

use std::process::Command;

/// `hftutor pipeline …` run from `cwd`, offline, with an empty cache.
fn pipeline_in(cwd: &std::path::Path, args: &[&str]) -> std::process::Output {
    let home = cwd.join(".home");
    Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .arg("pipeline")
        .args(args)
        .current_dir(cwd)
        .env("HFTUTOR_HOME", &home)
        .env("HF_HOME", home.join("hf"))
        .env("HF_HUB_OFFLINE", "1")
        .env("HFTUTOR_PACKAGE_FALLBACK", "0")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("hftutor runs")
}

fn said(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_folder_named_like_a_repo_does_not_shadow_the_hub_id() {
    let cwd = tempfile::tempdir().expect("tempdir");
    let fake = cwd.path().join("sentence-transformers/all-MiniLM-L6-v2");
    std::fs::create_dir_all(&fake).expect("mkdir");
    std::fs::write(fake.join("config.json"), "planted by someone else").expect("write");

    let hub = pipeline_in(
        cwd.path(),
        &[
            "feature-extraction",
            "--model",
            "sentence-transformers/all-MiniLM-L6-v2",
            "hi",
        ],
    );
    let text = said(&hub);
    assert_eq!(hub.status.code(), Some(1), "{text}");
    assert!(
        !text.contains("not valid JSON"),
        "the folder was read: {text}"
    );
    assert!(text.contains("all-MiniLM-L6-v2"), "{text}");

    // Written as a path, the folder is what runs (and its planted config is refused).
    let folder = pipeline_in(
        cwd.path(),
        &[
            "feature-extraction",
            "--model",
            "./sentence-transformers/all-MiniLM-L6-v2",
            "hi",
        ],
    );
    let text = said(&folder);
    assert_eq!(folder.status.code(), Some(1), "{text}");
    assert!(text.contains("config.json is not valid JSON"), "{text}");
}

#[test]
fn a_folder_that_is_no_hub_id_says_how_to_name_it() {
    let cwd = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(cwd.path().join("my models/v1")).expect("mkdir");
    let out = pipeline_in(
        cwd.path(),
        &["fill-mask", "--model", "my models/v1", "a [MASK]"],
    );
    let text = said(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("write it as ./my models/v1"), "{text}");
}
