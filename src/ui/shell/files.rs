//! Files outside the project format: native file dialogs on their own thread, the example
//! gallery and the recovery file for unsaved work.

use crate::model::{KindTag, Pos, Project};
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

/// Whether `path` is one of the shipped example projects (in a folder [`examples`] reads,
/// or beside one of `known`): examples are read-only, saving asks for a new file.
pub fn is_example(path: &Path, known: &[Example]) -> bool {
    let Ok(path) = std::fs::canonicalize(path) else {
        return false;
    };
    let Some(dir) = path.parent() else {
        return false;
    };
    // A folder named `projects` is only the shipped examples when it holds them (most of
    // the teaching examples): a user's own `projects/` folder stays writable.
    let shipped = example_dirs().into_iter().filter(|d| {
        let held = TEACHING_ORDER
            .iter()
            .filter(|stem| d.join(format!("{stem}.ron")).is_file())
            .count();
        held * 2 >= TEACHING_ORDER.len()
    });
    let given = known
        .iter()
        .filter_map(|e| e.path.parent().map(Path::to_path_buf));
    shipped
        .chain(given)
        .filter_map(|d| std::fs::canonicalize(d).ok())
        .any(|d| d == dir)
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

/// An example project in the gallery.
#[derive(Clone, Debug)]
pub struct Example {
    /// Its file.
    pub path: PathBuf,
    /// Its title.
    pub name: String,
    /// Its description (or why it could not be read).
    pub description: String,
    /// Its lesson's title and summary, if it has a lesson.
    pub lesson: Option<(String, String)>,
    /// A miniature of its graph for the gallery card.
    pub miniature: Miniature,
}

/// A project's graph reduced to what a gallery card draws: node boxes and the lines between
/// them, in the project's canvas units.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Miniature {
    /// Top-left corner and kind of each node.
    pub nodes: Vec<(Pos, KindTag)>,
    /// Sender and receiver of each edge, as indices into `nodes`.
    pub edges: Vec<(usize, usize)>,
}

impl Miniature {
    /// The miniature of `project` (positions from its layout, as the canvas places them).
    pub fn of(project: &Project) -> Self {
        let ids: Vec<&crate::model::NodeId> = project.graph.nodes.keys().collect();
        let nodes = project
            .graph
            .nodes
            .iter()
            .map(|(id, n)| (crate::ui::canvas::node_pos(project, id), n.kind.tag()))
            .collect();
        let index = |id: &crate::model::NodeId| ids.binary_search(&id).ok();
        let edges = project
            .graph
            .edges
            .values()
            .filter_map(|e| Some((index(&e.from)?, index(&e.to)?)))
            .collect();
        Self { nodes, edges }
    }
}

impl Example {
    /// The gallery entry for the project file at `path`.
    pub fn load(path: PathBuf) -> Self {
        match crate::project::load(&path) {
            Ok(p) => Example {
                lesson: p
                    .lesson
                    .as_ref()
                    .map(|l| (l.title.clone(), l.summary.clone())),
                miniature: Miniature::of(&p),
                name: p.name,
                description: p.description,
                path,
            },
            Err(e) => Example {
                name: path.display().to_string(),
                description: e.to_string(),
                lesson: None,
                miniature: Miniature::default(),
                path,
            },
        }
    }
}

/// Folders that may hold the example projects: next to the working directory, next to the
/// executable (and its parents, for `target/debug`), and the source tree it was built from.
fn example_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::from("projects")];
    if let Ok(exe) = std::env::current_exe() {
        dirs.extend(exe.ancestors().skip(1).take(4).map(|a| a.join("projects")));
        // Where the packages install them: /usr/share/eventloom/projects beside /usr/bin (the
        // .deb) and Eventloom.app/Contents/Resources/projects beside Contents/MacOS.
        if let Some(bin) = exe.parent() {
            dirs.push(bin.join("../share/eventloom/projects"));
            dirs.push(bin.join("../Resources/projects"));
        }
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("projects"));
    dirs
}

/// The example projects found in the first folder that has any, sorted by file name.
pub fn examples() -> Vec<Example> {
    example_dirs()
        .iter()
        .map(|d| examples_in(d))
        .find(|ex| !ex.is_empty())
        .unwrap_or_default()
}

