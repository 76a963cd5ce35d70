//! Listening to clips: speech recognition streams each clip's path and length, the panel shows
//! them, and `a` plays the last one with the audio player found on PATH (in the background).

use crate::fixture;

use fixture::*;
use hftutor::domain::PipelineOutput;
use hftutor::domain::StopReason;
use hftutor::domain::Stream;
use hftutor::domain::Transcription;
use hftutor::shell::{audio, Action, App, Effect};
use hftutor::worker::WorkerEvent;
use ratatui::crossterm::event::KeyCode;

fn transcribed(player: Option<&str>) -> App {
    let mut app = app_at(1, 80, 30);
    app.set_audio_player(player.map(str::to_string));
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    type_text(&mut app, "x");
    app.update(Action::Run);
    app.update(Action::Submitted(1));
    app.update(Action::Worker(WorkerEvent::Stream {
        job: 1,
        stream: Stream::Clip {
            path: "/somewhere/media/hello.wav".into(),
            seconds: 2.58,
        },
    }));
    let text = Transcription {
        text: " Hello, and welcome to the course.".into(),
        token_ids: Vec::new(),
        stop: StopReason::EndOfText,
    };
    app.update(finished(1, PipelineOutput::Transcriptions(vec![text]), 80));
    app.on_key(key(KeyCode::Esc));
    app
}

#[test]
fn the_clip_is_shown_with_its_length_and_a_plays_it() {
    let mut app = transcribed(Some("aplay"));
    let screen = render(&app, 80, 30);
    assert!(
        screen.contains("🔊 hello.wav · 2.6 s · a: play it"),
        "{screen}"
    );
    let effects = app.on_key(key(KeyCode::Char('a')));
    assert!(
        matches!(&effects[..], [Effect::Play { player, clip }] if player == "aplay" && clip == "/somewhere/media/hello.wav"),
        "{effects:?}"
    );
}

#[test]
fn without_a_player_the_clip_is_shown_but_not_offered() {
    let mut app = transcribed(None);
    let screen = render(&app, 80, 30);
    assert!(screen.contains("🔊 hello.wav · 2.6 s"), "{screen}");
    assert!(!screen.contains("a: play it"), "{screen}");
    assert!(app.on_key(key(KeyCode::Char('a'))).is_empty());
    let screen = render(&app, 80, 30);
    assert!(screen.contains("No audio player found"), "{screen}");
}

#[test]
fn with_no_clip_a_says_so() {
    let mut app = app_at(1, 80, 30);
    app.set_audio_player(Some("aplay".into()));
    assert!(app.on_key(key(KeyCode::Char('a'))).is_empty());
    assert!(render(&app, 80, 30).contains("No sound clip here"));
}

#[cfg(unix)]
#[test]
fn the_player_found_on_path_is_started_with_the_clip() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("played.txt");
    let fake = dir.path().join("aplay");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$@\" > {}\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    // A PATH of the fake's folder alone (the process's own PATH is shared with other tests).
    let found = audio::find_player_in(dir.path().as_os_str());
    assert_eq!(found.as_deref(), Some("aplay"));
    audio::play(&fake.display().to_string(), "clip.wav").expect("the player starts");
    // The shell creates the log before echo writes into it: wait for the whole line, not the file.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut args = String::new();
    while !args.ends_with('\n') && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        args = std::fs::read_to_string(&log).unwrap_or_default();
    }
    assert!(args.trim().ends_with("clip.wav"), "the player got {args:?}");
}

#[test]
fn speech_recognition_streams_the_clip_and_its_length() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity");
    let model = hftutor::domain::ModelRef::new(root.join("whisper_tiny").to_string_lossy());
    let mut p = hftutor::inference::load(
        hftutor::domain::Task::AutomaticSpeechRecognition,
        &model,
        &hftutor::hub::Provision::from_env(),
        &mut |_| {},
    )
    .expect("the fixture loads");
    let clip = root
        .join("whisper_audio/tones_16k.wav")
        .display()
        .to_string();
    let params = hftutor::domain::RunParams {
        max_new_tokens: 3,
        ..Default::default()
    };
    let mut clips = Vec::new();
    p.run(std::slice::from_ref(&clip), &params, 1, &mut |s| {
        if let Stream::Clip { path, seconds } = s {
            clips.push((path, seconds));
        }
        true
    })
    .expect("it runs");
    assert_eq!(clips.len(), 1);
    assert_eq!(clips[0].0, clip);
    let reader = hound::WavReader::open(&clip).unwrap();
    let expected = reader.duration() as f64 / reader.spec().sample_rate as f64;
    assert!(
        (clips[0].1 - expected).abs() < 0.01,
        "{} vs {expected}",
        clips[0].1
    );
}
