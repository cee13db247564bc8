//! The bundled demo shows the whole launch gate: at least one finding in every area, and
//! after the fixes of `fixtures/demo/FIXES.md` no finding at all and a `readiness` that passes
//! with every `LaunchReadiness` flag true.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

mod support;
use support::{copy_dir, launchlint};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo")
}

/// The rules of each launch-gate area (spec §1).
const AREAS: [(&str, &[&str]); 12] = [
    (
        "Product boundary",
        &["review-only-product", "unsupported-endpoint"],
    ),
    (
        "Credentials",
        &[
            "secret-key-in-client",
            "hardcoded-secret-key",
            "key-mode-mismatch",
        ],
    ),
    (
        "Browser values",
        &[
            "secret-key-in-client",
            "secret-env-in-client",
            "server-call-from-client",
        ],
    ),
    ("Origins", &["undeclared-origin", "insecure-origin"]),
    (
        "Webhooks",
        &[
            "unverified-webhook",
            "webhook-body-parsed-before-verification",
            "timing-unsafe-signature-compare",
            "webhook-timestamp-not-checked",
            "undocumented-webhook-field",
            "unknown-webhook-event",
        ],
    ),
    (
        "Idempotency",
        &[
            "missing-idempotency-key",
            "unstable-idempotency-key",
            "webhook-event-not-deduped",
        ],
    ),
    ("Monitoring", &["missing-launch-alert"]),
    ("Support", &["runbook-leak", "secret-in-log"]),
    ("Availability", &["hardcoded-availability"]),
    ("Fulfilment", &["fulfillment-from-browser-callback"]),
    ("Money", &["float-money-amount"]),
    ("Launch record", &["incomplete-launch-record"]),
];

/// Rewrites the lines of `path` that contain `marker`: `None` removes them.
fn edit_lines(root: &Path, path: &str, marker: &str, replacement: Option<&str>) {
    let path = root.join(path);
    let text = std::fs::read_to_string(&path).expect("demo file");
    assert!(
        text.contains(marker),
        "{} has no `{marker}`",
        path.display()
    );
    let edited: Vec<String> = text
        .lines()
        .filter_map(|line| match (line.contains(marker), replacement) {
            (false, _) => Some(line.to_string()),
            (true, Some(new)) => Some(new.to_string()),
            (true, None) => None,
        })
        .collect();
    std::fs::write(&path, edited.join("\n") + "\n").expect("write");
}

/// Appends `text` to `path`.
fn append(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    let mut all = std::fs::read_to_string(&path).expect("demo file");
    all.push_str(text);
    std::fs::write(&path, all).expect("write");
}

