//! The binary as users meet it: subcommands, formats, exit codes, config errors, and input
//! that must never stop a run (non-UTF-8, binary, huge and unparsable files, link loops).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod support;
use support::copy_dir;

const LIVE_KEY: &str = "sk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd";
const TEST_KEY: &str = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";

fn launchlint(args: &[&str], dir: Option<&Path>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-launchlint"));
    command
        .args(args)
        .env_remove("CARGO_TERM_COLOR")
        .env_remove("NO_COLOR");
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    command.output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A throwaway project: `files` are (relative path, contents).
fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, contents) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("write");
    }
    dir
}

fn server_crate(main_rs: &str) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("Cargo.toml", b"[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.7\"\n\n[workspace]\n".to_vec()),
        ("src/main.rs", main_rs.as_bytes().to_vec()),
    ]
}

/// A complete launch record and the three launch alerts.
fn launch_files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("launchlint.toml", b"[launch]\nproduct-surface = \"0gate\"\nsandbox-evidence-id = \"gs_test_01J9Q3W7ZC5M\"\ncompliance-approved = true\n".to_vec()),
        ("monitoring/alerts.yml", b"groups:\n  - name: payments\n    rules:\n      - alert: GateSessionFailures\n        expr: rate(gate_session_errors_total[5m]) > 0\n      - alert: WebhookDeadLetters\n        expr: webhook_dead_letters > 0\n      - alert: ReconciliationBacklog\n        expr: reconciliation_pending > 20\n".to_vec()),
    ]
}

fn project_of(files: &[(&'static str, Vec<u8>)]) -> tempfile::TempDir {
    let borrowed: Vec<(&str, &[u8])> = files.iter().map(|(p, c)| (*p, c.as_slice())).collect();
    project(&borrowed)
}

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(path)
}

#[test]
fn rules_lists_every_rule() {
    let output = launchlint(&["rules"], None);
    assert!(output.status.success());
    for rule in launchlint_rules::rules::ALL {
        assert!(stdout(&output).contains(rule.id), "{} missing", rule.id);
    }
}

#[test]
fn rules_fit_80_columns_and_list_as_json() {
    let output = launchlint(&["rules"], None);
    assert!(output.status.success());
    for line in stdout(&output).lines() {
        assert!(line.chars().count() <= 80, "wider than 80 columns: {line}");
    }
    let output = launchlint(&["rules", "--format", "json"], None);
    assert!(output.status.success());
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), launchlint_rules::rules::ALL.len());
    for (rule, entry) in launchlint_rules::rules::ALL.iter().zip(list) {
        assert_eq!(entry["id"], rule.id);
        assert_eq!(entry["default"], rule.default.as_str());
        assert_eq!(entry["area"], rule.area);
        assert_eq!(entry["live_only"], rule.live_only);
        assert_eq!(entry["summary"], rule.summary);
        assert_eq!(entry["security_severity"].as_f64(), rule.security_severity);
    }
    assert_eq!(list[0]["security_severity"], 9.5, "{}", list[0]);
    let keys: Vec<&String> = list
        .iter()
        .find(|entry| entry["id"] == "unused-suppression")
        .and_then(|entry| entry.as_object())
        .expect("listed")
        .keys()
        .collect();
    assert_eq!(
        keys,
        ["area", "default", "id", "live_only", "summary"],
        "no security_severity for a rule without one"
    );
}

