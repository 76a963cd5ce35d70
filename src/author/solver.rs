//! The headless solver: runs every exercise's `solution` inputs (each must pass) and
//! `counterexample` inputs (each must fail) against the real models, and tabulates the outcome.
//! Sampled runs get fixed seeds here, so the solver's verdicts are reproducible.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::attempt;
use crate::course::{Course, Exercise};
use crate::domain::ModelRef;
use crate::hub::{Provision, ProvisionError, ProvisionEvent};
use crate::inference::loaded::Loaded;
use crate::inference::PipelineError;

/// The seed the solver gives sampled runs whose exercise sets none.
pub const SOLVER_SEED: u64 = 1234;

/// One exercise's outcome.
#[derive(Debug, Clone)]
pub struct ExerciseOutcome {
    pub lesson: String,
    pub exercise: String,
    /// Per solution: None when it passed as it should, else why not.
    pub solutions: Vec<Option<String>>,
    /// Per counterexample: None when it failed as it should, else why not.
    pub counterexamples: Vec<Option<String>>,
    pub time: Duration,
}

impl ExerciseOutcome {
    pub fn good(&self) -> bool {
        !self.solutions.is_empty()
            && !self.counterexamples.is_empty()
            && self
                .solutions
                .iter()
                .chain(&self.counterexamples)
                .all(Option::is_none)
    }
}

/// An exercise the solver could not run because its model can't be had here.
#[derive(Debug, Clone)]
pub struct NotRun {
    pub lesson: String,
    pub exercise: String,
    pub model: String,
    /// What the provisioning said (with what to run to get the model).
    pub why: String,
}

#[derive(Debug, Clone, Default)]
pub struct SolveReport {
    pub outcomes: Vec<ExerciseOutcome>,
    /// Exercises whose model is missing: never counted as solved.
    pub not_run: Vec<NotRun>,
}

impl SolveReport {
    /// Every exercise ran, and each was solvable and not passable by a counterexample.
    pub fn all_good(&self) -> bool {
        self.not_run.is_empty() && self.ran_good()
    }

    /// Every exercise that ran was good (some may not have run).
    pub fn ran_good(&self) -> bool {
        self.outcomes.iter().all(ExerciseOutcome::good)
    }

    /// The table: lesson, exercise, solution ✓/✗, counterexample ✓/✗, time; then every problem.
    pub fn table(&self) -> String {
        let lw = self
            .outcomes
            .iter()
            .map(|o| o.lesson.chars().count())
            .max()
            .unwrap_or(0)
            .max(6);
        let ew = self
            .outcomes
            .iter()
            .map(|o| o.exercise.chars().count())
            .max()
            .unwrap_or(0)
            .max(8);
        let mut out = format!(
            "{:<lw$} {:<ew$} {:>9} {:>15} {:>8}\n",
            "lesson", "exercise", "solution", "counterexample", "time"
        );
        let mark = |v: &[Option<String>]| {
            let ok = v.iter().filter(|x| x.is_none()).count();
            let sign = if !v.is_empty() && ok == v.len() {
                "✓"
            } else {
                "✗"
            };
            format!("{sign} {ok}/{}", v.len())
        };
        for o in &self.outcomes {
            out += &format!(
                "{:<lw$} {:<ew$} {:>9} {:>15} {:>7.1}s\n",
                o.lesson,
                o.exercise,
                mark(&o.solutions),
                mark(&o.counterexamples),
                o.time.as_secs_f64()
            );
        }
        for o in &self.outcomes {
            for why in o.solutions.iter().chain(&o.counterexamples).flatten() {
                out += &format!("{}/{}: {why}\n", o.lesson, o.exercise);
            }
        }
        for n in &self.not_run {
            out += &format!(
                "{}/{}: NOT RUN: model {} missing: {}\n",
                n.lesson, n.exercise, n.model, n.why
            );
        }
        let total: f64 = self.outcomes.iter().map(|o| o.time.as_secs_f64()).sum();
        let good = self.outcomes.iter().filter(|o| o.good()).count();
        out += &format!(
            "{good}/{} exercises solvable and not passable by a counterexample; {total:.1}s\n",
            self.outcomes.len() + self.not_run.len()
        );
        if !self.not_run.is_empty() {
            let mut models: Vec<&str> = self.not_run.iter().map(|n| n.model.as_str()).collect();
            models.dedup();
            out += &format!(
                "NOT RUN: {} exercise{} (model missing: {}); they are not counted as solved\n",
                self.not_run.len(),
                if self.not_run.len() == 1 { "" } else { "s" },
                models.join(", ")
            );
        }
        out
    }
}