/// The fixes of fixtures/demo/FIXES.md, in its order.
fn apply_fixes(demo: &Path) {
    // Product boundary.
    edit_lines(
        demo,
        "server/src/gate.rs",
        "/checkouts/{session_id}",
        Some("        .get(format!(\"{GATE_API}/gate_sessions/{session_id}\"))"),
    );
    // Credentials and browser values.
    edit_lines(
        demo,
        "server/src/webhooks.rs",
        "const WEBHOOK_SECRET: &str = \"whsec_live_",
        Some("static WEBHOOK_SECRET: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| std::env::var(\"OBIT_WEBHOOK_SECRET\").expect(\"OBIT_WEBHOOK_SECRET is set\"));"),
    );
    edit_lines(
        demo,
        "web/src/checkout.rs",
        "data-key=\"sk_live_",
        Some("                    data-key=PUBLISHABLE_KEY"),
    );
    edit_lines(demo, "web/src/api.rs", "env!(\"OBIT_SECRET_KEY\")", None);
    edit_lines(
        demo,
        "frontend/.env.production",
        "VITE_GATE_SECRET_KEY=",
        None,
    );
    edit_lines(demo, "frontend/src/config.ts", "VITE_GATE_SECRET_KEY", None);
    edit_lines(
        demo,
        "frontend/src/main.ts",
        "\"X-Gate-Key\": config.gateKey",
        Some("    headers: { \"Content-Type\": \"application/json\" },"),
    );
    for stale in [
        "frontend/dist/assets/index-9e4b2d71.js",
        "frontend/dist/assets/index-9e4b2d71.js.map",
    ] {
        std::fs::remove_file(demo.join(stale)).expect("stale build");
    }
    // Origins.
    edit_lines(
        demo,
        "server/src/gate.rs",
        "\"http://tidepool.coffee/basket\"",
        Some("            \"cancel_url\": \"https://tidepool.coffee/basket\","),
    );
    // Webhooks.
    edit_lines(
        demo,
        "server/src/webhooks.rs",
        "mac.finalize().into_bytes()",
        Some("    mac.verify_slice(&expected).is_ok()"),
    );
    // Idempotency.
    edit_lines(
        demo,
        "server/src/gate.rs",
        ".post(format!(\"{GATE_API}/customers\"))",
        Some("        .post(format!(\"{GATE_API}/customers\"))\n        .header(\"Idempotency-Key\", format!(\"customer:{}\", customer.account_id))"),
    );
    // Monitoring.
    append(
        demo,
        "ops/alerts.yml",
        "      - alert: ReconciliationBacklog\n        expr: tidepool_reconciliation_pending_orders > 20\n        for: 30m\n        labels: { severity: ticket }\n        annotations:\n          summary: \"Orders waiting for reconciliation\"\n",
    );
    // Support.
    edit_lines(
        demo,
        "docs/runbook.md",
        "the customer sent us their client secret",
        Some("Last case (order 2291): session `gs_live_7Hq2`, which showed as completed."),
    );
    edit_lines(demo, "docs/runbook.md", "gsec_gs_live_", None);
    edit_lines(
        demo,
        "docs/runbook.md",
        "maria.fernandes@",
        Some("the payments lead on the on-call rota, who handles payment disputes."),
    );
    edit_lines(
        demo,
        "server/src/gate.rs",
        "tracing::debug!(secret_key",
        Some("    tracing::debug!(account = %customer.account_id, \"registering customer\");"),
    );
    // Availability.
    edit_lines(
        demo,
        "web/index.html",
        "available worldwide",
        Some("    <noscript>Tidepool Coffee: small-batch beans from the harbour, shipped across the EU.</noscript>"),
    );
    // Fulfilment.
    edit_lines(
        demo,
        "server/src/gate.rs",
        "mark_paid(&state, &back.order_id)",
        Some("    // Not fulfilled here: the verified webhook marks the order paid."),
    );
    // Money.
    edit_lines(
        demo,
        "server/src/subscriptions.rs",
        "    price: f64,",
        Some("    price: String,"),
    );
    edit_lines(
        demo,
        "server/src/subscriptions.rs",
        "    amount: f64,",
        Some("    amount: String,"),
    );
    // Launch record.
    edit_lines(
        demo,
        "launchlint.toml",
        "compliance-approved = false",
        Some("compliance-approved = true"),
    );
}

/// The rule ids of a `--format json` report.
fn rules_reported(output: &Output) -> BTreeSet<String> {
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_string())
        .collect()
}

#[test]
fn the_demo_has_a_finding_in_every_area_of_the_gate() {
    let reported = rules_reported(&launchlint(&[".", "--format", "json"], &demo()));
    for (area, rules) in AREAS {
        assert!(
            rules.iter().any(|rule| reported.contains(*rule)),
            "no finding of the {area} area in the demo: {reported:?}"
        );
    }
    let readiness = launchlint(&["readiness"], &demo());
    assert_eq!(readiness.status.code(), Some(1));
}

#[test]
fn the_demo_passes_the_gate_once_fixed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let fixed = dir.path().join("demo");
    copy_dir(&demo(), &fixed);
    apply_fixes(&fixed);

    let check = launchlint(&[".", "--format", "short"], &fixed);
    let text = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(0), "{text}");
    // Nothing but the clean line: no finding, nothing suppressed, nothing left unread.
    assert!(
        text.starts_with("no launch-gate findings in ")
            && text.ends_with(" files\n")
            && text.lines().count() == 1,
        "{text}"
    );

    let readiness = launchlint(&["readiness", "--format", "json"], &fixed);
    assert_eq!(
        readiness.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&readiness.stdout)
    );
    let record: serde_json::Value = serde_json::from_slice(&readiness.stdout).expect("JSON record");
    assert_eq!(
        record,
        serde_json::json!({
            "productSurface": "0gate",
            "sandboxEvidenceId": "gs_test_01J9Q3W7ZC5M8V2K4X6R1T0B3N",
            "webhookVerified": true,
            "idempotencyVerified": true,
            "monitoringVerified": true,
            "complianceApproved": true,
        })
    );
}
