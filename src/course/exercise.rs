//! An ```exercise block: from its raw YAML to an [`Exercise`], with the rules on its fields
//! (task, model, inputs, params, runs, feedback, hints, solutions and counterexamples).

use crate::domain::RunParams;
use crate::domain::Task;

use super::check_spec::{self, Context};
use super::raw::{Answer, Answers, RawExercise, RawInput};
use super::report::Report;
use super::types::{AnswersAt, Check, Exercise, Feedback, InputField, Kind};
use super::yaml_doc::YamlDoc;
use super::{did_you_mean, ids};
use crate::domain::{ModelRef, Param};

const TASK_LIST: &str = "feature-extraction, sentence-similarity, text-generation, tokenize";

/// Converts and checks an exercise; `None` when too much is missing to make one.
pub fn convert(
    doc: &YamlDoc,
    raw: RawExercise,
    fence_line: usize,
    report: &mut Report,
) -> Option<Exercise> {
    let what = match &raw.id {
        Some(id) => format!("exercise \"{id}\""),
        None => "exercise".to_string(),
    };
    let id = match &raw.id {
        None => {
            report.error(
                doc.anchor(),
                "exercise has no id: add `id: a-short-name` (unique in the lesson)",
            );
            None
        }
        Some(id) => {
            if let Err(m) = ids::check(id) {
                report.error(doc.value_pos("id"), m.to_string());
            }
            Some(id.clone())
        }
    };
    let task = match raw.task.as_deref() {
        None => {
            report.error(
                doc.anchor(),
                format!("{what} has no task: add `task:` with one of {TASK_LIST}"),
            );
            None
        }
        Some(name) => {
            let task = Task::parse(name);
            if task.is_none() {
                let all = Task::ALL.iter().flat_map(|t| t.names().iter().copied());
                let hint = match did_you_mean::closest(name, all) {
                    Some(c) => format!(" (did you mean \"{c}\"?)"),
                    None => format!("; tasks are: {TASK_LIST}"),
                };
                report.error(
                    doc.value_pos("task"),
                    format!("unknown task \"{name}\"{hint}"),
                );
            }
            task
        }
    };
    let goal = match raw.goal.as_deref().map(str::trim) {
        Some(g) if !g.is_empty() => Some(g.to_string()),
        _ => {
            report.error(
                doc.anchor(),
                format!("{what} has no goal: add `goal:` with one sentence the student can act on"),
            );
            None
        }
    };
    let model = raw.model.and_then(|m| {
        if m.id.is_empty() {
            report.error(
                doc.pos("model"),
                "model has an empty id: give a Hub id or a folder",
            );
            return None;
        }
        if m.file.as_deref().is_some_and(|f| f.trim().is_empty()) {
            report.error(
                doc.pos("model"),
                "model names an empty file: give the .gguf file name, or leave `file` out",
            );
        }
        let model = ModelRef {
            id: m.id,
            gguf_file: m.file.map(|f| f.trim().to_string()),
        };
        if let Some(why) = super::safety::model_problem(&model) {
            report.error(doc.pos("model"), why);
            return None;
        }
        Some(model)
    });

    let kind = kind(doc, raw.kind.as_deref(), report);
    if kind == Kind::Code {
        for (key, set, why) in [
            ("inputs", raw.inputs.is_some(), "its one input is the code: remove `inputs`, and give `starter:` with the code the cell starts with"),
            ("params", raw.params.is_some(), "the code sets its own settings (`temperature=…`, `top_k=…`): remove `params`"),
            ("runs", raw.runs.is_some(), "the code runs the pipeline as often as it calls it: remove `runs`"),
        ] {
            if set {
                report.error(doc.pos(key), format!("{what} is a code exercise: {why}"));
            }
        }
    } else if raw.starter.is_some() {
        report.error(
            doc.pos("starter"),
            "starter is the code a code cell starts with: add `kind: code`, or remove `starter`",
        );
    }
    let (params, inputs, runs) = if kind == Kind::Code {
        let code = InputField {
            label: "Code".to_string(),
            param: None,
            default: raw.starter.unwrap_or_default(),
        };
        (RunParams::default(), vec![code], 1)
    } else {
        let params = super::exercise_params::params(doc, raw.params, task, report);
        let inputs = inputs(doc, raw.inputs, task, &params, report);
        let runs = runs(doc, raw.runs, task, report);
        (params, inputs, runs)
    };
    // A code exercise's texts are whatever its code passes: not known here.
    let text_inputs = match kind {
        Kind::Code => 0,
        Kind::Fields => inputs.iter().filter(|f| f.param.is_none()).count(),
    };
    let can_sample = kind == Kind::Code
        || params.temperature > 0.0
        || inputs.iter().any(|f| f.param == Some(Param::Temperature));

    let has_prediction = inputs.iter().any(|f| f.param == Some(Param::Prediction));
    let check = match raw.check {
        // A predict-then-run exercise is judged on the prediction alone unless it says more.
        None if has_prediction => Some(Check::default()),
        None => {
            report.error(
                doc.anchor(),
                format!("{what} has no check: add `check:` with the conditions that make it pass, e.g. `similarity: {{min: 0.6}}`"),
            );
            None
        }
        Some(c) => Some(check_spec::convert(
            doc,
            c,
            &Context {
                task,
                text_inputs,
                runs,
                can_sample,
                has_prediction,
                code: kind == Kind::Code,
            },
            report,
        )),
    };

    let feedback = match raw.feedback {
        None => {
            report.warn(
                doc.anchor(),
                format!("{what} has no feedback: add `feedback: {{pass: …, fail: …}}`"),
            );
            Feedback::default()
        }
        Some(f) => {
            for (key, missing) in [("pass", f.pass.is_none()), ("fail", f.fail.is_none())] {
                if missing {
                    report.warn(
                        doc.pos("feedback"),
                        format!("feedback has no {key} message"),
                    );
                }
            }
            Feedback {
                pass: f.pass.map(|s| s.trim().to_string()),
                fail: f.fail.map(|s| s.trim().to_string()),
            }
        }
    };
    let hints = raw.hints.map(|h| h.0).unwrap_or_default();
    if hints.is_empty() {
        report.warn(
            doc.anchor(),
            format!("{what} has no hints: add 1 to 3, mildest first"),
        );
    }
    for (i, h) in hints.iter().enumerate() {
        if h.trim().is_empty() {
            report.error(
                doc.value_pos(&format!("hints[{i}]")),
                format!("hint {} is empty", i + 1),
            );
        }
    }
    let solutions = answers(doc, "solution", raw.solution, &inputs, &what, report);
    let counterexamples = answers(
        doc,
        "counterexample",
        raw.counterexample,
        &inputs,
        &what,
        report,
    );
    if task.is_some_and(super::media::takes_files) {
        media_inside_course(doc, &inputs, &solutions, &counterexamples, report);
    }

    let exercise = Exercise {
        id: id?,
        kind,
        task: task?,
        model,
        goal: goal?,
        inputs,
        params,
        runs,
        check: check?,
        feedback,
        hints: hints.into_iter().map(|h| h.trim().to_string()).collect(),
        solutions: solutions.iter().map(|(v, _)| v.clone()).collect(),
        counterexamples: counterexamples.iter().map(|(v, _)| v.clone()).collect(),
        answers_at: AnswersAt {
            solutions: solutions.iter().map(|(_, p)| doc.pos(p)).collect(),
            counterexamples: counterexamples.iter().map(|(_, p)| doc.pos(p)).collect(),
        },
        line: fence_line,
    };
    Some(exercise)
}

