//! The command line's only way to print: every line goes through [`crate::present::safe`], so
//! text from a course, a student's file, a model or a tokenizer can't drive the terminal. JSON
//! goes through [`json`] (its C0 controls are escaped by serde_json, DEL and C1 by us).
//! `tests/cli/architecture.rs` checks that nothing else in `src/` prints.

/// `println!`, with control characters shown (`^[`, `<U+009B>`); `\n` and `\t` kept.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::out::write_out(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!`, shown the same way, and flushed (streamed text).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::out::write_out(&format!($($arg)*))
    };
}

/// `eprintln!`, shown the same way.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::out::write_err(&format!("{}\n", format_args!($($arg)*)))
    };
}

use std::io::Write;

/// Writes `s` to stdout, controls shown; a closed pipe (`| head`) is not an error worth a panic.
pub fn write_out(s: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(crate::present::safe::text(s).as_bytes());
    let _ = stdout.flush();
}

/// Writes `s` to stderr, controls shown.
pub fn write_err(s: &str) {
    let _ = std::io::stderr()
        .lock()
        .write_all(crate::present::safe::text(s).as_bytes());
}

/// A JSON document (serde_json's text) as one line on stdout, DEL and C1 escaped.
pub fn json_line(s: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(crate::present::safe::json(s).as_bytes());
    let _ = stdout.write_all(b"\n");
    let _ = stdout.flush();
}

/// The process's panic hook: silent for a panic inside model code (inference::guard reports it
/// as an error), else one line on stderr with the message shown safely, since a panic message can
/// quote a model's or a course's text. `RUST_BACKTRACE` still gets the default report.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if crate::inference::guard::in_guarded() {
            return;
        }
        if std::env::var_os("RUST_BACKTRACE").is_some() {
            return default(info);
        }
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("unknown error");
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        write_err(&format!(
            "hftutor: internal error: {}{at}; please report this\n",
            crate::present::safe::line(message)
        ));
    }));
}
