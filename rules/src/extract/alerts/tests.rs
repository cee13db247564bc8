use super::*;

const PROMETHEUS: &str = "# alerts for the shop\ngroups:\n  - name: payments\n    rules:\n      - record: job:errors:rate5m\n        expr: rate(errors[5m])\n      - alert: GateSessionFailures\n        expr: rate(gate_session_create_errors_total[5m]) > 0.1\n        labels: { severity: page }\n        annotations:\n          summary: sessions fail\n";

fn names(file: &AlertFile) -> Vec<&str> {
    file.alerts.iter().map(|a| a.name.as_str()).collect()
}

#[test]
fn which_files_are_read() {
    assert_eq!(why("monitoring/rules.yml", "", false), Some(Why::Named));
    assert_eq!(why("ops/alerts.yaml", "", false), Some(Why::Named));
    assert_eq!(why("ops/payments.rules.yml", "", false), Some(Why::Named));
    assert_eq!(why("ops/prom.yml", PROMETHEUS, false), Some(Why::Looks));
    assert_eq!(why("ops/thing.txt", "", true), Some(Why::Configured));
    assert_eq!(why("deploy/values.yml", "replicas: 2\n", false), None);
    assert_eq!(why("src/monitoring/mod.rs", "", false), None);
    assert_eq!(
        why("dd/checkout.json", "{\"type\": \"metric alert\"}", false),
        Some(Why::Looks)
    );
    assert_eq!(why("package.json", "{\"name\": \"shop\"}", false), None);
}

#[test]
fn prometheus_alerting_rules_and_their_parts() {
    let file = read("monitoring/alerts.yml", PROMETHEUS, Why::Named)
        .unwrap()
        .unwrap();
    assert_eq!(file.format, Some(AlertFormat::Prometheus));
    assert_eq!(names(&file), ["GateSessionFailures"]);
    let alert = &file.alerts[0];
    assert!(alert.expr.contains("gate_session_create_errors_total"));
    assert_eq!(alert.labels, [("severity".to_string(), "page".to_string())]);
    assert_eq!(
        &PROMETHEUS[alert.span.clone()],
        "- alert: GateSessionFailures"
    );
    assert_eq!(&PROMETHEUS[file.anchor.clone()], "groups:");
}

#[test]
fn prometheus_rule_resource_and_grafana_provisioning() {
    let crd = "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nspec:\n  groups:\n    - name: a\n      rules:\n        - alert: WebhookDLQ\n          expr: dlq_depth > 0\n";
    let file = read("k8s/rules.yaml", crd, Why::Looks).unwrap().unwrap();
    assert_eq!(names(&file), ["WebhookDLQ"]);
    let grafana = "apiVersion: 1\ngroups:\n  - orgId: 1\n    name: payments\n    folder: shop\n    rules:\n      - uid: a1\n        title: Reconciliation lag\n        condition: C\n        data:\n          - refId: A\n            model:\n              expr: shop_reconcile_pending_total > 10\n";
    let file = read("grafana/alerting/rules.yml", grafana, Why::Looks)
        .unwrap()
        .unwrap();
    assert_eq!(file.format, Some(AlertFormat::Grafana));
    assert_eq!(names(&file), ["Reconciliation lag"]);
    assert!(file.alerts[0].expr.contains("shop_reconcile_pending_total"));
}

#[test]
fn grafana_and_datadog_json() {
    let grafana = r#"{"apiVersion": 1, "groups": [{"name": "p", "rules": [{"title": "Session failures", "condition": "B", "data": [{"refId": "A", "model": {"expr": "rate(x[5m])"}}]}]}]}"#;
    let file = read("grafana/alerts.json", grafana, Why::Named)
        .unwrap()
        .unwrap();
    assert_eq!(file.format, Some(AlertFormat::Grafana));
    assert_eq!(names(&file), ["Session failures"]);
    let panel = r#"{"dashboard": {"panels": [{"type": "row", "panels": [{"title": "dlq", "targets": [{"expr": "webhook_dead_letter_total"}], "alert": {"name": "Dead letters", "conditions": []}}]}]}}"#;
    let file = read("monitoring/dash.json", panel, Why::Named)
        .unwrap()
        .unwrap();
    assert_eq!(names(&file), ["Dead letters"]);
    assert!(file.alerts[0].expr.contains("webhook_dead_letter_total"));
    let datadog = r#"[{"name": "Checkout sessions failing", "type": "metric alert", "query": "sum(last_5m):sum:gate.session.errors{*} > 5", "tags": ["team:pay"], "message": "@pagerduty"}]"#;
    let file = read("datadog/monitors.json", datadog, Why::Looks)
        .unwrap()
        .unwrap();
    assert_eq!(file.format, Some(AlertFormat::Datadog));
    assert_eq!(
        file.alerts[0].labels,
        [("team".to_string(), "pay".to_string())]
    );
}

#[test]
fn unreadable_named_files_are_errors_and_look_alikes_are_skipped() {
    let bad = "groups:\n  - name: a\n   rules: [\n";
    let error = read("monitoring/alerts.yml", bad, Why::Named).unwrap_err();
    assert!(
        error.starts_with("could not parse as YAML (line"),
        "{error}"
    );
    assert_eq!(read("ops/prom.yml", bad, Why::Looks), Ok(None));
    // YAML that parses but holds no alert shape.
    assert_eq!(
        read("monitoring/compose.yml", "services: {}\n", Why::Named),
        Ok(None)
    );
    // A listed file is inspected even when it holds no alert.
    let listed = read("ops/alerts.yml", "groups: []\n", Why::Configured)
        .unwrap()
        .unwrap();
    assert!(listed.alerts.is_empty());
    let huge = "a: b\n".repeat(MAX_ALERT_BYTES / 4);
    assert!(read("monitoring/alerts.yml", &huge, Why::Named).is_err());
}
