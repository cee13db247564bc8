//! Runs the real binary over every `fixtures/<rule-id>/{pass,fail}_*/` project and compares
//! its findings with what the fixture states: a `launchlint-expect: rule-id[, rule-id]`
//! comment on each offending line, or `launchlint-expect.txt` lines (`path:line rule-id`) for
//! files that cannot carry a comment. Pass fixtures must be silent. Every mismatch of every
//! fixture is reported at once.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use launchlint_rules::rules;

mod support;

const MARKER: &str = "launchlint-expect:";

/// Rules that judge what the project as a whole declares for its launch (a launch record,
/// the launch alerts), not a pattern in its code. A rule's fixture is a minimal project for
/// one pattern and declares no full launch, so these rules run only in their own fixtures:
/// elsewhere they are allowed (`-A`), as a project that has not filled in its launch yet
/// would. Their own fixtures still run every other rule.
const PROJECT_RULES: [&str; 2] = ["missing-launch-alert", "incomplete-launch-record"];

/// `-A rule` for each project rule other than the fixture's own.
fn project_rule_flags(fixture: &Path) -> Vec<String> {
    let own = fixture.parent().map(file_name).unwrap_or_default();
    PROJECT_RULES
        .iter()
        .filter(|rule| **rule != own)
        .flat_map(|rule| ["-A".to_string(), rule.to_string()])
        .collect()
}

