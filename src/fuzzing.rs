//! Fuzz entry points: what a teacher's file or a student's typing reaches, as functions of raw
//! bytes. The cargo-fuzz targets in tests/fuzz/ call these, and tests/course/fuzz_regressions.rs
//! replays the kept seeds through them, so a crash found once stays fixed.
//!
//! Each function must return normally on every input: a panic is the bug being hunted.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use crate::attempt;
use crate::course::{self, Block, Exercise};
use crate::domain::Aggregation;
use crate::domain::Generation;
use crate::domain::LabelScore;
use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::StopReason;
use crate::domain::Task;
use crate::hub::Provision;
use crate::inference;
use crate::inference::Pipeline;

/// The course.yaml used when the input holds a lesson only.
const COURSE_YAML: &str = "title: Fuzz\nlessons: [lesson]\nmodels:\n  sentence-similarity: sentence-transformers/all-MiniLM-L6-v2\n";

/// Splits `data` at NUL bytes into (lossy) UTF-8 strings.
fn parts(data: &[u8]) -> Vec<String> {
    data.split(|b| *b == 0)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect()
}

/// A lesson file (and, after a NUL byte, a course.yaml) through the parser and validator, then
/// every step's Markdown through the shell's renderer.
pub fn lesson_file(data: &[u8]) {
    let mut texts = parts(data).into_iter();
    let lesson = texts.next().unwrap_or_default();
    let course_yaml = texts.next().unwrap_or_else(|| COURSE_YAML.to_string());
    let files = BTreeMap::from([
        ("course.yaml".to_string(), course_yaml),
        ("lesson.md".to_string(), lesson),
    ]);
    let (course, problems) = course::load_files(files, &crate::attempt::Rules);
    for p in &problems {
        let _ = p.to_string();
    }
    let Some(course) = course else { return };
    for lesson in &course.lessons {
        for step in &lesson.steps {
            for block in &step.blocks {
                if let Block::Markdown(md) = block {
                    let _ = crate::shell::text::markdown::render(md, 60, Default::default());
                }
            }
        }
    }
}

/// The built-in course's exercises, loaded once.
fn exercises() -> &'static [Exercise] {
    static ALL: OnceLock<Vec<Exercise>> = OnceLock::new();
    ALL.get_or_init(|| {
        let Ok(course) = course::load_embedded(&crate::attempt::Rules) else {
            return Vec::new();
        };
        course
            .lessons
            .into_iter()
            .flat_map(|l| l.steps)
            .flat_map(|s| s.blocks)
            .filter_map(|b| match b {
                Block::Exercise(e) => Some(e),
                _ => None,
            })
            .collect()
    })
}

/// A student's field values for one of the built-in exercises (the first byte picks which)
/// through `prepare`, then judged against an output made from the same bytes.
pub fn student_input(data: &[u8]) {
    let all = exercises();
    let (Some(first), false) = (data.first(), all.is_empty()) else {
        return;
    };
    let exercise = &all[*first as usize % all.len()];
    let values = parts(&data[1..]);
    let Ok(prepared) = attempt::prepare(exercise, &values) else {
        return;
    };
    let output = made_up_output(exercise.task, &prepared.texts, &data[1..]);
    let verdict = attempt::judge(exercise, &prepared, &output);
    assert!(!verdict.details.is_empty() || verdict.passed || verdict.feedback.is_some());
}

/// An output of the task's kind, filled from the fuzz bytes: the checks must judge any of it.
fn made_up_output(task: Task, texts: &[String], bytes: &[u8]) -> PipelineOutput {
    let score = |i: usize| bytes.get(i).map_or(0.5, |b| *b as f32 / 255.0);
    match task {
        Task::TextClassification => PipelineOutput::Labels(
            texts
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    let s = score(i);
                    vec![
                        LabelScore {
                            label: "POSITIVE".into(),
                            score: s.max(1.0 - s),
                        },
                        LabelScore {
                            label: "NEGATIVE".into(),
                            score: s.min(1.0 - s),
                        },
                    ]
                })
                .collect(),
        ),
        Task::SentenceSimilarity => PipelineOutput::Similarities(
            (1..texts.len().max(2))
                .map(|i| score(i) * 2.0 - 1.0)
                .collect(),
        ),
        _ => PipelineOutput::Generations(
            texts
                .iter()
                .map(|t| Generation {
                    prompt: t.clone(),
                    text: t.chars().rev().collect(),
                    token_ids: t.bytes().map(u32::from).collect(),
                    stop: StopReason::EndOfText,
                    prompt_tokens: t.len(),
                    prompt_tokens_per_s: 1.0,
                    decode_tokens_per_s: 1.0,
                })
                .collect(),
        ),
    }
}

/// The tiny parity-fixture models (tests/fixtures/parity), loaded once: a student's text goes
/// through the real tokenizer, truncation, model and post-processing of each BERT-family head.
type TinyPipelines = Mutex<Vec<(Task, Box<dyn Pipeline>)>>;

fn tiny_pipelines() -> &'static TinyPipelines {
    static ALL: OnceLock<TinyPipelines> = OnceLock::new();
    ALL.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity");
        let wanted = [
            (Task::FillMask, "bert_mlm"),
            (Task::FillMask, "distilbert_mlm"),
            (Task::TokenClassification, "bert_ner"),
            (Task::TextClassification, "bert_cls"),
            (Task::QuestionAnswering, "bert_qa"),
            (Task::QuestionAnswering, "distilbert_qa"),
            (Task::Tokenize, "bert_cls"),
            (Task::Summarization, "t5_tiny"),
            (Task::Translation, "marian_tiny"),
        ];
        let provision = Provision::from_env();
        let loaded = wanted
            .into_iter()
            .map(|(task, name)| {
                let model = ModelRef::new(root.join(name).to_string_lossy());
                match inference::load(task, &model, &provision, &mut |_| {}) {
                    Ok(p) => (task, p),
                    Err(e) => panic!("fixture {name} must load: {e}"),
                }
            })
            .collect();
        Mutex::new(loaded)
    })
}

