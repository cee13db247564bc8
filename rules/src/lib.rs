//! The analysis behind `cargo launchlint`: an in-memory model of a merchant project, the 0Bit
//! facts the rules check against, and one file per rule.
//!
//! This crate has no file-system or terminal code. The shell (the `cargo-launchlint` binary)
//! reads files and config and hands bytes and settings in; findings come out as plain data.
//! Data flows one way: [`pipeline::analyze_file`] per file (any thread), then
//! [`pipeline::check`] over all files.
//!
//! The modules are layered, and a module names only modules of its own layer or of layers
//! below it (`tests/layers.rs` checks it). From the ground up:

/// The layers, from the ground up; each is a folder of `src/`.
pub const LAYERS: [&str; 6] = ["ground", "project", "extract", "link", "rules", "pipeline"];

/// Per-file, per-language facts as plain data, with no rule knowledge.
pub mod extract;
/// Source text, line index, positions, the finding type and levels.
pub mod ground;
/// Cross-file joins over the facts: module gates, request URLs, the webhook handler graph.
pub mod link;
/// Runs extraction, linking, the registered rules and suppressions, and sorts the findings.
pub mod pipeline;
/// Packages, sides, scopes, file kinds, launch config and the 0Bit contract.
pub mod project;
/// One file per rule, and the registry.
pub mod rules;
