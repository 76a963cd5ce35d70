//! The headless solver on the whole built-in course, on the real models: every exercise's
//! solutions pass and its counterexamples fail.

use hftutor::models::Provision;

#[test]
fn every_exercise_of_the_built_in_course_is_fair() {
    let course = hftutor::course::load_embedded().expect("the built-in course loads");
    let provision = Provision::from_env();
    let report = hftutor::solver::solve(&course, None, &provision, &mut |line| eprintln!("{line}"))
        .expect("the solver runs");
    let table = report.table();
    eprintln!("{table}");
    assert!(!report.outcomes.is_empty(), "the course has exercises");
    assert!(report.all_good(), "{table}");
}
