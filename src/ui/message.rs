//! The messages of the editor: what widgets ask for ([`Action`], [`RunAction`],
//! [`LessonAction`], [`PanelAction`]), what they report ([`Status`]) and the canvas
//! [`Selection`] they name.
//!
//! Widgets push these and never change state themselves; `Editor::handle` carries them out.
//! This module depends on nothing else in `ui/`, so every widget can use it without
//! importing the editor.

use crate::model::{DeployStrategy, EdgeId, Edit, Fault, KindTag, NodeId, Pos, Subject};
use crate::sim::{FaultId, Speed, Time};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Something the user asked for. Handled in `Editor::handle`, the only place state changes.
#[derive(Clone, Debug)]
pub enum Action {
    /// Apply an edit; edits with the same key in a row form one undo step.
    Edit {
        /// The change.
        edit: Edit,
        /// Coalescing key (a drag, typing in one field).
        key: Option<String>,
    },
    /// Close the current undo step (a drag or typing ended).
    Seal,
    /// Undo the last step.
    Undo,
    /// Redo the last undone step.
    Redo,
    /// Add a node of this kind, centred at a canvas position (or in the middle of the view).
    AddNode {
        /// Its kind (default parameters).
        kind: KindTag,
        /// Canvas position of its centre.
        at: Option<Pos>,
    },
    /// Connect two nodes with the first legal edge kind (refused with the reason if none).
    Connect {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
    },
    /// Replace the selection.
    Select(Selection),
    /// Select every node.
    SelectAll,
    /// Select a node and centre the view on it.
    Focus(NodeId),
    /// Select what a diagnostic is about and frame it.
    ShowSubject(Subject),
    /// Delete the selection.
    Delete,
    /// Duplicate the selected nodes (and the edges among them).
    Duplicate,
    /// Copy the selection to the clipboard as RON text.
    Copy,
    /// Copy, then delete.
    Cut,
    /// Paste clipboard text (a fragment copied from this or another window).
    Paste(String),
    /// Paste what this window copied last.
    PasteInternal,
    /// Move the selected nodes by a canvas offset.
    Nudge(egui::Vec2),
    /// Fit every node in the view.
    Fit,
    /// Arrange the nodes left to right by their connections.
    AutoLayout,
    /// Start a new, empty project.
    New,
    /// Show the Open dialog.
    Open,
    /// Open a project file.
    OpenPath(PathBuf),
    /// Open an example as a new, unsaved project.
    OpenExample(PathBuf),
    /// Save to the current file (or ask where).
    Save,
    /// Show the Save As dialog.
    SaveAs,
    /// Save to this file.
    SaveTo(PathBuf),
    /// Ask where to write an export of the design (SAM template, diagram).
    ExportDesign(DesignExport),
    /// Write an export of the design to this file.
    ExportDesignTo(DesignExport, PathBuf),
    /// Ask where to write an export of the live run's metrics (the run panels' Export).
    ExportRun(ExportKind),
    /// Ask for a SAM or CloudFormation template to import.
    Import,
    /// Import this template as a new, unsaved project.
    ImportFrom(PathBuf),
    /// Ask for the port to accept real HTTP requests on (Run menu).
    AskServe,
    /// Accept real HTTP requests on this port of 127.0.0.1 during the live run (`serve`).
    Serve(u16),
    /// Stop accepting real HTTP requests.
    StopServing,
    /// Restore the autosaved project found at start-up.
    Recover,
    /// Forget the autosaved project found at start-up.
    DiscardRecovery,
    /// Close the window.
    Quit,
    /// Something the lesson panel asked for (`ui/run/lesson.rs`).
    Lesson(LessonAction),
    /// Show the example gallery.
    ShowExamples,
    /// Show the Compare window (`ui/run/compare.rs`).
    ShowCompare,
    /// Move the project to another provider (`model::retarget`), as one undoable step.
    Retarget(crate::model::Provider),
    /// Open a compared variant as a new, unsaved project.
    OpenVariant(Box<crate::model::Project>),
    /// Turn Present mode (larger everything, for projectors) on or off.
    TogglePresent,
    /// Control the live run.
    Run(RunAction),
}

