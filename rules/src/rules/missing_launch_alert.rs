use super::declare_rule;
use crate::extract::file::FileAnalysis;
use crate::ground::finding::Draft;
use crate::link::alerts::Signal;
use crate::link::facts::Facts;
use crate::project::model::Environment;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds launch alerts missing from a 0Bit project's alert definitions. 0Bit's launch
    /// gate asks for three: session failures, webhook dead letters and reconciliation
    /// backlog. Alert definitions are the files `[monitoring] alerts` lists, or those found:
    /// Prometheus rule files (`groups[].rules[]` with `alert` and `expr`, also in a
    /// `PrometheusRule`), `alerts*.yml`, and YAML or JSON under `monitoring/` or `alerts/`,
    /// including Grafana alert rules and Datadog monitors. An alert covers a signal when its
    /// name or expression holds the signal's words (`session` and `fail`/`error`;
    /// `dead_letter`/`deadletter`/`dlq`; `reconcil` and `backlog`/`lag`/`pending`, in any
    /// case and with any separators), or when `[monitoring] covers` names it for the
    /// signal. One finding per missing alert, at the first alert file (or at `[monitoring]`
    /// when it lists no readable file, or at line 1 of the root `Cargo.toml` when no alert
    /// definitions were found at all). A `covers` entry naming an alert that no file defines
    /// is reported at that entry instead. Only in a project that integrates 0Bit; an error
    /// in a live launch, a warning in sandbox.
    ///
    /// ## Why is this bad?
    /// A live integration fails quietly: sessions that cannot be created, webhook deliveries
    /// that 0Bit gave up on, payments never matched to orders. Without these alerts the first
    /// to notice is a customer, or the month-end books.
    ///
    /// ## Example
    /// ```yaml
    /// # monitoring/alerts.yml (runbooks: https://0bit.io/docs/monitoring)
    /// groups:
    ///   - name: payments
    ///     rules:
    ///       - alert: GateSessionFailures
    ///         expr: rate(shop_gate_session_errors_total[5m]) > 0.1
    ///       - alert: ReconciliationBacklog
    ///         expr: shop_reconciliation_pending_orders > 20
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// # monitoring/alerts.yml (runbooks: https://0bit.io/docs/monitoring)
    /// groups:
    ///   - name: payments
    ///     rules:
    ///       - alert: GateSessionFailures
    ///         expr: rate(shop_gate_session_errors_total[5m]) > 0.1
    ///       - alert: WebhookDeadLetters
    ///         expr: max(shop_obit_webhook_dead_letters) > 0
    ///       - alert: ReconciliationBacklog
    ///         expr: shop_reconciliation_pending_orders > 20
    /// ```
    ///
    /// ## Configuration
    /// `[monitoring] alerts = ["ops/alerts.yml"]` names the alert files (paths or globs);
    /// `covers = { webhook-dead-letters = "PaymentsDLQ" }` maps a signal
    /// (`session-failures`, `webhook-dead-letters`, `reconciliation-backlog`) to an alert
    /// whose name or expression does not say it.
    pub static MISSING_LAUNCH_ALERT = {
        id: "missing-launch-alert",
        default: Deny,
        area: "Monitoring",
        live_only: false,
        summary: "alert definitions without one of the three launch alerts",
        precision: Medium,
        check: Facts(check),
    }
}

/// What to alert on, per signal, for help texts.
fn watch(signal: Signal) -> &'static str {
    match signal {
        Signal::SessionFailures => "failed session creation (`session` and `fail` or `error` in the alert's name or expression)",
        Signal::WebhookDeadLetters => "webhook deliveries that ended in your dead-letter queue (`dead_letter`, `deadletter` or `dlq` in its name or expression)",
        Signal::ReconciliationBacklog => "orders not yet reconciled with 0Bit (`reconcil` and `backlog`, `lag` or `pending` in its name or expression)",
    }
}

fn help(signal: Signal) -> String {
    format!(
        "add an alert on {}, or map an existing one with `[monitoring] covers = {{ {} = \"AlertName\" }}`; 0Bit's launch gate requires alerts for session failures, webhook dead letters and reconciliation backlog",
        watch(signal),
        signal.key()
    )
}

/// `in `monitoring/alerts.yml``, `in `a.yml` or 2 other alert files`.
fn where_inspected(first: &FileAnalysis, files: usize) -> String {
    match files {
        0 | 1 => format!("in `{}`", first.path),
        2 => format!("in `{}` or 1 other alert file", first.path),
        n => format!("in `{}` or {} other alert files", first.path, n - 1),
    }
}

