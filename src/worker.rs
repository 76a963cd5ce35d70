//! The model worker: its own thread receives jobs, keeps loaded pipelines (one load per model per
//! session), and streams progress, text and results back over a channel. Only this thread touches
//! models, so the shell never waits on one.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use crate::domain::{JobRequest, PipelineOutput, Stream};
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::loaded::Loaded;
use crate::inference::PipelineError;
use crate::python::local::LoadedModels;
use crate::python::{CellJob, CellRun};

/// The worker thread's name (the shell's panic hook recognises it).
pub const THREAD_NAME: &str = "hftutor-models";

/// What the worker reports, tagged with the job id `submit` returned.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkerEvent {
    /// The job started (a model may need loading first).
    Started { job: u64 },
    /// Provisioning or loading news: a note, or bytes of a download/import.
    Loading {
        job: u64,
        message: String,
        fraction: Option<f64>,
    },
    /// Partial output (generated text).
    Stream { job: u64, stream: Stream },
    /// The job ended: the output, or why there is none (shown to the student as it says).
    Finished {
        job: u64,
        result: Result<PipelineOutput, JobError>,
        elapsed: Duration,
    },
    /// A code cell ended: what it printed and every pipeline call it made (its Python errors
    /// are in the run), or why it couldn't run at all.
    CellFinished {
        job: u64,
        result: Result<Box<CellRun>, JobError>,
        elapsed: Duration,
    },
}

impl WorkerEvent {
    /// The job the event is about.
    pub fn job(&self) -> u64 {
        match self {
            WorkerEvent::Started { job }
            | WorkerEvent::Loading { job, .. }
            | WorkerEvent::Stream { job, .. }
            | WorkerEvent::Finished { job, .. }
            | WorkerEvent::CellFinished { job, .. } => *job,
        }
    }
}

/// What the worker runs: one pipeline job, or a code cell (whose pipeline calls run here too).
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // one in flight at a time
pub enum Job {
    Pipeline(JobRequest),
    Cell(CellJob),
}

/// Why a job gave no output.
#[derive(Debug, thiserror::Error)]
pub enum JobFailure {
    /// The pipeline's own error (a missing model, bad input, candle's error…), whole.
    #[error(transparent)]
    Pipeline(#[from] PipelineError),
    /// Model code panicked; the loaded model was dropped and the worker lives on.
    #[error("the model failed unexpectedly ({0}); try again, or report this")]
    Panicked(String),
    /// The worker thread is gone, so nothing can run.
    #[error("{0}")]
    WorkerGone(&'static str),
}

/// A job's failure as events and the shell's state carry it: shared, not copied (candle's and
/// the Hub's errors can't be cloned), and equal only to itself.
#[derive(Debug, Clone)]
pub struct JobError(pub Arc<JobFailure>);

impl JobError {
    pub fn failure(&self) -> &JobFailure {
        &self.0
    }
}

impl From<JobFailure> for JobError {
    fn from(f: JobFailure) -> Self {
        JobError(Arc::new(f))
    }
}

impl PartialEq for JobError {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for JobError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// Where the worker sends its events: the shell's tokio channel, or anything else.
pub type EventSink = Box<dyn Fn(WorkerEvent) + Send>;

/// A handle on the worker thread. Dropping it stops the thread after the current job.
pub struct Worker {
    jobs: mpsc::Sender<(u64, Job)>,
    next: AtomicU64,
    cancel: Arc<AtomicBool>,
}

impl Worker {
    /// Starts the worker thread.
    pub fn spawn(provision: Provision, sink: EventSink) -> std::io::Result<Worker> {
        let (tx, rx) = mpsc::channel::<(u64, Job)>();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = cancel.clone();
        std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || worker_loop(provision, rx, sink, flag))?;
        Ok(Worker {
            jobs: tx,
            next: AtomicU64::new(1),
            cancel,
        })
    }

    /// Queues a job; returns its id. Events for it follow on the sink.
    pub fn submit(&self, request: JobRequest) -> u64 {
        self.send(Job::Pipeline(request))
    }

    /// Queues a code cell; returns its id.
    pub fn submit_cell(&self, cell: CellJob) -> u64 {
        self.send(Job::Cell(cell))
    }

    fn send(&self, job: Job) -> u64 {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.cancel.store(false, Ordering::SeqCst);
        // A send only fails when the thread is gone; the shell then sees no events and says so.
        let _ = self.jobs.send((id, job));
        id
    }

    /// Asks the running job to stop at its next token.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }
}

fn worker_loop(
    provision: Provision,
    rx: mpsc::Receiver<(u64, Job)>,
    sink: EventSink,
    cancel: Arc<AtomicBool>,
) {
    let mut loaded = Loaded::new();
    while let Ok((job, work)) = rx.recv() {
        let request = match work {
            Job::Pipeline(r) => r,
            Job::Cell(cell) => {
                run_cell(&provision, &mut loaded, job, &cell, &sink, &cancel);
                continue;
            }
        };
        sink(WorkerEvent::Started { job });
        let started = Instant::now();
        // A panic inside model code becomes an error for this job; the loaded model it was
        // using is dropped (it may be half-updated) and the worker lives on.
        let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_job(&provision, &mut loaded, job, &request, &sink, &cancel)
        }));
        let result = attempt.unwrap_or_else(|panic| {
            loaded.forget(&request);
            Err(JobFailure::Panicked(panic_text(&*panic)).into())
        });
        sink(WorkerEvent::Finished {
            job,
            result,
            elapsed: started.elapsed(),
        });
    }
}

