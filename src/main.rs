//! The `hftutor` binary: everything lives in the library; this only hands over to the CLI.

/// The system allocator, restoring the terminal before an out-of-memory abort (shell/out_of_memory.rs).
#[global_allocator]
static ALLOCATOR: hftutor::shell::out_of_memory::Restoring =
    hftutor::shell::out_of_memory::Restoring;

fn main() -> std::process::ExitCode {
    hftutor::cli::main()
}