/// `kind:` fields (the default) or code.
fn kind(doc: &YamlDoc, raw: Option<&str>, report: &mut Report) -> Kind {
    match raw.map(str::trim) {
        None | Some("fields") => Kind::Fields,
        Some("code") => Kind::Code,
        Some(other) => {
            let hint = did_you_mean::suggestion(other, ["fields", "code"]);
            report.error(
                doc.value_pos("kind"),
                format!("unknown kind \"{other}\"{hint}: an exercise is `kind: fields` (the default) or `kind: code` (a Python cell)"),
            );
            Kind::Fields
        }
    }
}

fn default_inputs(task: Option<Task>) -> Vec<InputField> {
    let labels: &[&str] = match task {
        Some(Task::SentenceSimilarity) => &["First sentence", "Second sentence"],
        Some(Task::TextGeneration) => &["Prompt"],
        Some(Task::ZeroShotClassification) => &["Labels", "Text"],
        Some(Task::SemanticSearch) => &["Query"],
        Some(Task::TrainClassifier) => &["Sport examples", "Food examples"],
        _ => &["Text"],
    };
    labels
        .iter()
        .map(|l| InputField {
            label: l.to_string(),
            param: None,
            default: String::new(),
        })
        .collect()
}

fn inputs(
    doc: &YamlDoc,
    raw: Option<Vec<RawInput>>,
    task: Option<Task>,
    params: &RunParams,
    report: &mut Report,
) -> Vec<InputField> {
    let Some(raw) = raw else {
        return default_inputs(task);
    };
    if raw.is_empty() {
        report.error(
            doc.pos("inputs"),
            "inputs is empty: give at least one input field, or leave `inputs` out",
        );
        return default_inputs(task);
    }
    let mut fields: Vec<InputField> = Vec::new();
    // Fields whose `param` was wrong: not text inputs either (no second error about counts).
    let mut broken_params = 0;
    for (i, input) in raw.into_iter().enumerate() {
        let here = format!("inputs[{i}]");
        let label = input
            .label
            .map(|l| l.trim().to_string())
            .unwrap_or_default();
        if label.is_empty() {
            report.error(
                doc.pos(&here),
                format!(
                    "input {} has no label: add `label: …` (what the student types there)",
                    i + 1
                ),
            );
        }
        let param = input.param.as_deref().and_then(|name| {
            let pos = doc.value_pos(&format!("{here}.param"));
            let Some(param) = Param::parse(name.trim()) else {
                let names = Param::ALL.map(Param::name);
                let hint = match did_you_mean::closest(name, names) {
                    Some(c) => format!(" (did you mean \"{c}\"?)"),
                    None => format!("; params are: {}", names.join(", ")),
                };
                report.error(pos, format!("unknown param \"{name}\"{hint}"));
                broken_params += 1;
                return None;
            };
            if param == Param::Prediction {
                if let Some(task) = task.filter(|t| !t.gives_labels()) {
                    report.error(pos, format!("input \"{label}\" is a prediction, but task {task} gives no label to compare it with: use it with text-classification, zero-shot-classification, image-classification, fill-mask or question-answering"));
                }
            } else if let Some(task) = task.filter(|t| !super::exercise_params::fits(param.name(), *t)) {
                report.error(pos, format!("input \"{label}\" sets {}, but {}", param.name(), super::exercise_params::only_for(param.name(), task)));
            }
            if fields.iter().any(|f| f.param == Some(param)) {
                report.error(pos, format!("two inputs set {}: keep one", param.name()));
            }
            if param == Param::System && !params.chat {
                report.error(pos, "param system is only used in chat: add `chat: true` to params");
            }
            Some(param)
        });
        let default = match (param, input.default) {
            (Some(p), Some(d)) => {
                let mut scratch = params.clone();
                if let Err(m) = crate::domain::params::set_param(p, &d, &mut scratch) {
                    report.error(
                        doc.pos(&format!("{here}.default")),
                        format!("input \"{label}\": default \"{d}\" doesn't work: {m}"),
                    );
                }
                d
            }
            (Some(p), None) => crate::domain::params::param_text(p, params),
            (None, d) => d.unwrap_or_default(),
        };
        fields.push(InputField {
            label,
            param,
            default,
        });
    }
    let texts = fields.iter().filter(|f| f.param.is_none()).count() - broken_params;
    let problem = match task {
        Some(Task::SentenceSimilarity) if texts < 2 => Some(format!(
            "task sentence-similarity compares the first text input with the others: give at least 2 text inputs (it has {texts})"
        )),
        Some(Task::TextGeneration) if texts != 1 => {
            Some(format!("task text-generation takes exactly 1 text input, the prompt (it has {texts})"))
        }
        Some(Task::ZeroShotClassification) if texts < 2 => Some(format!(
            "task zero-shot-classification takes the labels (first text input) and then the texts to classify: give at least 2 text inputs (it has {texts})"
        )),
        Some(Task::SemanticSearch) if texts != 1 => {
            Some(format!("task semantic-search takes exactly 1 text input, the query (it has {texts})"))
        }
        Some(Task::TrainClassifier) if texts != 2 => Some(format!(
            "task train-classifier takes exactly 2 text inputs, the sport examples then the food examples (it has {texts})"
        )),
        _ if texts == 0 => Some("the exercise needs at least one text input (inputs that set a param don't count)".to_string()),
        _ => None,
    };
    if let Some(m) = problem {
        report.error(doc.pos("inputs"), m);
    }
    fields
}