/// Human diagnostics: a blank line between findings, every label with its text, and the
/// rule's docs named as a command (they are published at no URL).
#[test]
fn human_diagnostics_are_spaced_labelled_and_link_free() {
    let output = launchlint(&[".", "--color", "never"], Some(&fixture("demo")));
    let text = stdout(&output);
    let json = launchlint(&[".", "--format", "json"], Some(&fixture("demo")));
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let count = json["findings"].as_array().expect("findings").len();
    assert!(!text.contains("https://docs.rs"), "{text}");
    let blocks: Vec<&str> = text.split("\n\n").collect();
    assert_eq!(
        blocks
            .iter()
            .filter(|block| block.contains("  × ") || block.contains("  ⚠ "))
            .count(),
        count,
        "one block per finding, blank lines between: {text}"
    );
    assert_eq!(
        text.matches("see: `cargo launchlint explain ").count(),
        count
    );
    // Each finding's header (its rule id) after the first follows a blank line.
    let lines: Vec<&str> = text.lines().collect();
    for (at, line) in lines.iter().enumerate().skip(1) {
        if launchlint_rules::rules::by_id(line).is_some() {
            assert_eq!(lines[at - 1], "", "no blank line before `{line}`: {text}");
        }
    }
    // A label without text is an underline with no `┬` branching to its text.
    for line in text.lines() {
        let mark = line.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
        if let Some(marks) = mark.strip_prefix('·') {
            let marks = marks.trim();
            assert!(
                marks.is_empty()
                    || marks.contains('┬')
                    || marks.contains('╰')
                    || marks.contains('│'),
                "a label without text: {line}"
            );
        }
    }
}

#[test]
fn cargo_passes_its_subcommand_word() {
    let output = launchlint(&["launchlint", "rules"], None);
    assert!(output.status.success());
    assert!(stdout(&output).contains("secret-key-in-client"));
}

#[test]
fn explain_prints_docs_and_rejects_unknown_rules() {
    let output = launchlint(&["explain", "secret-key-in-client"], None);
    assert!(output.status.success());
    let docs = stdout(&output);
    assert!(docs.starts_with("# secret-key-in-client\n"));
    assert!(docs.contains("## Why is this bad?") && docs.contains("Use instead:"));

    let output = launchlint(
        &["explain", "secret-key-in-clent", "--color", "never"],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("did you mean `secret-key-in-client`?"));
}

#[test]
fn exit_codes_follow_the_worst_finding() {
    let code = server_crate("fn main() { let _ = std::env::var(\"OBIT_SECRET_KEY\"); }\n");
    // A 0Bit project without a launch record and launch alerts is not ready.
    let undeclared = project_of(&code);
    assert_eq!(
        launchlint(&[], Some(undeclared.path())).status.code(),
        Some(1)
    );
    let mut declared = code.clone();
    declared.extend(launch_files());
    let clean = project_of(&declared);
    assert_eq!(launchlint(&[], Some(clean.path())).status.code(), Some(0));

    let leak = project_of(&server_crate(&format!(
        "const KEY: &str = \"{LIVE_KEY}\";\nfn main() {{}}\n"
    )));
    assert_eq!(launchlint(&[], Some(leak.path())).status.code(), Some(1));
    // -A silences, -W downgrades, later flags win.
    assert_eq!(
        launchlint(&["-A", "hardcoded-secret-key"], Some(leak.path()))
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        launchlint(&["-W", "hardcoded-secret-key"], Some(leak.path()))
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        launchlint(
            &["-W", "hardcoded-secret-key", "--deny-warnings"],
            Some(leak.path())
        )
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        launchlint(
            &["-A", "hardcoded-secret-key", "-D", "hardcoded-secret-key"],
            Some(leak.path())
        )
        .status
        .code(),
        Some(1)
    );

    // A test-mode key in live code is a warning: exit 0 unless warnings are denied.
    let warning = project_of(&server_crate(&format!(
        "const KEY: &str = \"{TEST_KEY}\";\nfn main() {{}}\n"
    )));
    let output = launchlint(&["--format", "short"], Some(warning.path()));
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("src/main.rs:1:20: warning[hardcoded-secret-key]: test secret key `sk_test_…p7dc` is hard-coded"));
    assert_eq!(
        launchlint(&["--deny-warnings"], Some(warning.path()))
            .status
            .code(),
        Some(1)
    );
    // In sandbox, test keys are expected.
    let output = launchlint(
        &["--environment", "sandbox", "--format", "short"],
        Some(warning.path()),
    );
    assert!(
        stdout(&output) == "no launch-gate findings in 2 files\n",
        "{}",
        stdout(&output)
    );
}

