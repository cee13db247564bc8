//! `compare DIR`: times cargo-launchlint, the parse-only baseline and ripgrep on one tree,
//! interleaved (A B C A B C …) so that a change in machine load hits all three alike.
//!
//! Each run is a child process with its output sent to `/dev/null`. Wall time is measured
//! around spawn and reap; peak RSS and CPU time come from `wait4`'s `rusage` of the child
//! (`ru_maxrss`, which on Linux covers the child and any descendants it waited for, such as
//! launchlint's `cargo metadata`). One untimed warm-up run of each tool fills the page cache
//! and shows what each tool found.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct Options {
    pub dir: PathBuf,
    pub rounds: usize,
    pub threads: usize,
    pub launchlint: Option<PathBuf>,
    pub parse_only: Option<PathBuf>,
    pub rg: PathBuf,
}

/// The credential prefixes of launchlint's `extract::credential` (each followed by at least
/// 16 characters of `[A-Za-z0-9]`), as one ripgrep pattern.
pub const CREDENTIAL_PATTERN: &str =
    "(sk_live_|sk_test_|whsec_live_|whsec_test_|whsec_)[A-Za-z0-9]{16,}";

struct Tool {
    name: &'static str,
    program: PathBuf,
    args: Vec<OsString>,
    env: Vec<(&'static str, String)>,
    /// Exit codes that mean a completed run (launchlint and rg exit 1 on findings/no match).
    ok: &'static [i32],
    times: Vec<Duration>,
    cpu: Vec<Duration>,
    rss_kib: Vec<u64>,
}

pub(crate) struct Sample {
    pub(crate) wall: Duration,
    cpu: Option<Duration>,
    rss_kib: Option<u64>,
    pub(crate) code: Option<i32>,
}

impl Options {
    pub fn run(self) -> Result<(), String> {
        if !self.dir.is_dir() {
            return Err(format!("{} is not a directory", self.dir.display()));
        }
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("bench/ is inside the repository")
            .to_path_buf();
        let launchlint = match self.launchlint {
            Some(path) => path,
            None => cargo_build(
                &repo.join("Cargo.toml"),
                Some("cargo-launchlint"),
                "cargo-launchlint",
            )?,
        };
        let parse_only = match self.parse_only {
            Some(path) => path,
            None => cargo_build(
                &repo.join("bench/parse-only/Cargo.toml"),
                None,
                "launchlint-parse-only",
            )?,
        };
        // The yardstick must be plain syn: refuse a baseline built with span-locations.
        let check = Command::new(&parse_only)
            .arg("--check")
            .output()
            .map_err(|e| format!("cannot run {}: {e}", parse_only.display()))?;
        let check = String::from_utf8_lossy(&check.stdout).trim().to_string();
        if check != "span-locations: off" {
            return Err(format!(
                "the parse-only baseline reports `{check}`; build it on its own"
            ));
        }

        let threads = self.threads.to_string();
        let dir = self.dir.as_os_str().to_os_string();
        let mut tools = vec![
            Tool::new(
                "launchlint",
                launchlint,
                vec![dir.clone(), "--format".into(), "short".into()],
                vec![("RAYON_NUM_THREADS", threads.clone())],
                &[0, 1],
            ),
            Tool::new(
                "parse-only",
                parse_only,
                vec!["--threads".into(), threads.clone().into(), dir.clone()],
                vec![],
                &[0],
            ),
        ];
        let rg_found = Command::new(&self.rg)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if rg_found {
            // `--hidden` because launchlint reads `.env` files; `.git`, `node_modules` and
            // `target` are skipped as launchlint skips them; .gitignore is respected by both.
            tools.push(Tool::new(
                "rg",
                self.rg.clone(),
                vec![
                    "--hidden".into(),
                    "--no-messages".into(),
                    "-j".into(),
                    threads.clone().into(),
                    "-g".into(),
                    "!.git".into(),
                    "-g".into(),
                    "!node_modules".into(),
                    "-g".into(),
                    "!target".into(),
                    "-e".into(),
                    CREDENTIAL_PATTERN.into(),
                    dir.clone(),
                ],
                vec![],
                &[0, 1],
            ));
        }

        println!("machine: {} cores, {}", nproc(), cpu_model());
        println!("tree:    {}", self.dir.display());
        println!(
            "threads: {threads} for every tool; {} rounds, interleaved ({})",
            self.rounds,
            tools.iter().map(|t| t.name).collect::<Vec<_>>().join(" → ")
        );
        if !rg_found {
            println!(
                "rg:      `{}` not found; ripgrep skipped",
                self.rg.display()
            );
        }
        println!("\nwarm-up (untimed):");
        for tool in &tools {
            println!("  {:<11} {}", tool.name, tool.warm_up()?);
        }
        for round in 0..self.rounds {
            for tool in &mut tools {
                let sample = tool.timed()?;
                if !sample.code.is_some_and(|c| tool.ok.contains(&c)) {
                    return Err(format!(
                        "{} exited with {:?} in round {}",
                        tool.name,
                        sample.code,
                        round + 1
                    ));
                }
                tool.times.push(sample.wall);
                tool.cpu.extend(sample.cpu);
                tool.rss_kib.extend(sample.rss_kib);
            }
        }

        println!(
            "\n{:<11} {:>12} {:>17} {:>12} {:>16}",
            "tool", "median wall", "min – max", "median CPU", "peak RSS (max)"
        );
        for tool in &tools {
            let mut times = tool.times.clone();
            times.sort();
            println!(
                "{:<11} {:>10.3} s {:>7.3} – {:.3} s {:>12} {:>16}",
                tool.name,
                median(&times).as_secs_f64(),
                times[0].as_secs_f64(),
                times[times.len() - 1].as_secs_f64(),
                tool.median_cpu()
                    .map_or("n/a".into(), |c| format!("{:.3} s", c.as_secs_f64())),
                tool.rss_kib
                    .iter()
                    .max()
                    .map_or("n/a".into(), |k| format!("{:.1} MiB", *k as f64 / 1024.0)),
            );
        }
        let lint = &tools[0];
        for other in &tools[1..] {
            let rss = match (lint.rss_kib.iter().max(), other.rss_kib.iter().max()) {
                (Some(a), Some(b)) => format!(", peak RSS {:.2}x", *a as f64 / *b as f64),
                _ => String::new(),
            };
            println!(
                "launchlint / {:<10} wall {:.2}x{rss}",
                other.name,
                lint.median_wall().as_secs_f64() / other.median_wall().as_secs_f64()
            );
        }
        Ok(())
    }
}

impl Tool {
    fn new(
        name: &'static str,
        program: PathBuf,
        args: Vec<OsString>,
        env: Vec<(&'static str, String)>,
        ok: &'static [i32],
    ) -> Tool {
        Tool {
            name,
            program,
            args,
            env,
            ok,
            times: Vec::new(),
            cpu: Vec::new(),
            rss_kib: Vec::new(),
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args).stdin(Stdio::null());
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
    }

    /// One untimed run; returns a line saying what the tool found.
    fn warm_up(&self) -> Result<String, String> {
        let output = self
            .command()
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
        let code = output.status.code();
        if !code.is_some_and(|c| self.ok.contains(&c)) {
            return Err(format!(
                "{} exited with {code:?}: {}",
                self.name,
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        Ok(match self.name {
            "launchlint" => {
                let summary = stderr
                    .lines()
                    .chain(stdout.lines())
                    .rfind(|l| !l.trim().is_empty())
                    .unwrap_or("");
                format!(
                    "{} findings; {}",
                    stdout.lines().filter(|l| l.contains("]: ")).count(),
                    summary.trim()
                )
            }
            "rg" => format!("{} matching lines", stdout.lines().count()),
            _ => stdout.trim().to_string(),
        })
    }

    fn timed(&self) -> Result<Sample, String> {
        let mut command = self.command();
        command.stdout(Stdio::null()).stderr(Stdio::null());
        let start = Instant::now();
        let child = command
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
        reap(child, start)
    }

    fn median_wall(&self) -> Duration {
        let mut times = self.times.clone();
        times.sort();
        median(&times)
    }

    fn median_cpu(&self) -> Option<Duration> {
        let mut cpu = self.cpu.clone();
        cpu.sort();
        (!cpu.is_empty()).then(|| median(&cpu))
    }
}

pub(crate) fn median(sorted: &[Duration]) -> Duration {
    let n = sorted.len();
    if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}

#[cfg(unix)]
pub(crate) fn reap(child: std::process::Child, start: Instant) -> Result<Sample, String> {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain old data; all-zero is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: valid pointers to locals; `pid` is our own unreaped child.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != std::io::ErrorKind::Interrupted {
            return Err(format!("wait4: {error}"));
        }
    }
    let wall = start.elapsed();
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    // `Child` has no drop glue that waits or kills; it is already reaped.
    drop(child);
    Ok(Sample {
        wall,
        cpu: Some(time(usage.ru_utime) + time(usage.ru_stime)),
        // Linux reports kilobytes (KiB).
        rss_kib: Some(usage.ru_maxrss as u64),
        code,
    })
}

#[cfg(not(unix))]
pub(crate) fn reap(mut child: std::process::Child, start: Instant) -> Result<Sample, String> {
    let status = child.wait().map_err(|e| format!("wait: {e}"))?;
    Ok(Sample {
        wall: start.elapsed(),
        cpu: None,
        rss_kib: None,
        code: status.code(),
    })
}

/// Builds one release binary with cargo and returns its path (from cargo's JSON messages,
/// so `CARGO_TARGET_DIR` and `build.target-dir` are honoured).
pub(crate) fn cargo_build(
    manifest: &Path,
    package: Option<&str>,
    bin: &str,
) -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args([
            "build",
            "--release",
            "--locked",
            "--message-format=json-render-diagnostics",
            "--manifest-path",
        ])
        .arg(manifest)
        .args(["--bin", bin])
        .stderr(Stdio::inherit());
    if let Some(package) = package {
        command.args(["-p", package]);
    }
    eprintln!("launchlint-bench: building {bin} (release)");
    let output = command
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo build of {bin} failed"));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == bin)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| format!("cargo built no executable named {bin}"))
}

pub(crate) fn nproc() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

pub(crate) fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, model)| model.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = |v: &[u64]| {
            v.iter()
                .map(|&m| Duration::from_millis(m))
                .collect::<Vec<_>>()
        };
        assert_eq!(median(&ms(&[1, 2, 9])), Duration::from_millis(2));
        assert_eq!(median(&ms(&[1, 3, 5, 9])), Duration::from_millis(4));
    }

    #[cfg(unix)]
    #[test]
    fn reap_reads_exit_code_and_rusage() {
        let start = Instant::now();
        let child = Command::new("sh")
            .args(["-c", "exit 3"])
            .spawn()
            .expect("sh runs");
        let sample = reap(child, start).expect("reaped");
        assert_eq!(sample.code, Some(3));
        assert!(sample.rss_kib.is_some_and(|k| k > 0));
    }
}
