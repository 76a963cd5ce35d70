//! Sampling settings from the command line: a negative temperature is an error like NaN (it was
//! silently greedy), a temperature a hair above 0 (1e-38 … 1e-45) decodes greedily (it gave "A
//! weight is negative…"), and `--top-p 1.5` is refused even when greedy. Errors come before the
//! model is loaded.

use crate::common::*;

fn generate(flags: &[&str]) -> std::process::Output {
    let home = tempfile::tempdir().expect("home");
    let model = fixture("gpt2_tiny");
    let mut args = vec![
        "pipeline",
        "text-generation",
        "--model",
        model.to_str().expect("path"),
        "--max-new-tokens",
        "4",
    ];
    args.extend_from_slice(flags);
    args.push("Hello");
    hftutor(&args, home.path())
}

#[test]
fn bad_sampling_settings_are_errors_before_loading() {
    for (flags, said) in [
        (
            &["--temperature=-1"][..],
            "--temperature -1: temperature must be a number from 0 to 5",
        ),
        (
            &["--temperature=NaN"][..],
            "--temperature NaN: temperature must be a number from 0 to 5",
        ),
        (
            &["--temperature=7"][..],
            "--temperature 7: temperature must be a number from 0 to 5",
        ),
        (
            &["--top-p", "1.5"][..],
            "--top-p 1.5: top_p must be a number above 0 and at most 1",
        ),
        (
            &["--temperature", "0.7", "--top-p", "0"][..],
            "--top-p 0: top_p must be a number above 0 and at most 1",
        ),
    ] {
        let out = generate(flags);
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{flags:?}: {all}");
        assert!(all.contains(said), "{flags:?}: {all}");
        assert!(
            !all.contains("loading"),
            "{flags:?}: refused before loading: {all}"
        );
    }
}

#[test]
fn a_temperature_a_hair_above_zero_decodes_greedily() {
    let greedy = generate(&[]);
    assert!(greedy.status.success(), "{}", text(&greedy));
    for t in ["1e-38", "1e-40", "1e-45", "1e-300"] {
        let flag = format!("--temperature={t}");
        let out = generate(&[&flag, "--seed", "3"]);
        assert!(out.status.success(), "{t}: {}", text(&out));
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&greedy.stdout),
            "{t}: the same text as greedy"
        );
    }
}
