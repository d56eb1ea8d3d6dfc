//! The editor's start-up where no window can open: exit 1 with a message for a person (what is
//! missing, what to install, that the headless commands still work) — never a panic or a
//! backtrace, even with `RUST_BACKTRACE=1`. Linux/BSD only: elsewhere a display always exists.
#![cfg(all(feature = "gui", unix, not(target_os = "macos")))]

use std::process::{Command, Output};

fn describe(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `eventloom ARGS` with no display variables, a private home, and backtraces asked for.
fn editor(args: &[&str], env: &[(&str, &str)]) -> (Output, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("a temporary folder");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_eventloom"));
    cmd.args(args)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path())
        .env("XDG_RUNTIME_DIR", home.path())
        .env("RUST_BACKTRACE", "1")
        // Should a window open after all, close it after the first frame.
        .env("EVENTLOOM_STARTUP_PROBE", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    (cmd.output().expect("the eventloom binary runs"), home)
}

/// Exit 1, the sentence `wanted` and the headless hint on stderr, nothing on stdout, no panic.
fn assert_explained(o: &Output, wanted: &[&str]) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{}", describe(o));
    assert!(
        err.starts_with("eventloom: cannot open the editor: "),
        "{}",
        describe(o)
    );
    for w in wanted {
        assert!(err.contains(w), "wanted {w:?}: {}", describe(o));
    }
    assert!(
        err.contains("headless commands work without a window"),
        "{}",
        describe(o)
    );
    for bad in ["panicked", "stack backtrace", "RUST_BACKTRACE"] {
        assert!(!err.contains(bad), "{bad:?} in {}", describe(o));
    }
    assert!(o.stdout.is_empty(), "{}", describe(o));
}

#[test]
fn without_a_display_the_editor_says_what_to_install_and_exits_1() {
    for args in [&[][..], &["projects/orders.ron"][..]] {
        let (out, _home) = editor(args, &[]);
        assert_explained(
            &out,
            &["no display was found", "DISPLAY", "apt-get install xvfb"],
        );
    }
}

#[test]
fn an_unreachable_display_is_named_and_exits_1() {
    // A display number nothing listens on (X11 uses 6000 + N, so this is no port either).
    let (out, _home) = editor(&[], &[("DISPLAY", ":64999")]);
    assert_explained(&out, &["the display could not be reached (DISPLAY=:64999)"]);
}

/// With an X server but no graphics driver (Vulkan ICDs, EGL vendors and Mesa's DRI drivers
/// all hidden), under Xvfb. Needs `Xvfb` (Debian: xvfb), which .ci/run installs: in CI
/// (`CI=true`) a missing Xvfb fails the test; elsewhere it is skipped with a note.
#[test]
fn without_a_graphics_driver_the_editor_says_what_to_install_and_exits_1() {
    let Some(mut xvfb) = start_xvfb() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "Xvfb is not installed; .ci/run installs it (Debian: xvfb)"
        );
        eprintln!("skipped: Xvfb is not installed (Debian: apt-get install xvfb)");
        return;
    };
    let display = xvfb.display.clone();
    let (out, _home) = editor(
        &[],
        &[
            ("DISPLAY", &display),
            ("VK_ICD_FILENAMES", "/nonexistent/icd.json"),
            ("VK_DRIVER_FILES", "/nonexistent/icd.json"),
            ("__EGL_VENDOR_LIBRARY_FILENAMES", "/nonexistent/egl.json"),
            ("LIBGL_DRIVERS_PATH", "/nonexistent"),
        ],
    );
    let _ = xvfb.child.kill();
    let _ = xvfb.child.wait();
    assert_explained(
        &out,
        &[
            "no usable graphics driver",
            "apt-get install mesa-vulkan-drivers",
        ],
    );
}

struct Xvfb {
    child: std::process::Child,
    display: String,
}

/// Starts Xvfb on a display number it picks itself (`-displayfd`), or None if not installed.
fn start_xvfb() -> Option<Xvfb> {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "800x600x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut line = String::new();
    let stdout = child.stdout.take().expect("piped stdout");
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("Xvfb prints its display number");
    let number = line.trim();
    assert!(
        !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()),
        "Xvfb printed {line:?}"
    );
    Some(Xvfb {
        display: format!(":{number}"),
        child,
    })
}