type Expected = BTreeSet<(String, usize, String)>;

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// `run` over every fixture on four threads, results in fixture order.
fn on_four_threads<T: Send>(fixtures: &[PathBuf], run: impl Fn(&PathBuf) -> T + Sync) -> Vec<T> {
    let run = &run;
    std::thread::scope(|scope| {
        let handles: Vec<_> = fixtures
            .chunks(fixtures.len().div_ceil(4).max(1))
            .map(|chunk| scope.spawn(move || chunk.iter().map(run).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("fixture thread"))
            .collect()
    })
}

/// Every fixture project: `fixtures/<rule-id>/<pass_|fail_>*`.
fn fixture_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    for rule in sorted_dirs(&fixtures_root()) {
        if rules::by_id(&file_name(&rule)).is_none() {
            continue;
        }
        for fixture in sorted_dirs(&rule) {
            let name = file_name(&fixture);
            if name.starts_with("pass_") || name.starts_with("fail_") {
                dirs.push(fixture);
            }
        }
    }
    dirs
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.is_dir() {
            files_below(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// What a fixture says it should produce.
fn expected(fixture: &Path) -> Expected {
    let mut expected = Expected::new();
    let mut files = Vec::new();
    files_below(fixture, &mut files);
    for file in files {
        let relative = file
            .strip_prefix(fixture)
            .expect("below the fixture")
            .to_string_lossy()
            .replace('\\', "/");
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        if relative == "launchlint-expect.txt" {
            for line in text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.starts_with('#'))
            {
                let (place, rule) = line
                    .split_once(' ')
                    .unwrap_or_else(|| panic!("bad expectation `{line}`"));
                let (path, number) = place
                    .rsplit_once(':')
                    .unwrap_or_else(|| panic!("bad expectation `{line}`"));
                let number = number
                    .parse()
                    .unwrap_or_else(|_| panic!("bad line in `{line}`"));
                expected.insert((path.to_string(), number, rule.trim().to_string()));
            }
            continue;
        }
        for (index, line) in text.lines().enumerate() {
            let Some(at) = line.find(MARKER) else {
                continue;
            };
            let rest = &line[at + MARKER.len()..];
            for rule in rest.split(',').map(|r| {
                r.trim()
                    .trim_end_matches("*/")
                    .trim_end_matches("-->")
                    .trim()
            }) {
                let rule = rule.split_whitespace().next().unwrap_or("");
                if !rule.is_empty() {
                    expected.insert((relative.clone(), index + 1, rule.to_string()));
                }
            }
        }
    }
    expected
}

/// Runs the binary on a fixture; returns its findings (paths relative to the fixture) and the
/// whole JSON. The fixture is scanned where it is, so printed paths start with its place in
/// the repository (`fixtures/<rule>/<case>/`).
fn actual(fixture: &Path) -> Result<(Expected, serde_json::Value), String> {
    let prefix = support::repository_prefix(fixture);
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-launchlint"))
        .arg(fixture)
        .args(["--format", "json"])
        .args(project_rule_flags(fixture))
        .env_remove("CARGO_TERM_COLOR")
        .output()
        .map_err(|e| e.to_string())?;
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).map_err(|e| {
        format!(
            "no JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })?;
    let findings = json["findings"].as_array().cloned().unwrap_or_default();
    let has_error = findings.iter().any(|f| f["severity"] == "error");
    let code = output.status.code();
    if code != Some(i32::from(has_error)) {
        return Err(format!(
            "exit code {code:?} does not match the findings (error present: {has_error})"
        ));
    }
    let mut set = Expected::new();
    for f in &findings {
        let path = f["path"].as_str().unwrap_or_default();
        let Some(inside) = path.strip_prefix(&prefix) else {
            return Err(format!("`{path}` is not relative to the repository root"));
        };
        set.insert((
            inside.to_string(),
            f["line"].as_u64().unwrap_or_default() as usize,
            f["rule"].as_str().unwrap_or_default().to_string(),
        ));
    }
    Ok((set, json))
}

/// Message style: lowercase start, no trailing period; help says what to do.
fn style_problems(json: &serde_json::Value) -> Vec<String> {
    let mut problems = Vec::new();
    for finding in json["findings"].as_array().into_iter().flatten() {
        let message = finding["message"].as_str().unwrap_or_default();
        let first = message.chars().next().unwrap_or(' ');
        if !(first.is_lowercase() || first == '`') || message.ends_with('.') {
            problems.push(format!("message style: `{message}`"));
        }
        if finding["help"].as_str().unwrap_or_default().is_empty() {
            problems.push(format!("no help for `{message}`"));
        }
    }
    problems
}

#[test]
fn every_fixture_produces_exactly_what_it_states() {
    let fixtures = fixture_dirs();
    assert!(!fixtures.is_empty(), "no fixtures found");
    let results: Vec<(PathBuf, Vec<String>)> = on_four_threads(&fixtures, |fixture| {
        (fixture.clone(), check_fixture(fixture))
    });
    let mut report = String::new();
    for (fixture, problems) in &results {
        if !problems.is_empty() {
            let name = fixture
                .strip_prefix(fixtures_root())
                .unwrap_or(fixture)
                .display();
            report.push_str(&format!("\n{name}:\n  {}\n", problems.join("\n  ")));
        }
    }
    assert!(
        report.is_empty(),
        "{} fixtures checked; mismatches:{report}",
        results.len()
    );
}

fn check_fixture(fixture: &Path) -> Vec<String> {
    let expected = expected(fixture);
    let is_pass = file_name(fixture).starts_with("pass_");
    let mut problems = Vec::new();
    if is_pass && !expected.is_empty() {
        problems.push("a pass fixture must not expect findings".to_string());
    }
    if !is_pass && expected.is_empty() {
        problems.push("a fail fixture must expect at least one finding".to_string());
    }
    let rule_dir = file_name(fixture.parent().expect("fixture has a rule folder"));
    if !is_pass && !expected.iter().any(|(_, _, rule)| *rule == rule_dir) {
        problems.push(format!(
            "a fail fixture of `{rule_dir}` must expect a `{rule_dir}` finding"
        ));
    }
    match actual(fixture) {
        Ok((actual, json)) => {
            for missing in expected.difference(&actual) {
                problems.push(format!(
                    "expected but not reported: {}:{} {}",
                    missing.0, missing.1, missing.2
                ));
            }
            for extra in actual.difference(&expected) {
                problems.push(format!(
                    "reported but not expected: {}:{} {}",
                    extra.0, extra.1, extra.2
                ));
            }
            problems.extend(style_problems(&json));
        }
        Err(error) => problems.push(error),
    }
    problems
}

#[test]
fn every_rule_has_pass_and_fail_fixtures() {
    let mut missing = Vec::new();
    for rule in rules::ALL {
        let dirs = sorted_dirs(&fixtures_root().join(rule.id));
        for kind in ["pass_", "fail_"] {
            if !dirs.iter().any(|d| file_name(d).starts_with(kind)) {
                missing.push(format!("{}/{kind}*", rule.id));
            }
        }
    }
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
}

/// The `--format short` output of every fail fixture, in one snapshot: it pins the wording,
/// lines and columns of every rule's findings, so a reworded message or a span moved by one
/// column shows up as a diff here.
#[test]
fn fail_fixture_findings_are_pinned() {
    let fixtures: Vec<PathBuf> = fixture_dirs()
        .into_iter()
        .filter(|dir| file_name(dir).starts_with("fail_"))
        .collect();
    let outputs: Vec<String> = on_four_threads(&fixtures, |fixture| {
        let output = Command::new(env!("CARGO_BIN_EXE_cargo-launchlint"))
            .arg(fixture)
            .args(["--format", "short"])
            .args(project_rule_flags(fixture))
            .env_remove("CARGO_TERM_COLOR")
            .output()
            .expect("the binary runs");
        let name = fixture
            .strip_prefix(fixtures_root())
            .unwrap_or(fixture)
            .to_string_lossy()
            .replace('\\', "/");
        format!("## {name}\n{}", String::from_utf8_lossy(&output.stdout))
    });
    insta::assert_snapshot!("fail_fixtures_short", outputs.join("\n"));
}