/// Something asked of the live run (toolbar, shortcuts, fault menus, deploy).
#[derive(Clone, Debug)]
pub enum RunAction {
    /// Pause when running, otherwise run (F5).
    Toggle,
    /// Run paced (starting a run if there is none).
    Play,
    /// Stop the clock.
    Pause,
    /// Advance a little virtual time, then pause (F10).
    Step,
    /// Start over at 0 with the project as edited and the toolbar's seed (Shift+F5).
    Reset,
    /// End the run and leave live mode.
    Stop,
    /// Change the speed.
    Speed(Speed),
    /// Change where the run stops, µs.
    Duration(Time),
    /// Run this much virtual time flat out, then pause, µs.
    FastForward(Time),
    /// Stop a fast-forward.
    Cancel,
    /// Inject a fault, cleared again after `lasts` µs of virtual time when given.
    Inject {
        /// The fault.
        fault: Fault,
        /// How long it lasts.
        lasts: Option<Time>,
    },
    /// Clear one fault.
    ClearFault(FaultId),
    /// Clear every fault.
    ClearAllFaults,
    /// Deploy the function's edited parameters as a new version.
    Deploy {
        /// The function.
        node: NodeId,
        /// How traffic shifts.
        strategy: DeployStrategy,
    },
    /// Put a function back on its previous version.
    Rollback(NodeId),
}

/// A message in the status bar.
#[derive(Clone, Debug, PartialEq)]
pub struct Status {
    /// One sentence.
    pub text: String,
    /// Shown in the error colour.
    pub is_error: bool,
}

/// What the lesson panel asks for, and what the learner did that a lesson may wait for.
#[derive(Clone, Debug, PartialEq)]
pub enum LessonAction {
    /// Perform the current step's actions (start or play the run if needed).
    ShowMe,
    /// Go back one step.
    Back,
    /// Move on to the next step without waiting for the check.
    Skip,
    /// Start the lesson over from the first step.
    Restart,
    /// Show or hide the panel.
    Toggle,
    /// The learner's answer to the current step's question.
    Answer(crate::lesson::Given),
    /// Lecturer paces: move on from a step held at its boundary.
    Next,
    /// Lecturer paces on or off.
    SetPaced(bool),
    /// The instructor view (notes) on or off.
    SetInstructor(bool),
    /// Something the learner did in the editor (opened a panel, picked a trace, selected a
    /// node): the current step may be waiting for it.
    Observed(crate::model::UiEvent),
}

/// Something a run panel asks its caller to do (the panels never change state themselves).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PanelAction {
    /// Select this node on the canvas (a log line or a span was clicked).
    SelectNode(NodeId),
    /// Fetch this trace and show its waterfall (`HostCommand::Trace`).
    OpenTrace(u64),
    /// Export the run's metrics in this form.
    Export(ExportKind),
}

/// What is selected on the canvas (view state, never saved).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Selected nodes.
    pub nodes: BTreeSet<NodeId>,
    /// Selected edges.
    pub edges: BTreeSet<EdgeId>,
}

impl Selection {
    /// Just this node.
    pub fn node(id: NodeId) -> Self {
        Self {
            nodes: [id].into(),
            edges: BTreeSet::new(),
        }
    }

    /// Just this edge.
    pub fn edge(id: EdgeId) -> Self {
        Self {
            nodes: BTreeSet::new(),
            edges: [id].into(),
        }
    }

    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.edges.is_empty()
    }
}

/// An export of the design (File → Export), written by `crate::interop`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DesignExport {
    /// An AWS SAM template (YAML) that `sam deploy` accepts.
    Sam,
    /// A self-contained SVG picture that looks like the canvas.
    Svg,
    /// A Mermaid flowchart for Markdown.
    Mermaid,
    /// A Graphviz DOT digraph.
    Dot,
}

impl DesignExport {
    /// Every export, in menu order.
    pub const ALL: [DesignExport; 4] = [
        DesignExport::Sam,
        DesignExport::Svg,
        DesignExport::Mermaid,
        DesignExport::Dot,
    ];

