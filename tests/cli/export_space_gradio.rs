//! Every exportable exercise's `app.py` imports and builds its Gradio interface with the real
//! gradio, installed by this test into a venv under target/ (pip; kept for the next run). The
//! models are not downloaded: a stub `transformers` (and `torch`) package stands in for them, so
//! what is tested is our Python and gradio's checks of the components, not the models.

use std::path::{Path, PathBuf};
use std::process::Command;

use hftutor::course;
use hftutor::space::{self as export_space, ExportError};

const GRADIO: &str = "gradio==6.31.0";

/// The venv's python, made (and gradio installed) on first use.
fn gradio_python() -> PathBuf {
    let venv = Path::new(env!("CARGO_TARGET_TMPDIR")).join("gradio-venv");
    let python = venv.join("bin/python");
    let ready = venv.join(".installed");
    if std::fs::read_to_string(&ready).is_ok_and(|v| v == GRADIO) {
        return python;
    }
    let _ = std::fs::remove_dir_all(&venv);
    let ok = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&venv)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ok, "python3 -m venv failed");
    let out = Command::new(&python)
        .args(["-m", "pip", "install", "-q", GRADIO])
        .output()
        .expect("pip runs");
    assert!(
        out.status.success(),
        "pip install {GRADIO} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&ready, GRADIO).unwrap();
    python
}

const STUB: &str = r#"
class _Fake:
    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        return []

    @classmethod
    def from_pretrained(cls, *args, **kwargs):
        return cls()


def pipeline(*args, **kwargs):
    return _Fake()


def set_seed(*args, **kwargs):
    pass


AutoTokenizer = AutoModelForQuestionAnswering = AutoModelForSeq2SeqLM = AutoModelForCausalLM = _Fake
"#;

#[test]
fn every_exported_app_builds_its_gradio_interface() {
    let python = gradio_python();
    let tmp = tempfile::tempdir().unwrap();
    let stubs = tmp.path().join("stubs");
    for package in ["transformers", "torch"] {
        std::fs::create_dir_all(stubs.join(package)).unwrap();
        std::fs::write(stubs.join(package).join("__init__.py"), STUB).unwrap();
    }
    let course =
        course::load_embedded(&hftutor::attempt::Rules).expect("the built-in course loads");
    let mut built = 0;
    for lesson in &course.lessons {
        for exercise in lesson.exercises() {
            let space = match export_space::space(&course, lesson, exercise) {
                Ok(s) => s,
                Err(ExportError::Unsupported(_)) => continue,
                Err(e) => panic!("{}/{}: {e}", lesson.id, exercise.id),
            };
            let dir = tmp.path().join(format!("{}__{}", lesson.id, exercise.id));
            export_space::write(&dir, &space).expect("written");
            let out = Command::new(&python)
                .current_dir(&dir)
                .env("PYTHONPATH", &stubs)
                .env("GRADIO_ANALYTICS_ENABLED", "False")
                .env("HF_HUB_OFFLINE", "1")
                .args([
                    "-c",
                    "import runpy, gradio as gr\n\
                     g = runpy.run_path('app.py')\n\
                     assert isinstance(g['demo'], gr.Blocks), type(g['demo'])",
                ])
                .output()
                .expect("python runs");
            assert!(
                out.status.success(),
                "{}/{}: app.py does not build:\n{}",
                lesson.id,
                exercise.id,
                String::from_utf8_lossy(&out.stderr)
            );
            built += 1;
        }
    }
    assert!(built >= 30, "only {built} apps built");
}
