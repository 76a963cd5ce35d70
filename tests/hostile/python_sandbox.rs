//! The code cell's sandbox against code that would hang, exhaust memory or reach the machine:
//! each stops with a clear Python error, quickly, and the process lives on.

use std::time::{Duration, Instant};

use hftutor::domain::{JobRequest, ModelRef, PipelineOutput, Task};
use hftutor::python::{self, CellRun, Limits, ModelError, Models, Source};

/// No models: these probes never get as far as a pipeline run.
struct NoModels;

impl Models for NoModels {
    fn course_model(&self, _task: Task) -> Option<ModelRef> {
        None
    }
    fn run(&mut self, _job: &JobRequest) -> Result<PipelineOutput, ModelError> {
        Err("no models in this test".into())
    }
}

fn run(code: &str) -> (CellRun, Duration) {
    let started = Instant::now();
    let source = Source {
        code: code.to_string(),
        file_name: "probe.py".into(),
    };
    let cell = python::run(&source, &mut NoModels, Limits::default());
    (cell, started.elapsed())
}

fn error_of(code: &str) -> (String, Duration) {
    let (cell, took) = run(code);
    (
        cell.error
            .unwrap_or_else(|| panic!("{code:?} should raise; printed {:?}", cell.stdout)),
        took,
    )
}

#[test]
fn an_endless_loop_stops_within_seconds() {
    let (e, took) = error_of("n = 0\nwhile True:\n    n += 1\n");
    assert!(e.contains("TimeoutError: time limit exceeded"), "{e}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    // Catching it doesn't help.
    let (e, _) = error_of(
        "try:\n    while True:\n        pass\nexcept BaseException:\n    print('caught')\n",
    );
    assert!(e.contains("TimeoutError"), "{e}");
}

#[test]
fn huge_lists_and_strings_are_a_memory_error() {
    for code in [
        "x = [0] * 10**8",
        "x = list(range(10**8))",
        "s = 'x' * 10**9",
    ] {
        let (e, took) = error_of(code);
        assert!(e.contains("MemoryError"), "{code}: {e}");
        assert!(took < Duration::from_secs(5), "{code} took {took:?}");
    }
}

#[test]
fn deep_recursion_is_a_recursion_error() {
    let (e, _) = error_of("def f(n):\n    return f(n + 1)\nf(0)\n");
    assert!(e.contains("RecursionError"), "{e}");
    assert!(
        e.contains("[Previous line repeated"),
        "collapsed as CPython does: {e}"
    );
}

#[test]
fn files_and_the_environment_are_out_of_reach() {
    for code in [
        "print(open('/etc/passwd').read())",
        "import os\nprint(os.getenv('HOME'))",
        "import os\nprint(os.environ)",
        "from pathlib import Path\nprint(Path('/etc/passwd').read_text())",
    ] {
        let (cell, _) = run(code);
        let e = cell.error.unwrap_or_default();
        assert!(
            e.contains("PermissionError") && e.contains("no files, network or environment"),
            "{code}: {e}"
        );
        assert!(!cell.stdout.contains("root:"), "{code}");
    }
    for module in ["subprocess", "socket", "urllib.request"] {
        let (e, _) = error_of(&format!("import {module}"));
        assert!(e.contains("ModuleNotFoundError"), "{module}: {e}");
    }
}

#[test]
fn a_flood_of_model_calls_is_stopped_and_cannot_be_caught() {
    let code = "from transformers import pipeline\nfor i in range(100000):\n    try:\n        pipeline('text-classification', model='x')\n    except BaseException:\n        pass\n";
    let (e, took) = error_of(code);
    assert!(e.contains("stops a cell after 500 model calls"), "{e}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn output_is_capped() {
    let (cell, took) = run("for i in range(10**6):\n    print('x' * 100)\n");
    assert!(
        cell.stdout.len() <= Limits::default().output_bytes,
        "{}",
        cell.stdout.len()
    );
    assert!(cell
        .error
        .is_some_and(|e| e.contains("MemoryError") || e.contains("TimeoutError")));
    assert!(took < Duration::from_secs(10), "took {took:?}");
}