/// Runs the solver over the course (or one lesson). An exercise whose model can't be had is
/// listed as not run; other model loading errors end it with an error.
pub fn solve(
    course: &Course,
    lesson: Option<&str>,
    provision: &Provision,
    log: &mut dyn FnMut(String),
) -> anyhow::Result<SolveReport> {
    if let Some(id) = lesson {
        anyhow::ensure!(
            course.lessons.iter().any(|l| l.id == id),
            "no lesson \"{id}\" in the course"
        );
    }
    let mut loaded = Loaded::new();
    // Models that can't be had, with why: tried once.
    let mut missing: HashMap<ModelRef, String> = HashMap::new();
    let mut report = SolveReport::default();
    for l in course
        .lessons
        .iter()
        .filter(|l| lesson.is_none_or(|id| id == l.id))
    {
        for ex in l.exercises() {
            let started = Instant::now();
            let model = model_for(course, ex)?;
            if let Some(why) = missing.get(&model) {
                report.not_run.push(not_run(l, ex, &model, why));
                continue;
            }
            if !loaded.has(ex.task, &model) {
                log(format!("loading {model} for {}", ex.task));
                let mut on_event = |e: ProvisionEvent| {
                    if let ProvisionEvent::Note(n) = e {
                        log(n)
                    }
                };
                match loaded.get(ex.task, &model, provision, &mut on_event) {
                    Ok(_) => {}
                    Err(PipelineError::Provision(e @ ProvisionError::Unavailable { .. })) => {
                        let why = e.to_string();
                        log(format!("{}/{}: NOT RUN: {why}", l.id, ex.id));
                        report.not_run.push(not_run(l, ex, &model, &why));
                        missing.insert(model, why);
                        continue;
                    }
                    // A model that is there but doesn't load (broken files, a panic in model
                    // code) fails the exercise, and the rest of the course is still solved.
                    Err(e) => {
                        let why = format!("{model} doesn't load: {e}");
                        log(format!("{}/{}: FAILED: {why}", l.id, ex.id));
                        report.outcomes.push(ExerciseOutcome {
                            lesson: l.id.clone(),
                            exercise: ex.id.clone(),
                            solutions: vec![Some(why)],
                            counterexamples: Vec::new(),
                            time: started.elapsed(),
                        });
                        continue;
                    }
                }
            }
            let mut run = |values: &Vec<String>, should_pass: bool| {
                if ex.kind == crate::course::Kind::Code {
                    let code = values.first().map_or("", String::as_str);
                    return try_code(&mut loaded, provision, course, ex, code, should_pass);
                }
                try_values(
                    &mut loaded,
                    provision,
                    course,
                    ex,
                    &model,
                    values,
                    should_pass,
                )
            };
            let solutions = ex.solutions.iter().map(|v| run(v, true)).collect();
            let counterexamples = ex.counterexamples.iter().map(|v| run(v, false)).collect();
            let outcome = ExerciseOutcome {
                lesson: l.id.clone(),
                exercise: ex.id.clone(),
                solutions,
                counterexamples,
                time: started.elapsed(),
            };
            log(format!(
                "{}/{}: {}",
                l.id,
                ex.id,
                if outcome.good() { "ok" } else { "PROBLEM" }
            ));
            report.outcomes.push(outcome);
        }
    }
    Ok(report)
}

fn not_run(lesson: &crate::course::Lesson, ex: &Exercise, model: &ModelRef, why: &str) -> NotRun {
    NotRun {
        lesson: lesson.id.clone(),
        exercise: ex.id.clone(),
        model: model.to_string(),
        why: why.to_string(),
    }
}

/// The model an exercise runs on: its own, else the course's default for the task.
pub fn model_for(course: &Course, ex: &Exercise) -> anyhow::Result<ModelRef> {
    attempt::model_for(course, ex).ok_or_else(|| {
        anyhow::anyhow!(
            "exercise {} names no model and the course has none for {}",
            ex.id,
            ex.task
        )
    })
}

/// None when the verdict is what `should_pass` expects, else what went wrong for the table.
fn unexpected(verdict: &crate::checks::Verdict, should_pass: bool, shown: &str) -> Option<String> {
    match (should_pass, verdict.passed) {
        (true, true) | (false, false) => None,
        (true, false) => Some(format!(
            "solution \"{shown}\" fails: {}",
            verdict.details.join("; ")
        )),
        (false, true) => Some(format!(
            "counterexample \"{shown}\" passes: {}",
            verdict.details.join("; ")
        )),
    }
}

/// Runs one code answer as the tutor's worker would (on the same loaded models, with the
/// solver's seed for sampled calls that set none); None when the verdict is what `should_pass`
/// expects.
fn try_code(
    loaded: &mut Loaded,
    provision: &Provision,
    course: &Course,
    ex: &Exercise,
    code: &str,
    should_pass: bool,
) -> Option<String> {
    let mut job = attempt::start_cell(course, ex, code);
    job.seed = Some(SOLVER_SEED);
    let mut models = crate::python::local::LoadedModels {
        loaded,
        provision,
        course: &job.course,
        on_event: &mut |_| {},
        on_stream: &mut |_| true,
        stop: &|| false,
        seed: job.seed,
    };
    let run = crate::python::run(&job.source, &mut models, job.limits);
    let verdict = attempt::judge_cell(ex, code, &run);
    let first = code.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let shown = format!("{} ({} lines)", first.trim(), code.lines().count());
    unexpected(&verdict, should_pass, &shown)
}

/// Runs one input set on the attempt path, as the shell would (with the solver's seed for
/// sampled runs that set none); None when the verdict is what `should_pass` expects.
fn try_values(
    loaded: &mut Loaded,
    provision: &Provision,
    course: &Course,
    ex: &Exercise,
    model: &ModelRef,
    values: &[String],
    should_pass: bool,
) -> Option<String> {
    let shown = values.join(" | ");
    let attempt = match attempt::start(course, ex, model.clone(), values) {
        Ok(a) => a.seeded(SOLVER_SEED),
        // Input the tutor refuses counts as a failed attempt.
        Err(why) => {
            return if should_pass {
                Some(format!("solution \"{shown}\" refused: {why}"))
            } else {
                None
            };
        }
    };
    let output = match loaded.run(&attempt.job, provision, &mut |_| {}, &mut |_| true) {
        Ok(o) => o,
        Err(e) => {
            return if should_pass {
                Some(format!("solution \"{shown}\" errored: {e}"))
            } else {
                None
            };
        }
    };
    let verdict = attempt::judge(ex, &attempt.prepared, &output);
    unexpected(&verdict, should_pass, &shown)
}
