//! `cargo launchlint readiness`: the launch gate as a table, the `LaunchReadiness` record as
//! JSON with exactly its six keys, and exit codes (0 only when every area passes, 1 when one
//! fails, 2 when the gate cannot run).

use std::path::Path;
use std::process::{Command, Output};

const MANIFEST: &str = r#"[package]
name = "shop"
version = "0.1.0"
edition = "2021"

[dependencies]
axum = "0.7"
reqwest = "0.12"
hmac = "0.12"
sha2 = "0.10"

[workspace]
"#;

/// A webhook handler that verifies `Gate-Signature` and a session create with a key.
const MAIN_RS: &str = r#"use axum::{body::Bytes, http::{HeaderMap, StatusCode}, routing::post, Router};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const GATE_API: &str = "https://gate-api.0bit.app/v1";

fn verify_signature(secret: &[u8], header: &str, body: &[u8]) -> Result<(), ()> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| ())?;
    mac.update(body);
    let signature = hex::decode(header).map_err(|_| ())?;
    mac.verify_slice(&signature).map_err(|_| ())
}

async fn receive(headers: HeaderMap, body: Bytes) -> StatusCode {
    let secret = std::env::var("OBIT_WEBHOOK_SECRET").unwrap_or_default();
    let Some(signature) = headers.get("Gate-Signature").and_then(|v| v.to_str().ok()) else {
        return StatusCode::BAD_REQUEST;
    };
    if verify_signature(secret.as_bytes(), signature, &body).is_err() {
        return StatusCode::BAD_REQUEST;
    }
    StatusCode::OK
}

async fn create_session(client: &reqwest::Client, order_id: &str) -> reqwest::Result<()> {
    client
        .post(format!("{GATE_API}/gate_sessions"))
        .header("Idempotency-Key", format!("order-{order_id}"))
        .body("{}")
        .send()
        .await?;
    Ok(())
}

fn main() {
    let _app: Router = Router::new().route("/webhooks/0bit", post(receive));
}
"#;

const ALERTS: &str = r#"groups:
  - name: payments
    rules:
      - alert: GateSessionFailures
        expr: rate(gate_session_errors_total[5m]) > 0
      - alert: WebhookDeadLetters
        expr: webhook_dead_letters > 0
      - alert: ReconciliationBacklog
        expr: reconciliation_pending > 20
"#;

const RECORD: &str = "[launch]\nproduct-surface = \"0gate\"\nsandbox-evidence-id = \"gs_test_01J9Q3W7ZC5M\"\ncompliance-approved = true\n";

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

fn ready() -> Vec<(&'static str, &'static str)> {
    vec![
        ("Cargo.toml", MANIFEST),
        ("src/main.rs", MAIN_RS),
        ("monitoring/alerts.yml", ALERTS),
        ("launchlint.toml", RECORD),
    ]
}

