//! The launch alerts, joined across alert files and `[monitoring] covers`: which alert of
//! which file watches each of the three signals 0Bit's launch gate asks to be alerted on
//! (session failures, webhook dead letters, reconciliation backlog). Whether a missing one
//! is a finding is `missing-launch-alert`'s decision; `readiness` shows the same join.
//!
//! An alert watches a signal when its name or expression holds the signal's words (after
//! case and separators are dropped: `WebhookDeadLetters`, `webhook_dead_letter_total` and
//! `Dead letters` all hold `deadletter`), or when `covers` names it for the signal.

use crate::extract::alerts::AlertDef;
use crate::extract::file::FileAnalysis;
use crate::project::model::{self, Declared, ProjectModel, Scope};

/// A signal the launch gate asks to be alerted on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Signal {
    SessionFailures,
    WebhookDeadLetters,
    ReconciliationBacklog,
}

impl Signal {
    pub const ALL: [Signal; 3] = [
        Signal::SessionFailures,
        Signal::WebhookDeadLetters,
        Signal::ReconciliationBacklog,
    ];

    /// Its key in `[monitoring] covers`.
    pub fn key(self) -> &'static str {
        match self {
            Signal::SessionFailures => "session-failures",
            Signal::WebhookDeadLetters => "webhook-dead-letters",
            Signal::ReconciliationBacklog => "reconciliation-backlog",
        }
    }

    pub fn from_key(key: &str) -> Option<Signal> {
        Signal::ALL.into_iter().find(|signal| signal.key() == key)
    }

    /// For messages: `session failure`, `webhook dead-letter`, `reconciliation backlog`.
    pub fn noun(self) -> &'static str {
        match self {
            Signal::SessionFailures => "session failure",
            Signal::WebhookDeadLetters => "webhook dead-letter",
            Signal::ReconciliationBacklog => "reconciliation backlog",
        }
    }

    /// Words an alert's name or expression must hold, each group one of its words: all
    /// groups must match.
    fn words(self) -> &'static [&'static [&'static str]] {
        match self {
            Signal::SessionFailures => &[&["session"], &["fail", "error"]],
            Signal::WebhookDeadLetters => &[&["deadletter", "dlq"]],
            Signal::ReconciliationBacklog => &[&["reconcil"], &["backlog", "lag", "pending"]],
        }
    }

    /// Whether `alert`'s name or expression names this signal.
    pub fn watched_by(self, alert: &AlertDef) -> bool {
        [&alert.name, &alert.expr].into_iter().any(|text| {
            let folded: String = text
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            self.words()
                .iter()
                .all(|group| group.iter().any(|word| folded.contains(word)))
        })
    }
}

/// An alert and its file.
#[derive(Clone, Copy)]
pub struct FoundAlert<'a> {
    pub file: &'a FileAnalysis,
    pub alert: &'a AlertDef,
    /// Named for the signal by `[monitoring] covers`, not recognized by its words.
    pub mapped: bool,
}

/// The launch alerts of a project.
#[derive(Default)]
pub struct LaunchAlerts<'a> {
    /// Alert files read: listed in `[monitoring] alerts`, or found in live scope (not test,
    /// example or documentation paths, not named for another environment), in walk order.
    pub files: Vec<&'a FileAnalysis>,
    /// Each signal and the alert that watches it, in [`Signal::ALL`] order.
    pub signals: Vec<(Signal, Option<FoundAlert<'a>>)>,
    /// `covers` entries that name no defined alert.
    pub unknown_covers: Vec<(Signal, &'a Declared)>,
}

impl LaunchAlerts<'_> {
    /// How many alerts the files define.
    pub fn alert_count(&self) -> usize {
        self.files
            .iter()
            .filter_map(|f| f.alerts.as_ref())
            .map(|a| a.alerts.len())
            .sum()
    }
}

pub fn join<'a>(model: &'a ProjectModel, files: &'a [FileAnalysis]) -> LaunchAlerts<'a> {
    let alert_files: Vec<&FileAnalysis> = files
        .iter()
        .filter(|file| {
            file.alerts.as_ref().is_some_and(|alerts| {
                alerts.configured
                    || (file.class.scope == Scope::Live
                        && !model::names_other_environment(&file.path))
            })
        })
        .collect();
    let all = || {
        alert_files.iter().flat_map(|file| {
            file.alerts
                .iter()
                .flat_map(|a| &a.alerts)
                .map(move |alert| FoundAlert {
                    file,
                    alert,
                    mapped: false,
                })
        })
    };
    let covers = model
        .launch
        .monitoring
        .as_ref()
        .map(|m| m.covers.as_slice())
        .unwrap_or_default();
    let mut unknown_covers = Vec::new();
    let signals = Signal::ALL
        .into_iter()
        .map(|signal| {
            let mapped = covers
                .iter()
                .find(|(key, _)| Signal::from_key(key) == Some(signal));
            let found = match mapped {
                Some((_, declared)) => {
                    let found = all().find(|found| found.alert.name == declared.value);
                    if found.is_none() {
                        unknown_covers.push((signal, declared));
                    }
                    found.map(|found| FoundAlert {
                        mapped: true,
                        ..found
                    })
                }
                None => all().find(|found| signal.watched_by(found.alert)),
            };
            (signal, found)
        })
        .collect();
    LaunchAlerts {
        files: alert_files,
        signals,
        unknown_covers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(name: &str, expr: &str) -> AlertDef {
        AlertDef {
            name: name.into(),
            expr: expr.into(),
            labels: Vec::new(),
            annotations: Vec::new(),
            span: 0..0,
        }
    }

    #[test]
    fn signals_by_name_or_expression() {
        use Signal::*;
        for (signal, name, expr) in [
            (SessionFailures, "GateSessionFailures", "x > 1"),
            (
                SessionFailures,
                "CheckoutBroken",
                "rate(gate_session_create_errors_total[5m]) > 0",
            ),
            (WebhookDeadLetters, "WebhookDeadLetters", "x"),
            (WebhookDeadLetters, "Dead letters", "x"),
            (
                WebhookDeadLetters,
                "Deliveries",
                "max(obit_webhook_dlq_depth) > 0",
            ),
            (ReconciliationBacklog, "ReconciliationBacklog", "x"),
            (
                ReconciliationBacklog,
                "Orders waiting",
                "shop_reconcile_pending_orders > 20",
            ),
        ] {
            assert!(signal.watched_by(&alert(name, expr)), "{name} {expr}");
        }
        for (signal, name, expr) in [
            (SessionFailures, "SessionsHigh", "active_sessions > 1000"),
            (
                SessionFailures,
                "ErrorsHigh",
                "rate(http_errors_total[5m]) > 1",
            ),
            (
                WebhookDeadLetters,
                "WebhookLatency",
                "histogram_quantile(0.9, webhook_seconds)",
            ),
            (
                ReconciliationBacklog,
                "ReconcileRunFailed",
                "reconcile_failures_total > 0",
            ),
            (ReconciliationBacklog, "QueueLag", "queue_lag_seconds > 60"),
        ] {
            assert!(!signal.watched_by(&alert(name, expr)), "{name} {expr}");
        }
    }
}
