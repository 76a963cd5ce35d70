//! The run loop: terminal set-up and restore (every exit path, panics included), a tokio loop that
//! turns terminal events, worker events and ticks into `Action`s, draws, and carries out `Effect`s
//! (jobs to the worker, progress saves on their own thread).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyEventKind,
};
use ratatui::crossterm::execute;
use tokio::sync::mpsc::{unbounded_channel, UnboundedSender};

use crate::course::Course;
use crate::hub::Provision;
use crate::progress::{Progress, ProgressStore};
use crate::worker::{Worker, WorkerEvent};

use crate::shell::action::{Action, Effect};
use crate::shell::signals::SignalAsk;
use crate::shell::state::App;
use crate::shell::text::theme::Theme;
use crate::shell::view;
use crate::shell::watch::CourseWatcher;

const TICK: Duration = Duration::from_millis(100);

/// Runs the tutor until the student quits. The terminal is restored on every exit path.
pub fn run(
    course: Course,
    store: ProgressStore,
    progress: Progress,
    warning: Option<String>,
    provision: Provision,
    watch: Option<PathBuf>,
    theme: Theme,
) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .enable_io()
        .build()
        .context("cannot start the shell's event loop")?;
    runtime.block_on(event_loop(
        course, store, progress, warning, provision, watch, theme,
    ))
}

/// Restores the terminal when dropped (errors and early returns); ratatui's panic hook, wrapped
/// to also end bracketed paste, covers panics.
struct TerminalGuard;

impl TerminalGuard {
    fn set_up() -> anyhow::Result<(ratatui::DefaultTerminal, TerminalGuard)> {
        // Before raw mode: the settings an out-of-memory abort puts back.
        crate::shell::out_of_memory::arm(crate::shell::out_of_memory::stdin_terminal(), 1);
        let terminal = ratatui::try_init().context("cannot set up the terminal")?;
        let guard = TerminalGuard;
        let restore_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // The model worker catches its own panics and reports them as a failed job: leave
            // the screen as it is (and print nothing over it).
            if std::thread::current().name() == Some(crate::worker::THREAD_NAME) {
                return;
            }
            let _ = execute!(
                std::io::stdout(),
                DisableBracketedPaste,
                DisableMouseCapture
            );
            restore_hook(info);
        }));
        // Without it a pasted line break would arrive as Enter and run the exercise.
        let _ = execute!(std::io::stdout(), EnableBracketedPaste, EnableMouseCapture);
        Ok((terminal, guard))
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        crate::shell::out_of_memory::disarm();
        let _ = execute!(
            std::io::stdout(),
            DisableBracketedPaste,
            DisableMouseCapture
        );
        ratatui::restore();
    }
}