fn readiness(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-launchlint"))
        .arg("readiness")
        .arg(dir)
        .args(args)
        .env_remove("CARGO_TERM_COLOR")
        .output()
        .expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn record(output: &Output) -> serde_json::Map<String, serde_json::Value> {
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    value.as_object().expect("an object").clone()
}

#[test]
fn a_ready_project_passes_every_area_with_its_evidence() {
    let dir = project(&ready());
    let output = readiness(dir.path(), &[]);
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{table}");
    assert!(table.contains("webhook handler `receive` on `/webhooks/0bit` (src/main.rs:14) verifies `Gate-Signature` in `verify_signature`"), "{table}");
    assert!(
        table.contains("3 of 3 launch alerts in `monitoring/alerts.yml`"),
        "{table}"
    );
    assert!(table.contains("`POST /v1/gate_sessions` (`createSession`) (src/main.rs:27) sends an `Idempotency-Key`"), "{table}");
    assert!(
        table.contains("launchlint: readiness: all 12 areas pass"),
        "{table}"
    );
    assert!(!table.contains("no 0Bit evidence"), "{table}");
    for line in table.lines().filter(|l| l.starts_with(char::is_uppercase)) {
        assert!(!line.contains("FAIL"), "{line}");
    }
}

#[test]
fn json_is_exactly_the_launch_readiness_record() {
    let dir = project(&ready());
    let output = readiness(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let record = record(&output);
    let keys: Vec<&str> = record.keys().map(String::as_str).collect();
    let mut expected = [
        "productSurface",
        "sandboxEvidenceId",
        "webhookVerified",
        "idempotencyVerified",
        "monitoringVerified",
        "complianceApproved",
    ];
    expected.sort();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(sorted, expected);
    assert_eq!(record["productSurface"], "0gate");
    assert_eq!(record["sandboxEvidenceId"], "gs_test_01J9Q3W7ZC5M");
    for flag in [
        "webhookVerified",
        "idempotencyVerified",
        "monitoringVerified",
        "complianceApproved",
    ] {
        assert_eq!(record[flag], true, "{flag}");
    }
}

#[test]
fn an_area_without_evidence_fails_saying_what_was_looked_for() {
    // No webhook handler, no launch alerts, no launch record.
    let main = MAIN_RS.replace(".route(\"/webhooks/0bit\", post(receive))", "");
    let main = main.replace(
        "headers.get(\"Gate-Signature\")",
        "headers.get(\"X-Request-Id\")",
    );
    let dir = project(&[("Cargo.toml", MANIFEST), ("src/main.rs", &main)]);
    let output = readiness(dir.path(), &[]);
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{table}");
    for (area, why) in [
        ("Webhooks", "no 0Bit webhook handler found: looked for"),
        ("Monitoring", "no alert definitions found: looked for"),
        ("Launch record", "no launch record: looked for"),
    ] {
        let line = table.lines().find(|l| l.starts_with(area)).expect(area);
        assert!(line.contains("FAIL") && line.contains(why), "{line}");
    }
    let output = readiness(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let record = record(&output);
    assert_eq!(record["productSurface"], serde_json::Value::Null);
    assert_eq!(record["sandboxEvidenceId"], serde_json::Value::Null);
    assert_eq!(record["webhookVerified"], false);
    assert_eq!(record["monitoringVerified"], false);
    assert_eq!(record["complianceApproved"], false);
    assert_eq!(record["idempotencyVerified"], true);
}

#[test]
fn blocking_findings_fail_their_area_and_the_record_flag() {
    let mut files = ready();
    let unverified = MAIN_RS.replace(
        "if verify_signature(secret.as_bytes(), signature, &body).is_err() {",
        "if signature.is_empty() || secret.is_empty() {",
    );
    files[1] = ("src/main.rs", &unverified);
    let missing_alert = ALERTS
        .replace("WebhookDeadLetters", "WebhookLatency")
        .replace("webhook_dead_letters", "webhook_seconds");
    files[2] = ("monitoring/alerts.yml", &missing_alert);
    let dir = project(&files);
    let output = readiness(dir.path(), &[]);
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{table}");
    assert!(table.contains("does not verify the signature"), "{table}");
    assert!(
        table.contains("blocking: src/main.rs:14:10: unverified-webhook:"),
        "{table}"
    );
    assert!(
        table.contains("2 of 3 launch alerts in `monitoring/alerts.yml`"),
        "{table}"
    );
    assert!(
        table.contains("missing launch alerts: webhook dead-letter"),
        "{table}"
    );
    let record = record(&readiness(dir.path(), &["--format", "json"]));
    assert_eq!(record["webhookVerified"], false);
    assert_eq!(record["monitoringVerified"], false);
    assert_eq!(record["idempotencyVerified"], true);
}

#[test]
fn the_demo_shows_what_blocks_its_launch() {
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo");
    let output = readiness(&demo, &[]);
    let table = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{table}");
    let credentials = table
        .lines()
        .find(|l| l.starts_with("Credentials"))
        .expect("row");
    assert!(credentials.contains("FAIL"), "{table}");
    // Blocking findings show credentials masked, as every format does.
    assert!(table.contains("`sk_live_…"), "{table}");
}

#[test]
fn a_project_without_0bit_says_so_and_fails() {
    let dir = project(&[("Cargo.toml", MANIFEST), ("src/main.rs", "fn main() {}\n")]);
    let output = readiness(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("no 0Bit evidence found"));
}

#[test]
fn a_gate_that_cannot_run_exits_2() {
    let dir = project(&[("launchlint.toml", "[lanch]\n")]);
    assert_eq!(readiness(dir.path(), &[]).status.code(), Some(2));
    let missing = dir.path().join("nowhere");
    assert_eq!(
        readiness(&missing, &["--format", "json"]).status.code(),
        Some(2)
    );
}
