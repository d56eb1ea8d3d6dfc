//! The live run in the editor: the UI side of a run ([`LiveRun`]), the run toolbar, the live
//! panel (Break it, Deploy / Rollback, active faults), the lesson panel, and the run panels
//! docked under the canvas (dashboard, per-version plots, logs, traces, exports).

mod axes;
pub mod compare;
pub mod dashboard;
pub mod export;
pub mod lesson;
pub mod live;
pub mod live_panel;
pub mod logs;
pub mod node_names;
pub mod panels;
mod plot;
mod plot_layout;
pub mod summary;
pub mod toolbar;
pub mod traces;
pub mod versions;
pub mod waterfall;

pub use lesson::LessonPanel;
pub use live::LiveRun;
pub use live_panel::{DeployDraft, FaultDraft, inject_label};
pub use toolbar::{FAST_FORWARD, PAUSE, RESET, RUN, RunControls, STEP, STOP};
