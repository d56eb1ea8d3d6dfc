//! Carrying out actions: [`Editor::handle`] is the one place state changes; edits go
//! through the history, and the clipboard, add, connect, delete and duplicate live here.

use super::{Editor, apply_present};
use crate::model::{
    Edge, Edit, Fragment, KindTag, Node, NodeId, Pos, Project, Subject, choose_edge,
};
use crate::ui::canvas;
use crate::ui::message::{Action, ExportKind, Selection};
use crate::ui::shell::dialogs::DialogKind;
use crate::ui::shell::{palette, theme};

impl Editor {
    /// Carries out one action.
    pub fn handle(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Edit { edit, key } => self.apply(edit, key.as_deref()),
            Action::Seal => self.history.seal(),
            Action::Undo => self.undo_redo(false),
            Action::Redo => self.undo_redo(true),
            Action::AddNode { kind, at } => self.add_node(kind, at),
            Action::Connect { from, to } => self.connect(&from, &to),
            Action::Select(s) => self.canvas.selection = s,
            Action::SelectAll => {
                self.canvas.selection = Selection {
                    nodes: self.project.graph.nodes.keys().cloned().collect(),
                    edges: Default::default(),
                }
            }
            Action::Focus(id) => {
                self.canvas.selection = Selection::node(id.clone());
                self.canvas.center_on(&self.project, &id);
            }
            Action::ShowSubject(subject) => match subject {
                Subject::Node(id) => self.handle(ctx, Action::Focus(id)),
                Subject::Edge(id) => {
                    if let Some(e) = self.project.graph.edges.get(&id) {
                        let from = e.from.clone();
                        self.canvas.center_on(&self.project, &from);
                    }
                    self.canvas.selection = Selection::edge(id);
                }
                Subject::Project => self.canvas.selection = Selection::default(),
            },
            Action::Delete => self.delete(),
            Action::Duplicate => self.duplicate(),
            Action::Copy => self.copy(ctx),
            Action::Cut => {
                self.copy(ctx);
                self.delete();
            }
            Action::Paste(text) => self.paste(&text),
            Action::PasteInternal => match self.clipboard.clone() {
                Some(text) => self.paste(&text),
                None => self.set_status("The clipboard holds no nodes", false),
            },
            Action::Nudge(d) => {
                let moves = self.selected_moves(d);
                if !moves.is_empty() {
                    self.apply(Edit::MoveNodes(moves), Some("nudge"));
                }
            }
            Action::Fit => self.canvas.fit(&self.project),
            Action::AutoLayout => {
                let moves: Vec<(NodeId, Pos)> = crate::model::layout::layered(&self.project.graph)
                    .into_iter()
                    .collect();
                self.apply(Edit::MoveNodes(moves), None);
                self.canvas.fit(&self.project);
            }
            Action::New
            | Action::OpenPath(_)
            | Action::OpenExample(_)
            | Action::OpenVariant(_)
            | Action::Quit
            | Action::Import
            | Action::ImportFrom(_)
                if self.dirty && self.prompt.is_none() =>
            {
                self.prompt = Some(action);
            }
            Action::Open if self.dirty && self.prompt.is_none() => self.prompt = Some(action),
            Action::New => {
                self.set_project(Project::default(), None);
                self.set_status("New project", false);
            }
            Action::Open => self.dialogs.request(ctx, DialogKind::Open, None),
            Action::OpenPath(p) => self.open_path(p),
            Action::OpenExample(p) => self.open_example(p),
            Action::Save => match self.path.clone() {
                Some(p) if !self.read_only => self.save_to(p),
                Some(_) | None => {
                    if self.read_only {
                        self.set_status("Examples are read-only: choose a new file", false);
                    }
                    self.handle(ctx, Action::SaveAs);
                }
            },
            Action::SaveAs => self.save_as(ctx),
            Action::SaveTo(p) => self.save_to(p),
            Action::ExportDesign(e) => self.export_design(ctx, e),
            Action::ExportDesignTo(e, p) => self.export_design_to(e, &p),
            Action::ExportRun(kind) => self.export_run(ctx, kind),
            Action::Import => self.import(ctx),
            Action::ImportFrom(p) => self.import_from(&p),
            #[cfg(feature = "serve")]
            Action::AskServe => self.serve_prompt = Some(super::serve::ServePrompt::new()),
            #[cfg(feature = "serve")]
            Action::Serve(port) => self.start_serving(ctx, port),
            #[cfg(feature = "serve")]
            Action::StopServing => self.stop_serving(),
            #[cfg(not(feature = "serve"))]
            Action::AskServe | Action::Serve(_) | Action::StopServing => self.set_status(
                "This build cannot accept HTTP requests (built without the serve feature)",
                true,
            ),
            Action::Recover => {
                if let Some(offer) = self.recovery_offer.take() {
                    self.set_project(offer.project, offer.path);
                    self.dirty = true;
                    self.set_status("Recovered unsaved work", false);
                }
            }
            Action::DiscardRecovery => {
                self.recovery_offer = None;
                self.remove_recovery();
            }
            Action::Quit => {
                self.close_allowed = true;
                self.remove_recovery();
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Action::Lesson(a) => self.lesson_action(ctx, a),
            Action::ShowExamples => {
                self.show_gallery = true;
                self.welcome = false;
            }
            Action::ShowCompare => self.compare.open = true,
            Action::Retarget(provider) => self.retarget(provider),
            Action::OpenVariant(p) => {
                self.set_project(*p, None);
                self.set_status("Opened a compared variant as a new project", false);
            }
            Action::TogglePresent => {
                self.present = !self.present;
                apply_present(ctx, self.present);
                self.canvas.request_fit();
                let word = if self.present { "on" } else { "off" };
                self.set_status(format!("Present mode {word}"), false);
            }
            Action::Run(a) => self.handle_run(ctx, a),
        }
    }

