//! The desktop editor (eframe/egui): canvas, palette, inspector, diagnostics and files.
//!
//! [`Editor`] holds the state and draws one frame from a `&mut egui::Ui`, so headless tests
//! drive it with egui_kittest; [`run`] wraps it in an eframe window with persistence.

mod canvas;
pub mod dashboard;
mod diagnostics;
mod editor;
pub mod export;
mod files;
mod gallery;
mod inspector;
pub mod lesson;
pub mod live;
mod live_panel;
pub mod logs;
pub mod names;
mod overlay;
mod palette;
pub mod panels;
pub mod run_panels;
mod run_toolbar;
mod shortcuts;
mod startup;
pub mod theme;
pub mod traces;
pub mod versions;

pub use canvas::{
    CanvasState, DETAIL_ZOOM, NAME_ZOOM, Selection, badge_rect, human_ms, kind_summary, node_pos,
};
pub use editor::RunAction;
pub use editor::{Action, Editor, PRESENT_ZOOM, Status, apply_present, choose_edge};
pub use files::{Example, Miniature, examples, examples_in, read_recovery, write_recovery};
pub use lesson::{LessonAction, LessonPanel};
pub use live::LiveRun;
pub use live_panel::{DeployDraft, FaultDraft, inject_label};
pub use overlay::{QUEUE_FULL_AT, blast_radius, compact_badge, node_badges};
pub use palette::{button_label, kind_title};
pub use run_toolbar::{FAST_FORWARD, PAUSE, RESET, RUN, RunControls, STEP, STOP, clock};
pub use shortcuts::SHORTCUTS;

use std::path::PathBuf;
use std::process::ExitCode;

/// What eframe remembers between runs besides window size and panel widths.
#[derive(Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
struct Remembered {
    recent: Vec<PathBuf>,
    /// Present mode was on.
    present: bool,
}

const REMEMBERED_KEY: &str = "eventloom";

/// The eframe application: an [`Editor`] plus what only a real window has.
struct App {
    editor: Editor,
    /// When `run` began, for the start-up probe.
    started: std::time::Instant,
    /// `EVENTLOOM_STARTUP_PROBE` is set: report the time to the first frame, then close.
    probe: bool,
}

impl App {
    fn new(
        cc: &eframe::CreationContext<'_>,
        file: Option<PathBuf>,
        started: std::time::Instant,
    ) -> Self {
        let mut editor = match file {
            Some(path) => Editor::open(path),
            None => {
                // Nothing to open: the start screen with the examples.
                let mut e = Editor::default();
                e.show_start_screen();
                e
            }
        };
        if let Some(storage) = cc.storage
            && let Some(r) = eframe::get_value::<Remembered>(storage, REMEMBERED_KEY)
        {
            editor.recent = r.recent;
            editor.present = r.present;
        }
        cc.egui_ctx.set_fonts(theme::fonts());
        apply_present(&cc.egui_ctx, editor.present);
        editor.recovery_path = files::default_recovery_path();
        editor.check_recovery();
        let probe = std::env::var_os("EVENTLOOM_STARTUP_PROBE").is_some();
        Self {
            editor,
            started,
            probe,
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.editor.ui(ui);
        if self.probe {
            self.probe = false;
            eprintln!(
                "eventloom: first frame {:.0} ms after start",
                self.started.elapsed().as_secs_f64() * 1e3
            );
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        let r = Remembered {
            recent: self.editor.recent.clone(),
            present: self.editor.present,
        };
        eframe::set_value(storage, REMEMBERED_KEY, &r);
    }

    fn on_exit(&mut self) {
        self.editor.on_exit();
    }
}

/// The app icon (the 256×256 PNG in assets/, drawn by assets/make_icon.py).
fn icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")).ok()
}

/// The window's size at first start (later starts reopen it as it was left), points.
pub const WINDOW_SIZE: [f32; 2] = [1440.0, 900.0];

/// Opens the editor window (with `file`, if given) and returns when it closes.
pub fn run(file: Option<PathBuf>) -> ExitCode {
    let started = std::time::Instant::now();
    if let Some(message) = startup::no_display_message() {
        eprintln!("{message}");
        return ExitCode::FAILURE;
    }
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Eventloom")
        .with_app_id("eventloom")
        .with_inner_size(WINDOW_SIZE)
        .with_min_inner_size([640.0, 420.0]);
    if let Some(icon) = icon() {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        persist_window: true,
        ..Default::default()
    };
    let result = eframe::run_native(
        "eventloom",
        options,
        Box::new(move |cc| Ok(Box::new(App::new(cc, file, started)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", startup::failure_message(&e));
            ExitCode::FAILURE
        }
    }
}
