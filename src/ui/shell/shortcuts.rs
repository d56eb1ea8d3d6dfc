//! Keyboard shortcuts: the table shown in the Help menu and the code that turns keys into
//! actions.

use crate::ui::message::{Action, RunAction};
use egui::{Event, Key, KeyboardShortcut, Modifiers};

/// Every shortcut, as shown in Help → Keyboard shortcuts.
pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Ctrl+N", "New project"),
    ("Ctrl+O", "Open…"),
    ("Ctrl+S", "Save"),
    ("Ctrl+Shift+S", "Save As…"),
    ("Ctrl+Q", "Quit"),
    ("Ctrl+Shift+P", "Present mode (larger text for projectors)"),
    ("Ctrl+Z", "Undo"),
    ("Ctrl+Shift+Z / Ctrl+Y", "Redo"),
    ("Ctrl+A", "Select all"),
    (
        "Ctrl+C / Ctrl+X / Ctrl+V",
        "Copy / cut / paste nodes (as text, works between windows)",
    ),
    ("Ctrl+D", "Duplicate"),
    ("Delete / Backspace", "Delete the selection"),
    ("Arrow keys", "Nudge the selection (Shift: by 1)"),
    ("F", "Fit everything in view"),
    ("Ctrl+Shift+L", "Auto-layout left to right"),
    ("Esc", "Clear the selection, cancel a connection"),
    ("Click / Shift+click", "Select / add to the selection"),
    ("Shift+drag on empty space", "Box selection"),
    ("Drag on empty space, middle drag", "Pan"),
    ("Mouse wheel", "Zoom at the pointer"),
    ("Drag from a node's right port", "Connect to another node"),
    ("Double-click a node", "Rename it"),
    ("Right-click", "Add a node here, node actions"),
    ("F5", "Run / pause the live run"),
    ("F10", "Step the run by one virtual second"),
    (
        "Shift+F5",
        "Reset the run (start over with the project as edited)",
    ),
    (
        "Right-click a node or edge while running",
        "Break it: inject a fault",
    ),
];

/// The shortcut table.
pub fn shortcuts_ui(ui: &mut egui::Ui) {
    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
        for (keys, what) in SHORTCUTS {
            ui.label(egui::RichText::new(*keys).monospace());
            ui.label(*what);
            ui.end_row();
        }
    });
}

fn shortcut(ctx: &egui::Context, modifiers: Modifiers, key: Key) -> bool {
    ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(modifiers, key)))
}

/// Turns this frame's keys into actions. File shortcuts always work; editing shortcuts only
/// when no text field has the keyboard (it has its own undo, copy and paste) and
/// `canvas_keys` is set.
pub fn handle_keys(ctx: &egui::Context, actions: &mut Vec<Action>, canvas_keys: bool) {
    let cmd = Modifiers::COMMAND;
    let cmd_shift = Modifiers::COMMAND | Modifiers::SHIFT;
    if shortcut(ctx, cmd_shift, Key::S) {
        actions.push(Action::SaveAs);
    }
    if shortcut(ctx, cmd_shift, Key::P) {
        actions.push(Action::TogglePresent);
    }
    for (m, key, action) in [
        (cmd, Key::S, Action::Save),
        (cmd, Key::O, Action::Open),
        (cmd, Key::N, Action::New),
        (cmd, Key::Q, Action::Quit),
    ] {
        if shortcut(ctx, m, key) {
            actions.push(action);
        }
    }
    // Run keys work everywhere (function keys never type text).
    if shortcut(ctx, Modifiers::SHIFT, Key::F5) {
        actions.push(Action::Run(RunAction::Reset));
    }
    for (key, action) in [(Key::F5, RunAction::Toggle), (Key::F10, RunAction::Step)] {
        if shortcut(ctx, Modifiers::NONE, key) {
            actions.push(Action::Run(action));
        }
    }
    if ctx.text_edit_focused() || !canvas_keys {
        return;
    }
    if shortcut(ctx, cmd_shift, Key::Z) || shortcut(ctx, cmd, Key::Y) {
        actions.push(Action::Redo);
    }
    if shortcut(ctx, cmd_shift, Key::L) {
        actions.push(Action::AutoLayout);
    }
    for (m, key, action) in [
        (cmd, Key::Z, Action::Undo),
        (cmd, Key::A, Action::SelectAll),
        (cmd, Key::D, Action::Duplicate),
        // The system turns Ctrl+C/X/V into copy/cut/paste events (below); these keys arrive
        // only where it does not (tests, some platforms).
        (cmd, Key::C, Action::Copy),
        (cmd, Key::X, Action::Cut),
        (cmd, Key::V, Action::PasteInternal),
        (Modifiers::NONE, Key::Delete, Action::Delete),
        (Modifiers::NONE, Key::Backspace, Action::Delete),
        (Modifiers::NONE, Key::F, Action::Fit),
        (
            Modifiers::NONE,
            Key::Escape,
            Action::Select(Default::default()),
        ),
    ] {
        if shortcut(ctx, m, key) {
            actions.push(action);
        }
    }
    for (key, d) in [
        (Key::ArrowLeft, egui::vec2(-1.0, 0.0)),
        (Key::ArrowRight, egui::vec2(1.0, 0.0)),
        (Key::ArrowUp, egui::vec2(0.0, -1.0)),
        (Key::ArrowDown, egui::vec2(0.0, 1.0)),
    ] {
        if shortcut(ctx, Modifiers::SHIFT, key) {
            actions.push(Action::Nudge(d));
        } else if shortcut(ctx, Modifiers::NONE, key) {
            actions.push(Action::Nudge(d * 10.0));
        }
    }
    let events = ctx.input(|i| i.events.clone());
    for e in events {
        if let Event::Paste(text) = e {
            actions.push(Action::Paste(text));
        } else if e == Event::Copy {
            actions.push(Action::Copy);
        } else if e == Event::Cut {
            actions.push(Action::Cut);
        }
    }
}
