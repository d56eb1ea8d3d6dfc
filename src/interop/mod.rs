//! Leaving and entering the real world: AWS SAM export and SAM/CloudFormation import
//! ([`sam`]), and diagrams of a design (SVG like the canvas, Mermaid, Graphviz DOT).
//!
//! Pure and headless: text in, text out, no GUI crate and no file system. `eventloom
//! export|import` and the editor's File menu call these same functions.

pub mod diagram;
pub mod read;
pub mod sam;
pub mod value;
pub mod write;

pub use diagram::{LiveNumbers, to_dot, to_mermaid, to_svg};
pub use sam::{ExportError, ImportError, ImportWarning, Imported, export_sam, import_template};
