//! How many CPU threads the compute crates use: settable (`--threads`, `HFTUTOR_THREADS`),
//! with a sane default, and capped at twice the cores: candle's thread pool spins while it
//! waits, so more threads than free cores makes generation much slower, not faster (2000
//! threads made a 0.1 s embedding take 31 s; 100000 panicked in rayon; 2^64-1 aborted).

/// The count to use and, when the asked-for one was not used, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub threads: usize,
    pub note: Option<ThreadsNote>,
}

/// Why the asked-for thread count was not used (said on stderr; the run goes on).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThreadsNote {
    #[error("{from} asks for {asked} threads, more than this computer's {cores} core(s) can use: using {cap} (at most twice the cores)")]
    Capped {
        from: String,
        asked: usize,
        cores: usize,
        cap: usize,
    },
    #[error("{from}=\"{value}\" is not a number of threads (1 to {cap}): using {used}")]
    NotANumber {
        from: String,
        value: String,
        cap: usize,
        used: usize,
    },
}

/// The cores this process may use (1 when unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// The thread count to use: `requested`, else `HFTUTOR_THREADS`, else `RAYON_NUM_THREADS`,
/// else the number of available cores (at most 8: small models gain nothing past that); never
/// more than twice the cores.
pub fn choose(requested: Option<usize>) -> usize {
    choose_noted(requested).threads
}

/// [`choose`], with a note when a request was capped or not understood.
pub fn choose_noted(requested: Option<usize>) -> Choice {
    pick(requested, |name| std::env::var(name).ok(), cores())
}

/// [`choose_noted`] on given settings: `env` reads a variable, `cores` the machine.
pub fn pick(
    requested: Option<usize>,
    env: impl Fn(&str) -> Option<String>,
    cores: usize,
) -> Choice {
    let cores = cores.max(1);
    let cap = cores.saturating_mul(2);
    let default = cores.min(8);
    let mut note = None;
    let mut asked: Option<(String, usize)> = requested
        .filter(|&n| n > 0)
        .map(|n| ("--threads".to_string(), n));
    for name in ["HFTUTOR_THREADS", "RAYON_NUM_THREADS"] {
        if asked.is_some() {
            break;
        }
        let Some(value) = env(name).filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        match value.trim().parse::<usize>() {
            Ok(0) => {}
            Ok(n) => asked = Some((name.to_string(), n)),
            Err(_) => {
                // Past usize (2^64 and more) is a huge number too, not a typo.
                let huge = value.trim().bytes().all(|b| b.is_ascii_digit());
                if huge {
                    asked = Some((name.to_string(), usize::MAX));
                } else if note.is_none() {
                    note = Some(ThreadsNote::NotANumber {
                        from: name.to_string(),
                        value: value.clone(),
                        cap,
                        used: default,
                    });
                }
            }
        }
    }
    let threads = match asked {
        Some((from, n)) if n > cap => {
            note = Some(ThreadsNote::Capped {
                from,
                asked: n,
                cores,
                cap,
            });
            cap
        }
        Some((_, n)) => n,
        None => default,
    };
    Choice { threads, note }
}

/// Applies the thread count to candle (which reads `RAYON_NUM_THREADS`) and to the global rayon
/// pool. Call once, early, before any model work.
pub fn apply(threads: usize) {
    // SAFETY-free: set before any other thread of ours exists (called first thing in main/tests).
    std::env::set_var("RAYON_NUM_THREADS", threads.to_string());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn requests_are_capped_at_twice_the_cores() {
        assert_eq!(pick(Some(3), env(&[]), 2).threads, 3);
        assert_eq!(
            pick(Some(4), env(&[]), 2),
            Choice {
                threads: 4,
                note: None
            }
        );
        let c = pick(Some(2000), env(&[]), 2);
        assert_eq!(c.threads, 4);
        assert!(matches!(
            c.note,
            Some(ThreadsNote::Capped { asked: 2000, .. })
        ));
        let c = pick(None, env(&[("HFTUTOR_THREADS", "18446744073709551615")]), 2);
        assert_eq!(c.threads, 4);
        let c = pick(
            None,
            env(&[("HFTUTOR_THREADS", "99999999999999999999999")]),
            2,
        );
        assert_eq!(c.threads, 4);
        assert!(c.note.is_some());
        assert_eq!(
            pick(None, env(&[("HFTUTOR_THREADS", "lots")]), 16).threads,
            8
        );
        assert_eq!(
            pick(None, env(&[("RAYON_NUM_THREADS", "3")]), 16).threads,
            3
        );
        assert_eq!(pick(Some(0), env(&[]), 4).threads, 4);
        assert_eq!(pick(None, env(&[]), 0).threads, 1);
    }
}
