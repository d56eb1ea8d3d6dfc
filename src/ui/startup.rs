//! What the editor says when its window cannot open — no display, or no usable graphics
//! driver — in words for a person: what is missing, what to install, and that the headless
//! commands still work. [`super::run`] prints it and exits 1; nothing panics.

use eframe::egui_wgpu::WgpuError;
use std::ffi::OsString;

/// The closing line of every start-up failure: the rest of the program still works.
const HEADLESS: &str = "The headless commands work without a window: `eventloom check`, `run`, \
                        `test`, `lesson` and `fmt` (see `eventloom --help`).";

/// Why the editor window did not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// No display server is named (Linux/BSD: neither `DISPLAY` nor `WAYLAND_DISPLAY`).
    NoDisplay,
    /// A display is named but could not be reached, or refused the window.
    DisplayUnreachable,
    /// The window system works but no graphics driver could draw into the window.
    NoGraphics,
    /// Anything else (the details say what).
    Other,
}

/// The message when this process's environment names no display (see [`missing_display`]).
pub(crate) fn no_display_message() -> Option<String> {
    missing_display(|name| std::env::var_os(name)).map(|problem| {
        explain(
            problem,
            "DISPLAY, WAYLAND_DISPLAY and WAYLAND_SOCKET are unset",
        )
    })
}

/// The message for an error eframe returned instead of opening the window.
pub(crate) fn failure_message(error: &eframe::Error) -> String {
    explain(classify(error), &error.to_string())
}

/// The problem when the environment names no display at all, checked before eframe starts.
///
/// Only X11/Wayland systems need one named; Windows and macOS always have their own. `var`
/// reads an environment variable (a parameter so tests need not touch the process's).
pub(crate) fn missing_display(var: impl Fn(&str) -> Option<OsString>) -> Option<Problem> {
    if !cfg!(all(
        unix,
        not(target_os = "macos"),
        not(target_os = "ios"),
        not(target_os = "android")
    )) {
        return None;
    }
    let named = ["DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET"]
        .iter()
        .any(|name| var(name).is_some_and(|v| !v.is_empty()));
    (!named).then_some(Problem::NoDisplay)
}

/// Which problem an eframe start-up error is.
pub(crate) fn classify(error: &eframe::Error) -> Problem {
    match error {
        eframe::Error::WinitEventLoop(_) | eframe::Error::Winit(_) => Problem::DisplayUnreachable,
        eframe::Error::Wgpu(e) => match e {
            WgpuError::RequestAdapterError(_)
            | WgpuError::CustomNativeAdapterSelectionError(_)
            | WgpuError::NoSurfaceFormatsAvailable
            | WgpuError::RequestDeviceError(_)
            | WgpuError::CreateSurfaceError(_) => Problem::NoGraphics,
            WgpuError::HandleError(_) => Problem::DisplayUnreachable,
        },
        eframe::Error::AppCreation(_) => Problem::Other,
    }
}

/// The message for `problem`: what is missing, what to install (for this platform), that the
/// headless commands still work, and the underlying error's own words (`details`) last.
pub(crate) fn explain(problem: Problem, details: &str) -> String {
    let (what, remedy) = match problem {
        Problem::NoDisplay => (
            "no display was found: neither DISPLAY nor WAYLAND_DISPLAY is set".to_owned(),
            "Start it from a desktop session (X11 or Wayland), over SSH with X forwarding \
             (`ssh -X`), or under a virtual X server (Debian/Ubuntu: `apt-get install xvfb`, \
             then `xvfb-run eventloom`)."
                .to_owned(),
        ),
        Problem::DisplayUnreachable => (
            display_unreachable(),
            "Check that the display server is running and that this user may connect to it \
             (X11: `xhost`, `XAUTHORITY`)."
                .to_owned(),
        ),
        Problem::NoGraphics => (
            "no usable graphics driver was found to draw the window".to_owned(),
            format!(
                "{} If one is installed, another graphics API may work: set WGPU_BACKEND to \
                 vulkan, gl, dx12 or metal.",
                graphics_remedy()
            ),
        ),
        Problem::Other => (
            "the editor could not start".to_owned(),
            "Please report this with the details below.".to_owned(),
        ),
    };
    format!(
        "eventloom: cannot open the editor: {what}.\n{remedy}\n{HEADLESS}\n(details: {details})"
    )
}

