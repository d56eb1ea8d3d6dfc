//! File dialogs: the system's (rfd) on their own thread, and what the editor needs when
//! none can open — why, and the checks its in-app path field makes instead.

use crate::ui::message::{DesignExport, ExportKind};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::task::{Context, Poll, Wake, Waker};

/// Which dialog to show: what the chosen file is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogKind {
    /// Pick a project to open.
    Open,
    /// Choose where to save the project.
    SaveAs,
    /// Choose where to write an export of the design.
    Export(DesignExport),
    /// Choose where to write an export of the live run's metrics.
    RunExport(ExportKind),
    /// Pick a SAM or CloudFormation template to import.
    Import,
}

impl DialogKind {
    /// Whether the chosen file is written (Save As, Export) rather than read.
    pub fn writes(self) -> bool {
        match self {
            DialogKind::SaveAs | DialogKind::Export(_) | DialogKind::RunExport(_) => true,
            DialogKind::Open | DialogKind::Import => false,
        }
    }

    /// The dialog's title ("Save the project as", …).
    pub fn title(self) -> &'static str {
        match self {
            DialogKind::Open => "Open a project",
            DialogKind::SaveAs => "Save the project as",
            DialogKind::Export(e) => e.title(),
            DialogKind::RunExport(_) => "Export the run's metrics",
            DialogKind::Import => "Import a SAM or CloudFormation template",
        }
    }

    /// The confirming button's word.
    pub fn verb(self) -> &'static str {
        match self {
            DialogKind::Open => "Open",
            DialogKind::SaveAs => "Save",
            DialogKind::Export(_) | DialogKind::RunExport(_) => "Export to this file",
            DialogKind::Import => "Import",
        }
    }

    /// The file filter: its name and extensions.
    fn filter(self) -> (&'static str, &'static [&'static str]) {
        match self {
            DialogKind::Open | DialogKind::SaveAs => ("Eventloom project", &["ron"]),
            DialogKind::Export(e) => (e.filter_name(), e.extensions()),
            DialogKind::RunExport(ExportKind::NodesCsv | ExportKind::SeriesCsv) => {
                ("CSV", &["csv"])
            }
            DialogKind::RunExport(ExportKind::ReportJson) => ("JSON", &["json"]),
            DialogKind::Import => (
                "SAM or CloudFormation template",
                &["yaml", "yml", "json", "template"],
            ),
        }
    }
}

/// What a dialog answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogAnswer {
    /// The file chosen.
    Chosen(PathBuf),
    /// The user cancelled.
    Cancelled,
    /// The system's dialog could not be shown; why, in words.
    Unavailable(String),
}

/// A dialog's answer with what it was for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialogResult {
    /// What the file is for.
    pub kind: DialogKind,
    /// What the dialog answered.
    pub answer: DialogAnswer,
    /// The file name it suggested (pre-fills the in-app path field when it could not open).
    pub suggested: Option<String>,
}

/// A native dialog that answers "no file" faster than this did not open (nobody cancels a
/// dialog in a quarter of a second): rfd answers `None` both for a cancel and for a failure.
const DIALOG_FAILED_WITHIN: std::time::Duration = std::time::Duration::from_millis(250);

/// Native dialogs run on a named thread; answers come back over a bounded channel drained
/// once per frame, so the UI never blocks. When the system has no file dialog (on Linux: no
/// desktop portal and no zenity) the answer says so, and the editor asks in a field instead.
pub struct Dialogs {
    tx: SyncSender<DialogResult>,
    rx: Receiver<DialogResult>,
    open: bool,
    /// Use the system's dialogs; `false` answers every request [`DialogAnswer::Unavailable`]
    /// at once (tests, and users who set `EVENTLOOM_NO_NATIVE_DIALOGS`).
    pub native: bool,
}

impl Default for Dialogs {
    fn default() -> Self {
        let (tx, rx) = sync_channel(4);
        Self {
            tx,
            rx,
            open: false,
            native: std::env::var_os("EVENTLOOM_NO_NATIVE_DIALOGS").is_none(),
        }
    }
}