fn check(facts: &Facts, cx: &mut Context) {
    if !facts.integrates_0bit() {
        return;
    }
    let sandbox = facts.model.environment != Environment::Live;
    let alerts = &facts.alerts;
    let launch = &facts.model.launch;
    let report = |draft: Option<Draft<'_>>, cx: &mut Context| {
        if let Some(mut draft) = draft {
            draft.at_most_warning = sandbox;
            cx.report(&MISSING_LAUNCH_ALERT, draft);
        }
    };
    for (signal, declared) in &alerts.unknown_covers {
        let message = format!(
            "`[monitoring] covers` maps `{}` to `{}`, but no alert definition has that name",
            signal.key(),
            declared.value
        );
        let defined: Vec<String> = alerts
            .files
            .iter()
            .filter_map(|f| f.alerts.as_deref())
            .flat_map(|a| &a.alerts)
            .take(5)
            .map(|a| format!("`{}`", a.name))
            .collect();
        let help = match defined.is_empty() {
            true => "name an alert that one of your alert files defines, or remove the entry so the alert is recognized by its name or expression".to_string(),
            false => format!("name one of the defined alerts ({}), or remove the entry so the alert is recognized by its name or expression", defined.join(", ")),
        };
        let draft = launch.draft(
            declared.span.clone(),
            message,
            help,
            format!("{}={}", signal.key(), declared.value),
        );
        report(draft, cx);
    }
    let unknown = |signal: &Signal| alerts.unknown_covers.iter().any(|(s, _)| s == signal);
    let missing: Vec<Signal> = alerts
        .signals
        .iter()
        .filter(|(signal, found)| found.is_none() && !unknown(signal))
        .map(|(signal, _)| *signal)
        .collect();
    for signal in missing {
        let help = help(signal);
        let evidence = signal.key().to_string();
        let draft = if let Some(first) = alerts.files.first() {
            let file = first.alerts.as_ref().expect("alert files have alerts");
            let message = match &file.unreadable {
                Some(_) => format!(
                    "no {} alert could be read: `{}` does not parse",
                    signal.noun(),
                    first.path
                ),
                None => format!(
                    "no {} alert {}",
                    signal.noun(),
                    where_inspected(first, alerts.files.len())
                ),
            };
            Some(first.draft(file.anchor.clone(), message, help, evidence))
        } else if let Some(monitoring) = &launch.monitoring {
            let message = format!(
                "no {} alert: `[monitoring]` names no alert definitions that were found",
                signal.noun()
            );
            launch.draft(monitoring.span.clone(), message, help, evidence)
        } else {
            let message = format!(
                "no {} alert: no alert definitions were found",
                signal.noun()
            );
            let help = format!("{help}; list your alert files with `[monitoring] alerts`");
            facts
                .root_manifest()
                .map(|(file, span)| file.draft(span, message, help, evidence))
        };
        report(draft, cx);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::model::{Declared, Monitoring};
    use crate::rules::test_support::{check, check_in, lines, model};

    const HOST: (&str, &str) = (
        "server/src/gate.rs",
        "pub const GATE_API: &str = \"https://gate-api.0bit.app/v1\";\n",
    );
    const ALL_THREE: &str = "groups:\n  - name: payments\n    rules:\n      - alert: GateSessionFailures\n        expr: rate(gate_session_errors_total[5m]) > 0\n      - alert: WebhookDeadLetters\n        expr: obit_dead_letters > 0\n      - alert: ReconciliationBacklog\n        expr: reconcile_pending > 20\n";

    fn messages(files: &[(&str, &str)]) -> Vec<String> {
        check(&MISSING_LAUNCH_ALERT, files)
            .into_iter()
            .map(|f| format!("{}:{} {}", f.path, f.start.line, f.message))
            .collect()
    }

    #[test]
    fn a_rules_file_without_a_dead_letter_alert_gets_one_finding() {
        let without = ALL_THREE
            .replace("WebhookDeadLetters", "WebhookLatency")
            .replace("obit_dead_letters", "webhook_seconds");
        assert_eq!(
            messages(&[HOST, ("monitoring/alerts.yml", &without)]),
            ["monitoring/alerts.yml:1 no webhook dead-letter alert in `monitoring/alerts.yml`"]
        );
        assert!(messages(&[HOST, ("monitoring/alerts.yml", ALL_THREE)]).is_empty());
    }

    #[test]
    fn no_alert_definitions_at_all_is_three_findings_at_the_root_manifest() {
        let found = messages(&[
            HOST,
            ("Cargo.toml", "[workspace]\nmembers = [\"server\"]\n"),
        ]);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(
            found.iter().all(|f| f.starts_with("Cargo.toml:1 no ")),
            "{found:?}"
        );
    }

    #[test]
    fn quiet_without_0bit_and_for_alerts_in_tests_only_counting_live_files() {
        let without =
            "groups:\n  - name: a\n    rules:\n      - alert: HighLatency\n        expr: x > 1\n";
        assert!(messages(&[("monitoring/alerts.yml", without)]).is_empty());
        // Alerts in test paths do not count: the live file still lacks them.
        let found = messages(&[
            HOST,
            ("monitoring/alerts.yml", without),
            ("tests/fixtures/alerts.yml", ALL_THREE),
        ]);
        assert_eq!(found.len(), 3, "{found:?}");
    }

    #[test]
    fn covers_maps_signals_and_an_unknown_name_is_reported_at_its_entry() {
        let config = "[monitoring]\ncovers = { webhook-dead-letters = \"Nope\" }\n";
        let start = config.find("\"Nope\"").unwrap();
        let model = model(|m| {
            m.launch.path = Some("launchlint.toml".into());
            m.launch.lines = crate::ground::source::LineIndex::new(config);
            m.launch.declares_launch = true;
            m.launch.monitoring = Some(Monitoring {
                span: 0..12,
                alerts: Vec::new(),
                covers: vec![(
                    "webhook-dead-letters".into(),
                    Declared {
                        value: "Nope".into(),
                        span: start..start + 6,
                    },
                )],
            });
        });
        let findings = check_in(
            model,
            &MISSING_LAUNCH_ALERT,
            &[("monitoring/alerts.yml", ALL_THREE)],
        );
        assert_eq!(lines(&findings), ["launchlint.toml:2"]);
        assert!(findings[0]
            .message
            .contains("no alert definition has that name"));
    }
}
