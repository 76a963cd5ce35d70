//! Trying a lesson's solutions and counterexamples as the tutor would take them: each must be
//! input the tutor accepts, a solution must be able to pass the exercise's input conditions, and no
//! input may be both. The rules come from the caller (`attempt::Rules`, the attempt path's own), so
//! parsing a lesson never runs the judge itself.

use super::report::Report;
use super::types::Exercise;

/// What the tutor makes of one set of values for an exercise.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerCheck {
    /// The tutor would take it, and nothing in the input alone stops it from passing.
    Fine,
    /// The tutor would refuse it as input, saying this.
    Refused(String),
    /// Accepted, but an input condition fails, so it can never pass.
    CannotPass(String),
}

/// How the values of an attempt are tried without running a model.
pub trait AnswerRules {
    fn check(&self, exercise: &Exercise, values: &[String]) -> AnswerCheck;
}

/// Reports every solution the tutor would refuse or that can't pass, every counterexample it
/// would refuse, and every counterexample that is also a solution.
pub(crate) fn check_answers(exercise: &Exercise, rules: &dyn AnswerRules, report: &mut Report) {
    let at = &exercise.answers_at;
    let lists = [
        ("solution", &exercise.solutions, &at.solutions),
        (
            "counterexample",
            &exercise.counterexamples,
            &at.counterexamples,
        ),
    ];
    for (kind, list, places) in lists {
        for (i, (values, &pos)) in list.iter().zip(places).enumerate() {
            match rules.check(exercise, values) {
                AnswerCheck::Refused(m) => report.error(pos, format!("{kind} {}: {m}", i + 1)),
                AnswerCheck::CannotPass(why) if kind == "solution" => {
                    report.error(pos, format!("solution {} can't pass: {why}", i + 1))
                }
                _ => {}
            }
        }
    }
    for (i, s) in exercise.solutions.iter().enumerate() {
        if let Some(j) = exercise.counterexamples.iter().position(|c| c == s) {
            let pos = at
                .counterexamples
                .get(j)
                .copied()
                .unwrap_or((exercise.line, 1));
            report.error(
                pos,
                format!(
                    "counterexample {} is the same as solution {}: it can't both pass and fail",
                    j + 1,
                    i + 1
                ),
            );
        }
    }
}