    /// Menu label (opens a dialog, hence the ellipsis).
    pub fn label(self) -> &'static str {
        match self {
            DesignExport::Sam => "AWS SAM template…",
            DesignExport::Svg => "SVG…",
            DesignExport::Mermaid => "Mermaid…",
            DesignExport::Dot => "DOT (Graphviz)…",
        }
    }

    /// What it is for, for a tooltip.
    pub fn description(self) -> &'static str {
        match self {
            DesignExport::Sam => {
                "A template `sam deploy` accepts; what the platform has no equivalent for is kept under Metadata, so it imports back exactly"
            }
            DesignExport::Svg => "A picture like the canvas, for documents and slides",
            DesignExport::Mermaid => "A flowchart for Markdown on code hosts",
            DesignExport::Dot => "A digraph for Graphviz",
        }
    }

    /// The save dialog's title.
    pub fn title(self) -> &'static str {
        match self {
            DesignExport::Sam => "Export an AWS SAM template",
            DesignExport::Svg => "Export the diagram as SVG",
            DesignExport::Mermaid => "Export the diagram as Mermaid",
            DesignExport::Dot => "Export the diagram as DOT",
        }
    }

    /// The file filter's name.
    pub fn filter_name(self) -> &'static str {
        match self {
            DesignExport::Sam => "SAM template (YAML)",
            DesignExport::Svg => "SVG image",
            DesignExport::Mermaid => "Mermaid",
            DesignExport::Dot => "Graphviz DOT",
        }
    }

    /// File extensions, the usual one first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            DesignExport::Sam => &["yaml", "yml"],
            DesignExport::Svg => &["svg"],
            DesignExport::Mermaid => &["mmd", "md"],
            DesignExport::Dot => &["dot", "gv"],
        }
    }

    /// A file name for a project ("orders-template.yaml", "orders.svg").
    pub fn file_name(self, project_name: &str) -> String {
        let stem = crate::model::slug(project_name);
        match self {
            DesignExport::Sam => format!("{stem}-template.yaml"),
            DesignExport::Svg | DesignExport::Mermaid | DesignExport::Dot => {
                format!("{stem}.{}", self.extensions()[0])
            }
        }
    }
}

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportKind {
    /// Every node's totals now (CSV, one row per node).
    NodesCsv,
    /// The watched nodes' per-second series (CSV, one row per node and interval).
    SeriesCsv,
    /// The full run report (JSON, the layout of docs/report.md).
    ReportJson,
}

impl ExportKind {
    /// Every kind, in menu order.
    pub const ALL: [ExportKind; 3] = [
        ExportKind::NodesCsv,
        ExportKind::SeriesCsv,
        ExportKind::ReportJson,
    ];

    /// Menu label (opens a dialog, hence the ellipsis).
    pub fn label(self) -> &'static str {
        match self {
            ExportKind::NodesCsv => "Node totals (CSV)…",
            ExportKind::SeriesCsv => "Watched series (CSV)…",
            ExportKind::ReportJson => "Report (JSON)…",
        }
    }

    /// What the export holds, for a tooltip.
    pub fn description(self) -> &'static str {
        match self {
            ExportKind::NodesCsv => "One row per node: run totals, the last second and cost",
            ExportKind::SeriesCsv => {
                "Per-second series of the nodes selected on the canvas (only watched nodes' series reach the editor)"
            }
            ExportKind::ReportJson => {
                "The full run report: ledger, cost, every node's summary and expectations"
            }
        }
    }

    /// File extension.
    pub fn extension(self) -> &'static str {
        match self {
            ExportKind::NodesCsv | ExportKind::SeriesCsv => "csv",
            ExportKind::ReportJson => "json",
        }
    }

    /// A file name for a project ("orders-nodes.csv").
    pub fn file_name(self, project_name: &str) -> String {
        let stem = crate::model::slug(project_name);
        let part = match self {
            ExportKind::NodesCsv => "nodes",
            ExportKind::SeriesCsv => "series",
            ExportKind::ReportJson => "report",
        };
        format!("{stem}-{part}.{}", self.extension())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn design_export_file_names() {
        for e in DesignExport::ALL {
            let name = e.file_name("Orders");
            assert!(name.starts_with("orders"), "{name}");
            assert!(name.ends_with(e.extensions()[0]), "{name}");
        }
    }

    #[test]
    fn file_names() {
        assert_eq!(ExportKind::NodesCsv.file_name("Orders"), "orders-nodes.csv");
        assert!(
            ExportKind::ReportJson
                .file_name("")
                .ends_with("-report.json")
        );
    }
}
