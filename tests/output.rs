//! Output conventions: cargo's JSON messages for editors (`--message-format`), `--output`,
//! `--quiet`, `--verbose` and comma-separated rule lists.

use std::path::{Path, PathBuf};
use std::process::Output;

use cargo_metadata::diagnostic::{DiagnosticLevel, DiagnosticSpan};
use cargo_metadata::Message;

mod support;
use support::{copy_dir, launchlint, text};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(path)
}

/// The JSON contract's findings of a run in `dir`.
fn json_findings(dir: &Path, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec![".", "--format", "json"];
    args.extend(extra);
    let output = launchlint(&args, dir);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    report["findings"].as_array().expect("findings").clone()
}

/// Every stdout line as cargo_metadata reads cargo's: the findings, then `build-finished`.
fn cargo_messages(output: &Output) -> (Vec<cargo_metadata::CompilerMessage>, Option<bool>) {
    let mut findings = Vec::new();
    let mut finished = None;
    for message in Message::parse_stream(output.stdout.as_slice()) {
        match message.expect("a line") {
            Message::CompilerMessage(message) => {
                assert!(finished.is_none(), "a finding after build-finished");
                findings.push(message);
            }
            Message::BuildFinished(done) => finished = Some(done.success),
            other => panic!("not a launchlint message: {other:?}"),
        }
    }
    (findings, finished)
}

fn primary(message: &cargo_metadata::CompilerMessage) -> &DiagnosticSpan {
    let primary: Vec<&DiagnosticSpan> = message
        .message
        .spans
        .iter()
        .filter(|span| span.is_primary)
        .collect();
    assert_eq!(primary.len(), 1, "{message:?}");
    primary[0]
}