/// File stems of the teaching examples in the order the gallery shows them (one idea after
/// another, the simplest first); other files follow by name.
const TEACHING_ORDER: &[&str] = &[
    "scaling",
    "pay-as-you-go",
    "thumbnails",
    "canary-deploy",
    "fault-isolation",
    "monitoring",
    "cold-starts",
    "retries-dlq",
];

/// The example projects (`*.ron`) in `dir`, teaching examples first (see
/// [`TEACHING_ORDER`]), then by file name; empty when it cannot be read.
pub fn examples_in(dir: &Path) -> Vec<Example> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    paths.sort_by_cached_key(|p| {
        let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned());
        let rank = TEACHING_ORDER
            .iter()
            .position(|t| stem.as_deref() == Some(*t))
            .unwrap_or(TEACHING_ORDER.len());
        (rank, p.clone())
    });
    paths.into_iter().map(Example::load).collect()
}

/// First line of a recovery file; the rest of the line is the project's own file, if any.
const RECOVERY_HEADER: &str = "// eventloom recovery for: ";

/// Where unsaved work is kept for this user.
pub fn default_recovery_path() -> Option<PathBuf> {
    eframe::storage_dir("eventloom").map(|d| d.join("recovery.ron"))
}

/// Writes unsaved work (and the file it belongs to) to the recovery file.
pub fn write_recovery(
    recovery: &Path,
    project: &Project,
    path: Option<&Path>,
) -> Result<(), std::io::Error> {
    if let Some(dir) = recovery.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let origin = path.map(|p| p.display().to_string()).unwrap_or_default();
    let text = format!(
        "{RECOVERY_HEADER}{}\n{}",
        origin.replace('\n', " "),
        crate::project::to_ron_string(project)
    );
    crate::project::write_atomic(recovery, text.as_bytes())
}

/// Reads a recovery file: the project and the file it belongs to. `None` when there is none
/// or it cannot be read (a broken recovery file is not worth an error).
pub fn read_recovery(recovery: &Path) -> Option<(Project, Option<PathBuf>)> {
    let text = std::fs::read_to_string(recovery).ok()?;
    let (first, rest) = text.split_once('\n')?;
    let origin = first.strip_prefix(RECOVERY_HEADER)?;
    let project = crate::project::from_ron_str(rest).ok()?;
    let path = (!origin.is_empty()).then(|| PathBuf::from(origin));
    Some((project, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let rp = dir.path().join("sub").join("recovery.ron");
        let p = crate::project::synthetic::pipeline(7);
        write_recovery(&rp, &p, Some(Path::new("/tmp/x.ron"))).unwrap();
        let (back, path) = read_recovery(&rp).unwrap();
        assert_eq!(back, p);
        assert_eq!(path, Some(PathBuf::from("/tmp/x.ron")));
        write_recovery(&rp, &p, None).unwrap();
        assert_eq!(read_recovery(&rp).unwrap().1, None);
        std::fs::write(&rp, "garbage").unwrap();
        assert!(read_recovery(&rp).is_none());
    }

    #[test]
    fn only_the_shipped_examples_are_read_only() {
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("projects");
        for stem in TEACHING_ORDER {
            assert!(
                is_example(&shipped.join(format!("{stem}.ron")), &[]),
                "{stem}"
            );
        }
        // A folder of one's own, even one called `projects`, is not.
        let dir = tempfile::tempdir().unwrap();
        let own = dir.path().join("projects");
        std::fs::create_dir_all(&own).unwrap();
        let mine = own.join("mine.ron");
        std::fs::write(&mine, "x").unwrap();
        assert!(!is_example(&mine, &[]));
        assert!(!is_example(&dir.path().join("missing.ron"), &[]));
        // Unless the editor was given it as its examples.
        let ex = Example {
            path: mine.clone(),
            name: "Mine".to_owned(),
            description: String::new(),
            lesson: None,
            miniature: Miniature::default(),
        };
        assert!(is_example(&mine, &[ex]));
    }

    #[test]
    fn the_gallery_finds_the_examples() {
        let ex = examples();
        assert!(!ex.is_empty());
        assert!(ex.iter().all(|e| !e.name.is_empty()));
    }
}
