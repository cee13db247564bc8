//! `staged DIR`: times `cargo-launchlint DIR --staged`, the pre-commit check, on a large
//! workspace (a generated one). It needs `git`, only to build the repository: it makes DIR a
//! repository, commits everything, then for each case appends a comment line to ten Rust
//! files, stages them, and times the check over several rounds (after one untimed warm-up).
//! The cases are ten files of one crate and one file in each of ten crates (each staged
//! file's package is analyzed as context, so the spread decides the work). The files and the
//! index are restored after each case, and the repository is removed at the end.
//!
//! Without `git` it prints that it skipped; the other measurements never need git.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::compare::{cargo_build, cpu_model, median, nproc, reap};

pub struct Options {
    pub dir: PathBuf,
    pub rounds: usize,
    pub threads: usize,
    pub launchlint: Option<PathBuf>,
    pub git: PathBuf,
}

/// How many files each case stages.
const STAGED_FILES: usize = 10;

impl Options {
    pub fn run(self) -> Result<(), String> {
        if !self.dir.is_dir() {
            return Err(format!("{} is not a directory", self.dir.display()));
        }
        let git_found = Command::new(&self.git)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !git_found {
            println!(
                "staged: `{}` not found; the --staged measurement is skipped",
                self.git.display()
            );
            return Ok(());
        }
        if self.dir.join(".git").exists() {
            return Err(format!(
                "{} is a git repository already; `staged` makes its own (give it a generated workspace)",
                self.dir.display()
            ));
        }
        let launchlint = match &self.launchlint {
            Some(path) => path.clone(),
            None => {
                let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .parent()
                    .expect("bench/ is inside the repository")
                    .to_path_buf();
                cargo_build(
                    &repo.join("Cargo.toml"),
                    Some("cargo-launchlint"),
                    "cargo-launchlint",
                )?
            }
        };
        println!("machine: {} cores, {}", nproc(), cpu_model());
        println!("tree:    {}", self.dir.display());
        let started = Instant::now();
        self.git(&["init", "-q"])?;
        let result = self.measure(&launchlint, started);
        // The repository was made here; it goes, whatever happened.
        let removed = std::fs::remove_dir_all(self.dir.join(".git"))
            .map_err(|e| format!("cannot remove {}/.git: {e}", self.dir.display()));
        result.and(removed)
    }

    fn measure(&self, launchlint: &Path, started: Instant) -> Result<(), String> {
        self.git(&["add", "-A"])?;
        self.git(&["commit", "-qm", "generated workspace"])?;
        println!(
            "git:     repository made and committed in {:.1} s (not timed below)",
            started.elapsed().as_secs_f64()
        );
        println!(
            "threads: {} (RAYON_NUM_THREADS); {} rounds after one warm-up, each case",
            self.threads, self.rounds
        );
        let crates = rust_files_by_crate(&self.dir.join("crates"))?;
        let biggest = crates
            .iter()
            .max_by_key(|(_, files)| files.len())
            .ok_or("no crates/*/src/**/*.rs files: is this a generated workspace?")?;
        let one_crate: Vec<PathBuf> = biggest.1.iter().take(STAGED_FILES).cloned().collect();
        let step = (crates.len() / STAGED_FILES).max(1);
        let ten_crates: Vec<PathBuf> = crates
            .iter()
            .step_by(step)
            .filter_map(|(_, files)| files.first().cloned())
            .take(STAGED_FILES)
            .collect();
        let cases = [
            (
                format!("{} files in one crate ({})", one_crate.len(), biggest.0),
                one_crate,
            ),
            (
                format!("one file in each of {} crates", ten_crates.len()),
                ten_crates,
            ),
            ("nothing staged".to_string(), Vec::new()),
        ];
        println!("\n{:<48} {:>12} {:>17}", "case", "median wall", "min – max");
        for (name, files) in &cases {
            let times = self.case(launchlint, files)?;
            println!(
                "{name:<48} {:>9.1} ms {:>7.1} – {:.1} ms",
                ms(median(&times)),
                ms(times[0]),
                ms(times[times.len() - 1])
            );
        }
        Ok(())
    }

