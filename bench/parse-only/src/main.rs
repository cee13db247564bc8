//! The parse-only baseline: walk a tree the way cargo-launchlint's first walk does (respecting
//! `.gitignore`, reading hidden files, skipping `.git/`, `node_modules/` and `target/`, never
//! following links), read every `.rs` file and `syn::parse_file` it, on `--threads` threads.
//! Nothing else: no analysis, no output per file. It is the yardstick that
//! `launchlint-bench compare` times cargo-launchlint against.
//!
//! It is built without proc-macro2's `span-locations` (this crate is its own workspace, so no
//! other crate's features are unified into it), and refuses to run if that ever changes.
//!
//! Usage: `launchlint-parse-only [--threads N] DIR`; prints one summary line on stdout.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use ignore::{DirEntry, WalkBuilder, WalkState};

fn main() -> ExitCode {
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut root = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--threads" | "-j" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => threads = n,
                _ => return usage("--threads needs a positive number"),
            },
            "--check" => {
                // Used by `launchlint-bench compare` before it times anything.
                println!("span-locations: {}", on_off(span_locations_enabled()));
                return ExitCode::SUCCESS;
            }
            _ if root.is_none() && !arg.starts_with('-') => root = Some(PathBuf::from(arg)),
            _ => return usage(&format!("unexpected argument `{arg}`")),
        }
    }
    let Some(root) = root else {
        return usage("missing DIR");
    };
    if span_locations_enabled() {
        eprintln!(
            "launchlint-parse-only: built with proc-macro2 `span-locations`; the baseline must \
             be built on its own (cargo build --release --manifest-path bench/parse-only/Cargo.toml)"
        );
        return ExitCode::from(2);
    }

    let files = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    let failed = AtomicU64::new(0);
    let unreadable = AtomicU64::new(0);
    WalkBuilder::new(&root)
        .hidden(false)
        .ignore(false)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(|entry| !is_skipped_dir(entry))
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let Ok(entry) = entry else {
                    return WalkState::Continue;
                };
                let is_rust = entry.file_type().is_some_and(|t| t.is_file())
                    && entry.path().extension().is_some_and(|e| e == "rs");
                if is_rust {
                    match std::fs::read(entry.path()) {
                        Ok(data) => {
                            files.fetch_add(1, Ordering::Relaxed);
                            bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
                            let text = String::from_utf8_lossy(&data);
                            if syn::parse_file(&text).is_err() {
                                failed.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        Err(_) => {
                            unreadable.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                WalkState::Continue
            })
        });
    println!(
        "parse-only: {} Rust files, {:.1} MiB, {} did not parse, {} unreadable, {threads} threads, span-locations off",
        files.into_inner(),
        bytes.into_inner() as f64 / 1048576.0,
        failed.into_inner(),
        unreadable.into_inner(),
    );
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("launchlint-parse-only: {problem}\nusage: launchlint-parse-only [--threads N] DIR");
    ExitCode::from(2)
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

/// `.git/`, `node_modules/` and `target/` are never read, as in cargo-launchlint.
fn is_skipped_dir(entry: &DirEntry) -> bool {
    entry.depth() > 0
        && entry.file_type().is_some_and(|t| t.is_dir())
        && matches!(
            entry.file_name().to_str(),
            Some(".git" | "node_modules" | "target")
        )
}

/// Whether proc-macro2 tracks source locations. Outside a proc macro, proc-macro2 uses its
/// fallback spans, whose `Debug` prints `bytes(lo..hi)` with `span-locations` and `Span`
/// without it (`Span::start()` and `byte_range()` do not even exist without the feature).
fn span_locations_enabled() -> bool {
    let tokens: proc_macro2::TokenStream = "x".parse().expect("`x` is one token");
    let span = tokens.into_iter().next().expect("one token").span();
    format!("{span:?}") != "Span"
}

#[cfg(test)]
mod tests {
    #[test]
    fn built_without_span_locations() {
        assert!(!super::span_locations_enabled());
    }
}
