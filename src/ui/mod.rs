//! The desktop editor (eframe/egui), in folders by concern: `canvas` (geometry, drawing,
//! gestures, the live overlay), `inspector` (every parameter), `run` (toolbar, live panel,
//! dashboard, versions, logs, traces, exports, lesson panel), `shell` (theme, formatting,
//! names, palette, diagnostics, gallery, files, shortcuts) and `editor` (state, files and
//! recovery, edits, menus, run and lesson glue). Widgets depend on [`message`], never on the
//! editor.
//!
//! [`Editor`] holds the state and draws one frame from a `&mut egui::Ui`, so headless tests
//! drive it with egui_kittest; [`run`] wraps it in an eframe window with persistence.

mod canvas;
mod editor;
mod inspector;
pub mod message;
pub mod run;
pub mod shell;
mod startup;

pub use canvas::{DETAIL_ZOOM, NAME_ZOOM};
pub use editor::{Editor, PRESENT_ZOOM};
pub use message::{Action, ExportKind, PanelAction, RunAction, Selection, Status};
pub use run::{LiveRun, PAUSE, RUN, STEP, inject_label};
pub use shell::format::clock;
pub use shell::{button_label, examples, examples_in, write_recovery};

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
        cc.egui_ctx.set_fonts(shell::theme::fonts());
        editor::apply_present(&cc.egui_ctx, editor.present);
        editor.recovery_path = shell::files::default_recovery_path();
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
