//! Merging two sessions' progress on save, so two tutors open on one course lose nothing: what
//! is on disk and what this session has are joined (passed/correct: either; counts: the larger;
//! where the student is and what they last typed: this session's).

use super::{ExerciseProgress, LessonProgress, Progress, QuizProgress};

/// `ours` joined with `disk`. Nothing recorded in either is lost; where both hold a place or a
/// last input, `ours` (the session saving now) wins.
pub fn merge(disk: Progress, ours: &Progress) -> Progress {
    let mut out = disk;
    if ours.current_lesson.is_some() {
        out.current_lesson = ours.current_lesson.clone();
    }
    for (id, lp) in &ours.lessons {
        let slot = out.lessons.entry(id.clone()).or_default();
        *slot = merge_lesson(std::mem::take(slot), lp);
    }
    out
}

fn merge_lesson(disk: LessonProgress, ours: &LessonProgress) -> LessonProgress {
    let mut out = disk;
    out.step = ours.step;
    out.steps_seen = out.steps_seen.max(ours.steps_seen);
    for (id, ep) in &ours.exercises {
        let slot = out.exercises.entry(id.clone()).or_default();
        *slot = merge_exercise(std::mem::take(slot), ep);
    }
    for (id, qp) in &ours.quizzes {
        let slot = out.quizzes.entry(id.clone()).or_default();
        *slot = merge_quiz(std::mem::take(slot), qp);
    }
    out
}

fn merge_exercise(disk: ExerciseProgress, ours: &ExerciseProgress) -> ExerciseProgress {
    ExerciseProgress {
        passed: disk.passed || ours.passed,
        attempts: disk.attempts.max(ours.attempts),
        hints_used: disk.hints_used.max(ours.hints_used),
        last_input: if ours.last_input.is_empty() {
            disk.last_input
        } else {
            ours.last_input.clone()
        },
    }
}

fn merge_quiz(disk: QuizProgress, ours: &QuizProgress) -> QuizProgress {
    QuizProgress {
        picked: if ours.picked.is_empty() {
            disk.picked
        } else {
            ours.picked.clone()
        },
        correct: disk.correct || ours.correct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_passed_is_lost_and_ours_places_win() {
        let mut disk = Progress {
            current_lesson: Some("a".into()),
            ..Progress::default()
        };
        disk.lesson_mut("a").steps_seen = 5;
        disk.lesson_mut("a").step = 4;
        let e = disk
            .lesson_mut("a")
            .exercises
            .entry("x".into())
            .or_default();
        e.passed = true;
        e.attempts = 3;
        e.last_input = vec!["disk".into()];
        disk.lesson_mut("only-disk").step = 1;

        let mut ours = Progress {
            current_lesson: Some("b".into()),
            ..Progress::default()
        };
        ours.lesson_mut("a").steps_seen = 2;
        ours.lesson_mut("a").step = 1;
        let e = ours
            .lesson_mut("a")
            .exercises
            .entry("x".into())
            .or_default();
        e.attempts = 1;
        e.hints_used = 2;
        e.last_input = vec!["ours".into()];
        ours.lesson_mut("a")
            .quizzes
            .entry("q".into())
            .or_default()
            .correct = true;

        let m = merge(disk, &ours);
        assert_eq!(m.current_lesson.as_deref(), Some("b"));
        let a = m.lesson("a").expect("lesson a");
        assert_eq!((a.step, a.steps_seen), (1, 5));
        let x = &a.exercises["x"];
        assert!(x.passed);
        assert_eq!((x.attempts, x.hints_used), (3, 2));
        assert_eq!(x.last_input, vec!["ours".to_string()]);
        assert!(a.quizzes["q"].correct);
        assert!(m.lesson("only-disk").is_some());
    }
}