    /// Stages an edit of `files`, times the check, and puts everything back.
    fn case(&self, launchlint: &Path, files: &[PathBuf]) -> Result<Vec<Duration>, String> {
        let originals: Vec<(PathBuf, Vec<u8>)> = files
            .iter()
            .map(|path| {
                std::fs::read(self.dir.join(path))
                    .map(|bytes| (path.clone(), bytes))
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))
            })
            .collect::<Result<_, _>>()?;
        for (path, bytes) in &originals {
            let mut edited = bytes.clone();
            edited.extend_from_slice(b"\n// edited by launchlint-bench staged\n");
            std::fs::write(self.dir.join(path), edited)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }
        let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
        if !names.is_empty() {
            let mut args = vec!["add", "--"];
            args.extend(names.iter().map(String::as_str));
            self.git(&args)?;
        }
        let result = self.time(launchlint);
        if !names.is_empty() {
            let mut args = vec!["reset", "-q", "--"];
            args.extend(names.iter().map(String::as_str));
            self.git(&args)?;
        }
        for (path, bytes) in &originals {
            std::fs::write(self.dir.join(path), bytes)
                .map_err(|e| format!("cannot restore {}: {e}", path.display()))?;
        }
        result
    }

    fn time(&self, launchlint: &Path) -> Result<Vec<Duration>, String> {
        let command = || {
            let mut command = Command::new(launchlint);
            command
                .arg(&self.dir)
                .args(["--staged", "--format", "short"])
                .env("RAYON_NUM_THREADS", self.threads.to_string())
                .stdin(Stdio::null());
            command
        };
        let warm = command()
            .output()
            .map_err(|e| format!("cannot run {}: {e}", launchlint.display()))?;
        if !matches!(warm.status.code(), Some(0 | 1)) {
            return Err(format!(
                "cargo-launchlint --staged exited with {:?}: {}",
                warm.status.code(),
                String::from_utf8_lossy(&warm.stderr).trim()
            ));
        }
        let mut times = Vec::with_capacity(self.rounds);
        for _ in 0..self.rounds {
            let mut command = command();
            command.stdout(Stdio::null()).stderr(Stdio::null());
            let start = Instant::now();
            let child = command
                .spawn()
                .map_err(|e| format!("cannot run {}: {e}", launchlint.display()))?;
            let sample = reap(child, start)?;
            if !matches!(sample.code, Some(0 | 1)) {
                return Err(format!(
                    "cargo-launchlint --staged exited with {:?}",
                    sample.code
                ));
            }
            times.push(sample.wall);
        }
        times.sort();
        Ok(times)
    }

    /// Runs git in DIR, with an identity, no signing, no hooks and no automatic gc.
    fn git(&self, args: &[&str]) -> Result<(), String> {
        let output = Command::new(&self.git)
            .args([
                "-c",
                "user.name=launchlint-bench",
                "-c",
                "user.email=bench@example.com",
                "-c",
                "commit.gpgSign=false",
                "-c",
                "core.hooksPath=/dev/null",
                "-c",
                "gc.auto=0",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(&self.dir)
            .env_remove("GIT_INDEX_FILE")
            .env_remove("GIT_DIR")
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "git {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(())
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Each crate of `crates/` with its Rust files (relative to the workspace, sorted).
fn rust_files_by_crate(crates: &Path) -> Result<Vec<(String, Vec<PathBuf>)>, String> {
    let mut names: Vec<String> = std::fs::read_dir(crates)
        .map_err(|e| format!("cannot list {}: {e}", crates.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("src").is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Ok(names
        .into_iter()
        .map(|name| {
            let mut files = Vec::new();
            collect_rust(&crates.join(&name).join("src"), &mut files);
            files.sort();
            let relative = files
                .into_iter()
                .filter_map(|path| {
                    path.strip_prefix(crates.parent()?)
                        .ok()
                        .map(Path::to_path_buf)
                })
                .collect();
            (name, relative)
        })
        .collect())
}

fn collect_rust(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            collect_rust(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