async fn event_loop(
    course: Course,
    store: ProgressStore,
    progress: Progress,
    warning: Option<String>,
    provision: Provision,
    watch: Option<PathBuf>,
    theme: Theme,
) -> anyhow::Result<()> {
    let (worker_tx, mut worker_rx) = unbounded_channel::<WorkerEvent>();
    let worker = Worker::spawn(
        provision.clone(),
        Box::new(move |e| drop(worker_tx.send(e))),
    )
    .context("cannot start the model worker thread")?;
    let (action_tx, mut action_rx) = unbounded_channel::<Action>();
    // Live preview: reloads arrive as actions, like save errors.
    let _watcher = match &watch {
        Some(dir) => {
            let tx = action_tx.clone();
            Some(CourseWatcher::start(dir, move |r| {
                drop(tx.send(Action::CourseReloaded(r)))
            })?)
        }
        None => None,
    };
    let export_tx = action_tx.clone();
    let saver = Saver::start(store, action_tx)?;
    // SIGTERM, SIGHUP (a closed terminal or SSH session): leave like q does.
    let mut signals =
        crate::shell::signals::Signals::install().context("cannot watch for signals")?;
    let missing = crate::shell::state::downloads::missing_models(&course, &provision);
    // Pinned model files are re-hashed once a session: do it now, while the student reads.
    provision.prehash(crate::shell::state::downloads::course_models(&course));
    let mut app = App::new(course, progress, warning);
    app.set_missing_models(missing);
    app.set_audio_player(crate::shell::state::audio::find_player());
    app.set_theme(theme);

    let (mut terminal, guard) = TerminalGuard::set_up()?;
    // Kitty / sixel / iTerm2 pictures where the terminal shows them, else half blocks.
    let mut pictures = view::graphics::Overlay::for_terminal();
    app.set_pictures(pictures.protocol());
    let (term_tx, mut term_rx) = unbounded_channel::<Event>();
    let input = InputReader::start(term_tx)?;
    let size = terminal.size()?;
    app.update(Action::Resize(size.width, size.height));

    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut worker_alive = true;
    let mut dirty = true;
    let result = 'outer: loop {
        if dirty {
            if let Err(e) = pictures.draw(&mut terminal, &app) {
                break Err(anyhow::Error::from(e).context("cannot draw the screen"));
            }
            dirty = false;
        }
        let effects = tokio::select! {
            event = term_rx.recv() => match event {
                // Ctrl-Z suspends, as in any terminal program (raw mode turns it into a key).
                Some(Event::Key(key)) if is_ctrl_z(&key) => {
                    if let Err(e) = suspend(&mut terminal, &mut pictures) {
                        break Err(e);
                    }
                    Vec::new()
                }
                Some(Event::Key(key)) if key.kind != KeyEventKind::Release => app.on_key(key),
                Some(Event::Resize(w, h)) => app.update(Action::Resize(w, h)),
                Some(Event::Paste(text)) => app.update(Action::Paste(text)),
                Some(Event::Mouse(mouse)) => app.on_mouse(mouse),
                Some(_) => continue,
                // The terminal is gone: nothing more can be read or shown.
                None => break Ok(()),
            },
            event = worker_rx.recv(), if worker_alive => match event {
                Some(e) => app.update(Action::Worker(e)),
                None => {
                    worker_alive = false;
                    // A panic on the worker thread ran ratatui's hook: take the screen back.
                    if let Err(e) = reenter(&mut terminal) {
                        break Err(e);
                    }
                    let _ = pictures.invalidate();
                    app.update(Action::WorkerGone)
                }
            },
            Some(action) = action_rx.recv() => app.update(action),
            ask = signals.recv() => match ask {
                SignalAsk::End => break Ok(()),
                SignalAsk::Suspend => {
                    if let Err(e) = suspend(&mut terminal, &mut pictures) {
                        break Err(e);
                    }
                    Vec::new()
                }
                SignalAsk::Resume => {
                    if let Err(e) = resume(&mut terminal, &mut pictures) {
                        break Err(e);
                    }
                    Vec::new()
                }
            },
            _ = tick.tick() => {
                if terminal_gone() {
                    break Ok(());
                }
                app.update(Action::Tick);
                dirty = app.running().is_some();
                continue;
            }
        };
        dirty = true;
        for effect in effects {
            match effect {
                Effect::Submit(request) => {
                    let job = worker.submit(request);
                    app.update(Action::Submitted(job));
                }
                Effect::SubmitCell(cell) => {
                    let job = worker.submit_cell(*cell);
                    app.update(Action::Submitted(job));
                }
                Effect::Cancel => worker.cancel(),
                Effect::Save(progress) => saver.save(progress),
                Effect::ExportSpace(job) => export_in_background(job, export_tx.clone()),
                Effect::Play { player, clip } => {
                    if let Err(e) = crate::shell::state::audio::play(&player, &clip) {
                        app.update(Action::PlayFailed(e.to_string()));
                    }
                }
                Effect::Quit => break 'outer Ok(()),
            }
        }
    };
    input.stop();
    let _ = std::io::Write::write_all(&mut std::io::stdout(), &pictures.remove_all());
    drop(guard);
    worker.cancel();
    saver.finish();
    result
}

/// Writes a Space folder on a short-lived thread; its news comes back as an action.
fn export_in_background(job: crate::shell::state::export::SpaceJob, tx: UnboundedSender<Action>) {
    let spawned = std::thread::Builder::new()
        .name("hftutor-export".into())
        .spawn({
            let tx = tx.clone();
            move || {
                let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
                let home = crate::progress::data_dir();
                let _ = tx.send(crate::shell::state::export::write_space(&job, &cwd, &home));
            }
        });
    if let Err(e) = spawned {
        let _ = tx.send(Action::SpaceExported(Err(
            crate::space::ExportError::Thread(e.to_string()),
        )));
    }
}

