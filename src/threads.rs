//! How many CPU threads the compute crates use: settable (`--threads`, `HFTUTOR_THREADS`),
//! with a sane default. candle's thread pool spins while it waits, so more threads than free
//! cores makes generation much slower, not faster.

/// The thread count to use: `requested`, else `HFTUTOR_THREADS`, else `RAYON_NUM_THREADS`,
/// else the number of available cores (at most 8: small models gain nothing past that).
pub fn choose(requested: Option<usize>) -> usize {
    let from_env = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
    };
    requested
        .or_else(|| from_env("HFTUTOR_THREADS"))
        .or_else(|| from_env("RAYON_NUM_THREADS"))
        .filter(|&n| n > 0)
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1)
                .min(8)
        })
}

/// Applies the thread count to candle (which reads `RAYON_NUM_THREADS`) and to the global rayon
/// pool. Call once, early, before any model work.
pub fn apply(threads: usize) {
    // SAFETY-free: set before any other thread of ours exists (called first thing in main/tests).
    std::env::set_var("RAYON_NUM_THREADS", threads.to_string());
}
