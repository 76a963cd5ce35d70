//! A whole course: course.yaml, its lesson files in order, and the rules that span files
//! (lesson order, unlisted files, duplicate lesson ids, a model for every exercise's task).

use super::answers::{check_answers, AnswerRules};
use super::course_file::{self, CourseFile};
use super::did_you_mean;
use super::lesson::{self, Parsed};
use super::report::Report;
use super::source::Source;
use super::types::Course;
use super::Problem;

/// Loads a course, with every problem found (warnings included). The course is `None` when
/// there is an error.
pub fn load(source: &Source, rules: &dyn AnswerRules) -> (Option<Course>, Vec<Problem>) {
    let course_name = "course.yaml";
    let mut course_report = Report::new(source.shown(course_name));
    if !source.exists() {
        let mut r = Report::new(
            source
                .root()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
        );
        r.error((1, 1), "this course folder doesn't exist");
        return (None, r.problems);
    }
    let course_file = match source.read(course_name) {
        Ok(Some(text)) => course_file::parse(&text, &mut course_report),
        Ok(None) => {
            course_report.error(
                (1, 1),
                "there is no course.yaml here: a course folder needs one, with `title:`, `lessons:` (in order) and `models:`",
            );
            CourseFile {
                title: String::new(),
                lessons: Vec::new(),
                models: Default::default(),
            }
        }
        Err(why) => {
            course_report.error((1, 1), why.to_string());
            CourseFile {
                title: String::new(),
                lessons: Vec::new(),
                models: Default::default(),
            }
        }
    };

    // Parse every lesson file, listed or not.
    let names = source.lesson_files();
    let mut files: Vec<(String, Report, Option<Parsed>)> = Vec::new();
    for name in &names {
        let mut report = Report::new(source.shown(name));
        let listed = course_file
            .lessons
            .iter()
            .any(|(e, _)| e == name || name.strip_suffix(".md") == Some(e.as_str()));
        let parsed = match source.read(name) {
            // A Markdown file that isn't listed and has no front matter is the teacher's own
            // (notes.md, TODO.md): not a lesson, so not an error (issue 17).
            Ok(Some(text))
                if !listed && !text.trim_start_matches('\u{feff}').starts_with("---") =>
            {
                continue;
            }
            Ok(Some(text)) => lesson::parse(name, &text, &mut report),
            Ok(None) => None,
            Err(why) => {
                report.error((1, 1), why.to_string());
                None
            }
        };
        for e in parsed.iter().flat_map(|p| p.lesson.exercises()) {
            check_answers(e, rules, &mut report);
        }
        files.push((name.clone(), report, parsed));
    }

    // Resolve the lesson order.
    let mut order: Vec<usize> = Vec::new();
    for (entry, pos) in &course_file.lessons {
        let found = files
            .iter()
            .position(|(n, _, _)| n == entry || n.strip_suffix(".md") == Some(entry.as_str()))
            .or_else(|| {
                files
                    .iter()
                    .position(|(_, _, p)| p.as_ref().is_some_and(|p| p.lesson.id == *entry))
            });
        match found {
            Some(i) if order.contains(&i) => {
                course_report.error(
                    *pos,
                    format!("lesson \"{entry}\" is listed twice: keep one"),
                );
            }
            Some(i) => order.push(i),
            None => {
                let known = names
                    .iter()
                    .map(|n| n.trim_end_matches(".md").to_string())
                    .chain(
                        files
                            .iter()
                            .filter_map(|(_, _, p)| p.as_ref().map(|p| p.lesson.id.clone())),
                    )
                    .collect::<Vec<_>>();
                let hint = did_you_mean::suggestion(
                    entry.trim_end_matches(".md"),
                    known.iter().map(String::as_str),
                );
                course_report.error(
                    *pos,
                    format!("lesson \"{entry}\" not found: there is no file {} and no lesson with that id{hint}", md_name(entry)),
                );
            }
        }
    }

    // Rules across files.
    let mut first_with_id: Vec<(String, usize)> = Vec::new();
    let listed_then_rest: Vec<usize> = order
        .iter()
        .copied()
        .chain((0..files.len()).filter(|i| !order.contains(i)))
        .collect();
    for &i in &listed_then_rest {
        let (name, report, parsed) = &mut files[i];
        let Some(p) = parsed else { continue };
        if p.lesson.id.is_empty() {
            continue;
        }
        match first_with_id.iter().find(|(id, _)| *id == p.lesson.id) {
            Some((_, other)) => {
                let other_name = names.get(*other).cloned().unwrap_or_default();
                report.error(
                    p.id_pos,
                    format!(
                        "lesson id \"{}\" is also used by {other_name}: lesson ids must be unique",
                        p.lesson.id
                    ),
                );
            }
            None => first_with_id.push((p.lesson.id.clone(), i)),
        }
        if !order.contains(&i) && !course_file.lessons.is_empty() {
            report.warn(
                (1, 1),
                format!("this lesson is not listed in course.yaml, so students never see it: add \"{}\" to `lessons:`", name.trim_end_matches(".md")),
            );
        }
        if order.contains(&i) {
            for e in p.lesson.exercises() {
                if e.model.is_none() && !course_file.models.contains_key(&e.task) {
                    report.error(
                        (e.line, 1),
                        format!("no model for task {}: add one under `models:` in course.yaml, or set `model:` in the exercise", e.task),
                    );
                }
            }
        }
    }

    course_report.problems.sort_by_key(|p| (p.line, p.col));
    let mut problems = course_report.problems;
    let mut ok = !problems.iter().any(|p| !p.warning);
    let mut lessons = Vec::new();
    for &i in &listed_then_rest {
        let (_, report, parsed) = &mut files[i];
        report.problems.sort_by_key(|p| (p.line, p.col));
        ok &= !report.has_errors();
        problems.append(&mut report.problems);
        if order.contains(&i) {
            match parsed.take() {
                Some(p) => lessons.push(p.lesson),
                None => ok = false,
            }
        }
    }
    let course = ok.then(|| Course {
        title: course_file.title,
        root: source.root(),
        lessons,
        models: course_file.models,
    });
    (course, problems)
}

fn md_name(entry: &str) -> String {
    if entry.ends_with(".md") {
        entry.to_string()
    } else {
        format!("{entry}.md")
    }
}
