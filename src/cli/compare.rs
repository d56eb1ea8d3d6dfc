//! `eventloom compare`: many runs of one design — seeds, a parameter sweep, providers — as a
//! table of means with 95 % confidence intervals (and JSON), with a progress bar on stderr.

use super::check::load_error_line;
use crate::compare::{self, CompareError, Comparison, Hooks, Plan, Sweep};
use crate::model::Provider;
use crate::project;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

/// Providers named on the command line, in the order given, each once.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderList(pub Vec<Provider>);

/// Reads `aws,gcp,azure` into providers (in the order given, each once).
pub fn parse_providers(text: &str) -> Result<ProviderList, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let p = Provider::parse(part)?;
        if !out.contains(&p) {
            out.push(p);
        }
    }
    if out.is_empty() {
        return Err("name at least one provider: aws, gcp, azure, azure-consumption".to_owned());
    }
    Ok(ProviderList(out))
}

/// Reads `PATH=V1,V2,…` for clap.
pub fn parse_sweep(text: &str) -> Result<Sweep, String> {
    Sweep::parse(text).map_err(|e| e.to_string())
}

/// The command's options, as parsed.
pub struct CompareArgs<'a> {
    /// The project.
    pub file: &'a Path,
    /// The plan.
    pub plan: Plan,
    /// Where to write JSON (`-`: stdout, then the table goes to stderr).
    pub json: Option<&'a Path>,
}

/// `eventloom compare`.
pub fn compare_file(args: CompareArgs<'_>) -> ExitCode {
    let stdout = std::io::stdout();
    let json_to_stdout = args.json == Some(Path::new("-"));
    // With JSON on stdout, the table and messages go to stderr so the JSON can be piped.
    let mut out: Box<dyn Write> = if json_to_stdout {
        Box::new(std::io::stderr().lock())
    } else {
        Box::new(stdout.lock())
    };
    let base = match project::load(args.file) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(out, "{}", load_error_line(&e));
            return ExitCode::FAILURE;
        }
    };
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{bar:40}] {pos}/{len} runs  {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let result = compare::run(
        &base,
        &args.plan,
        &Hooks {
            progress: &progress,
            cancel: None,
        },
    );
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let cmp = match result {
        Ok(c) => c,
        Err(e) => {
            let _ = writeln!(out, "{}: error: {e}", args.file.display());
            return match e {
                CompareError::Usage(_) | CompareError::UnknownFocus(_) => ExitCode::from(2),
                CompareError::BadValue { .. }
                | CompareError::Invalid { .. }
                | CompareError::Cancelled => ExitCode::FAILURE,
            };
        }
    };
    let _ = write!(out, "{}", table(&cmp));
    if let Some(path) = args.json {
        let ok = if json_to_stdout {
            super::write_json(&mut stdout.lock(), path, &cmp)
        } else {
            super::write_json(&mut out, path, &cmp)
        };
        if !ok {
            return ExitCode::FAILURE;
        }
    }
    if cmp.variants.iter().all(|v| v.ledger_balanced) {
        ExitCode::SUCCESS
    } else {
        let _ = writeln!(out, "error: a run's ledger does not balance");
        ExitCode::FAILURE
    }
}

/// `mean ± half` with a precision that suits the value, or the mean alone without an
/// interval.
fn pm(m: Option<&compare::Metric>, decimals: usize) -> String {
    match m {
        None => "—".to_owned(),
        Some(m) => match m.summary.ci95 {
            Some(h) => format!("{:.decimals$} ± {:.decimals$}", m.summary.mean, h),
            None => format!("{:.decimals$}", m.summary.mean),
        },
    }
}

/// The comparison as a text table: one row per variant, cost per day, the focus node's
/// p50 and p99, errors and drops, and the marks.
pub fn table(c: &Comparison) -> String {
    let mut s = String::new();
    let seeds = match (c.seeds.first(), c.seeds.last()) {
        (Some(a), Some(b)) if c.seeds.len() > 1 => {
            format!("seeds {a}–{b} ({} runs per variant)", c.seeds.len())
        }
        (Some(a), _) => {
            format!("seed {a} (one run per variant: add --seeds N for confidence intervals)")
        }
        (None, _) => String::new(),
    };
    s.push_str(&format!(
        "{} — {:.0} s simulated, {seeds}\n",
        c.project, c.duration_s
    ));
    if let Some(f) = &c.focus {
        s.push_str(&format!("latency: {f} (mean of each run's p50 and p99); ± is the 95 % confidence interval of the mean\n"));
    }
    let width = c
        .variants
        .iter()
        .map(|v| v.label.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 40);
    s.push_str(&format!(
        "{:<width$}  {:>20}  {:>18}  {:>18}  {:>16}  {:>16}  marks\n",
        "variant", "$/day", "p50 ms", "p99 ms", "errors", "dropped"
    ));
    for (i, v) in c.variants.iter().enumerate() {
        let focus = |k: &str| c.focus.as_ref().and_then(|f| v.metric(&format!("{f}.{k}")));
        let errors: f64 = v
            .metrics
            .iter()
            .filter(|m| m.name.ends_with(".errors"))
            .map(|m| m.summary.mean)
            .sum();
        let mut marks = Vec::new();
        if c.cheapest == Some(i) {
            marks.push("cheapest");
        }
        if c.fastest == Some(i) {
            marks.push("fastest");
        }
        if c.balanced == Some(i) {
            marks.push("balanced");
        }
        if c.losing.contains(&i) {
            marks.push("loses work: not marked");
        }
        let label: String = v.label.chars().take(width).collect();
        s.push_str(&format!(
            "{label:<width$}  {:>20}  {:>18}  {:>18}  {:>16.1}  {:>16}  {}\n",
            pm(v.metric("cost.per_day_usd"), 2),
            pm(focus("p50_ms"), 1),
            pm(focus("p99_ms"), 1),
            errors,
            pm(v.metric("ledger.dropped"), 1),
            marks.join(", ")
        ));
    }
    let mut noted = std::collections::BTreeSet::new();
    for v in &c.variants {
        let who = v.provider.unwrap_or(v.label.as_str());
        for n in &v.notes {
            if noted.insert((who, n.as_str())) {
                s.push_str(&format!("note ({who}): {n}\n"));
            }
        }
    }
    s
}