impl Dialogs {
    /// Shows a dialog (one at a time; a second request while one is open is ignored).
    pub fn request(&mut self, ctx: &egui::Context, kind: DialogKind, file_name: Option<String>) {
        if self.open {
            return;
        }
        let missing = if self.native {
            native_dialog_missing()
        } else {
            Some("the system's file dialogs are turned off".to_owned())
        };
        if let Some(why) = missing {
            let _ = self.tx.try_send(DialogResult {
                kind,
                answer: DialogAnswer::Unavailable(why),
                suggested: file_name,
            });
            return;
        }
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".to_owned())
            .spawn(move || {
                let (filter, extensions) = kind.filter();
                let dialog = rfd::AsyncFileDialog::new()
                    .set_title(kind.title())
                    .add_filter(filter, extensions);
                let asked = std::time::Instant::now();
                let path = if kind.writes() {
                    let dialog = match &file_name {
                        Some(n) => dialog.set_file_name(n),
                        None => dialog,
                    };
                    block_on(dialog.save_file()).map(|h| h.path().to_owned())
                } else {
                    block_on(dialog.pick_file()).map(|h| h.path().to_owned())
                };
                let answer = match path {
                    Some(p) => DialogAnswer::Chosen(p),
                    None if asked.elapsed() < DIALOG_FAILED_WITHIN => DialogAnswer::Unavailable(
                        "the system's file dialog did not open (no desktop portal or zenity answered)"
                            .to_owned(),
                    ),
                    None => DialogAnswer::Cancelled,
                };
                let _ = tx.send(DialogResult {
                    kind,
                    answer,
                    suggested: file_name,
                });
                ctx.request_repaint();
            });
        self.open = spawned.is_ok();
        if !self.open {
            let _ = self.tx.try_send(DialogResult {
                kind,
                answer: DialogAnswer::Unavailable("could not start the dialog's thread".to_owned()),
                suggested: None,
            });
        }
    }

    /// Answers that arrived since the last frame.
    pub fn poll(&mut self) -> Vec<DialogResult> {
        let mut out = Vec::new();
        loop {
            match self.rx.try_recv() {
                Ok(r) => {
                    self.open = false;
                    out.push(r);
                }
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return out,
            }
        }
    }
}

/// Why the system cannot show a file dialog, when that is known before trying: on Linux and
/// the BSDs rfd needs the desktop portal (over the D-Bus session bus) or zenity. Windows and
/// macOS always have theirs.
pub fn native_dialog_missing() -> Option<String> {
    if !cfg!(any(
        target_os = "linux",
        target_os = "freebsd",
        target_os = "dragonfly",
        target_os = "netbsd",
        target_os = "openbsd"
    )) {
        return None;
    }
    let zenity = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join("zenity").is_file()));
    let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        || std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| Path::new(&d).join("bus").exists());
    (!zenity && !bus).then(|| {
        "no file dialog is available (no desktop portal on a D-Bus session and no zenity)"
            .to_owned()
    })
}

/// What the in-app path field found about a path to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteCheck {
    /// A new file in a writable folder.
    New,
    /// The file exists: ask before replacing it.
    Exists,
}

/// The checks a native save dialog makes, for a typed path: not empty, not a folder, its
/// folder exists and takes new files. An existing file is reported so the user is asked.
pub fn check_write_path(path: &Path) -> Result<WriteCheck, String> {
    if path.as_os_str().is_empty() {
        return Err("Type a file path".to_owned());
    }
    if path.is_dir() {
        return Err(format!("{} is a folder; add a file name", path.display()));
    }
    if path.file_name().is_none() {
        return Err(format!("{} has no file name", path.display()));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        Some(_) | None => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(format!("The folder {} does not exist", dir.display()));
    }
    if !folder_writable(&dir) {
        return Err(format!("The folder {} cannot be written to", dir.display()));
    }
    Ok(if path.exists() {
        WriteCheck::Exists
    } else {
        WriteCheck::New
    })
}

/// The checks a native open dialog makes, for a typed path: it names an existing file.
pub fn check_read_path(path: &Path) -> Result<(), String> {
    if path.as_os_str().is_empty() {
        return Err("Type a file path".to_owned());
    }
    if path.is_dir() {
        return Err(format!("{} is a folder, not a file", path.display()));
    }
    if !path.is_file() {
        return Err(format!("There is no file {}", path.display()));
    }
    Ok(())
}

/// Whether a new file can be created in `dir` (tried with a temporary file, removed again).
fn folder_writable(dir: &Path) -> bool {
    tempfile::Builder::new()
        .prefix(".eventloom-write-check")
        .tempfile_in(dir)
        .is_ok()
}

/// Where the in-app path field starts: the current file's folder (or the working folder)
/// joined with the suggested name.
pub fn suggested_path(current: Option<&Path>, name: Option<&str>) -> PathBuf {
    let dir = current
        .and_then(Path::parent)
        .filter(|d| !d.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_default();
    match name {
        Some(n) => dir.join(n),
        None => dir,
    }
}

/// Runs a future to completion on the current thread (the dialog thread).
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(std::sync::Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut cx) {
            Poll::Ready(v) => return v,
            Poll::Pending => std::thread::park(),
        }
    }
}