/// A student's text through a tiny real model. Byte 0 picks the pipeline, byte 1 the settings;
/// the rest, split at NUL bytes, are the texts (for question answering: the context, then the
/// questions).
pub fn pipeline_text(data: &[u8]) {
    let (Some(&pick), Some(&how)) = (data.first(), data.get(1)) else {
        return;
    };
    let mut texts = parts(&data[2..]);
    let mut all = match tiny_pipelines().lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    let n = all.len();
    let (task, pipeline) = &mut all[pick as usize % n];
    let mut params = RunParams {
        top_k: (how & 8 != 0).then_some((how as usize >> 4) + 1),
        max_new_tokens: 8,
        aggregation_strategy: [
            Aggregation::None,
            Aggregation::Simple,
            Aggregation::First,
            Aggregation::Average,
            Aggregation::Max,
        ][how as usize % 5],
        ..RunParams::default()
    };
    if *task == Task::FillMask && how & 4 != 0 && texts.len() > 1 {
        params.targets = texts.split_off(1);
    }
    if *task == Task::QuestionAnswering && !texts.is_empty() {
        params.context = texts.remove(0);
    }
    // Errors are answers (empty text, no mask…); only a panic is a bug.
    let _ = pipeline.run(&texts, &params, 1, &mut |_| true);
    let _ = pipeline.last_notes();
}

/// The media pipelines, loaded once: Whisper, ViT and ResNet tiny fixtures.
fn tiny_media_pipelines() -> &'static Mutex<Vec<Box<dyn Pipeline>>> {
    static ALL: OnceLock<Mutex<Vec<Box<dyn Pipeline>>>> = OnceLock::new();
    ALL.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity");
        let wanted = [
            (Task::AutomaticSpeechRecognition, "whisper_tiny"),
            (Task::ImageClassification, "vit_tiny"),
            (Task::ImageClassification, "resnet_tiny"),
        ];
        let provision = Provision::from_env();
        let loaded = wanted
            .into_iter()
            .map(|(task, name)| {
                let model = ModelRef::new(root.join(name).to_string_lossy());
                match inference::load(task, &model, &provision, &mut |_| {}) {
                    Ok(p) => p,
                    Err(e) => panic!("fixture {name} must load: {e}"),
                }
            })
            .collect();
        Mutex::new(loaded)
    })
}

/// A file a student names (a wav clip, a picture) with any content: byte 0 picks the pipeline,
/// the rest is the file.
pub fn media_file(data: &[u8]) {
    let Some(&pick) = data.first() else { return };
    let path = std::env::temp_dir().join(format!("hftutor-fuzz-media-{}", std::process::id()));
    if std::fs::write(&path, &data[1..]).is_err() {
        return;
    }
    let mut all = match tiny_media_pipelines().lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    let n = all.len();
    let pipeline = &mut all[pick as usize % n];
    let params = RunParams {
        max_new_tokens: 4,
        ..RunParams::default()
    };
    let _ = pipeline.run(&[path.display().to_string()], &params, 1, &mut |_| true);
    let _ = pipeline.last_notes();
}

/// Folders holding a copy of a tiny fixture model (weights, tokenizer), one per architecture,
/// made once: [`model_config`] writes each input's config.json into one of them.
fn config_folders() -> &'static Vec<(Task, PathBuf, &'static str)> {
    static ALL: OnceLock<Vec<(Task, PathBuf, &'static str)>> = OnceLock::new();
    ALL.get_or_init(|| {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity");
        let base = std::env::temp_dir().join(format!("hftutor-fuzz-config-{}", std::process::id()));
        [
            (Task::TextClassification, "bert_cls", "I love it"),
            (Task::ImageClassification, "vit_tiny", ""),
            (Task::TextGeneration, "llama_tiny", "Hello"),
        ]
        .into_iter()
        .filter_map(|(task, name, input)| {
            let dir = base.join(name);
            std::fs::create_dir_all(&dir).ok()?;
            for e in std::fs::read_dir(root.join(name)).ok()?.flatten() {
                std::fs::copy(e.path(), dir.join(e.file_name())).ok()?;
            }
            Some((task, dir, input))
        })
        .collect()
    })
}

/// A model folder's config.json with any content: byte 0 picks the architecture (BERT, ViT,
/// llama), the rest is the file. It is loaded and, if that works, run once; a bad config must be
/// an error, never a panic, an abort or a memory bomb (inference/limits.rs).
pub fn model_config(data: &[u8]) {
    let Some(&pick) = data.first() else { return };
    let folders = config_folders();
    if folders.is_empty() {
        return;
    }
    let (task, dir, input) = &folders[pick as usize % folders.len()];
    if std::fs::write(dir.join("config.json"), &data[1..]).is_err() {
        return;
    }
    let model = ModelRef::new(dir.to_string_lossy());
    let provision = Provision::from_env();
    let Ok(mut pipeline) = inference::load(*task, &model, &provision, &mut |_| {}) else {
        return;
    };
    let picture = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parity/images/shapes.png")
        .display()
        .to_string();
    let text = if *task == Task::ImageClassification {
        picture
    } else {
        input.to_string()
    };
    let params = RunParams {
        max_new_tokens: 4,
        ..RunParams::default()
    };
    let _ = pipeline.run(&[text], &params, 1, &mut |_| true);
}
