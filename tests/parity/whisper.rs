//! automatic-speech-recognition parity: tiny random Whisper models made with transformers
//! (tests/fixtures/parity/make_whisper_fixture.py: an English-only one and a multilingual one)
//! give, through hftutor's normal loading path, transformers' log-mel features and first-step
//! logits within 1e-4 and the same token ids and text exactly, greedy, with 3 beams and with the
//! pipeline's default (5 beams). Also: the resampled 44.1 / 48 kHz clips, the stereo float clip,
//! and a clear message for each bad input.

use std::path::PathBuf;

use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::Seq2SeqParams;
use hftutor::domain::StopReason;
use hftutor::domain::Stream;
use hftutor::domain::Task;
use hftutor::domain::Transcription;
use hftutor::hub::Provision;
use hftutor::inference;
use hftutor::inference::preprocess::log_mel;
use hftutor::inference::preprocess::wav;
use hftutor::inference::Pipeline;
use hftutor::inference::PipelineError;
use serde_json::Value;

const TOLERANCE: f64 = 1e-4;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity")
}

fn clip(name: &str) -> String {
    fixtures()
        .join("whisper_audio")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn load(name: &str) -> Box<dyn Pipeline> {
    inference::load(
        Task::AutomaticSpeechRecognition,
        &ModelRef::new(fixtures().join(name).to_string_lossy()),
        &Provision::from_env(),
        &mut |_| {},
    )
    .expect("the fixture model loads")
}

fn expected(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(name).join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn transcribe(
    p: &mut Box<dyn Pipeline>,
    file: &str,
    params: &RunParams,
) -> Result<(Transcription, String), PipelineError> {
    let mut streamed = String::new();
    let out = p.run(&[clip(file)], params, 1, &mut |s| {
        if let Stream::Text { text, .. } = s {
            streamed.push_str(&text);
        }
        true
    })?;
    let PipelineOutput::Transcriptions(mut t) = out else {
        panic!("a transcription expected, got {out:?}")
    };
    assert_eq!(t.len(), 1);
    Ok((t.remove(0), streamed))
}

/// Features of `file` against the recorded ones; returns the largest difference.
fn check_features(file: &str, want: &Value) -> f64 {
    let audio = wav::read(std::path::Path::new(&clip(file))).unwrap();
    let got = log_mel::LogMel::new(80)
        .unwrap()
        .features(&audio.samples)
        .unwrap();
    assert_eq!(got.len(), 80 * log_mel::N_FRAMES);
    let mut worst: f64 = 0.0;
    let mut diff = |g: f32, w: f64| worst = worst.max((f64::from(g) - w).abs());
    let frames = want["head_frames"].as_u64().unwrap() as usize;
    for (m, row) in want["head"].as_array().unwrap().iter().enumerate() {
        for (t, w) in row.as_array().unwrap().iter().enumerate().take(frames) {
            diff(got[m * log_mel::N_FRAMES + t], w.as_f64().unwrap());
        }
    }
    let step = &want["grid_step"];
    let (ms, ts) = (
        step[0].as_u64().unwrap() as usize,
        step[1].as_u64().unwrap() as usize,
    );
    for (i, row) in want["grid"].as_array().unwrap().iter().enumerate() {
        for (j, w) in row.as_array().unwrap().iter().enumerate() {
            diff(
                got[i * ms * log_mel::N_FRAMES + j * ts],
                w.as_f64().unwrap(),
            );
        }
    }
    for v in want["values"].as_array().unwrap() {
        let (m, t) = (
            v[0].as_u64().unwrap() as usize,
            v[1].as_u64().unwrap() as usize,
        );
        diff(got[m * log_mel::N_FRAMES + t], v[2].as_f64().unwrap());
    }
    let max = got.iter().copied().fold(f32::MIN, f32::max);
    let min = got.iter().copied().fold(f32::MAX, f32::min);
    diff(max, want["max"].as_f64().unwrap());
    diff(min, want["min"].as_f64().unwrap());
    let mean = got.iter().map(|&v| f64::from(v)).sum::<f64>() / got.len() as f64;
    diff(mean as f32, want["mean"].as_f64().unwrap());
    worst
}

fn ids(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

fn check_parity(name: &str) {
    let mut p = load(name);
    let exp = expected(name);
    let runs = exp["runs"].as_array().unwrap();
    assert!(runs.len() >= 3);
    let mut worst: f64 = 0.0;
    for run in runs {
        let file = run["clip"].as_str().unwrap();
        worst = worst.max(check_features(file, &run["features"]));
        let limit = run["max_new_tokens"].as_u64().unwrap() as usize;
        let with_beams = |num_beams: Option<usize>| RunParams {
            max_new_tokens: limit,
            language: run["language"].as_str().map(str::to_string),
            seq2seq: Seq2SeqParams {
                num_beams,
                max_new_tokens: Some(limit),
                ..Seq2SeqParams::default()
            },
            ..RunParams::default()
        };
        // Greedy (ids from generate(), text from the pipeline with num_beams=1), 3 beams, and
        // the pipeline's own default (5 beams: ids from generate(num_beams=5)).
        let cases = [
            (Some(1), "generated", "text"),
            (Some(3), "generated_beams3", "text_beams3"),
            (None, "generated_beams5", "text_pipeline_default"),
        ];
        for (beams, ids_key, text_key) in cases {
            let params = with_beams(beams);
            let (t, streamed) = transcribe(&mut p, file, &params).unwrap();
            let ctx = format!(
                "{name} {file} language {:?} beams {beams:?}",
                params.language
            );
            assert_eq!(t.token_ids, vec![ids(&run[ids_key])], "{ctx}");
            assert_eq!(t.text, run[text_key].as_str().unwrap(), "{ctx}");
            assert_eq!(streamed, t.text, "{ctx}: the streamed text");
            let max_tokens = t.token_ids[0].len() == params.max_new_tokens;
            assert_eq!(t.stop == StopReason::MaxTokens, max_tokens, "{ctx}");
        }
        assert_ne!(
            run["generated"], run["generated_beams3"],
            "beams should change the ids"
        );
        let ctx = format!("{name} {file} language {:?}", run["language"]);
        let notes = p.last_notes().join("\n");
        if !file.contains("16k") {
            assert!(notes.contains("resampled it to 16000 Hz"), "{ctx}: {notes}");
        }
        if file.starts_with("stereo") {
            assert!(notes.contains("averaged them"), "{ctx}: {notes}");
        }
        if run["language"].is_null() && name.contains("multi") {
            assert!(notes.contains("guessed the language"), "{ctx}: {notes}");
        }
    }
    eprintln!("{name}: largest log-mel feature difference from transformers {worst:.2e}");
    assert!(worst < TOLERANCE, "{name}: features differ by {worst}");
}

#[test]
fn english_only_whisper_matches_transformers() {
    check_parity("whisper_tiny");
}

#[test]
fn multilingual_whisper_matches_transformers() {
    check_parity("whisper_tiny_multi");
}

/// `hftutor pipeline automatic-speech-recognition --model FOLDER [--language L]
/// [--max-new-tokens N] --json FILE` prints `{"text": …}` with transformers' text.
fn cli_json(model: &str, extra: &[&str], file: &str) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .args(["pipeline", "automatic-speech-recognition", "--model"])
        .arg(fixtures().join(model))
        .args(extra)
        .arg("--json")
        .arg(clip(file))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn command_line_json_is_shaped_like_transformers() {
    let exp = expected("whisper_tiny_multi");
    let fr = &exp["runs"][1];
    assert_eq!(fr["language"], "fr");
    let got = cli_json(
        "whisper_tiny_multi",
        &[
            "--language",
            "fr",
            "--max-new-tokens",
            "40",
            "--num-beams",
            "1",
        ],
        "tones_16k.wav",
    );
    assert_eq!(got, serde_json::json!({ "text": fr["text"] }));
    let exp = expected("whisper_tiny");
    let short = &exp["runs"][1];
    assert_eq!(short["max_new_tokens"], 5);
    let got = cli_json(
        "whisper_tiny",
        &["--max-new-tokens", "5", "--num-beams", "1"],
        "tones_16k.wav",
    );
    assert_eq!(got, serde_json::json!({ "text": short["text"] }));
    let got = cli_json(
        "whisper_tiny",
        &["--max-new-tokens", "5", "--num-beams", "3"],
        "tones_16k.wav",
    );
    assert_eq!(got, serde_json::json!({ "text": short["text_beams3"] }));
    // No --num-beams: transformers' pipeline default (5 beams for Whisper).
    let got = cli_json("whisper_tiny", &["--max-new-tokens", "5"], "tones_16k.wav");
    assert_eq!(
        got,
        serde_json::json!({ "text": short["text_pipeline_default"] })
    );
}

fn bad_input(p: &mut Box<dyn Pipeline>, input: &str, params: &RunParams) -> String {
    match p.run(&[input.to_string()], params, 1, &mut |_| true) {
        Err(PipelineError::BadInput(m)) => m,
        other => panic!("a bad-input error expected for {input:?}, got {other:?}"),
    }
}

#[test]
fn bad_inputs_get_clear_messages() {
    let mut p = load("whisper_tiny");
    let d = RunParams::default();
    let missing = bad_input(&mut p, &clip("no_such_file.wav"), &d);
    assert!(missing.contains("there is no file"), "{missing}");
    let text = bad_input(&mut p, &clip("not_audio.wav"), &d);
    assert!(text.contains("isn't a wav file"), "{text}");
    let empty = bad_input(&mut p, &clip("empty.wav"), &d);
    assert!(empty.contains("empty recording"), "{empty}");
    let blank = bad_input(&mut p, "  ", &d);
    assert!(blank.contains(".wav file"), "{blank}");
    let folder = bad_input(&mut p, &fixtures().to_string_lossy(), &d);
    assert!(folder.contains("is a folder"), "{folder}");
    let french = RunParams {
        language: Some("fr".into()),
        ..RunParams::default()
    };
    let english_only = bad_input(&mut p, &clip("tones_16k.wav"), &french);
    assert!(
        english_only.contains("only understands English"),
        "{english_only}"
    );

    let mut multi = load("whisper_tiny_multi");
    let klingon = RunParams {
        language: Some("klingon".into()),
        ..RunParams::default()
    };
    let unknown = bad_input(&mut multi, &clip("tones_16k.wav"), &klingon);
    assert!(unknown.contains("doesn't know the language"), "{unknown}");
}

#[test]
fn long_clips_are_transcribed_in_30_second_pieces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&path, spec).unwrap();
    for i in 0..16_000 * 65 {
        let v = (i as f64 * 2.0 * std::f64::consts::PI * 440.0 / 16_000.0).sin() * 8000.0;
        w.write_sample(v as i16).unwrap();
    }
    w.finalize().unwrap();
    let mut p = load("whisper_tiny");
    let params = RunParams {
        max_new_tokens: 3,
        ..RunParams::default()
    };
    let out = p
        .run(
            &[path.to_string_lossy().into_owned()],
            &params,
            1,
            &mut |_| true,
        )
        .unwrap();
    let PipelineOutput::Transcriptions(t) = out else {
        panic!("{out:?}")
    };
    assert_eq!(t[0].token_ids.len(), 3, "65 s makes three pieces");
    let notes = p.last_notes().join("\n");
    assert!(notes.contains("in 3 pieces"), "{notes}");
    assert!(notes.contains("max_new_tokens"), "{notes}");
}

/// The scores of the first generated token (every one of the vocabulary) against transformers'.
#[test]
fn first_step_scores_match_transformers() {
    use hftutor::inference::tasks::speech_recognition::SpeechRecognitionPipeline;
    for name in ["whisper_tiny", "whisper_tiny_multi"] {
        let mut worst: f64 = 0.0;
        let model = ModelRef::new(fixtures().join(name).to_string_lossy());
        let mut p =
            SpeechRecognitionPipeline::load(&model, &Provision::from_env(), &mut |_| {}).unwrap();
        for run in expected(name)["runs"].as_array().unwrap() {
            let file = clip(run["clip"].as_str().unwrap());
            let (prefix, logits) = p
                .first_logits(std::path::Path::new(&file), run["language"].as_str())
                .unwrap();
            assert_eq!(prefix, ids(&run["prefix"]), "{name} {file}");
            let want = run["first_step_logits"].as_array().unwrap();
            assert_eq!(logits.len(), want.len(), "{name} {file}");
            for (g, w) in logits.iter().zip(want) {
                worst = worst.max((f64::from(*g) - w.as_f64().unwrap()).abs());
            }
            for pair in run["first_step_logits_top5"].as_array().unwrap() {
                let id = pair[0].as_u64().unwrap() as usize;
                let top = logits.iter().filter(|&&x| x > logits[id]).count();
                assert!(
                    top < 5,
                    "{name} {file}: token {id} should be in the top five"
                );
            }
        }
        eprintln!("{name}: largest first-step score difference from transformers {worst:.2e}");
        assert!(
            worst < TOLERANCE,
            "{name}: first-step scores differ by {worst}"
        );
    }
}

/// With no limit given, a transcript may take every token the model allows after its prompt
/// (transformers' pipeline uses the checkpoint's max_length), not generation's default of 40.
#[test]
fn without_a_limit_the_transcript_may_fill_what_the_model_allows() {
    let mut p = load("whisper_tiny");
    let params = RunParams {
        seq2seq: Seq2SeqParams {
            num_beams: Some(1),
            ..Seq2SeqParams::default()
        },
        ..RunParams::default()
    };
    let out = p
        .run(&[clip("tones_16k.wav")], &params, 1, &mut |_| true)
        .unwrap();
    let PipelineOutput::Transcriptions(t) = out else {
        panic!("{out:?}")
    };
    // This random fixture never ends by itself: max_length 64, less the prompt of 3 or 4.
    let written = t[0].token_ids[0].len();
    assert!(
        written > hftutor::domain::DEFAULT_MAX_NEW_TOKENS && written <= 64,
        "{written}"
    );
    let notes = p.last_notes().join("\n");
    assert!(notes.contains("the most this model writes"), "{notes}");
    assert!(!notes.contains("lowered"), "{notes}");
}
