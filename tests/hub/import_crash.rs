//! `hftutor models import` survives kill -9: the real binary imports a model folder (or a wheel) of
//! a few MB of random weights into a temp HF cache and is killed at many different moments. After
//! every kill the cache holds that model either not at all or complete and byte-identical to a
//! source (never a half-written file under a final name in blobs/ or snapshots/, never a
//! `refs/main` naming an incomplete snapshot), the pipelines' file lookup returns nothing or whole
//! files, and the next import completes.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{files_ending, sha256, write_zip};
use hftutor::domain::ModelRef;
use hftutor::hub::{Provision, ProvisionConfig};

const REPO: &str = "crash-test/tiny-weights";
const REPO_FOLDER: &str = "models--crash-test--tiny-weights";

/// A model: repo path → bytes.
type Model = BTreeMap<String, Vec<u8>>;

/// Deterministic noise (xorshift), so a failing round can be rerun with the same bytes.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// A sharded model of about 7 MB; `seed` changes every file's content.
fn model(seed: u64) -> Model {
    let mut m = Model::new();
    let json = |s: &str| s.as_bytes().to_vec();
    m.insert(
        "config.json".into(),
        json(&format!("{{\"model_type\": \"bert\", \"seed\": {seed}}}")),
    );
    m.insert(
        "tokenizer.json".into(),
        json(&format!("{{\"version\": \"1.0\", \"seed\": {seed}}}")),
    );
    m.insert(
        "1_Pooling/config.json".into(),
        json(&format!(
            "{{\"pooling_mode_mean_tokens\": true, \"seed\": {seed}}}"
        )),
    );
    m.insert(
        "model.safetensors.index.json".into(),
        json(&format!("{{\"weight_map\": {{}}, \"seed\": {seed}}}")),
    );
    // Small files too, as a tokenizer folder has them: they widen the moment between the
    // first and the last snapshot link.
    for i in 0..24 {
        m.insert(
            format!("extra/vocab-{i:02}.txt"),
            json(&format!("{seed} {i}\n")),
        );
    }
    for (i, mb) in [(1u64, 4usize), (2, 3)] {
        m.insert(
            format!("model-0000{i}-of-00002.safetensors"),
            noise(seed * 10 + i, mb * 1024 * 1024 + 12_345),
        );
    }
    m
}

fn write_folder(dir: &Path, m: &Model) {
    for (path, bytes) in m {
        let full = dir.join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, bytes).expect("write source file");
    }
}

/// A wheel with the model under a package folder, as the course's packages ship them.
fn write_wheel(path: &Path, m: &Model) {
    let mut entries: Vec<(String, Vec<u8>)> = m
        .iter()
        .map(|(p, b)| (format!("crashy_pkg/model/{p}"), b.clone()))
        .collect();
    entries.push(("crashy_pkg/__init__.py".into(), b"# code\n".to_vec()));
    entries.push((
        "crashy_pkg-1.0.dist-info/METADATA".into(),
        b"Name: crashy\n".to_vec(),
    ));
    write_zip(path, &entries);
}

fn import_command(cache: &Path, source: &Path) -> Command {
    import_as(cache, source, REPO)
}

fn import_as(cache: &Path, source: &Path, repo: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hftutor"));
    cmd.args(["models", "import"])
        .arg(source)
        .args(["--repo", repo])
        .env("HF_HUB_CACHE", cache)
        .env("HF_HUB_OFFLINE", "1")
        .env("HFTUTOR_PACKAGE_FALLBACK", "0")
        .env("HFTUTOR_PYTHON", "/nonexistent/python3")
        .env("HF_ENDPOINT", "http://127.0.0.1:9");
    cmd
}

