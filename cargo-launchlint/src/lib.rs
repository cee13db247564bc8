//! The shell around the analysis library: arguments, config discovery, `cargo metadata`, the
//! walk and every file read, reporters. `main.rs` dispatches; the modules are a library so
//! that tests, benchmarks and fuzz targets can drive the same code the binary runs.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod fsio;
pub mod gitindex;
pub mod gitodb;
pub mod gitrepo;
pub mod hook;
pub mod init;
pub mod locate;
pub mod report;
pub mod scan;
pub mod staged;
pub mod walk;
pub mod workspace;