/// Runs a code cell here, its pipeline calls on the worker's loaded models. A panic in model
/// code drops every loaded model (which one is unknown) and fails the cell.
fn run_cell(
    provision: &Provision,
    loaded: &mut Loaded,
    job: u64,
    cell: &CellJob,
    sink: &EventSink,
    cancel: &AtomicBool,
) {
    sink(WorkerEvent::Started { job });
    let started = Instant::now();
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut on_event = |event: ProvisionEvent| sink(loading_event(job, event));
        let mut on_stream = |_: Stream| !cancel.load(Ordering::SeqCst);
        let stop = || cancel.load(Ordering::SeqCst);
        let mut models = LoadedModels {
            loaded: &mut *loaded,
            provision,
            course: &cell.course,
            on_event: &mut on_event,
            on_stream: &mut on_stream,
            stop: &stop,
            seed: cell.seed,
        };
        crate::python::run_with_form(&cell.source, &mut models, cell.limits, cell.form.as_deref())
    }));
    let result = match attempt {
        Ok(run) => Ok(Box::new(run)),
        Err(panic) => {
            *loaded = Loaded::new();
            Err(JobFailure::Panicked(panic_text(&*panic)).into())
        }
    };
    sink(WorkerEvent::CellFinished {
        job,
        result,
        elapsed: started.elapsed(),
    });
}

use crate::inference::guard::panic_text;

fn run_job(
    provision: &Provision,
    loaded: &mut Loaded,
    job: u64,
    request: &JobRequest,
    sink: &EventSink,
    cancel: &AtomicBool,
) -> Result<PipelineOutput, JobError> {
    if !loaded.has(request.task, &request.model) {
        sink(WorkerEvent::Loading {
            job,
            message: format!("loading {}…", request.model),
            fraction: None,
        });
    }
    let mut on_event = |event: ProvisionEvent| sink(loading_event(job, event));
    let mut on_stream = |stream: Stream| {
        sink(WorkerEvent::Stream { job, stream });
        !cancel.load(Ordering::SeqCst)
    };
    loaded
        .run(request, provision, &mut on_event, &mut on_stream)
        .map_err(|e| JobFailure::Pipeline(e).into())
}

fn loading_event(job: u64, event: ProvisionEvent) -> WorkerEvent {
    match event {
        ProvisionEvent::Note(message) => WorkerEvent::Loading {
            job,
            message,
            fraction: None,
        },
        ProvisionEvent::Progress { file, done, total } => {
            let fraction = total.filter(|&t| t > 0).map(|t| done as f64 / t as f64);
            let mb = done as f64 / 1e6;
            WorkerEvent::Loading {
                job,
                message: format!("fetching {file}: {mb:.0} MB"),
                fraction,
            }
        }
    }
}