fn is_ctrl_z(key: &event::KeyEvent) -> bool {
    key.kind == KeyEventKind::Press
        && key.code == event::KeyCode::Char('z')
        && key.modifiers.contains(event::KeyModifiers::CONTROL)
}

/// Gives the terminal back as it was (cooked mode, main screen, no mouse reporting), stops the
/// process, and takes the terminal again when it is continued (`fg`).
fn suspend(
    terminal: &mut ratatui::DefaultTerminal,
    pictures: &mut view::graphics::Overlay,
) -> anyhow::Result<()> {
    let _ = std::io::Write::write_all(&mut std::io::stdout(), &pictures.remove_all());
    let _ = execute!(
        std::io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture
    );
    ratatui::restore();
    crate::shell::signals::stop_self();
    resume(terminal, pictures)
}

/// After a stop (ours, or an uncatchable SIGSTOP with the shell resetting the terminal): raw mode
/// again from the terminal's own settings, the alternate screen, and a full redraw.
fn resume(
    terminal: &mut ratatui::DefaultTerminal,
    pictures: &mut view::graphics::Overlay,
) -> anyhow::Result<()> {
    // crossterm keeps the settings from before raw mode: going back to them first makes
    // enabling raw mode work whatever the terminal was left in meanwhile.
    let _ = ratatui::crossterm::terminal::disable_raw_mode();
    reenter(terminal)?;
    let _ = pictures.invalidate();
    Ok(())
}

/// Takes the terminal back (alternate screen, raw mode) after something restored it.
fn reenter(terminal: &mut ratatui::DefaultTerminal) -> anyhow::Result<()> {
    use ratatui::crossterm::terminal as ct;
    ct::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        ct::EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture
    )?;
    view::graphics::repaint_all(terminal)?;
    Ok(())
}

/// A thread reading terminal events (polling, so it can be stopped) into the loop's channel.
struct InputReader {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl InputReader {
    fn start(tx: UnboundedSender<Event>) -> anyhow::Result<InputReader> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::Builder::new()
            .name("hftutor-input".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    match event::poll(TICK) {
                        Ok(true) => match event::read() {
                            Ok(ev) => {
                                if tx.send(ev).is_err() {
                                    return;
                                }
                            }
                            Err(_) => return,
                        },
                        Ok(false) => {}
                        Err(_) => return,
                    }
                }
            })
            .context("cannot start the input thread")?;
        Ok(InputReader {
            stop,
            handle: Some(handle),
        })
    }

    fn stop(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            // crossterm's reader spins for ever on a terminal that has gone (a closed SSH
            // session): give the thread a few ticks to see the flag, then leave it behind, since
            // the process is ending anyway.
            let deadline = std::time::Instant::now() + TICK * 3;
            while !h.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(5));
            }
            if h.is_finished() {
                let _ = h.join();
            }
        }
    }
}

/// Whether the terminal has hung up (its window closed, the SSH session dropped): the tutor then
/// leaves as on SIGHUP, even when no signal reaches it.
#[cfg(unix)]
fn terminal_gone() -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDIN_FILENO,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd, its count 1, no waiting.
    let ready = unsafe { libc::poll(&mut fd, 1, 0) };
    ready > 0 && fd.revents & (libc::POLLHUP | libc::POLLNVAL) != 0
}

#[cfg(not(unix))]
fn terminal_gone() -> bool {
    false
}

/// Saves progress on its own thread, one save at a time, the newest winning.
struct Saver {
    tx: mpsc::Sender<Progress>,
    handle: JoinHandle<()>,
}

impl Saver {
    fn start(store: ProgressStore, report: UnboundedSender<Action>) -> anyhow::Result<Saver> {
        let (tx, rx) = mpsc::channel::<Progress>();
        let handle = std::thread::Builder::new()
            .name("hftutor-save".into())
            .spawn(move || {
                while let Ok(mut progress) = rx.recv() {
                    while let Ok(newer) = rx.try_recv() {
                        progress = newer;
                    }
                    if let Err(e) = store.save(&progress) {
                        let _ = report.send(Action::SaveFailed(e.to_string()));
                    }
                }
            })
            .context("cannot start the progress saver thread")?;
        Ok(Saver { tx, handle })
    }

    fn save(&self, progress: Progress) {
        let _ = self.tx.send(progress);
    }

    /// Writes what is pending and stops.
    fn finish(self) {
        drop(self.tx);
        let _ = self.handle.join();
    }
}
