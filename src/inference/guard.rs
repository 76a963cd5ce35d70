//! Model code that panics (candle on a shape it didn't expect, an assertion in a kernel) becomes
//! an error of that run in every command, not a crash: [`guarded`] catches the unwind and names
//! it, and [`in_guarded`] tells the process's panic hook (cli/out.rs) to stay quiet, since the
//! caller reports it as an error.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

use super::PipelineError;

thread_local! {
    /// How many guarded sections this thread is inside.
    static GUARDED: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f`; a panic inside it becomes [`PipelineError::Panicked`]. Whatever `f` was updating
/// may be half-done: the caller drops it.
pub fn guarded<T>(f: impl FnOnce() -> Result<T, PipelineError>) -> Result<T, PipelineError> {
    GUARDED.with(|g| g.set(g.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(g.get().saturating_sub(1)));
    result.unwrap_or_else(|panic| Err(PipelineError::Panicked(panic_text(&*panic))))
}

/// Whether the current thread is inside [`guarded`].
pub fn in_guarded() -> bool {
    GUARDED.with(|g| g.get() > 0)
}

/// The message a panic carries (`panic!("…")` gives a `&str` or a `String`).
pub fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("unknown error")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_an_error_and_the_guard_unwinds() {
        let r: Result<(), _> = guarded(|| panic!("attempt to divide by zero"));
        match r {
            Err(PipelineError::Panicked(m)) => assert_eq!(m, "attempt to divide by zero"),
            other => panic!("{other:?}"),
        }
        assert!(!in_guarded());
        assert_eq!(guarded(|| Ok(3)).ok(), Some(3));
    }
}