    /// Asks where to save, suggesting the file's own name or one made from the project's.
    fn save_as(&mut self, ctx: &egui::Context) {
        let name = self
            .path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| format!("{}.ron", crate::model::slug(&self.project.name)));
        self.dialogs.request(ctx, DialogKind::SaveAs, Some(name));
    }

    /// Asks where to write an export of the run, named after the running project.
    fn export_run(&mut self, ctx: &egui::Context, kind: ExportKind) {
        let name = self
            .live
            .as_ref()
            .map_or(self.project.name.as_str(), |r| r.project.name.as_str());
        let file = kind.file_name(name);
        self.dialogs
            .request(ctx, DialogKind::RunExport(kind), Some(file));
    }

    /// Moves the project to `provider` in one undoable step and lists what had to change to
    /// fit the provider's limits.
    fn retarget(&mut self, provider: crate::model::Provider) {
        if provider == self.project.provider {
            return;
        }
        let (edit, notes) = crate::model::retarget_edit(&self.project, provider);
        self.apply(edit, None);
        let product = provider.profile().product;
        self.set_status(format!("The project now runs on {product}"), false);
        if !notes.is_empty() {
            self.notice = Some(super::Notice {
                title: format!("Moved to {product}"),
                lines: notes,
            });
        }
    }

    /// Undoes (or redoes) one step and says which.
    fn undo_redo(&mut self, redo: bool) {
        let done = if redo {
            self.history.redo(&mut self.project)
        } else {
            self.history.undo(&mut self.project)
        };
        let (verb, none) = if redo {
            ("Redid", "Nothing to redo")
        } else {
            ("Undid", "Nothing to undo")
        };
        match done {
            Some(label) => {
                self.changed(false);
                self.prune_selection();
                self.set_status(format!("{verb} {label}"), false);
            }
            None => self.set_status(none, false),
        }
    }

    /// Applies an edit through the history and reports a refusal in the status bar.
    pub(super) fn apply(&mut self, edit: Edit, key: Option<&str>) {
        let is_move = edit.is_move();
        match self.history.apply(&mut self.project, edit, key) {
            Ok(()) => self.changed(is_move),
            Err(e) => self.set_status(format!("Cannot apply the change: {e}"), true),
        }
    }

    pub(super) fn changed(&mut self, only_moves: bool) {
        self.dirty = true;
        self.autosaved = false;
        if !only_moves {
            self.diagnostics_stale = true;
        }
    }

    /// Drops selected ids that no longer exist (after undo, delete).
    pub(super) fn prune_selection(&mut self) {
        let g = &self.project.graph;
        self.canvas
            .selection
            .nodes
            .retain(|id| g.nodes.contains_key(id));
        self.canvas
            .selection
            .edges
            .retain(|id| g.edges.contains_key(id));
    }

    pub(super) fn selected_moves(&self, d: egui::Vec2) -> Vec<(NodeId, Pos)> {
        canvas::moved_by(&self.project, &self.canvas.selection.nodes, d)
    }

    pub(super) fn add_node(&mut self, kind: KindTag, at: Option<Pos>) {
        let title = palette::kind_title(kind);
        let names: std::collections::BTreeSet<&str> = self
            .project
            .graph
            .nodes
            .values()
            .map(|n| n.name.as_str())
            .collect();
        let name = std::iter::once(title.to_owned())
            .chain((2..).map(|n| format!("{title} {n}")))
            .find(|n| !names.contains(n.as_str()))
            .unwrap_or_else(|| title.to_owned());
        let id = self.project.graph.fresh_node_id(&name);
        // At the pointer (or the view's centre), moved to the nearest spot where it
        // overlaps nothing.
        let want = at.unwrap_or_else(|| self.canvas.view_centre());
        let center = canvas::free_centre(&self.project, want);
        let pos = Pos {
            x: (center.x - theme::NODE_SIZE.x / 2.0).round(),
            y: (center.y - theme::NODE_SIZE.y / 2.0).round(),
        };
        let node = Node::new(name.clone(), kind.default_kind());
        self.apply(
            Edit::AddNode {
                id: id.clone(),
                node,
                pos,
            },
            None,
        );
        self.canvas.selection = Selection::node(id);
        self.set_status(format!("Added {name}"), false);
    }

    pub(super) fn connect(&mut self, from: &NodeId, to: &NodeId) {
        match choose_edge(&self.project.graph, from, to) {
            Ok(tag) => {
                let id = self.project.graph.fresh_edge_id(from, to);
                // A table's stream mapping starts at its own defaults (batch 100).
                let kind = match self.project.graph.nodes.get(from) {
                    Some(n) => tag.default_kind_from(n.kind.tag()),
                    None => tag.default_kind(),
                };
                let edge = Edge::new(from.clone(), to.clone(), kind);
                self.apply(
                    Edit::AddEdge {
                        id: id.clone(),
                        edge,
                    },
                    None,
                );
                self.canvas.selection = Selection::edge(id);
                self.set_status(
                    format!(
                        "Connected {} to {} by {}",
                        self.name_of(from),
                        self.name_of(to),
                        tag.label()
                    ),
                    false,
                );
            }
            Err(reason) => self.set_status(
                format!(
                    "Cannot connect {} to {}: {reason}",
                    self.name_of(from),
                    self.name_of(to)
                ),
                true,
            ),
        }
    }

    pub(super) fn name_of(&self, id: &NodeId) -> String {
        self.project
            .graph
            .nodes
            .get(id)
            .map_or_else(|| id.to_string(), |n| crate::model::truncate(&n.name))
    }

    pub(super) fn delete(&mut self) {
        let sel = std::mem::take(&mut self.canvas.selection);
        if sel.is_empty() {
            return;
        }
        let n = sel.nodes.len() + sel.edges.len();
        self.apply(
            Edit::Remove {
                nodes: sel.nodes.into_iter().collect(),
                edges: sel.edges.into_iter().collect(),
            },
            None,
        );
        self.set_status(format!("Deleted {n} item(s)"), false);
    }

    pub(super) fn duplicate(&mut self) {
        let frag = Fragment::copy(&self.project, &self.canvas.selection.nodes);
        if frag.is_empty() {
            return;
        }
        let frag = frag.rekeyed_for(&self.project.graph, 40.0, 40.0);
        let frag = self.placed_clear(frag);
        self.insert(frag, "Duplicated");
    }

    pub(super) fn insert(&mut self, frag: Fragment, verb: &str) {
        let nodes: std::collections::BTreeSet<NodeId> = frag.nodes.keys().cloned().collect();
        let n = nodes.len();
        self.apply(Edit::Insert(frag), None);
        self.canvas.selection = Selection {
            nodes,
            edges: Default::default(),
        };
        self.set_status(format!("{verb} {n} node(s)"), false);
    }

    /// `frag` moved as a whole to the nearest spot where none of its nodes overlaps a node
    /// of the project.
    fn placed_clear(&self, mut frag: Fragment) -> Fragment {
        let group: Vec<egui::Pos2> = frag
            .positions
            .values()
            .map(|p| egui::pos2(p.x, p.y))
            .collect();
        let d = canvas::free_offset(&group, &canvas::node_rects(&self.project));
        for p in frag.positions.values_mut() {
            p.x = (p.x + d.x).round();
            p.y = (p.y + d.y).round();
        }
        frag
    }

    pub(super) fn copy(&mut self, ctx: &egui::Context) {
        let frag = Fragment::copy(&self.project, &self.canvas.selection.nodes);
        if frag.is_empty() {
            return;
        }
        let text = frag.to_clipboard();
        ctx.copy_text(text.clone());
        self.clipboard = Some(text);
        self.set_status(format!("Copied {} node(s)", frag.nodes.len()), false);
    }

    pub(super) fn paste(&mut self, text: &str) {
        match Fragment::from_clipboard(text) {
            Some(frag) => {
                // At the pointer when it is over the canvas (else the view's centre), moved
                // on until it overlaps no node.
                let want = self
                    .canvas
                    .pointer
                    .unwrap_or_else(|| self.canvas.view_centre());
                let (dx, dy) = match fragment_centre(&frag) {
                    Some(c) => (want.x - c.x, want.y - c.y),
                    None => (0.0, 0.0),
                };
                let frag = frag.rekeyed_for(&self.project.graph, dx.round(), dy.round());
                let frag = self.placed_clear(frag);
                self.insert(frag, "Pasted");
            }
            None => self.set_status("The clipboard holds no Eventloom nodes", false),
        }
    }
}

/// The centre of a fragment's nodes' boxes, canvas units (`None` when it has none).
fn fragment_centre(frag: &Fragment) -> Option<Pos> {
    let mut it = frag.positions.values();
    let first = it.next()?;
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (first.x, first.y, first.x, first.y);
    for p in it {
        min_x = min_x.min(p.x);
        min_y = min_y.min(p.y);
        max_x = max_x.max(p.x);
        max_y = max_y.max(p.y);
    }
    Some(Pos {
        x: (min_x + max_x + theme::NODE_SIZE.x) / 2.0,
        y: (min_y + max_y + theme::NODE_SIZE.y) / 2.0,
    })
}
