//! What every part of the editor shares or sits in: colours and fonts, number formatting,
//! how things are named, the palette, the diagnostics list, the example gallery and files
//! outside the project format, keyboard shortcuts.

pub mod diagnostics;
pub mod files;
pub mod format;
pub mod gallery;
pub mod names;
pub mod palette;
pub mod shortcuts;
pub mod theme;

pub use files::{examples, examples_in, write_recovery};
pub use palette::button_label;
