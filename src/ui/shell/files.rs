//! Files outside the project format: native file dialogs on their own thread, the example
//! gallery and the recovery file for unsaved work.

use crate::model::{KindTag, Pos, Project};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::task::{Context, Poll, Wake, Waker};

/// Which dialog to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogKind {
    /// Pick a project to open.
    Open,
    /// Choose where to save.
    SaveAs,
}

/// What a dialog answered; `None` when cancelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogResult {
    /// The file to open.
    Open(Option<PathBuf>),
    /// The file to save to.
    SaveAs(Option<PathBuf>),
}

/// Native dialogs run on a named thread; answers come back over a bounded channel drained
/// once per frame, so the UI never blocks.
pub struct Dialogs {
    tx: SyncSender<DialogResult>,
    rx: Receiver<DialogResult>,
    open: bool,
}

impl Default for Dialogs {
    fn default() -> Self {
        let (tx, rx) = sync_channel(4);
        Self {
            tx,
            rx,
            open: false,
        }
    }
}

impl Dialogs {
    /// Shows a dialog (one at a time; a second request while one is open is ignored).
    pub fn request(&mut self, ctx: &egui::Context, kind: DialogKind, file_name: Option<String>) {
        if self.open {
            return;
        }
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".to_owned())
            .spawn(move || {
                let dialog = rfd::AsyncFileDialog::new().add_filter("Eventloom project", &["ron"]);
                let result = match kind {
                    DialogKind::Open => DialogResult::Open(
                        block_on(dialog.pick_file()).map(|h| h.path().to_owned()),
                    ),
                    DialogKind::SaveAs => {
                        let dialog = match file_name {
                            Some(n) => dialog.set_file_name(n),
                            None => dialog,
                        };
                        DialogResult::SaveAs(
                            block_on(dialog.save_file()).map(|h| h.path().to_owned()),
                        )
                    }
                };
                let _ = tx.send(result);
                ctx.request_repaint();
            });
        self.open = spawned.is_ok();
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
    fn the_gallery_finds_the_examples() {
        let ex = examples();
        assert!(!ex.is_empty());
        assert!(ex.iter().all(|e| !e.name.is_empty()));
    }
}
