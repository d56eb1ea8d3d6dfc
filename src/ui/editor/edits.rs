//! Carrying out actions: [`Editor::handle`] is the one place state changes; edits go
//! through the history, and the clipboard, add, connect, delete and duplicate live here.

use super::{Editor, apply_present};
use crate::model::{
    Edge, Edit, Fragment, KindTag, Node, NodeId, Pos, Project, Subject, choose_edge,
};
use crate::ui::canvas;
use crate::ui::message::{Action, Selection};
use crate::ui::shell::files::DialogKind;
use crate::ui::shell::{palette, theme};

impl Editor {
    /// Carries out one action.
    pub fn handle(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Edit { edit, key } => self.apply(edit, key.as_deref()),
            Action::Seal => self.history.seal(),
            Action::Undo => match self.history.undo(&mut self.project) {
                Some(label) => {
                    self.changed(false);
                    self.prune_selection();
                    self.set_status(format!("Undid {label}"), false);
                }
                None => self.set_status("Nothing to undo", false),
            },
            Action::Redo => match self.history.redo(&mut self.project) {
                Some(label) => {
                    self.changed(false);
                    self.prune_selection();
                    self.set_status(format!("Redid {label}"), false);
                }
                None => self.set_status("Nothing to redo", false),
            },
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
            Action::OpenExample(p) => {
                self.open_path(p);
                // An example opens as a new project, so saving never overwrites the gallery.
                self.path = None;
                self.show_gallery = false;
            }
            Action::Save => match self.path.clone() {
                Some(p) => self.save_to(p),
                None => self.handle(ctx, Action::SaveAs),
            },
            Action::SaveAs => {
                let name = self
                    .path
                    .as_ref()
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| format!("{}.ron", crate::model::slug(&self.project.name)));
                self.dialogs.request(ctx, DialogKind::SaveAs, Some(name));
            }
            Action::SaveTo(p) => self.save_to(p),
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
        let center = at.unwrap_or_else(|| self.canvas.free_spot(&self.project));
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
                let edge = Edge::new(from.clone(), to.clone(), tag.default_kind());
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
        self.insert(
            frag.rekeyed_for(&self.project.graph, 40.0, 40.0),
            "Duplicated",
        );
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
                // Pasting into the file it came from: offset so the copy is visible.
                let taken = frag
                    .nodes
                    .keys()
                    .any(|id| self.project.graph.nodes.contains_key(id));
                let d = if taken { 40.0 } else { 0.0 };
                self.insert(frag.rekeyed_for(&self.project.graph, d, d), "Pasted");
            }
            None => self.set_status("The clipboard holds no Eventloom nodes", false),
        }
    }
}
