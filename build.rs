//! Build script: records the commit the binary is built from (for `eventloom --version`) and,
//! for Windows targets only, embeds the executable's icon and version resource.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Set by packagers who build from a source archive without `.git`: the commit to report.
const COMMIT_OVERRIDE: &str = "EVENTLOOM_COMMIT";

fn main() {
    let manifest_dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let commit = commit(&manifest_dir);
    println!("cargo:rustc-env=EVENTLOOM_COMMIT={commit}");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("windows")
        && let Err(e) = windows_resource(&manifest_dir, &commit)
    {
        eprintln!(
            "error: cannot embed the Windows icon and version resource: {e}\n\
             Cross-compiling from Linux needs MinGW-w64's windres and ar \
             (Debian: `apt-get install binutils-mingw-w64-x86-64`); on Windows, MSVC's rc.exe \
             from the Windows SDK."
        );
        std::process::exit(1);
    }
}

/// "5ed830b1a2 2026-12-06" (short hash and commit date) from git, or the override, or
/// "commit unknown" when this source is not a git checkout (a crate archive, a tarball).
fn commit(manifest_dir: &Path) -> String {
    println!("cargo:rerun-if-env-changed={COMMIT_OVERRIDE}");
    if let Ok(c) = std::env::var(COMMIT_OVERRIDE)
        && !c.trim().is_empty()
    {
        return c.trim().to_owned();
    }
    // Only this crate's own repository counts: a source archive unpacked inside some other
    // checkout must not report that checkout's commit.
    let top = git(manifest_dir, &["rev-parse", "--show-toplevel"]);
    let ours = top.is_some_and(|t| same_dir(Path::new(&t), manifest_dir));
    let described = if ours {
        git(
            manifest_dir,
            &["log", "-1", "--format=%h %cs", "--abbrev=10"],
        )
    } else {
        None
    };
    if ours {
        rerun_on_new_commits(manifest_dir);
    }
    described.unwrap_or_else(|| "commit unknown".to_owned())
}

/// Asks cargo to run this script again when HEAD moves (a commit, a checkout), so the commit
/// is never stale. Only existing files are named: a missing one would rerun it every build.
fn rerun_on_new_commits(manifest_dir: &Path) {
    let mut files = vec![
        "HEAD".to_owned(),
        "logs/HEAD".to_owned(),
        "packed-refs".to_owned(),
    ];
    if let Some(branch) = git(manifest_dir, &["symbolic-ref", "-q", "HEAD"]) {
        files.push(branch);
    }
    for file in files {
        if let Some(path) = git(manifest_dir, &["rev-parse", "--git-path", &file]) {
            let path = manifest_dir.join(path);
            if path.is_file() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
}

/// The trimmed standard output of `git ARGS` run in `dir`, if git ran and succeeded.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The icon, file version and product name Explorer shows for `eventloom.exe`.
fn windows_resource(manifest_dir: &Path, commit: &str) -> std::io::Result<()> {
    let icon = manifest_dir.join("assets").join("eventloom.ico");
    println!("cargo:rerun-if-changed={}", icon.display());
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let product_version = format!("{version} ({commit})");
    let description = std::env::var("CARGO_PKG_DESCRIPTION").unwrap_or_default();
    let mut res = winresource::WindowsResource::new();
    res.set_icon(&icon.to_string_lossy())
        .set("ProductName", "Eventloom")
        .set("FileDescription", "Eventloom")
        .set("ProductVersion", &product_version)
        .set("Comments", &description)
        .set("InternalName", "eventloom")
        .set("OriginalFilename", "eventloom.exe");
    res.compile_for("eventloom")
}