#[test]
fn cargo_json_messages_map_every_finding_to_a_compiler_message() {
    let demo = fixture("demo");
    let expected = json_findings(&demo, &[]);
    for args in [
        &[".", "--message-format", "json"][..],
        &[".", "--message-format=json-cargo"],
        &[".", "--format", "json-cargo"],
    ] {
        let output = launchlint(args, &demo);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let (messages, finished) = cargo_messages(&output);
        assert_eq!(finished, Some(false), "the gate failed: {args:?}");
        assert_eq!(messages.len(), expected.len(), "{args:?}");
        for (message, finding) in messages.iter().zip(&expected) {
            let diagnostic = &message.message;
            let code = diagnostic.code.as_ref().expect("a code");
            assert_eq!(code.code, finding["rule"].as_str().unwrap());
            let rule = launchlint_rules::rules::by_id(&code.code).expect("a rule");
            // The docs page, with every key-shaped value masked like all output.
            let page = launchlint_rules::extract::redact::mask_secrets(&rule.page()).to_string();
            assert_eq!(code.explanation.as_deref(), Some(page.as_str()));
            let level = match finding["severity"].as_str().unwrap() {
                "error" => DiagnosticLevel::Error,
                _ => DiagnosticLevel::Warning,
            };
            assert_eq!(diagnostic.level, level);
            assert_eq!(diagnostic.message, finding["message"].as_str().unwrap());
            let span = primary(message);
            // cargo's paths are relative to the workspace root; the JSON contract's to the
            // repository root, which holds the demo at `fixtures/demo/`.
            let path = finding["path"].as_str().unwrap();
            assert!(path.ends_with(&span.file_name), "{path}");
            assert!(demo.join(&span.file_name).is_file(), "{path}");
            assert_eq!(span.line_start as u64, finding["line"].as_u64().unwrap());
            assert_eq!(
                span.column_start as u64,
                finding["column"].as_u64().unwrap()
            );
            assert_eq!(span.line_end as u64, finding["end_line"].as_u64().unwrap());
            assert_eq!(
                span.column_end as u64,
                finding["end_column"].as_u64().unwrap()
            );
            assert!(span.byte_start <= span.byte_end);
            assert_eq!(span.label.as_deref(), Some(rule.summary));
            let help = &diagnostic.children[0];
            assert_eq!(help.level, DiagnosticLevel::Help);
            assert_eq!(help.message, finding["help"].as_str().unwrap());
            assert!(diagnostic.children[1]
                .message
                .contains(&format!("cargo launchlint explain {}", code.code)));
            let rendered = diagnostic.rendered.as_deref().expect("rendered");
            let flat = |text: &str| {
                text.replace('│', " ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            assert!(
                flat(rendered).contains(&flat(&diagnostic.message)),
                "{rendered}"
            );
            assert!(message.package_id.repr.starts_with("path+file://"));
            // The source lines, when given, are the lines of the span, highlighted there.
            if let Some(first) = span.text.first() {
                assert_eq!(first.highlight_start, span.column_start);
                let file = std::fs::read_to_string(demo.join(&span.file_name)).expect("read");
                let line = file.lines().nth(span.line_start - 1).expect("the line");
                assert_eq!(first.text.chars().count(), line.chars().count());
            }
        }
        // Findings name their package: the server's are the server crate's.
        let webhook = messages
            .iter()
            .find(|m| primary(m).file_name == "server/src/webhooks.rs")
            .expect("a server finding");
        assert!(
            webhook.package_id.repr.ends_with("/server#tidepool-server"),
            "{}",
            webhook.package_id.repr
        );
        assert!(webhook
            .target
            .src_path
            .as_str()
            .ends_with("server/src/main.rs"));
    }
}

#[test]
fn cargo_json_carries_config_labels_as_secondary_spans() {
    let dir = fixture("undeclared-origin/fail_env_allowed_origins_list");
    let output = launchlint(&[".", "--message-format", "json"], &dir);
    let (messages, finished) = cargo_messages(&output);
    assert_eq!(finished, Some(false));
    let origin = messages
        .iter()
        .find(|m| m.message.code.as_ref().unwrap().code == "undeclared-origin")
        .expect("the finding");
    let secondary: Vec<&DiagnosticSpan> = origin
        .message
        .spans
        .iter()
        .filter(|span| !span.is_primary)
        .collect();
    assert_eq!(secondary.len(), 1, "{:?}", origin.message.spans);
    assert_eq!(secondary[0].file_name, "launchlint.toml");
    assert_eq!(secondary[0].line_start, 7);
    assert_eq!(
        secondary[0].label.as_deref(),
        Some("declared origins are here")
    );
    let clean = fixture("undeclared-origin/pass_all_origins_declared");
    let output = launchlint(
        &[
            ".",
            "--message-format",
            "json",
            "-A",
            "missing-launch-alert,incomplete-launch-record",
        ],
        &clean,
    );
    assert_eq!(output.status.code(), Some(0));
    let (messages, finished) = cargo_messages(&output);
    assert!(messages.is_empty());
    assert_eq!(finished, Some(true));
}

#[test]
fn message_format_follows_cargos_json_options() {
    let dir = fixture("unverified-webhook/fail_axum_json_extractor");
    let allow = "missing-launch-alert,incomplete-launch-record";
    let run = |format: &str| launchlint(&[".", "--message-format", format, "-A", allow], &dir);

    let short = run("json-diagnostic-short");
    let (messages, _) = cargo_messages(&short);
    assert!(!messages.is_empty());
    for message in &messages {
        let rendered = message.message.rendered.as_deref().unwrap();
        assert!(rendered.contains("src/main.rs:37:10: error["), "{rendered}");
        assert_eq!(rendered.lines().count(), 1, "{rendered}");
    }
    let ansi = run("json-diagnostic-rendered-ansi");
    let (messages, _) = cargo_messages(&ansi);
    assert!(messages
        .iter()
        .all(|m| m.message.rendered.as_deref().unwrap().contains('\u{1b}')));
    let both = run("json-diagnostic-short,json-diagnostic-rendered-ansi");
    let (messages, _) = cargo_messages(&both);
    assert!(messages.iter().all(|m| {
        let rendered = m.message.rendered.as_deref().unwrap();
        rendered.lines().count() == 1
    }));
    // cargo renders the diagnostics itself and leaves them out of the JSON.
    let rendered = run("json-render-diagnostics");
    let (messages, finished) = cargo_messages(&rendered);
    assert!(messages.is_empty());
    assert_eq!(finished, Some(false));
    assert!(text(&rendered.stderr).contains("unverified-webhook"));
    assert!(text(&rendered.stderr).contains("  × webhook handler"));
    // `human` and `short` are the human and short formats.
    assert_eq!(
        run("short").stdout,
        launchlint(&[".", "--format", "short", "-A", allow], &dir).stdout
    );
    assert_eq!(
        run("human").stdout,
        launchlint(&[".", "--format", "human", "-A", allow], &dir).stdout
    );
    // Both flags at once, or human with JSON, is a usage error.
    for args in [
        &[".", "--format", "json", "--message-format", "json"][..],
        &[".", "--message-format", "human,json"],
        &[".", "--message-format", "xml"],
    ] {
        let output = launchlint(args, &dir);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn output_writes_the_report_to_a_file() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let demo = fixture("demo");
    let target = scratch.path().join("report.json");
    let output = launchlint(
        &[
            ".",
            "--format",
            "json",
            "--output",
            target.to_str().unwrap(),
        ],
        &demo,
    );
    assert_eq!(output.status.code(), Some(1), "the exit code is the gate's");
    assert!(output.stdout.is_empty(), "{}", text(&output.stdout));
    let written = std::fs::read(&target).expect("written");
    assert_eq!(
        written,
        launchlint(&[".", "--format", "json"], &demo).stdout,
        "the same report as on stdout"
    );
    // Human output to a file is not coloured unless asked.
    let human = scratch.path().join("report.txt");
    launchlint(&[".", "-o", human.to_str().unwrap()], &demo);
    let human = std::fs::read_to_string(&human).expect("written");
    assert!(
        !human.contains('\u{1b}') && human.contains("  × "),
        "{human}"
    );
    // A report that cannot be written is a tool error.
    let missing = scratch.path().join("no/such/folder/report.sarif");
    let output = launchlint(
        &[
            ".",
            "--format",
            "sarif",
            "--output",
            missing.to_str().unwrap(),
        ],
        &demo,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("cannot write the report to"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn quiet_prints_the_findings_only() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    copy_dir(&fixture("demo"), root);
    // A file that cannot be parsed makes a note.
    std::fs::write(root.join("server/src/broken.rs"), "fn (").expect("write");
    let loud = launchlint(&[".", "--format", "short"], root);
    assert!(text(&loud.stderr).contains("launchlint: note:"));
    assert!(text(&loud.stdout).contains(" files scanned: "));
    let quiet = launchlint(&[".", "--format", "short", "-q"], root);
    assert_eq!(quiet.status.code(), Some(1));
    assert!(quiet.stderr.is_empty(), "{}", text(&quiet.stderr));
    // The same lines but the summary.
    assert_eq!(
        text(&quiet.stdout).lines().count(),
        text(&loud.stdout).lines().count() - 1
    );
    assert!(!text(&quiet.stdout).contains(" files scanned: "));
    let human = launchlint(&[".", "--quiet", "--color", "never"], root);
    assert!(!text(&human.stdout).contains("launchlint: "));
    assert!(text(&human.stdout).contains("  × "));
    let cargo = launchlint(&[".", "--message-format", "json", "-q"], root);
    assert!(cargo.stderr.is_empty(), "{}", text(&cargo.stderr));
}

#[test]
fn verbose_explains_the_sides_and_the_files_it_reads_differently() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    copy_dir(&fixture("demo"), root);
    let sarif = launchlint(&[".", "--format", "sarif", "-o", "launchlint.sarif"], root);
    assert_eq!(sarif.status.code(), Some(1));
    let output = launchlint(&[".", "--format", "short", "-v"], root);
    let notes = text(&output.stderr);
    assert!(
        notes.contains("launchlint: info: config: launchlint.toml"),
        "{notes}"
    );
    assert!(
        notes.contains("launchlint: info: package `tidepool-web` (web): client: depends on"),
        "{notes}"
    );
    assert!(
        notes.contains("launchlint: info: launchlint.sarif: written by launchlint"),
        "{notes}"
    );
    assert!(notes.contains(" files scanned in "), "{notes}");
    let plain = launchlint(&[".", "--format", "short"], root);
    assert!(!text(&plain.stderr).contains("launchlint: info:"));
}

#[test]
fn rule_flags_take_comma_separated_lists() {
    let demo = fixture("demo");
    let all = json_findings(&demo, &[]);
    let count = |rule: &str| all.iter().filter(|f| f["rule"] == rule).count();
    let silenced = json_findings(&demo, &["-A", "secret-key-in-client,runbook-leak"]);
    assert_eq!(
        silenced.len(),
        all.len() - count("secret-key-in-client") - count("runbook-leak")
    );
    assert!(silenced
        .iter()
        .all(|f| f["rule"] != "secret-key-in-client" && f["rule"] != "runbook-leak"));
    let output = launchlint(
        &[
            ".",
            "-W",
            "secret-key-in-client,secret-key-in-clent",
            "--color",
            "never",
        ],
        &demo,
    );
    assert_eq!(output.status.code(), Some(2));
    let error = text(&output.stderr);
    assert!(
        error.contains("unknown rule `secret-key-in-clent`"),
        "{error}"
    );
    assert!(
        error.contains("did you mean `secret-key-in-client`?"),
        "{error}"
    );
}
