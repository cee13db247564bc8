//! `cargo launchlint init`: the config it writes holds what the scan found, loads as a
//! valid config, and never replaces one without `--force`.

mod support;
use support::launchlint;

/// A 0Gate merchant: a session with a public and a local return URL, a CORS origin whose
/// text would break out of a TOML string if written raw, alerts and a runbook.
fn merchant() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let files: [(&str, &str); 4] = [
        (
            "Cargo.toml",
            "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.7\"\n\n[workspace]\n",
        ),
        (
            "src/main.rs",
            r#"const GATE_API: &str = "https://gate-api.0bit.app/v1";
async fn checkout(http: &reqwest::Client, order: &str) {
    let body = serde_json::json!({
        "return_url": "https://shop.example.com/orders/return",
        "cancel_url": "http://localhost:3000/basket",
    });
    http.post(format!("{GATE_API}/gate_sessions"))
        .header("Idempotency-Key", format!("order:{order}"))
        .json(&body)
        .send()
        .await;
}
fn cors() -> CorsLayer {
    CorsLayer::new().allow_origin("https://admin.example.com\"]\n[rules]\nx = \"".parse::<HeaderValue>().unwrap())
}
"#,
        ),
        (
            "monitoring/alerts.yml",
            "groups:\n  - name: payments\n    rules:\n      - alert: GateSessionFailures\n        expr: rate(gate_session_errors_total[5m]) > 0\n",
        ),
        (
            "docs/runbook.md",
            "# Refunds\n\nLook the session up by its id in Partner Hub.\n",
        ),
    ];
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    dir
}

#[test]
fn init_writes_what_the_scan_found_as_a_valid_config() {
    let dir = merchant();
    let out = launchlint(&["init"], dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(dir.path().join("launchlint.toml")).expect("written");
    assert!(
        written.contains("    \"https://shop.example.com\",  # src/main.rs:4"),
        "{written}"
    );
    assert!(
        written.contains("# not added, not fit for live traffic: http://localhost:3000"),
        "{written}"
    );
    assert!(
        written.contains("alerts = [\"monitoring/alerts.yml\"]"),
        "{written}"
    );
    assert!(
        written.contains("runbooks = [\"docs/runbook.md\"]"),
        "{written}"
    );
    assert!(
        written.contains("# product-surface = \"0gate\""),
        "{written}"
    );
    // The project's text is quoted: the odd origin stays one string, and the file loads.
    let config: toml::Table = written.parse().expect("valid TOML");
    assert!(config.get("rules").is_none(), "{written}");
    let check = launchlint(&["--format", "short"], dir.path());
    assert_ne!(
        check.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // The launch record is left to fill in, and readiness says so.
    let readiness = launchlint(&["readiness"], dir.path());
    assert_eq!(readiness.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&readiness.stdout).contains("Launch record     FAIL"));
}

#[test]
fn init_never_replaces_a_config_without_force() {
    let dir = merchant();
    let config = dir.path().join("launchlint.toml");
    std::fs::write(
        &config,
        "[origins]\nallowed = [\"https://shop.example.com\"]\n",
    )
    .expect("write");
    let out = launchlint(&["init"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert!(std::fs::read_to_string(&config)
        .expect("kept")
        .starts_with("[origins]"));
    let forced = launchlint(&["init", "--force"], dir.path());
    assert_eq!(forced.status.code(), Some(0));
    assert!(std::fs::read_to_string(&config)
        .expect("replaced")
        .starts_with("# launchlint.toml"));
}
