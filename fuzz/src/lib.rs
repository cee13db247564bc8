//! Shared harness for the fuzz targets in `fuzz_targets/`.
//!
//! Every target treats its input as the contents of a file in a hostile repository and drives
//! the same library code the binary runs: `analyze_file` on the bytes (on a worker thread with
//! the same 64 MiB stack `cargo-launchlint` gives its rayon workers), then `check` over the
//! project (on the fuzzer's main thread, as the binary runs it on its main thread), then every
//! reporter over the findings (human/miette, json, sarif, github, short).
//!
//! Set `LAUNCHLINT_FUZZ_NO_REPORT=1` to skip the reporters (for example after a reporter bug
//! has been found and you want the fuzzer to look past it).

pub mod config_target;
pub mod paths;
pub mod project;

use std::sync::OnceLock;

use cargo_launchlint::report::{self, human::Style, Report};
use cargo_launchlint::scan::Scan;
use launchlint_rules::extract::file::FileAnalysis;
use launchlint_rules::pipeline as analysis;
use launchlint_rules::rules::Levels;
use launchlint_rules::project::model::{Environment, FrontEnd, Package, PackageSide, ProjectModel};

/// `cargo-launchlint`'s rayon worker stack (`WORKER_STACK_BYTES` in `scan.rs`).
pub const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// A project model with one package or front end of every side, so that client-side,
/// shared (per-item) and server-side code paths all run:
///
/// - `server/`: a server crate (axum-like);
/// - `web/`: a client wasm crate, which is also a trunk front end;
/// - `app/`: a full-stack (leptos-like) crate, split item by item;
/// - `shop/`: a Next.js app (server components unless "use client");
/// - `site/`: a Svelte front end;
/// - `api/`: a Node back end (express only: all server).
pub fn base_model() -> ProjectModel {
    let mut model = ProjectModel::new(Environment::Live);
    let package = |name: &str, side: PackageSide| Package {
        name: name.to_string(),
        dir: name.to_string(),
        side,
        reason: "fuzz harness".to_string(),
    };
    model.packages = vec![
        package("server", PackageSide::Server),
        package("web", PackageSide::Client),
        package("app", PackageSide::Shared),
    ];
    model.frontends = vec![
        FrontEnd::trunk("web"),
        FrontEnd::from_package_json("shop", r#"{"dependencies":{"next":"14","react":"18"}}"#),
        FrontEnd::from_package_json("site", r#"{"devDependencies":{"svelte":"4","vite":"5"}}"#),
        FrontEnd::from_package_json("api", r#"{"dependencies":{"express":"4"}}"#),
    ];
    model
}

/// The model is built once: `ProjectModel::new` parses the built-in contract.
pub fn model() -> &'static ProjectModel {
    static MODEL: OnceLock<ProjectModel> = OnceLock::new();
    MODEL.get_or_init(base_model)
}

fn reporters_enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| std::env::var_os("LAUNCHLINT_FUZZ_NO_REPORT").is_none())
}

/// Picks one of `paths` from the input's length, so every path gets inputs of every shape
/// (and a reproducer always lands on the same path: `paths[len % paths.len()]`).
pub fn pick<'a>(paths: &[&'a str], data: &[u8]) -> &'a str {
    paths[data.len() % paths.len()]
}

/// Runs `f` on a thread with the binary's worker stack. A panic there aborts the process
/// through libfuzzer-sys's panic hook, so it is reported as a crash with its backtrace.
pub fn on_worker<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("analyze".into())
            .stack_size(WORKER_STACK_BYTES)
            .spawn_scoped(scope, f)
            .expect("spawn a worker thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// `analyze_file` for each (path, bytes), on a worker thread.
pub fn analyze_all(model: &ProjectModel, inputs: &[(&str, &[u8])]) -> Vec<FileAnalysis> {
    on_worker(|| {
        inputs
            .iter()
            .map(|(path, bytes)| analysis::analyze_file(model, path, bytes))
            .collect()
    })
}

/// Analyzes, checks and reports a project made of `inputs`.
pub fn run_project(model: &ProjectModel, inputs: &[(&str, &[u8])]) {
    let mut files = analyze_all(model, inputs);
    let outcome = analysis::check(model, &mut files, &Levels::default());
    let notes = files.iter().flat_map(|f| f.notes.iter().cloned()).collect();
    let scan = Scan {
        files,
        outcome,
        notes,
        model: model.clone(),
        // Nothing is on disk: reporters show findings without excerpts.
        root: std::path::PathBuf::from("/nonexistent-fuzz-root"),
        base: cargo_launchlint::locate::Base::default(),
        reported_files: inputs.len(),
        staged: None,
    };
    if reporters_enabled() {
        render_all(&scan);
    }
}

/// Every reporter over the scan's findings; the output is dropped.
pub fn render_all(scan: &Scan) {
    if scan.outcome.findings.is_empty() {
        return;
    }
    let report = Report::new(scan);
    let style = Style {
        color: false,
        links: false,
        width: 100,
    };
    std::hint::black_box(report::human::render(&report, style));
    std::hint::black_box(report::json::render(&report));
    std::hint::black_box(report::sarif::render(&report));
    std::hint::black_box(report::github::render(&report));
    std::hint::black_box(report::short::render(&report));
    std::hint::black_box(report::json_cargo::render(&report, Default::default(), false));
}

/// One file at one of `paths` (chosen by [`pick`]), alone in the project.
pub fn run_single(paths: &[&str], data: &[u8]) {
    let path = pick(paths, data);
    run_project(model(), &[(path, data)]);
}

/// A scratch project root for code that reads the config from disk (`config::load` is the only
/// public way in): `/dev/shm/launchlint-fuzz-<pid>` (tmpfs), emptied by [`reset_root`].
pub fn scratch_root() -> &'static std::path::Path {
    static ROOT: OnceLock<std::path::PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            std::path::PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        base.join(format!("launchlint-fuzz-{}", std::process::id()))
    })
}

/// Empties the scratch root and returns it.
pub fn reset_root() -> &'static std::path::Path {
    let root = scratch_root();
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root).expect("create the scratch root");
    root
}

/// Writes `bytes` at `relative` (already free of `..`/absolute parts) under the scratch root.
/// Errors (a file where a folder is wanted) are ignored: the file is then simply absent.
pub fn write_scratch(relative: &str, bytes: &[u8]) {
    let path = scratch_root().join(relative);
    if let Some(parent) = path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let _ = std::fs::write(path, bytes);
}

/// Renders a config (or other miette) error the way `main.rs` prints it, with and without
/// colour, and drops the output.
pub fn render_error(error: &dyn miette::Diagnostic) {
    let mut rendered = String::new();
    for color in [false, true] {
        let style = Style {
            color,
            links: false,
            width: 80,
        };
        let _ = report::human::handler(style).render_report(&mut rendered, error);
    }
    std::hint::black_box(rendered);
}