fn import_to_the_end(cache: &Path, source: &Path) -> Output {
    let out = import_command(cache, source)
        .stdin(Stdio::null())
        .output()
        .expect("run hftutor models import");
    assert!(
        out.status.success(),
        "import of {} failed: {}{}",
        source.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every file under `dir` (following links), as repo paths, with the names of temp entries apart.
fn walk(dir: &Path, prefix: &str, files: &mut Vec<(String, PathBuf)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let path = e.path();
        if std::fs::metadata(&path).is_ok_and(|m| m.is_dir()) {
            walk(&path, &rel, files);
        } else {
            files.push((rel, path));
        }
    }
}

/// Temp names the import may leave behind a kill: they are never read as model files.
fn is_temp(name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    base.ends_with(".hftutor-part") || base.starts_with(".link") || base.starts_with(".main")
}

/// What a kill left. Panics on anything a reader could mistake for a model file that isn't one.
/// Returns whether the kill visibly landed mid-import (temp files or blobs without a main).
fn check_cache(cache: &Path, models: &[(&str, &Model)], label: &str) -> bool {
    let repo = cache.join(REPO_FOLDER);
    let mut mid_import = false;

    // blobs/: every final name is the sha256 of its whole content.
    let mut blobs = Vec::new();
    walk(&repo.join("blobs"), "", &mut blobs);
    for (name, path) in &blobs {
        if is_temp(name) {
            mid_import = true;
            continue;
        }
        let bytes = std::fs::read(path).expect("read blob");
        assert_eq!(&sha256(&bytes), name, "{label}: blobs/{name} is not whole");
    }

    // snapshots/: each revision is exactly one complete source (a half-linked new revision
    // waits in .hftutor-staging/, where huggingface_hub doesn't look).
    mid_import |= repo.join(".hftutor-staging").exists();
    let mut complete = BTreeMap::new();
    if let Ok(rd) = std::fs::read_dir(repo.join("snapshots")) {
        for e in rd.flatten() {
            let rev = e.file_name().to_string_lossy().into_owned();
            let mut files = Vec::new();
            walk(&e.path(), "", &mut files);
            let mut got = Model::new();
            for (rel, path) in files {
                if is_temp(&rel) {
                    mid_import = true;
                    continue;
                }
                let bytes = std::fs::read(&path)
                    .unwrap_or_else(|err| panic!("{label}: snapshots/{rev}/{rel}: {err}"));
                got.insert(rel, bytes);
            }
            let matches = models.iter().find(|(r, m)| *r == rev && **m == got);
            assert!(
                matches.is_some(),
                "{label}: snapshots/{rev} is not a complete model: it has {:?}",
                got.iter().map(|(p, b)| (p, b.len())).collect::<Vec<_>>()
            );
            complete.insert(rev, got);
        }
    }

    // refs/main: absent, or naming a complete snapshot.
    match std::fs::read_to_string(repo.join("refs/main")) {
        Ok(main) => assert!(
            complete.contains_key(main.trim()),
            "{label}: refs/main names {main:?}, not a complete snapshot"
        ),
        Err(_) => mid_import |= !blobs.is_empty(),
    }
    if let Ok(rd) = std::fs::read_dir(repo.join("refs")) {
        mid_import |= rd
            .flatten()
            .any(|e| is_temp(&e.file_name().to_string_lossy()));
    }

    // The pipelines' lookup: nothing, or whole files all from one source.
    let mut config = ProvisionConfig::new(cache);
    config.offline = true;
    config.package_fallback = false;
    let p = Provision::new(config);
    let mut seen_from: Option<&str> = None;
    for path in models[0].1.keys() {
        match p.file(&ModelRef::new(REPO), path, &mut |_| {}) {
            Err(_) => assert!(
                seen_from.is_none(),
                "{label}: {path} missing from a used model"
            ),
            Ok(found) => {
                let bytes = std::fs::read(&found).expect("read looked-up file");
                let from = models
                    .iter()
                    .find(|(_, m)| m.get(path) == Some(&bytes))
                    .map(|(rev, _)| *rev)
                    .unwrap_or_else(|| panic!("{label}: lookup of {path} gave a partial file"));
                assert!(
                    seen_from.is_none_or(|s| s == from),
                    "{label}: lookup mixes two imports"
                );
                seen_from = Some(from);
            }
        }
    }
    mid_import
}

fn revision_of(cache: &Path) -> String {
    let main = std::fs::read_to_string(cache.join(REPO_FOLDER).join("refs/main")).expect("main");
    main.trim().to_string()
}

#[test]
fn kill_9_during_imports_never_leaves_a_partial_model() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b) = (model(1), model(2));
    let folder_a = tmp.path().join("model-a");
    let folder_b = tmp.path().join("model-b");
    let wheel_a = tmp.path().join("crashy_pkg-1.0-py3-none-any.whl");
    write_folder(&folder_a, &a);
    write_folder(&folder_b, &b);
    write_wheel(&wheel_a, &a);

    // A clean import of each, to learn the revisions and how long a whole run takes.
    let mut full = Duration::ZERO;
    let mut revs = Vec::new();
    for (i, src) in [&folder_a, &folder_b, &wheel_a].into_iter().enumerate() {
        let cache = tmp.path().join(format!("clean-{i}"));
        let started = Instant::now();
        import_to_the_end(&cache, src);
        full = full.max(started.elapsed());
        revs.push(revision_of(&cache));
        check_cache(&cache, &[(&revs[i], if i == 1 { &b } else { &a })], "clean");
    }
    assert_eq!(
        revs[0], revs[2],
        "a folder and a wheel of the same files agree"
    );
    assert_ne!(revs[0], revs[1]);
    let models: [(&str, &Model); 2] = [(&revs[0], &a), (&revs[1], &b)];
    let window_ms = (full.as_millis() as u64 * 13 / 10).max(20);
    eprintln!("a whole import takes {full:?}; killing 0..{window_ms} ms after spawn");

    // Rounds: a fresh cache each time (kills during a first import), or one kept cache that
    // collects what every kill leaves and switches between two contents (kills during a
    // re-import over a complete older model).
    let kept = tmp.path().join("kept");
    let rounds = 60u64;
    let mut mid = 0;
    let mut in_links = 0;
    for round in 0..rounds {
        let fresh = round % 3 == 0;
        let cache = if fresh {
            tmp.path().join(format!("fresh-{round}"))
        } else {
            kept.clone()
        };
        let source = match round % 4 {
            0 | 2 => &folder_a,
            1 => &folder_b,
            _ => &wheel_a,
        };
        // Spread kills over the whole run, in a scrambled order so that neighbouring rounds differ.
        let delay = Duration::from_millis((round * 37 % rounds) * window_ms / rounds);
        let mut child = import_command(&cache, source)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the import");
        if fresh && round % 2 == 1 {
            // Aim at the links: kill as soon as the snapshot folder appears.
            let snapshots = cache.join(REPO_FOLDER).join("snapshots");
            let deadline = Instant::now() + Duration::from_secs(20);
            while !snapshots.exists() && Instant::now() < deadline {
                if child.try_wait().ok().flatten().is_some() {
                    break;
                }
                std::thread::yield_now();
            }
        } else {
            std::thread::sleep(delay);
        }
        let _ = child.kill();
        child.wait().expect("reap");
        let label = format!("round {round} ({delay:?}, {})", source.display());
        let staged = cache.join(REPO_FOLDER).join(".hftutor-staging").exists();
        in_links += usize::from(staged);
        if check_cache(&cache, &models, &label) {
            mid += 1;
        }
        // Now and then, and after every fresh round, the next import must finish and be whole.
        if fresh || round % 5 == 4 {
            import_to_the_end(&cache, source);
            check_cache(&cache, &models, &format!("{label}, then a whole import"));
            let want = if source == &folder_b {
                &revs[1]
            } else {
                &revs[0]
            };
            assert_eq!(&revision_of(&cache), want, "{label}");
            assert!(
                files_ending(&cache, ".hftutor-part").is_empty(),
                "{label}: a temp file survived the next import"
            );
            if fresh {
                let _ = std::fs::remove_dir_all(&cache);
            }
        }
    }
    eprintln!(
        "{mid} of {rounds} kills landed in the middle of an import, {in_links} while linking"
    );
    assert!(
        mid >= 3,
        "too few kills landed mid-import ({mid}): the test proves nothing"
    );
}

