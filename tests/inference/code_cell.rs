//! Code exercises on the real models: lesson 01's cell judged as the tutor judges it (the
//! starter, a hard-coded answer and a typo fail, each saying why; a real call passes), and a
//! cell run on the model worker, stopped by Esc between its pipeline calls.

use std::sync::mpsc;
use std::time::Duration;

use hftutor::course::{Course, Exercise, Kind};
use hftutor::hub::Provision;
use hftutor::python::local::LoadedModels;
use hftutor::worker::{Worker, WorkerEvent};

fn lesson_01_cell() -> (Course, Exercise) {
    let course = hftutor::course::load_embedded(&hftutor::attempt::Rules)
        .expect("the built-in course loads");
    let exercise = course
        .lessons
        .iter()
        .flat_map(|l| l.exercises())
        .find(|e| e.id == "real-code")
        .cloned()
        .expect("lesson 01 has a code exercise");
    assert_eq!(exercise.kind, Kind::Code);
    (course, exercise)
}

fn judge(course: &Course, exercise: &Exercise, code: &str) -> hftutor::checks::Verdict {
    let job = hftutor::attempt::start_cell(course, exercise, code);
    let mut loaded = hftutor::inference::loaded::Loaded::new();
    let provision = Provision::from_env();
    let mut models = LoadedModels {
        loaded: &mut loaded,
        provision: &provision,
        course: &job.course,
        on_event: &mut |_| {},
        on_stream: &mut |_| true,
        stop: &|| false,
        seed: None,
    };
    let run = hftutor::python::run(&job.source, &mut models, job.limits);
    hftutor::attempt::judge_cell(exercise, code, &run)
}

#[test]
fn lesson_01s_cell_is_judged_on_what_the_model_said() {
    let (course, exercise) = lesson_01_cell();
    let starter = &exercise.inputs[0].default;
    assert!(
        starter.contains("pipeline(\"sentiment-analysis\")"),
        "{starter}"
    );

    let v = judge(&course, &exercise, starter);
    assert!(!v.passed, "{v:?}");
    assert!(
        v.details.iter().any(|d| d.contains("POSITIVE")),
        "the label line says what the model said: {v:?}"
    );

    let v = judge(
        &course,
        &exercise,
        "print([{'label': 'NEGATIVE', 'score': 0.99}])\n",
    );
    assert!(!v.passed, "{v:?}");
    assert!(
        v.details
            .iter()
            .any(|d| d.contains("never ran a sentiment-analysis pipeline")
                || d.contains("never ran a text-classification pipeline")),
        "{v:?}"
    );
    assert!(
        v.details.iter().any(|d| d.contains("writes")),
        "a hard-coded label is named: {v:?}"
    );

    let typo = "from transformers import pipeline\nclassifier = pipeline('sentiment-analysis')\nclasifier('I hate Mondays.')\n";
    let v = judge(&course, &exercise, typo);
    assert!(!v.passed, "{v:?}");
    assert!(
        v.details
            .iter()
            .any(|d| d.contains("NameError: name 'clasifier' is not defined")),
        "{v:?}"
    );

    let good = "from transformers import pipeline\nclassifier = pipeline('sentiment-analysis')\nclassifier('I hate Mondays.')\n";
    let v = judge(&course, &exercise, good);
    assert!(v.passed, "{v:?}");
    assert!(v.details.iter().any(|d| d.contains("NEGATIVE")), "{v:?}");

    // The label must be shown, not only computed.
    let silent = "from transformers import pipeline\nclassifier = pipeline('sentiment-analysis')\nr = classifier('I hate Mondays.')\n";
    let v = judge(&course, &exercise, silent);
    assert!(!v.passed, "{v:?}");
    assert!(
        v.details.iter().any(|d| d.contains("showed nothing")),
        "{v:?}"
    );
}

#[test]
fn a_cell_runs_on_the_worker_and_esc_stops_it_between_calls() {
    let (tx, rx) = mpsc::channel();
    let worker =
        Worker::spawn(Provision::from_env(), Box::new(move |e| drop(tx.send(e)))).expect("spawn");
    let (course, exercise) = lesson_01_cell();
    let job = worker.submit_cell(hftutor::attempt::start_cell(
        &course,
        &exercise,
        "from transformers import pipeline\nc = pipeline('sentiment-analysis')\nprint(c('I love it')[0]['label'])\n",
    ));
    let run = finished(&rx, job);
    assert_eq!(run.stdout, "POSITIVE\n", "{run:?}");
    assert_eq!(run.error, None);
    assert_eq!(run.calls.len(), 1);

    let endless = "from transformers import pipeline\nc = pipeline('sentiment-analysis')\nfor i in range(400):\n    c('I love it')\nprint('done')\n";
    let job = worker.submit_cell(hftutor::attempt::start_cell(&course, &exercise, endless));
    loop {
        let e = rx.recv_timeout(Duration::from_secs(60)).expect("an event");
        if matches!(e, WorkerEvent::Started { job: j } if j == job) {
            break;
        }
    }
    worker.cancel();
    let run = finished(&rx, job);
    let error = run.error.clone().unwrap_or_default();
    assert!(error.contains("KeyboardInterrupt"), "{run:?}");
    assert!(!run.stdout.contains("done"), "{run:?}");
    assert!(run.calls.len() < 400, "stopped early: {}", run.calls.len());
}

fn finished(rx: &mpsc::Receiver<WorkerEvent>, job: u64) -> Box<hftutor::python::CellRun> {
    loop {
        let e = rx
            .recv_timeout(Duration::from_secs(300))
            .expect("the worker answers");
        if let WorkerEvent::CellFinished { job: j, result, .. } = e {
            if j == job {
                return result.expect("the cell ran");
            }
        }
    }
}
