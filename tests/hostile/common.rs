//! Helpers for the hostile probes: a course folder from lesson text, the binary run in a fresh
//! home, and the check that output holds no byte a terminal would act on.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// An OSC 52 sequence: writes "hello" to the clipboard of a terminal that obeys it.
pub const OSC52: &str = "\x1b]52;c;aGVsbG8=\x07";
/// The same, as a YAML double-quoted string spells it (`\e`, `\a`).
pub const OSC52_YAML: &str = "\\e]52;c;aGVsbG8=\\a";
/// How [`OSC52`] looks once shown safely.
pub const OSC52_SHOWN: &str = "^[]52;c;aGVsbG8=^G";

pub const MODELS: &str = "models:\n  sentence-similarity: sentence-transformers/all-MiniLM-L6-v2\n";

/// A small valid lesson; `body` replaces its one paragraph.
pub fn lesson(front: &str, body: &str) -> String {
    format!("---\nid: intro\ntitle: A lesson\nsummary: one step\n{front}---\n\n# A lesson\n\n{body}\n\n## Recap\n\nDone.\n")
}

/// A course folder with `course.yaml` (`extra` appended to a valid one) and `intro.md`.
pub fn course(extra_yaml: &str, lesson_text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = format!("title: T\nlessons: [intro]\n{MODELS}{extra_yaml}");
    std::fs::write(dir.path().join("course.yaml"), yaml).expect("write");
    std::fs::write(dir.path().join("intro.md"), lesson_text).expect("write");
    dir
}

/// The binary with `args`, in a fresh home (no progress, no cache), stdin closed.
pub fn hftutor(args: &[&str], home: &Path) -> Output {
    hftutor_env(args, home, &[])
}

pub fn hftutor_env(args: &[&str], home: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .args(args)
        .env("HFTUTOR_HOME", home)
        .env("HF_HOME", home.join("hf"))
        .env("HF_HUB_OFFLINE", "1")
        .envs(env.iter().copied())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the hftutor binary runs")
}

/// stdout then stderr, as text.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The first control character in `bytes` a terminal could act on (anything but `\n` and `\t`,
/// C1 included), with its offset.
pub fn raw_control(bytes: &[u8]) -> Option<(usize, char)> {
    String::from_utf8_lossy(bytes)
        .char_indices()
        .find(|&(_, c)| c.is_control() && c != '\n' && c != '\t')
}

/// Asserts neither stream of `out` holds a raw control character.
pub fn assert_no_raw_control(out: &Output, what: &str) {
    for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert_eq!(
            raw_control(bytes),
            None,
            "{what}: raw control in {name}: {:?}",
            String::from_utf8_lossy(bytes)
        );
    }
}

/// A parity fixture folder of the repository.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parity")
        .join(name)
}

/// A copy of fixture `name` in a temp folder, for editing.
pub fn fixture_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(fixture(name)).expect("fixture") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            let to = dir.path().join(path.file_name().expect("name"));
            std::fs::copy(&path, to).expect("copy");
        }
    }
    dir
}