/// The CLI says in plain words that a pinned file with the wrong sha256 was refused (the
/// library-level refusal is tested in models_provision.rs; this is what the student reads).
#[test]
fn cli_refuses_a_pinned_file_with_the_wrong_sha256() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let pins = hftutor::hub::Pins::embedded()
        .as_ref()
        .expect("embedded pins parse");
    let pin = pins
        .models
        .iter()
        .find(|m| !m.files.is_empty())
        .expect("the course pins a model");
    // A folder with every pinned file present, but not the pinned content.
    let folder = tmp.path().join("fake");
    for f in &pin.files {
        let full = f
            .path
            .split('/')
            .fold(folder.clone(), |p, part| p.join(part));
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(&full, b"{}").expect("write");
    }
    let cache = tmp.path().join("hub");
    let out = import_as(&cache, &folder, &pin.repo)
        .output()
        .expect("run hftutor models import");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "a wrong file was accepted: {said}");
    let first = &pin.files[0];
    for needle in [
        "refused",
        "sha256",
        first.path.as_str(),
        first.sha256.as_str(),
        &sha256(b"{}"),
    ] {
        assert!(
            said.contains(needle),
            "the message lacks {needle:?}: {said}"
        );
    }
    assert!(!said.contains("panicked"), "{said}");
    // Nothing of it is visible in the cache.
    let mut left = Vec::new();
    walk(&cache, "", &mut left);
    let visible: Vec<_> = left
        .iter()
        .filter(|(rel, _)| rel.contains("/snapshots/") || rel.contains("/refs/"))
        .collect();
    assert!(visible.is_empty(), "a refused import left {visible:?}");
    assert!(files_ending(&cache, ".hftutor-part").is_empty());
}
