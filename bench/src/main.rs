//! `launchlint-bench`: the committed speed benchmark of cargo-launchlint.
//!
//! - `generate DIR` writes a large, deterministic synthetic merchant workspace (about 200
//!   crates, 8,000 Rust files, 100 MiB by default) with a few planted findings.
//! - `compare DIR` times, interleaved over several rounds, the release cargo-launchlint, the
//!   parse-only baseline (`bench/parse-only`) and ripgrep with the credential patterns on DIR,
//!   and prints medians, peak RSS and ratios.
//! - `staged DIR` times `cargo-launchlint --staged` with ten staged files of DIR (it needs
//!   git to build the repository, and skips with a note without it).
//!
//! Figures only: nothing here asserts on time.

mod compare;
mod generate;
mod rng;
mod rust_code;
mod staged;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "launchlint-bench", about = "Benchmark for cargo-launchlint")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write the synthetic merchant workspace into DIR (which must be empty or absent).
    Generate {
        dir: PathBuf,
        /// Seed of the generator; the same seed gives the same bytes.
        #[arg(long, default_value_t = 12)]
        seed: u64,
        /// Number of crates.
        #[arg(long, default_value_t = 200)]
        crates: usize,
        /// Number of Rust files in all.
        #[arg(long, default_value_t = 8000)]
        rust_files: usize,
        /// Approximate total size in MiB (Rust files, bundles and the rest).
        #[arg(long, default_value_t = 100)]
        mib: usize,
    },
    /// Time cargo-launchlint, the parse-only baseline and rg on DIR, interleaved.
    Compare {
        dir: PathBuf,
        /// Rounds; each round runs every tool once, in turn (A B C A B C …).
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// Threads for every tool (launchlint through RAYON_NUM_THREADS, the baseline through
        /// `--threads`, rg through `-j`); default: the available cores.
        #[arg(long)]
        threads: Option<usize>,
        /// A cargo-launchlint binary to use instead of building the release one.
        #[arg(long)]
        launchlint: Option<PathBuf>,
        /// A launchlint-parse-only binary to use instead of building it.
        #[arg(long)]
        parse_only: Option<PathBuf>,
        /// The rg binary (default: `rg` on PATH; skipped with a note when absent).
        #[arg(long, default_value = "rg")]
        rg: PathBuf,
    },
    /// Time `cargo-launchlint --staged` with ten staged files of DIR (a generated workspace
    /// that is not a git repository yet; needs git, skipped with a note without it).
    Staged {
        dir: PathBuf,
        /// Timed rounds of each case, after one warm-up.
        #[arg(long, default_value_t = 9)]
        rounds: usize,
        /// Threads for cargo-launchlint (RAYON_NUM_THREADS); default: the available cores.
        #[arg(long)]
        threads: Option<usize>,
        /// A cargo-launchlint binary to use instead of building the release one.
        #[arg(long)]
        launchlint: Option<PathBuf>,
        /// The git binary that builds the repository (default: `git` on PATH).
        #[arg(long, default_value = "git")]
        git: PathBuf,
    },
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Generate {
            dir,
            seed,
            crates,
            rust_files,
            mib,
        } => generate::Shape {
            seed,
            crates,
            rust_files,
            total_bytes: mib * 1024 * 1024,
        }
        .write(&dir)
        .map(|summary| println!("{summary}")),
        Command::Compare {
            dir,
            rounds,
            threads,
            launchlint,
            parse_only,
            rg,
        } => compare::Options {
            dir,
            rounds: rounds.max(1),
            threads: threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            launchlint,
            parse_only,
            rg,
        }
        .run(),
        Command::Staged {
            dir,
            rounds,
            threads,
            launchlint,
            git,
        } => staged::Options {
            dir,
            rounds: rounds.max(1),
            threads: threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())),
            launchlint,
            git,
        }
        .run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("launchlint-bench: {error}");
            ExitCode::from(2)
        }
    }
}
