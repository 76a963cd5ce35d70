//! The solver and a model that can't be had: its exercises are listed as NOT RUN, loudly, and
//! never counted as solved; the exercises whose models are there still run (here: one whose
//! model is a tiny fixture imported into the cache).

use crate::common;

use hftutor::author::solver;
use hftutor::hub::Provision;

fn course_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.yaml"),
        "title: T\nlessons: [bonus]\nmodels:\n  fill-mask: nobody-here/missing-model\n",
    )
    .unwrap();
    let exercise = |id: &str, model: Option<&str>| {
        format!(
            "```exercise\nid: {id}\ntask: fill-mask\n{}goal: Fill the gap.\ncheck:\n  score: {{min: 0}}\nfeedback: {{pass: Yes., fail: No.}}\nhints: Any.\nsolution: \"Hello [MASK].\"\ncounterexample: \"no mask here\"\n```\n\n",
            model.map(|m| format!("model: {m}\n")).unwrap_or_default()
        )
    };
    let lesson = format!(
        "---\nid: bonus\ntitle: Bonus\nsummary: Needs a model.\n---\n\n## Try\n\n{}{}{}## Recap\n\n- done\n",
        exercise("one", None),
        exercise("two", None),
        exercise("here", Some("hftutor-test/tiny-bert-mlm"))
    );
    std::fs::write(dir.path().join("bonus.md"), lesson).unwrap();
    dir
}

#[test]
fn exercises_with_a_missing_model_are_not_run_and_not_counted() {
    let dir = course_dir();
    let course =
        hftutor::course::load_dir(dir.path(), &hftutor::attempt::Rules).expect("the course loads");
    let cache = tempfile::tempdir().unwrap();
    let provision = Provision::new(common::sealed_config(cache.path()));
    // One model is there: a tiny fixture, imported into the cache as a Hub repo.
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity/bert_mlm");
    provision
        .import(
            &fixture.display().to_string(),
            "hftutor-test/tiny-bert-mlm",
            None,
            &mut |_| {},
        )
        .expect("the fixture imports");
    let report = solver::solve(&course, None, &provision, &mut |_| {}).expect("the solver runs");

    let names: Vec<&str> = report.not_run.iter().map(|n| n.exercise.as_str()).collect();
    assert_eq!(names, ["one", "two"]);
    assert!(report
        .not_run
        .iter()
        .all(|n| n.model == "nobody-here/missing-model"));
    assert_eq!(
        report.outcomes.len(),
        1,
        "the fixture model's exercise runs"
    );
    assert!(report.outcomes[0].good(), "{}", report.table());
    assert!(report.ran_good());
    assert!(
        !report.all_good(),
        "missing models are never counted as solved"
    );

    let table = report.table();
    assert!(
        table.contains("bonus/one: NOT RUN: model nobody-here/missing-model missing"),
        "{table}"
    );
    assert!(table.contains("1/3 exercises solvable"), "{table}");
    assert!(
        table.contains("NOT RUN: 2 exercises (model missing: nobody-here/missing-model); they are not counted as solved"),
        "{table}"
    );
}