fn runs(doc: &YamlDoc, raw: Option<i64>, task: Option<Task>, report: &mut Report) -> usize {
    let Some(n) = raw else { return 1 };
    let pos = doc.pos("runs");
    if n < 1 {
        report.error(pos, format!("runs must be 1 or more, not {n}"));
        return 1;
    }
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    if n > crate::domain::params::MAX_RUNS {
        report.error(
            pos,
            format!(
                "runs can be at most {} (each run takes time), not {n}",
                crate::domain::params::MAX_RUNS
            ),
        );
        return crate::domain::params::MAX_RUNS;
    }
    if let Some(task) = task.filter(|t| *t != Task::TextGeneration && n > 1) {
        report.error(
            pos,
            format!("runs only repeats text-generation: remove it for task {task}"),
        );
        return 1;
    }
    n
}

/// Solutions or counterexamples as value lists, each with its path for messages.
/// A file-taking exercise's files (defaults, solutions, counterexamples) are the course's own:
/// named from its folder, never absolute, `~/…` or climbing out with `..`. (A student may type
/// any path of theirs; a course may not reach for one.)
fn media_inside_course(
    doc: &YamlDoc,
    inputs: &[InputField],
    solutions: &[(Vec<String>, String)],
    counterexamples: &[(Vec<String>, String)],
    report: &mut Report,
) {
    let mut check = |value: &str, pos: (usize, usize)| {
        if super::media::outside_course(value) {
            report.error(
                pos,
                format!("\"{}\" is outside the course folder: a course can only use its own files; put the file in the course (e.g. media/) and name it from there", value.trim()),
            );
        }
    };
    for (i, field) in inputs.iter().enumerate() {
        if field.param.is_none() && !field.default.trim().is_empty() {
            check(
                &field.default,
                doc.value_pos(&format!("inputs[{i}].default")),
            );
        }
    }
    for (values, path) in solutions.iter().chain(counterexamples) {
        for (field, value) in inputs.iter().zip(values) {
            if field.param.is_none() {
                check(value, doc.value_pos(path));
            }
        }
    }
}

