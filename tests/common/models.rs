//! Shared helpers for the models_* tests: a fabricated pinned model, wheels, folders and configs
//! that never reach a network. Included by the other files with `#[path]`; it has no tests itself.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};

use hftutor::hub::{Pins, ProvisionConfig, ProvisionEvent};
use sha2::{Digest, Sha256};

pub const REPO: &str = "hftutor-test/tiny-model";
pub const REVISION: &str = "0123456789abcdef0123456789abcdef01234567";
pub const PACKAGE: &str = "tiny-model-pkg";
pub const PREFIX: &str = "tiny_model_pkg/model/";

/// The fabricated model's files.
pub fn files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "config.json",
            br#"{"model_type": "bert", "hidden_size": 8}"#.to_vec(),
        ),
        (
            "tokenizer.json",
            br#"{"version": "1.0", "model": {"type": "WordPiece"}}"#.to_vec(),
        ),
        (
            "1_Pooling/config.json",
            br#"{"pooling_mode_mean_tokens": true}"#.to_vec(),
        ),
        (
            "model.safetensors",
            (0..200_000u32).map(|i| (i % 251) as u8).collect(),
        ),
    ]
}

pub fn content(path: &str) -> Vec<u8> {
    files()
        .into_iter()
        .find(|(p, _)| *p == path)
        .map(|(_, c)| c)
        .expect("known file")
}

pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Pins for the fabricated model (plus nothing else: tests don't depend on the course's pins).
pub fn pins() -> Pins {
    let mut yaml = format!("models:\n  - repo: {REPO}\n    revision: {REVISION}\n    files:\n");
    for (path, bytes) in files() {
        yaml += &format!(
            "      - path: {path}\n        sha256: {}\n        size: {}\n",
            sha256(&bytes),
            bytes.len()
        );
    }
    yaml += &format!(
        "    package:\n      name: {PACKAGE}\n      version: 1.0.0\n      prefix: {PREFIX}\n"
    );
    Pins::from_yaml(&yaml, "test pins").expect("test pins parse")
}

/// A config that can't reach anything: offline, no package fallback, a Python that doesn't exist.
pub fn sealed_config(cache: &Path) -> ProvisionConfig {
    let mut c = ProvisionConfig::new(cache);
    c.offline = true;
    c.package_fallback = false;
    c.python = "/nonexistent/python3".to_string();
    c.endpoint = "http://127.0.0.1:9".to_string();
    c.pins = pins();
    c
}

/// Writes a zip with `entries` (path, bytes).
pub fn write_zip(path: &Path, entries: &[(String, Vec<u8>)]) {
    let file = std::fs::File::create(path).expect("create zip");
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).expect("start file");
        zip.write_all(bytes).expect("write entry");
    }
    zip.finish().expect("finish zip");
}

/// A wheel shaped like the real packages: code, the model folder under PREFIX, dist-info.
/// `tamper` replaces one file's content.
pub fn write_wheel(dir: &Path, tamper: Option<(&str, &[u8])>) -> PathBuf {
    let path = dir.join("tiny_model_pkg-1.0.0-py3-none-any.whl");
    let mut entries = vec![
        (
            "tiny_model_pkg/__init__.py".to_string(),
            b"MODEL = 'model'\n".to_vec(),
        ),
        (
            "tiny_model_pkg/model/README.md".to_string(),
            b"# tiny\n".to_vec(),
        ),
        (
            "tiny_model_pkg-1.0.0.dist-info/METADATA".to_string(),
            b"Name: tiny-model-pkg\n".to_vec(),
        ),
    ];
    for (p, bytes) in files() {
        let bytes = match tamper {
            Some((t, other)) if t == p => other.to_vec(),
            _ => bytes,
        };
        entries.push((format!("{PREFIX}{p}"), bytes));
    }
    write_zip(&path, &entries);
    path
}

/// A plain model folder with the fabricated files.
pub fn write_folder(dir: &Path) {
    for (p, bytes) in files() {
        let full = dir.join(p);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, bytes).expect("write");
    }
}

/// Collects events.
pub fn recorder(log: &mut Vec<ProvisionEvent>) -> impl FnMut(ProvisionEvent) + '_ {
    move |e| log.push(e)
}

pub fn notes(log: &[ProvisionEvent]) -> Vec<String> {
    log.iter()
        .filter_map(|e| match e {
            ProvisionEvent::Note(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

/// Files in `dir` (recursive) whose names end with `suffix`.
pub fn files_ending(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_ending(&p, suffix));
        } else if p.to_string_lossy().ends_with(suffix) {
            out.push(p);
        }
    }
    out
}
