//! Frame time of the shell on the built-in course: every step of every lesson drawn many times on
//! ratatui's TestBackend at 80×24 and 200×60, with the exercise and quiz panels focused. Without
//! HFTUTOR_BENCH=1 it draws each screen a few times and checks only that drawing works (nothing
//! timed is asserted); with it, it prints a Markdown table (median, p99, worst screen) that
//! tests/bench/shell_bench.py reads:
//!
//!     HFTUTOR_BENCH=1 cargo test --release --test shell frame_time -- --nocapture

use std::time::{Duration, Instant};

use hftutor::course::load_embedded;
use hftutor::progress::Progress;
use hftutor::shell::{self, Action, App};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const SIZES: [(u16, u16); 2] = [(80, 24), (200, 60)];

struct Sample {
    time: Duration,
    /// CPU time of this thread for the draw: what is ours, without time spent preempted.
    cpu: Duration,
    screen: String,
}

#[cfg(unix)]
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: one valid timespec to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

#[cfg(not(unix))]
fn thread_cpu() -> Duration {
    Duration::ZERO
}

fn bench_on() -> bool {
    std::env::var("HFTUTOR_BENCH").is_ok_and(|v| v == "1")
}

/// Draws every screen of the course `reps` times; one sample per draw.
fn draw_course(width: u16, height: u16, reps: usize) -> Vec<Sample> {
    let course = load_embedded(&hftutor::attempt::Rules).expect("the built-in course loads");
    let lessons: Vec<(String, usize)> = course
        .lessons
        .iter()
        .map(|l| (l.id.clone(), l.steps.len()))
        .collect();
    let mut app = App::new(course, Progress::default(), None);
    app.update(Action::Resize(width, height));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    let mut samples = Vec::new();
    let mut draw = |app: &App, screen: String, samples: &mut Vec<Sample>| {
        for _ in 0..reps {
            let (started, cpu) = (Instant::now(), thread_cpu());
            terminal.draw(|f| shell::draw(f, app)).expect("draw");
            samples.push(Sample {
                time: started.elapsed(),
                cpu: thread_cpu().saturating_sub(cpu),
                screen: screen.clone(),
            });
        }
    };
    for (i, (id, steps)) in lessons.iter().enumerate() {
        app.update(Action::OpenLesson(i));
        for step in 0..*steps {
            draw(&app, format!("{id} step {}", step + 1), &mut samples);
            // The panel focused (typing into an exercise) redraws the input line too.
            app.update(Action::StartTyping);
            draw(&app, format!("{id} step {} typing", step + 1), &mut samples);
            app.update(Action::StopTyping);
            app.update(Action::ScrollBottom);
            draw(
                &app,
                format!("{id} step {} scrolled", step + 1),
                &mut samples,
            );
            app.update(Action::NextStep);
        }
    }
    app.update(Action::ToggleHelp);
    draw(&app, "help".into(), &mut samples);
    app.update(Action::CloseHelp);
    app.update(Action::ShowLessons);
    draw(&app, "lesson list".into(), &mut samples);
    samples
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

#[test]
fn frames_of_the_built_in_course() {
    let bench = bench_on();
    let reps = if bench { 30 } else { 1 };
    if bench {
        println!(
            "| size | frames | median ms | p99 ms | max ms | p99 CPU ms | slowest screen (median ms) |"
        );
        println!("|---|---|---|---|---|---|---|");
    }
    if bench {
        // Part of start-up: parsing the embedded course, and building the App on it.
        let mut loads: Vec<Duration> = (0..10)
            .map(|_| {
                let started = Instant::now();
                let course =
                    load_embedded(&hftutor::attempt::Rules).expect("the built-in course loads");
                let app = App::new(course, Progress::default(), None);
                let took = started.elapsed();
                drop(app);
                took
            })
            .collect();
        loads.sort();
        println!(
            "| course load + App::new | 10 | {} | - | {} | - | - |",
            ms(percentile(&loads, 0.5)),
            ms(loads[loads.len() - 1])
        );
    }
    for (w, h) in SIZES {
        let samples = draw_course(w, h, reps);
        assert!(samples.len() > 20, "the course has screens to draw");
        if !bench {
            continue;
        }
        let mut times: Vec<Duration> = samples.iter().map(|s| s.time).collect();
        times.sort();
        let mut cpu: Vec<Duration> = samples.iter().map(|s| s.cpu).collect();
        cpu.sort();
        // The slowest screen by its own median, so one preempted draw doesn't name it.
        let mut by_screen: Vec<(String, Duration)> = Vec::new();
        for chunk in samples.chunks(reps) {
            let mut t: Vec<Duration> = chunk.iter().map(|s| s.time).collect();
            t.sort();
            by_screen.push((chunk[0].screen.clone(), percentile(&t, 0.5)));
        }
        by_screen.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
        let (slow_name, slow_t) = &by_screen[0];
        println!(
            "| {w}x{h} | {} | {} | {} | {} | {} | {slow_name} ({}) |",
            times.len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
            ms(times[times.len() - 1]),
            ms(percentile(&cpu, 0.99)),
            ms(*slow_t)
        );
    }
}
