//! The command line: `eventloom [FILE]` opens the editor; `check`, `run`, `test`, `compare`,
//! `lesson`, `fmt`, `export`, `import` and `serve` work headless.
//!
//! `main` parses arguments, runs one command, and turns the outcome into an exit code:
//! 0 success, 1 a project has errors (or could not be read), 2 bad usage.

mod check;
mod compare;
mod interop;
mod lesson;
mod run;
#[cfg(feature = "serve")]
mod serve;

use crate::sim::Speed;
pub use compare::{ProviderList, parse_providers, parse_sweep, table as compare_table};
pub use interop::{ExportFormat, error_line as import_error_line};
pub use run::{parse_duration_ms, parse_memory_mb, parse_speed, run_to_report, summary_table};

use crate::compare::Sweep;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// The version `eventloom --version` prints: the package version and the commit it was built
/// from ("0.1.0 (5ed830b1a2 2026-12-06)"; "commit unknown" when built without git — see
/// build.rs).
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("EVENTLOOM_COMMIT"),
    ")"
);

/// Design, run and break event-driven / serverless architectures.
#[derive(Debug, Parser)]
#[command(name = "eventloom", version = VERSION, about, long_about = None)]
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
        /// Memory budget of the run, e.g. 512M or 4G (default: the project's, 2G unless
        /// set). A run that would need more stops with an error naming the node that grew
        /// fastest; the report so far is still printed and written.
        #[arg(long, value_name = "SIZE", value_parser = run::parse_memory_mb)]
        max_memory: Option<u64>,
    },
    /// Run projects and check their scenario expectations; exit 1 if any fails.
    Test {
        /// Project files (.ron).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run a design many times — over seeds, a parameter sweep and/or providers — and
    /// compare: mean and 95 % confidence interval of every metric per variant.
    ///
    /// Variants × seeds run in parallel on every core (RAYON_NUM_THREADS sets how many); the
    /// output is the same whatever the thread count. The table shows cost per day and the
    /// p50/p99 latency of the focus node (the swept node, else the first client) and marks
    /// the cheapest, the fastest and the balanced variant.
    Compare {
        /// Project file (.ron).
        file: PathBuf,
        /// Replications per variant (seeds SEED, SEED+1, …); two or more give intervals.
        #[arg(long, default_value_t = 1)]
        seeds: u32,
        /// Sweep one parameter: NODE.field=V1,V2,… (e.g. resize.memory_mb=128,512,1769) or
        /// run.… / pricing.… for the project's settings.
        #[arg(long, value_name = "PATH=V1,V2,…", value_parser = compare::parse_sweep)]
        vary: Option<Sweep>,
        /// Run the same design on each provider: aws, gcp, azure (Flex Consumption),
        /// azure-consumption.
        #[arg(long, value_name = "P1,P2,…", value_parser = compare::parse_providers)]
        providers: Option<compare::ProviderList>,
        /// Simulated time per run, e.g. 90s, 15m, 1h (default: the project's).
        #[arg(long, value_parser = run::parse_duration_ms)]
        duration: Option<u64>,
        /// First seed (default: the project's).
        #[arg(long)]
        seed: Option<u64>,
        /// The node whose latency the table shows and "fastest" judges.
        #[arg(long, value_name = "NODE")]
        focus: Option<String>,
        /// Write the comparison as JSON here (`-` for standard output; the table then goes
        /// to standard error).
        #[arg(long, value_name = "OUT")]
        json: Option<PathBuf>,
    },
    /// Show a project's guided lesson, run it headless with `--auto`, print a handout, or
    /// tabulate a class's saved answers with `--collect DIR`.
    ///
    /// With `--auto`, performs each step's actions, advances simulated time a second at a
    /// time until the step's check holds (or its `within_s` passes), prints each step with
    /// ✓/✗, what was measured and its question with the reference answer, then checks the
    /// project's expectations. Exits 0 when every step and expectation passed, 1 otherwise.
    Lesson {
        /// Project file (.ron) with a lesson.
        #[arg(required_unless_present = "collect")]
        file: Option<PathBuf>,
        /// Run the lesson headless, performing its actions.
        #[arg(long)]
        auto: bool,
        /// With `--auto`: write the JSON result here (`-` for standard output).
        #[arg(long, value_name = "OUT", requires = "auto")]
        json: Option<PathBuf>,
        /// Print a handout (`md`: Markdown) with the numbers of a reference run, blanks for
        /// the predictions and an answer key.
        #[arg(long, value_name = "FORMAT", value_parser = ["md"], conflicts_with = "auto")]
        handout: Option<String>,
        /// Tabulate the answer files (*.json) a class saved in this folder.
        #[arg(long, value_name = "DIR", conflicts_with_all = ["file", "auto", "handout"])]
        collect: Option<PathBuf>,
    },
    /// Export a project as an AWS SAM template or a diagram.
    ///
    /// `sam`: a template `sam deploy` accepts (function code is a placeholder); what AWS has
    /// no equivalent for is kept under Metadata: Eventloom, so `eventloom import` gives the
    /// project back exactly. `svg`: a picture like the canvas (`--live`: with the numbers of
    /// a headless run). `mermaid`: a flowchart for Markdown. `dot`: Graphviz.
    Export {
        /// Project file (.ron).
        file: PathBuf,
        /// What to write.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Where to write (`-` for standard output).
        #[arg(short, long, value_name = "OUT")]
        out: PathBuf,
        /// SVG: run the project headless first and draw each node's numbers.
        #[arg(long)]
        live: bool,
    },
    /// Import an AWS SAM or CloudFormation template (YAML or JSON) as a project.
    ///
    /// Resources Eventloom cannot model are skipped with a warning each; a template without
    /// Eventloom's metadata gets default simulation parameters, a client in front of each
    /// API and a left-to-right layout.
    Import {
        /// Template (.yaml, .yml or .json).
        template: PathBuf,
        /// The project file to write (.ron).
        #[arg(short, long, value_name = "OUT")]
        out: PathBuf,
        /// Replace OUT if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Run a project live and serve its HTTP APIs on 127.0.0.1 to real clients.
    ///
    /// Each HttpApi node is served under `/<node id>/`; a request enters the graph there like
    /// a simulated one and is answered when its simulated response completes (200, 429, 502,
    /// 503, 504, with a JSON body and an `x-eventloom-trace` header). Runs until Ctrl+C, then
    /// answers requests still in flight 503, prints a summary and writes `--json`.
    Serve {
        /// Project file (.ron).
        file: PathBuf,
        /// Port on 127.0.0.1 (0: any free port, printed at start).
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// A factor of wall time such as `1x` or `10x`, or `max`.
        #[arg(long, default_value = "1x", value_parser = run::parse_speed)]
        speed: Speed,
        /// Switch the project's own simulated clients off: only real requests flow.
        #[arg(long)]
        no_clients: bool,
        /// Seed of the random streams (default: the project's).
        #[arg(long)]
        seed: Option<u64>,
        /// When stopped, write the server's counts and the run's report here (`-`: stdout).
        #[arg(long, value_name = "OUT")]
        json: Option<PathBuf>,
        /// Write each simulated answer's wall, simulated and added latency here (CSV, µs).
        #[arg(long, value_name = "CSV")]
        latency_log: Option<PathBuf>,
        /// Stop by itself after this much wall time, e.g. 30s or 5m.
        #[arg(long = "for", value_name = "WALL", value_parser = run::parse_duration_ms)]
        for_ms: Option<u64>,
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
        Some(Command::Export {
            file,
            format,
            out,
            live,
        }) => interop::export_file(
            &file,
            format,
            &out,
            live,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        ),
        Some(Command::Import {
            template,
            out,
            force,
        }) => interop::import_file(
            &template,
            &out,
            force,
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        ),
        Some(Command::Run {
            file,
            duration,
            seed,
            json,
            speed,
            max_memory,
        }) => run::run_file(
            &file,
            &run::RunOptions {
                duration_ms: duration,
                seed,
                json,
                speed,
                max_memory_mb: max_memory,
            },
        ),
        Some(Command::Test { files }) => run::test_files(&files),
        Some(Command::Compare {
            file,
            seeds,
            vary,
            providers,
            duration,
            seed,
            focus,
            json,
        }) => compare::compare_file(compare::CompareArgs {
            file: &file,
            plan: crate::compare::Plan {
                seeds,
                first_seed: seed,
                duration_ms: duration,
                sweep: vary,
                providers: providers.map(|p| p.0).unwrap_or_default(),
                focus,
            },
            json: json.as_deref(),
        }),
        Some(Command::Lesson {
            file,
            auto,
            json,
            handout,
            collect,
        }) => match (collect, file) {
            (Some(dir), _) => lesson::collect_dir(&dir),
            (None, Some(file)) if handout.is_some() => lesson::handout_file(&file),
            (None, Some(file)) => lesson::lesson_file(&file, auto, json.as_deref()),
            // clap requires a file unless --collect is given.
            (None, None) => ExitCode::FAILURE,
        },
        Some(Command::Serve {
            file,
            port,
            speed,
            no_clients,
            seed,
            json,
            latency_log,
            for_ms,
        }) => serve_file(ServeArgs {
            file,
            port,
            speed,
            no_clients,
            seed,
            json,
            latency_log,
            for_ms,
        }),
        None => open_editor(cli.file),
    }
}

/// What `eventloom serve` was given (the same fields as [`Command::Serve`]).
#[derive(Clone, Debug)]
pub struct ServeArgs {
    /// Project file.
    pub file: PathBuf,
    /// Port on 127.0.0.1 (0: any free one).
    pub port: u16,
    /// Paced speed.
    pub speed: Speed,
    /// Switch the project's own clients off.
    pub no_clients: bool,
    /// Seed (default: the project's).
    pub seed: Option<u64>,
    /// Write the report here (`-`: standard output).
    pub json: Option<PathBuf>,
    /// Write every simulated answer's latencies here (CSV).
    pub latency_log: Option<PathBuf>,
    /// Stop by itself after this much wall time, ms.
    pub for_ms: Option<u64>,
}

#[cfg(feature = "serve")]
fn serve_file(args: ServeArgs) -> ExitCode {
    serve::serve_file(&args)
}

#[cfg(not(feature = "serve"))]
fn serve_file(args: ServeArgs) -> ExitCode {
    let _ = args;
    eprintln!(
        "eventloom: this build has no HTTP server (it was built without the `serve` feature)."
    );
    ExitCode::from(2)
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
    let mut errors = Vec::new();
    let ok = write_json_to(out, &mut errors, path, value);
    let _ = out.write_all(&errors);
    ok
}

/// [`write_json`] with its error messages going to `err` (so `out` can hold only JSON).
fn write_json_to(
    out: &mut impl std::io::Write,
    err: &mut impl std::io::Write,
    path: &std::path::Path,
    value: &impl serde::Serialize,
) -> bool {
    let text = match serde_json::to_string_pretty(value) {
        Ok(t) => t + "\n",
        Err(e) => {
            let _ = writeln!(err, "error: cannot write the report: {e}");
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
            err,
            "error: cannot write the report: {e}: {}",
            path.display()
        );
        return false;
    }
    true
}
