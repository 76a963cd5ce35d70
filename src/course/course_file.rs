//! `course.yaml`: the course title, the lesson order and the default model per task.

use std::collections::BTreeMap;

use crate::domain::Task;

use super::did_you_mean;
use super::raw::RawCourse;
use super::report::Report;
use super::yaml_doc::{Kind, YamlDoc};
use crate::domain::ModelRef;

pub struct CourseFile {
    pub title: String,
    /// The lesson entries as written, with their positions.
    pub lessons: Vec<(String, (usize, usize))>,
    pub models: BTreeMap<Task, ModelRef>,
}

pub fn parse(text: &str, report: &mut Report) -> CourseFile {
    let doc = YamlDoc::new(text, Kind::CourseFile, 1, 0, (1, 1));
    let mut out = CourseFile {
        title: String::new(),
        lessons: Vec::new(),
        models: BTreeMap::new(),
    };
    if doc.is_blank() {
        report.error(
            (1, 1),
            "course.yaml is empty: give it `title:`, `lessons:` and `models:`",
        );
        return out;
    }
    let Some(raw) = doc.decode::<RawCourse>(report) else {
        return out;
    };
    match raw
        .title
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
    {
        Some(t) => out.title = t,
        None => report.error((1, 1), "course.yaml has no title: add `title: …`"),
    }
    match raw.lessons {
        None => report.error(
            (1, 1),
            "course.yaml has no lessons: add `lessons:` with the lesson files in order",
        ),
        Some(list) if list.is_empty() => report.error(
            doc.pos("lessons"),
            "lessons is empty: list the lesson files in order",
        ),
        Some(list) => {
            out.lessons = list
                .into_iter()
                .enumerate()
                .map(|(i, name)| (name.trim().to_string(), doc.pos(&format!("lessons[{i}]"))))
                .filter(
                    |(name, pos)| match super::safety::lesson_entry_problem(name) {
                        Some(why) => {
                            report.error(*pos, why);
                            false
                        }
                        None => true,
                    },
                )
                .collect();
        }
    }
    let all_names: Vec<&str> = Task::ALL
        .iter()
        .flat_map(|t| t.names().iter().copied())
        .collect();
    let mut named_by: BTreeMap<Task, String> = BTreeMap::new();
    for (key, model) in raw.models.unwrap_or_default() {
        let pos = doc.pos(&format!("models.{key}"));
        let Some(task) = Task::parse(&key) else {
            let hint = match did_you_mean::closest(&key, all_names.iter().copied()) {
                Some(c) => format!(" (did you mean \"{c}\"?)"),
                None => format!(
                    "; tasks are: {}",
                    Task::ALL
                        .iter()
                        .map(|t| t.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            report.error(pos, format!("unknown task \"{key}\" in models{hint}"));
            continue;
        };
        if let Some(first) = named_by.get(&task) {
            report.error(
                pos,
                format!("models names task {task} twice (\"{first}\" and \"{key}\"): keep one"),
            );
            continue;
        }
        if model.id.is_empty() {
            report.error(
                pos,
                format!("the model for {task} has an empty id: give a Hub id or a folder"),
            );
            continue;
        }
        if model.file.as_deref().is_some_and(|f| f.trim().is_empty()) {
            report.error(pos, format!("the model for {task} names an empty file: give the .gguf file name, or leave `file` out"));
        }
        let model = ModelRef {
            id: model.id,
            gguf_file: model.file.map(|f| f.trim().to_string()),
        };
        if let Some(why) = super::safety::model_problem(&model) {
            report.error(pos, why);
            continue;
        }
        named_by.insert(task, key.clone());
        out.models.insert(task, model);
    }
    out
}
