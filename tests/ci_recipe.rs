//! The CI recipes in `docs/ci/`, which the README quotes, run as far as this machine allows:
//! their scan steps are executed with bash and the built binary on `PATH`, on the demo (exit
//! 1), on a clean crate (exit 0) and on a folder with nothing to scan (exit 2). Installing
//! needs the network, so the install lines are only checked for `--locked`.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn recipe(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/ci")
        .join(name);
    std::fs::read_to_string(path).expect("recipe")
}

fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_cargo-launchlint"))
        .parent()
        .expect("binary folder")
        .to_path_buf()
}

/// Runs `script` with bash in `dir`, the way a runner does: errexit and pipefail on.
fn bash(script: &str, dir: &Path, env: &[(&str, &Path)]) -> Output {
    let path = format!(
        "{}:{}",
        bin_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new("bash");
    command
        .args(["-eo", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("bash runs")
}

/// The lines of the block scalar that follows `marker` (`run: |` under a named step).
fn block_after(text: &str, marker: &str) -> String {
    let mut lines = text.lines().skip_while(|line| !line.contains(marker));
    lines.next().expect("marker present");
    let run = lines
        .by_ref()
        .find(|line| line.trim_start().starts_with("run:"))
        .expect("a run key");
    if let Some(inline) = run.trim_start().strip_prefix("run:") {
        if inline.trim() != "|" {
            return inline.trim().to_string();
        }
    }
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut block = lines.take_while(|line| line.trim().is_empty() || indent(line) > indent(run));
    let first = block.next().expect("a block line");
    let body_indent = indent(first);
    std::iter::once(first)
        .chain(block)
        .map(|line| line.get(body_indent..).unwrap_or("").to_string() + "\n")
        .collect()
}

/// The projects the recipes run on, with the exit code each must end in.
fn projects(scratch: &Path) -> Vec<(PathBuf, &'static str)> {
    let demo = scratch.join("demo");
    support::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo"),
        &demo,
    );
    let clean = scratch.join("clean");
    std::fs::create_dir_all(clean.join("src")).expect("mkdir");
    std::fs::write(
        clean.join("Cargo.toml"),
        "[package]\nname = \"clean\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("write");
    std::fs::write(clean.join("src/main.rs"), "fn main() {}\n").expect("write");
    let empty = scratch.join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    vec![(demo, "1"), (clean, "0"), (empty, "2")]
}

#[test]
fn the_readme_quotes_both_recipes_as_they_are() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"))
            .expect("readme");
    for name in ["github-actions.yml", "gitlab-ci.yml"] {
        assert!(
            readme.contains(&recipe(name)),
            "README must quote docs/ci/{name} verbatim"
        );
    }
}

#[test]
fn the_github_job_may_upload_sarif_installs_locked_and_fails_on_1_and_2() {
    let workflow = recipe("github-actions.yml");
    assert!(workflow.contains("security-events: write"));
    assert!(workflow.contains("cargo install --locked"));
    assert!(
        !workflow.contains("|| true"),
        "no step may hide the exit code"
    );
    let gate = block_after(&workflow, "name: Launch gate");
    let fail = block_after(&workflow, "name: Fail on findings");
    let scratch = tempfile::tempdir().expect("tempdir");
    let runner_temp = scratch.path().join("runner-temp");
    std::fs::create_dir_all(&runner_temp).expect("mkdir");
    for (project, expected) in projects(scratch.path()) {
        let outputs = scratch.path().join("github-output");
        std::fs::write(&outputs, "").expect("write");
        let ran = bash(
            &gate,
            &project,
            &[("RUNNER_TEMP", &runner_temp), ("GITHUB_OUTPUT", &outputs)],
        );
        assert!(ran.status.success(), "the gate step records, never fails");
        let recorded = std::fs::read_to_string(&outputs).expect("outputs");
        assert_eq!(recorded.trim(), format!("code={expected}"), "{project:?}");
        let sarif = runner_temp.join("launchlint.sarif");
        if expected != "2" {
            let report: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&sarif).expect("sarif written"))
                    .expect("sarif is JSON");
            assert_eq!(report["version"], "2.1.0");
            assert!(
                !sarif.starts_with(&project),
                "the report stays out of the tree"
            );
        }
        if expected != "0" {
            let failed = bash(
                &fail.replace("${{ steps.gate.outputs.code }}", expected),
                &project,
                &[],
            );
            assert_eq!(
                failed.status.code().map(|c| c.to_string()),
                Some(expected.to_string())
            );
        }
        let _ = std::fs::remove_file(sarif);
    }
}

#[test]
fn the_gitlab_job_fails_on_1_and_2_and_keeps_the_report() {
    let job = recipe("gitlab-ci.yml");
    let script: Vec<&str> = job
        .lines()
        .skip_while(|line| line.trim() != "script:")
        .skip(1)
        .take_while(|line| line.trim_start().starts_with("- "))
        .map(|line| line.trim_start().trim_start_matches("- "))
        .collect();
    assert!(script[0].starts_with("cargo install --locked"));
    let scan = script[1..].join("\n");
    let scratch = tempfile::tempdir().expect("tempdir");
    for (project, expected) in projects(scratch.path()) {
        let ran = bash(&scan, &project, &[("TMPDIR", scratch.path())]);
        assert_eq!(
            ran.status.code().map(|c| c.to_string()),
            Some(expected.to_string()),
            "{project:?}: {}",
            String::from_utf8_lossy(&ran.stderr)
        );
        if expected != "2" {
            let report: serde_json::Value = serde_json::from_slice(
                &std::fs::read(project.join("launchlint.json")).expect("artifact"),
            )
            .expect("json");
            assert_eq!(report["version"], 1);
        }
    }
}
