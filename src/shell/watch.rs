//! Live preview's file watcher: watches a course folder (notify), waits until the files have been
//! quiet for a moment (editors write in bursts), loads the course again and hands the result on.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context;
use notify::{RecursiveMode, Watcher};

use crate::course::{self, Course, Problem};

/// How long the folder must stay quiet before a reload.
pub const DEBOUNCE: Duration = Duration::from_millis(250);

/// Watches a course folder while it lives; dropping it stops the watching thread.
pub struct CourseWatcher {
    _watcher: notify::RecommendedWatcher,
}

impl CourseWatcher {
    /// Starts watching `dir`; after each burst of changes to its course files, `on_reload` gets
    /// the freshly loaded course, or its problems.
    pub fn start(
        dir: &Path,
        on_reload: impl Fn(Result<Course, Vec<Problem>>) + Send + 'static,
    ) -> anyhow::Result<CourseWatcher> {
        let (tx, rx) = mpsc::channel::<()>();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                if let Ok(event) = event {
                    if is_relevant(&event) {
                        let _ = tx.send(());
                    }
                }
            })
            .context("cannot watch the course folder")?;
        watcher
            .watch(dir, RecursiveMode::NonRecursive)
            .with_context(|| format!("cannot watch {}", dir.display()))?;
        let dir: PathBuf = dir.to_path_buf();
        std::thread::Builder::new()
            .name("hftutor-watch".into())
            .spawn(move || {
                // Ends when the watcher (holding the sender) is dropped.
                while rx.recv().is_ok() {
                    while rx.recv_timeout(DEBOUNCE).is_ok() {}
                    on_reload(course::load_dir(&dir, &crate::attempt::Rules));
                }
            })
            .context("cannot start the watching thread")?;
        Ok(CourseWatcher { _watcher: watcher })
    }
}

/// The course in `dir` as soon as it loads: while it has errors, `report` gets them (at once,
/// then after each save that still has some) and this waits for the next change.
pub fn first_good_course(dir: &Path, mut report: impl FnMut(&[Problem])) -> anyhow::Result<Course> {
    let mut problems = match course::load_dir(dir, &crate::attempt::Rules) {
        Ok(c) => return Ok(c),
        Err(p) => p,
    };
    let (tx, rx) = mpsc::channel();
    let _watcher = CourseWatcher::start(dir, move |r| drop(tx.send(r)))?;
    // A save between the first load and the start of the watcher would be missed.
    if let Ok(c) = course::load_dir(dir, &crate::attempt::Rules) {
        return Ok(c);
    }
    loop {
        report(&problems);
        match rx.recv() {
            Ok(Ok(c)) => return Ok(c),
            Ok(Err(p)) => problems = p,
            Err(_) => anyhow::bail!("stopped watching {}", dir.display()),
        }
    }
}

/// A change to a course file (not an access, not an editor's swap or backup file).
fn is_relevant(event: &notify::Event) -> bool {
    if matches!(event.kind, notify::EventKind::Access(_)) {
        return false;
    }
    event.paths.iter().any(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        !name.starts_with('.') && (name.ends_with(".md") || name.ends_with(".yaml"))
    })
}