/// Names the display eframe tried, where there is one to name.
fn display_unreachable() -> String {
    let named: Vec<String> = ["WAYLAND_DISPLAY", "DISPLAY"]
        .iter()
        .filter_map(|name| {
            let v = std::env::var_os(name)?;
            (!v.is_empty()).then(|| format!("{name}={}", v.to_string_lossy()))
        })
        .collect();
    if named.is_empty() {
        "the display could not be reached".to_owned()
    } else {
        format!("the display could not be reached ({})", named.join(", "))
    }
}

/// What to install for a working graphics driver on this platform.
fn graphics_remedy() -> &'static str {
    if cfg!(target_os = "windows") {
        "The editor draws with Direct3D 12, Vulkan or OpenGL: install or update the graphics \
         driver (a virtual machine needs its 3D acceleration turned on)."
    } else if cfg!(target_os = "macos") {
        "The editor draws with Metal, which every supported Mac has: update macOS, or run it \
         outside a virtual machine without Metal."
    } else {
        "The editor draws with Vulkan or OpenGL (EGL). Install Mesa's drivers, which include \
         software rendering for machines without a GPU (Debian/Ubuntu: `apt-get install \
         mesa-vulkan-drivers libegl-mesa0 libgl1-mesa-dri`), or your GPU vendor's driver."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVERY_PROBLEM: [Problem; 4] = [
        Problem::NoDisplay,
        Problem::DisplayUnreachable,
        Problem::NoGraphics,
        Problem::Other,
    ];

    #[test]
    fn every_message_says_what_failed_what_to_do_and_that_headless_commands_work() {
        for problem in EVERY_PROBLEM {
            let text = explain(problem, "the library's words");
            assert!(
                text.starts_with("eventloom: cannot open the editor: "),
                "{problem:?}: {text}"
            );
            assert!(text.contains(HEADLESS), "{problem:?}: {text}");
            assert!(
                text.ends_with("(details: the library's words)"),
                "{problem:?}: {text}"
            );
            assert_eq!(text.lines().count(), 4, "{problem:?}: {text}");
        }
    }

    #[test]
    fn a_missing_driver_names_what_to_install_on_this_platform() {
        let text = explain(Problem::NoGraphics, "");
        // Under Wine the default (Direct3D 12 through vkd3d) fails while Vulkan and GL work.
        assert!(text.contains("WGPU_BACKEND"), "{text}");
        let needle = if cfg!(target_os = "windows") {
            "driver"
        } else if cfg!(target_os = "macos") {
            "Metal"
        } else {
            "apt-get install mesa-vulkan-drivers"
        };
        assert!(text.contains(needle), "{text}");
    }

    #[test]
    fn missing_display_only_when_no_display_variable_is_set() {
        let unix_desktop = cfg!(all(unix, not(target_os = "macos")));
        let cases: [(&[(&str, &str)], bool); 6] = [
            (&[], true),
            (&[("DISPLAY", "")], true),
            (&[("DISPLAY", ":0")], false),
            (&[("WAYLAND_DISPLAY", "wayland-0")], false),
            (&[("WAYLAND_SOCKET", "3")], false),
            (&[("HOME", "/root")], true),
        ];
        for (env, missing) in cases {
            let got = missing_display(|name| {
                env.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| OsString::from(v))
            });
            let want = (missing && unix_desktop).then_some(Problem::NoDisplay);
            assert_eq!(got, want, "{env:?}");
        }
    }
}
