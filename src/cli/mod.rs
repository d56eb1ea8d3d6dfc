//! The command line: `eventloom [FILE]` opens the editor; `check`, `run`, `test`, `lesson`
//! and `fmt` work headless.
//!
//! `main` parses arguments, runs one command, and turns the outcome into an exit code:
//! 0 success, 1 a project has errors (or could not be read), 2 bad usage.

mod check;
mod lesson;
mod run;

use crate::sim::Speed;
pub use run::{parse_duration_ms, parse_speed, run_to_report, summary_table};

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Design, run and break event-driven / serverless architectures.
#[derive(Debug, Parser)]
#[command(name = "eventloom", version, about, long_about = None)]
pub struct Cli {
    /// What to do; without a command the editor opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// A project to open in the editor.
    pub file: Option<PathBuf>,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load and validate projects; print errors and design warnings compiler-style.
    ///
    /// Exits 1 when any project has an error, 0 otherwise (warnings are printed).
    Check {
        /// Project files (.ron).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Run a project headless and print a per-node summary (fast-forward by default).
    Run {
        /// Project file (.ron).
        file: PathBuf,
        /// Simulated time to run, e.g. 90s, 15m, 1h, 2d (default: the project's).
        #[arg(long, value_parser = run::parse_duration_ms)]
        duration: Option<u64>,
        /// Seed of the random streams (default: the project's); same seed, same report.
        #[arg(long)]
        seed: Option<u64>,
        /// Write the JSON report here (`-` for standard output). Schema: docs/report.md.
        #[arg(long, value_name = "OUT")]
        json: Option<PathBuf>,
        /// `max` (fast-forward) or a factor of wall time such as `1x` or `10x`.
        #[arg(long, default_value = "max", value_parser = run::parse_speed)]
        speed: Speed,
    },
    /// Run projects and check their scenario expectations; exit 1 if any fails.
    Test {
        /// Project files (.ron).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Show a project's guided lesson, or run it headless with `--auto`.
    ///
    /// With `--auto`, performs each step's actions, advances simulated time a second at a
    /// time until the step's check holds (or its `within_s` passes), prints each step with
    /// ✓/✗ and what was measured, then checks the project's expectations. Exits 0 when every
    /// step and expectation passed, 1 otherwise.
    Lesson {
        /// Project file (.ron) with a lesson.
        file: PathBuf,
        /// Run the lesson headless, performing its actions.
        #[arg(long)]
        auto: bool,
        /// With `--auto`: write the JSON result here (`-` for standard output).
        #[arg(long, value_name = "OUT", requires = "auto")]
        json: Option<PathBuf>,
    },
    /// Rewrite projects in the canonical format (stable order, LF line ends, every field).
    Fmt {
        /// Project files (.ron).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Only report files that are not canonical; exit 1 if any.
        #[arg(long)]
        check: bool,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    run(cli)
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Check {
            files,
            deny_warnings,
        }) => {
            let mut out = std::io::stdout().lock();
            check::check_files(&files, deny_warnings, &mut out)
        }
        Some(Command::Fmt { files, check }) => check::fmt_files(&files, check),
        Some(Command::Run {
            file,
            duration,
            seed,
            json,
            speed,
        }) => run::run_file(&file, duration, seed, json.as_deref(), speed),
        Some(Command::Test { files }) => run::test_files(&files),
        Some(Command::Lesson { file, auto, json }) => {
            lesson::lesson_file(&file, auto, json.as_deref())
        }
        None => open_editor(cli.file),
    }
}

#[cfg(feature = "gui")]
fn open_editor(file: Option<PathBuf>) -> ExitCode {
    crate::ui::run(file)
}

#[cfg(not(feature = "gui"))]
fn open_editor(file: Option<PathBuf>) -> ExitCode {
    let _ = file;
    eprintln!(
        "eventloom: this build has no editor (it was built without the `gui` feature).\n\
         Headless commands work: `eventloom check FILE…` (see `eventloom --help`)."
    );
    ExitCode::from(2)
}

/// Writes `value` as pretty JSON to `path` (atomically), or to `out` when `path` is `-`.
/// On failure prints why to `out` and returns false.
fn write_json(
    out: &mut impl std::io::Write,
    path: &std::path::Path,
    value: &impl serde::Serialize,
) -> bool {
    let text = match serde_json::to_string_pretty(value) {
        Ok(t) => t + "\n",
        Err(e) => {
            let _ = writeln!(out, "error: cannot write the report: {e}");
            return false;
        }
    };
    let written = if path == std::path::Path::new("-") {
        out.write_all(text.as_bytes())
    } else {
        crate::project::write_atomic(path, text.as_bytes())
    };
    if let Err(e) = written {
        let _ = writeln!(
            out,
            "error: cannot write the report: {e}: {}",
            path.display()
        );
        return false;
    }
    true
}
