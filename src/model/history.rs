//! Undo and redo: steps of edits, each undone by the inverses the edits returned; edits
//! with the same coalescing key in a row (a drag, typing in one field) form one step.

use super::edit::{Edit, EditError};
use super::project::Project;

/// One undoable step.
#[derive(Clone, Debug)]
struct Step {
    /// Applying this undoes the step.
    undo: Edit,
    /// Applying this redoes the step.
    redo: Edit,
    /// Edits with the same key in a row merge into this step until [`History::seal`].
    key: Option<String>,
}

/// Undo/redo stacks. Edits pushed with the same coalescing key in a row (a drag, typing in one
/// field) form one step, until [`History::seal`] closes it.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Step>,
    redo: Vec<Step>,
    sealed: bool,
}

/// Most steps kept; older ones are forgotten.
pub const MAX_UNDO_STEPS: usize = 500;

impl History {
    /// Applies `edit` to `project` and records it. With `key`, it merges into the previous step
    /// when that has the same key and is not sealed.
    pub fn apply(
        &mut self,
        project: &mut Project,
        edit: Edit,
        key: Option<&str>,
    ) -> Result<(), EditError> {
        let redo = edit.clone();
        let undo = edit.apply(project)?;
        self.redo.clear();
        if let (Some(k), Some(top)) = (key, self.undo.last_mut())
            && !self.sealed
            && top.key.as_deref() == Some(k)
        {
            // Keep the first undo (the state before the gesture), extend the redo.
            top.redo = merge(
                std::mem::replace(&mut top.redo, Edit::Batch(Vec::new())),
                redo,
            );
            return Ok(());
        }
        self.undo.push(Step {
            undo,
            redo,
            key: key.map(str::to_owned),
        });
        if self.undo.len() > MAX_UNDO_STEPS {
            self.undo.remove(0);
        }
        self.sealed = false;
        Ok(())
    }

    /// Closes the current step: the next edit starts a new one even with the same key.
    pub fn seal(&mut self) {
        self.sealed = true;
    }

    /// Undoes the last step; returns its label, or `None` when there is nothing to undo.
    pub fn undo(&mut self, project: &mut Project) -> Option<&'static str> {
        let step = self.undo.pop()?;
        self.sealed = true;
        let label = step.redo.label();
        match step.undo.clone().apply(project) {
            Ok(_) => {
                self.redo.push(step);
                Some(label)
            }
            // The project changed behind the history's back: drop the history rather than
            // corrupt the project.
            Err(_) => {
                self.clear();
                None
            }
        }
    }

    /// Redoes the last undone step; returns its label.
    pub fn redo(&mut self, project: &mut Project) -> Option<&'static str> {
        let step = self.redo.pop()?;
        self.sealed = true;
        let label = step.redo.label();
        match step.redo.clone().apply(project) {
            Ok(_) => {
                self.undo.push(step);
                Some(label)
            }
            Err(_) => {
                self.clear();
                None
            }
        }
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Label of the step [`History::undo`] would undo.
    pub fn undo_label(&self) -> Option<&'static str> {
        self.undo.last().map(|s| s.redo.label())
    }

    /// Label of the step [`History::redo`] would redo.
    pub fn redo_label(&self) -> Option<&'static str> {
        self.redo.last().map(|s| s.redo.label())
    }

    /// Number of steps that can be undone.
    pub fn len(&self) -> usize {
        self.undo.len()
    }

    /// Whether nothing can be undone.
    pub fn is_empty(&self) -> bool {
        self.undo.is_empty()
    }

    /// Forgets every step (after opening another project).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
        self.sealed = false;
    }
}

/// Redo of a merged step: the later edit, folded into the earlier when both are moves.
fn merge(first: Edit, then: Edit) -> Edit {
    match (first, then) {
        (Edit::MoveNodes(mut a), Edit::MoveNodes(b)) => {
            for (id, pos) in b {
                match a.iter_mut().find(|(i, _)| *i == id) {
                    Some(slot) => slot.1 = pos,
                    None => a.push((id, pos)),
                }
            }
            Edit::MoveNodes(a)
        }
        // Same field edited again: the last value wins.
        (Edit::SetNodeKind { id: a, .. }, Edit::SetNodeKind { id: b, kind }) if a == b => {
            Edit::SetNodeKind { id: b, kind }
        }
        (Edit::Rename { id: a, .. }, Edit::Rename { id: b, name }) if a == b => {
            Edit::Rename { id: b, name }
        }
        (first, then) => Edit::Batch(vec![first, then]),
    }
}
