//! Eventloom: design, run and break event-driven / serverless architectures.
//!
//! Dependencies point one way: `ui → project, sim → model`. [`model`] and [`project`] never
//! touch a GUI crate; `cargo build --no-default-features` proves it.

pub mod cli;
pub mod compare;
#[cfg(feature = "host")]
pub mod host;
pub mod interop;
pub mod lesson;
pub mod model;
pub mod project;
#[cfg(feature = "serve")]
pub mod serve;
pub mod sim;
#[cfg(feature = "gui")]
pub mod ui;