#[test]
fn tool_errors_exit_2() {
    let output = launchlint(&["/definitely/not/here"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("no project at"));

    let output = launchlint(&["-D", "no-such-rule"], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown rule `no-such-rule`"));

    let output = launchlint(&["--format", "xml"], None);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn broken_config_is_a_labelled_error() {
    let dir = project(&[(
        "launchlint.toml",
        b"[launch]\nenvironment = \"live\"\n\n[rules]\nsecret-key-in-clien = \"deny\"\n",
    )]);
    let output = launchlint(&[".", "--color", "never"], Some(dir.path()));
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("config_unknown_rule", stderr(&output));

    let dir = project(&[("launchlint.toml", b"[launch]\nenviroment = \"live\"\n")]);
    let output = launchlint(&[".", "--color", "never"], Some(dir.path()));
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!("config_unknown_key", stderr(&output));

    let dir = project(&[("Cargo.toml", b"[package]\nname = \"shop\"\nversion = \"0.1.0\"\n\n[package.metadata.launchlint]\nlaunch = { environment = \"prod\" }\n\n[workspace]\n")]);
    let output = launchlint(&[".", "--color", "never"], Some(dir.path()));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown variant `prod`, expected `live` or `sandbox`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn bad_files_are_noted_and_the_run_goes_on() {
    let mut files = server_crate(&format!("fn main() {{ let key = \"{LIVE_KEY}\"; \n"));
    files.push((
        "src/latin1.rs",
        b"// caf\xe9\nconst K: &str = \"sk_live_Zq81VbT4mN0pLs7dKf2hW9cR\";\n".to_vec(),
    ));
    files.push((
        "assets/logo.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR sk_live_Zq81VbT4mN0pLs7dKf2hW9cR".to_vec(),
    ));
    files.push(("data/huge.json", vec![b' '; 33 * 1024 * 1024]));
    let dir = project_of(&files);
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", dir.path().join("src/loop")).expect("symlink");

    let output = launchlint(&["--format", "short"], Some(dir.path()));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let notes = stderr(&output);
    assert!(
        notes.contains("src/main.rs: could not parse as Rust"),
        "{notes}"
    );
    assert!(notes.contains("src/latin1.rs: not valid UTF-8"), "{notes}");
    // Skipped binary files are one count in the summary; `-v` lists them.
    assert!(!notes.contains("assets/logo.png"), "{notes}");
    assert!(
        notes.contains("data/huge.json: could not read: larger than 32 MiB"),
        "{notes}"
    );
    let report = stdout(&output);
    assert!(
        report.contains("; 1 binary file skipped (`--verbose` lists them)"),
        "{report}"
    );
    let verbose = launchlint(&["--format", "short", "-v"], Some(dir.path()));
    assert!(
        stderr(&verbose).contains("assets/logo.png: binary file, skipped"),
        "{}",
        stderr(&verbose)
    );
    let json = launchlint(&["--format", "json"], Some(dir.path()));
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(json["summary"]["binary"], 1, "{json}");
    // The unparsable file is still scanned for secrets, and so is the non-UTF-8 one.
    assert!(
        report.contains("src/main.rs:1:24: error[hardcoded-secret-key]"),
        "{report}"
    );
    assert!(
        report.contains("src/latin1.rs:2:18: error[hardcoded-secret-key]"),
        "{report}"
    );
}

#[test]
fn output_is_identical_from_run_to_run() {
    let demo = fixture("demo");
    let first = launchlint(&[demo.to_str().unwrap(), "--format", "json"], None);
    for _ in 0..3 {
        assert_eq!(
            first.stdout,
            launchlint(&[demo.to_str().unwrap(), "--format", "json"], None).stdout
        );
    }
}

#[test]
fn manifests_are_read_when_cargo_is_missing() {
    let demo = fixture("demo");
    let with_cargo = launchlint(&[demo.to_str().unwrap(), "--format", "json"], None);
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-launchlint"));
    let without = command
        .args([demo.to_str().unwrap(), "--format", "json"])
        .env("CARGO", "/nonexistent/cargo")
        .output()
        .unwrap();
    assert!(
        stderr(&without).contains("`cargo metadata` not used"),
        "{}",
        stderr(&without)
    );
    assert_eq!(with_cargo.stdout, without.stdout);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let demo = fixture("demo");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-launchlint"))
        .arg(&demo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}

#[test]
fn secrets_never_appear_in_full() {
    let demo = fixture("demo");
    let secrets = demo_secrets(&demo);
    assert!(!secrets.is_empty());
    for format in ["human", "short", "json"] {
        let output = launchlint(
            &[
                demo.to_str().unwrap(),
                "--format",
                format,
                "--color",
                "never",
            ],
            None,
        );
        let all = format!("{}{}", stdout(&output), stderr(&output));
        for secret in &secrets {
            assert!(
                !all.contains(secret.as_str()),
                "{format} output shows {secret}"
            );
        }
    }
}

/// Every non-placeholder credential in the demo's text files.
fn demo_secrets(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            found.extend(demo_secrets(&path));
        } else if let Ok(text) = std::fs::read_to_string(&path) {
            found.extend(
                launchlint_rules::extract::credential::find_all(&text)
                    .into_iter()
                    .filter(|c| !c.placeholder)
                    .map(|c| text[c.span].to_string()),
            );
        }
    }
    found
}

/// Human output, pinned: run inside the fixture, which is scanned where it is, so its paths
/// start with the fixture's place in the repository.
fn human(fixture_path: &str) -> String {
    // As in tests/fixtures.rs: a rule's fixture declares no full launch, so the rules that
    // judge the launch record and alerts run only in their own fixtures.
    let output = launchlint(
        &[
            ".",
            "--color",
            "never",
            "-A",
            "missing-launch-alert",
            "-A",
            "incomplete-launch-record",
        ],
        Some(&fixture(fixture_path)),
    );
    stdout(&output)
}

#[test]
fn human_output_of_a_shared_crate() {
    insta::assert_snapshot!(
        "human_leptos_fullstack",
        human("secret-key-in-client/fail_leptos_fullstack")
    );
}

#[test]
fn human_output_cuts_minified_lines() {
    insta::assert_snapshot!(
        "human_minified_bundle",
        human("secret-key-in-client/fail_gitignored_dist_bundle")
    );
}

#[test]
fn human_output_of_a_binary_finding() {
    insta::assert_snapshot!("human_wasm", human("secret-key-in-client/fail_wasm_data"));
}

#[test]
fn json_output_of_the_demo() {
    let output = launchlint(&[".", "--format", "json"], Some(&fixture("demo")));
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("json_demo", stdout(&output));
}

#[test]
fn contract_extensions_add_endpoints_and_report_errors() {
    let main_rs = "async fn refund(c: &reqwest::Client) -> reqwest::Result<reqwest::Response> {\n    c.post(\"https://gate-api.0bit.app/v1/refunds\").send().await\n}\nfn main() {}\n";
    let mut files = server_crate(main_rs);
    let output = launchlint(&["--format", "short"], Some(project_of(&files).path()));
    assert!(stdout(&output).contains("src/main.rs:2:12: error[unsupported-endpoint]: `POST /v1/refunds` is not a documented 0Gate endpoint"), "{}", stdout(&output));

    files.push((
        "launchlint.toml",
        b"[contract]\nextend = [\"contracts/account.toml\"]\n".to_vec(),
    ));
    files.push((
        "contracts/account.toml",
        b"[[endpoint]]\nproduct = \"0gate\"\nmethod = \"POST\"\npath = \"/v1/refunds\"\noperation = \"createRefund\"\nauth = \"secret\"\nwrite = true\nidempotency = \"required\"\n".to_vec(),
    ));
    let output = launchlint(&["--format", "short"], Some(project_of(&files).path()));
    // Known now, and its contract says it requires a key.
    assert!(stdout(&output).contains("src/main.rs:2:7: error[missing-idempotency-key]: `POST /v1/refunds` (`createRefund`) requires"), "{}", stdout(&output));
    assert!(!stdout(&output).contains("unsupported-endpoint"));

    files.pop();
    files.push((
        "contracts/account.toml",
        b"[[endpoint]]\nproduct = \"0gate\"\nmethod = 1\n".to_vec(),
    ));
    let output = launchlint(&["--color", "never"], Some(project_of(&files).path()));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("invalid contract extension"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("account.toml:3:"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn human_output_names_the_endpoint() {
    insta::assert_snapshot!(
        "human_missing_idempotency_key",
        human("missing-idempotency-key/fail_axum_gate_client")
    );
}

#[test]
fn human_output_of_a_webhook_handler() {
    insta::assert_snapshot!(
        "human_unverified_webhook",
        human("unverified-webhook/fail_axum_json_extractor")
    );
}

#[test]
fn human_output_labels_the_config() {
    insta::assert_snapshot!(
        "human_undeclared_origin",
        human("undeclared-origin/fail_env_allowed_origins_list")
    );
}

/// A small deterministic generator (xorshift), so the mutation test is repeatable.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Truncated and byte-flipped copies of real fixture files of every kind, plus random bytes
/// under every file kind's name: the run completes, reports or not, and never panics.
#[test]
fn mangled_input_never_panics() {
    let mut sources: Vec<PathBuf> = Vec::new();
    fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
        {
            let path = entry.path();
            if path.is_dir() {
                collect(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    collect(&fixture(""), &mut sources);
    sources.sort();
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), b"[package]\nname = \"mangled\"\nversion = \"0.1.0\"\n[dependencies]\nleptos = { version = \"0.7\", features = [\"hydrate\"] }\naxum = \"0.7\"\n[workspace]\n").unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    for (at, source) in sources.iter().enumerate().filter(|(at, _)| at % 3 == 0) {
        let Ok(mut bytes) = std::fs::read(source) else {
            continue;
        };
        match noise.below(3) {
            0 => bytes.truncate(noise.below(bytes.len())),
            1 => {
                for _ in 0..1 + noise.below(8) {
                    let i = noise.below(bytes.len());
                    if let Some(b) = bytes.get_mut(i) {
                        *b = noise.next() as u8;
                    }
                }
            }
            _ => {
                let cut = noise.below(bytes.len());
                let tail = bytes.split_off(cut);
                bytes.extend_from_slice(b"\"{[(");
                bytes.extend(tail.iter().rev());
            }
        }
        let name = source.file_name().unwrap().to_string_lossy().to_string();
        let folder = if name.ends_with(".rs") { "src" } else { "dist" };
        std::fs::write(dir.path().join(folder).join(format!("{at}-{name}")), bytes).unwrap();
    }
    for (at, name) in [
        "a.rs",
        "b.js",
        "c.map",
        "d.wasm",
        ".env.production",
        "e.toml",
        "f.md",
        "g.html",
    ]
    .iter()
    .enumerate()
    {
        let bytes: Vec<u8> = (0..1 + noise.below(4096))
            .map(|_| noise.next() as u8)
            .collect();
        let folder = if name.ends_with(".rs") { "src" } else { "dist" };
        std::fs::write(
            dir.path().join(folder).join(format!("noise{at}{name}")),
            bytes,
        )
        .unwrap();
    }
    let output = launchlint(&["--format", "json"], Some(dir.path()));
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "exit {:?}: {}",
        output.status.code(),
        stderr(&output)
    );
    assert!(
        !stderr(&output).contains("panicked") && !stderr(&output).contains("internal error"),
        "{}",
        stderr(&output)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("the JSON report is complete");
    assert!(json["summary"]["files_scanned"].as_u64().unwrap_or(0) > 50);
}

#[test]
fn sarif_output_of_the_demo() {
    let output = launchlint(&[".", "--format", "sarif"], Some(&fixture("demo")));
    assert_eq!(output.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).expect("SARIF is JSON");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), launchlint_rules::rules::ALL.len());
    let prefix = support::repository_prefix(&fixture("demo"));
    // Every result points at a rule of the driver, by id and index, with a relative URI.
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/') && !uri.contains('\\'), "{uri}");
        assert!(
            uri.starts_with(&prefix),
            "{uri} is not relative to the repository root"
        );
    }
    // `%SRCROOT%` is the repository root, as a file URI ending in `/`.
    let demo = std::fs::canonicalize(fixture("demo")).unwrap();
    let top = format!("{}/", demo.display())
        .strip_suffix(prefix.as_str())
        .map(str::to_string);
    assert!(
        top.is_some(),
        "the prefix is where the demo is in the repository"
    );
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        base.starts_with("file:///") && base.ends_with('/'),
        "{base}"
    );
    // The expected URI is spelled out only for a plain path (percent-encoding is unit-tested).
    if let Some(top) = top.filter(|top| {
        top.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-._~".contains(&b))
    }) {
        assert_eq!(base, format!("file://{top}"));
    }
    // The results, without the (long) rule docs, are pinned.
    insta::assert_json_snapshot!("sarif_demo_results", run["results"]);
}

#[test]
fn github_annotations() {
    let output = launchlint(&["--format", "github"], Some(&fixture("demo")));
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let first = text
        .lines()
        .find(|line| line.contains("frontend/.env.production"))
        .unwrap();
    // Scanned where it is: the file is named from the repository root.
    let prefix = support::repository_prefix(&fixture("demo"));
    assert!(
        first.starts_with(&format!("::error file={prefix}frontend/.env.production,line=3,col=22,endLine=3,endColumn=57,title=secret-key-in-client::live secret key `sk_live_…fqif`")),
        "{first}"
    );
    assert!(
        first.contains("%0Ahelp: "),
        "multi-line messages are escaped"
    );
    assert!(text.ends_with("27 files scanned: 13 errors, 5 warnings, 0 suppressed\n"));
}

#[test]
fn baselines_accept_existing_findings_and_catch_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    copy_dir(&fixture("demo"), &demo);
    let baseline = dir.path().join("launchlint-baseline.json");
    let baseline_arg = baseline.to_str().unwrap();

    let written = launchlint(
        &[
            demo.to_str().unwrap(),
            "--write-baseline",
            baseline_arg,
            "--format",
            "short",
        ],
        None,
    );
    assert_eq!(
        written.status.code(),
        Some(0),
        "writing a baseline accepts its findings"
    );
    let recorded: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(recorded["findings"].as_array().unwrap().len(), 18);

    let output = launchlint(
        &[
            demo.to_str().unwrap(),
            "--baseline",
            baseline_arg,
            "--format",
            "short",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).ends_with("no launch-gate findings in 27 files, 18 suppressed\n"),
        "{}",
        stdout(&output)
    );

    // A new leak above an old one: the old one keeps its fingerprint, the new one fails.
    let webhooks = demo.join("server/src/webhooks.rs");
    let text = std::fs::read_to_string(&webhooks).unwrap();
    // After the module's inner doc comment, so the file still parses.
    let (docs, rest) = text.split_at(text.find("\n\n").unwrap() + 1);
    std::fs::write(
        &webhooks,
        format!("{docs}const FALLBACK: &str = \"{LIVE_KEY}\";\n{rest}"),
    )
    .unwrap();
    let output = launchlint(
        &[
            demo.to_str().unwrap(),
            "--baseline",
            baseline_arg,
            "--format",
            "short",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let report = stdout(&output);
    assert!(
        report.starts_with("server/src/webhooks.rs:3:25: error[hardcoded-secret-key]"),
        "{report}"
    );
    assert!(
        report.ends_with("1 error, 0 warnings, 18 suppressed\n"),
        "{report}"
    );

    std::fs::write(&baseline, "not json").unwrap();
    let output = launchlint(
        &[
            demo.to_str().unwrap(),
            "--baseline",
            baseline_arg,
            "--color",
            "never",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("cannot read baseline"),
        "{}",
        stderr(&output)
    );
}
