//! The analysis behind `cargo launchlint`: an in-memory model of a merchant project, the 0Bit
//! facts the rules check against, and one file per rule.
//!
//! This crate has no file-system or terminal code. The shell (the `cargo-launchlint` binary)
//! reads files and config and hands bytes and settings in; findings come out as plain data.
//! Data flows one way: [`analysis::analyze_file`] per file (any thread), then
//! [`analysis::check`] over all files.

pub mod analysis;
pub mod bundle;
pub mod calls;
pub mod contract;
pub mod credential;
pub mod env_file;
pub mod finding;
pub mod js;
pub mod model;
pub mod origins;
pub mod redact;
pub mod requests;
pub mod rules;
pub mod rust_source;
pub mod source;
pub mod suppression;
pub mod webhooks;
