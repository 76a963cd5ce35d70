//! An exercise's `params:` block and which task each setting belongs to (from the task registry,
//! `domain::task::TASKS`): the rules shared by `params:` keys and input fields with `param:`.

use crate::domain::params;
use crate::domain::ParamError;
use crate::domain::RunParams;
use crate::domain::Task;

use super::raw::RawParams;
use super::report::Report;
use super::yaml_doc::YamlDoc;

/// Why the value of a `params:` setting is refused.
#[derive(Debug, thiserror::Error)]
enum SettingError {
    #[error(transparent)]
    Param(#[from] ParamError),
    #[error("the context is empty: give the text the answers are in")]
    EmptyContext,
    #[error("no words given: list the words the model should score")]
    NoTargets,
    #[error("num_beams must be a whole number from 1 to 8, not {0}")]
    NumBeams(i64),
    #[error("give a language code, such as en or fr")]
    NoLanguage,
    #[error(
        "the template \"{0}\" has no {{}} where the label goes, e.g. \"This text is about {{}}.\""
    )]
    NoLabelSlot(String),
}

/// The tasks a setting works with, from the task registry, in `Task::ALL` order.
fn tasks_of(key: &str) -> Vec<Task> {
    Task::ALL.iter().copied().filter(|t| t.takes(key)).collect()
}

/// Whether setting `key` does something for `task`.
pub fn fits(key: &str, task: Task) -> bool {
    task.takes(key)
}

/// Why `key` doesn't fit `task`: "only … uses it (task is …)".
pub fn only_for(key: &str, task: Task) -> String {
    let names: Vec<&str> = tasks_of(key).iter().map(|t| t.name()).collect();
    let listed = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    };
    format!(
        "only {listed} {} it (task is {task})",
        if names.len() == 1 { "uses" } else { "use" }
    )
}

pub fn params(
    doc: &YamlDoc,
    raw: Option<RawParams>,
    task: Option<Task>,
    report: &mut Report,
) -> RunParams {
    let mut p = RunParams::default();
    let Some(raw) = raw else { return p };
    let mut check = |key: &str, r: Result<(), SettingError>| {
        let pos = doc.pos(&format!("params.{key}"));
        if let Some(task) = task.filter(|t| !fits(key, *t)) {
            report.error(
                pos,
                format!("params.{key}: {}: remove it", only_for(key, task)),
            );
        } else if let Err(m) = r {
            report.error(pos, format!("params.{key}: {m}"));
        }
    };
    if let Some(t) = raw.temperature {
        check(
            "temperature",
            params::temperature(t)
                .map(|t| p.temperature = t)
                .map_err(SettingError::from),
        );
    }
    if let Some(k) = raw.top_k {
        check(
            "top_k",
            params::top_k(k)
                .map(|k| p.top_k = Some(k))
                .map_err(SettingError::from),
        );
    }
    if let Some(v) = raw.top_p {
        check(
            "top_p",
            params::top_p(v)
                .map(|v| p.top_p = Some(v))
                .map_err(SettingError::from),
        );
    }
    if let Some(s) = raw.seed {
        check(
            "seed",
            params::seed(s)
                .map(|s| p.seed = Some(s))
                .map_err(SettingError::from),
        );
    }
    if let Some(n) = raw.max_new_tokens {
        check(
            "max_new_tokens",
            params::max_new_tokens(n)
                .map(|n| {
                    p.max_new_tokens = n;
                    p.seq2seq.max_new_tokens = Some(n);
                })
                .map_err(SettingError::from),
        );
    }
    if let Some(chat) = raw.chat {
        check("chat", Ok(()));
        p.chat = chat;
    }
    if let Some(context) = raw.context {
        let context = context.trim().to_string();
        let r = if context.is_empty() {
            Err(SettingError::EmptyContext)
        } else {
            Ok(())
        };
        check("context", r);
        p.context = context;
    }
    if let Some(targets) = raw.targets {
        let list: Vec<String> = targets.0.iter().flat_map(|t| params::targets(t)).collect();
        let r = if list.is_empty() {
            Err(SettingError::NoTargets)
        } else {
            Ok(())
        };
        check("targets", r);
        p.targets = list;
    }
    if let Some(how) = raw.aggregation_strategy {
        match how.parse() {
            Ok(a) => {
                check("aggregation_strategy", Ok(()));
                p.aggregation_strategy = a;
            }
            Err(m) => check("aggregation_strategy", Err(SettingError::Param(m))),
        }
    }
    if let Some(n) = raw.num_beams {
        let r = match usize::try_from(n) {
            Ok(b @ 1..=8) => {
                p.seq2seq.num_beams = Some(b);
                Ok(())
            }
            _ => Err(SettingError::NumBeams(n)),
        };
        check("num_beams", r);
    }
    if let Some(language) = raw.language {
        let language = language.trim().to_string();
        let r = if language.is_empty() {
            Err(SettingError::NoLanguage)
        } else {
            Ok(())
        };
        check("language", r);
        p.language = Some(language);
    }
    if let Some(multi) = raw.multi_label {
        check("multi_label", Ok(()));
        p.multi_label = multi;
    }
    if let Some(template) = raw.hypothesis_template {
        let r = if template.contains("{}") {
            Ok(())
        } else {
            Err(SettingError::NoLabelSlot(template.clone()))
        };
        check("hypothesis_template", r);
        p.hypothesis_template = Some(template);
    }
    if let Some(system) = raw.system {
        if task.is_some_and(|t| fits("system", t)) && !p.chat {
            report.error(
                doc.pos("params.system"),
                "params.system is only used in chat: add `chat: true` to params",
            );
        } else {
            check("system", Ok(()));
        }
        p.system = Some(system.trim().to_string());
    }
    p
}
