//! The `eventloom` binary: parse arguments, run, return an exit code.

fn main() -> std::process::ExitCode {
    eventloom::cli::main()
}