fn answers(
    doc: &YamlDoc,
    key: &str,
    raw: Option<Answers>,
    inputs: &[InputField],
    what: &str,
    report: &mut Report,
) -> Vec<(Vec<String>, String)> {
    let list = raw.map(|a| a.0).unwrap_or_default();
    if list.is_empty() {
        let (purpose, verb) = if key == "solution" {
            ("passes", "pass")
        } else {
            ("fails", "fail")
        };
        report.error(
            doc.anchor(),
            format!("{what} has no {key}: add at least one input that {purpose}, for the solver (`{key}: [\"…\"]`); it must {verb} with the real model"),
        );
        return Vec::new();
    }
    let labels: Vec<String> = inputs.iter().map(|f| format!("\"{}\"", f.label)).collect();
    let mut out = Vec::new();
    for (i, answer) in list.into_iter().enumerate() {
        let path = format!("{key}[{i}]");
        let values = match answer {
            Answer::One(s) => vec![s],
            Answer::Many(v) => v,
        };
        if values.len() != inputs.len() {
            report.error(
                doc.pos(&path),
                format!(
                    "{key} {} has {} but the exercise has {} ({}): give one value per field, in that order",
                    i + 1,
                    if values.len() == 1 { "1 value".to_string() } else { format!("{} values", values.len()) },
                    if inputs.len() == 1 { "1 input field".to_string() } else { format!("{} input fields", inputs.len()) },
                    labels.join(", ")
                ),
            );
            continue;
        }
        out.push((values, path));
    }
    out
}
