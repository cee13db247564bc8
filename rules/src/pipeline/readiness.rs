//! The launch gate of spec §1, area by area, from one check's findings and evidence: which
//! areas pass, the error-level findings that block each, and what was found. Rules reach an
//! area through their declaration (`area`), so an area starts being checked as soon as a
//! rule of it is registered. Four areas also need evidence, and fail without it, saying what
//! was looked for: Webhooks (a 0Bit webhook handler), Idempotency (a 0Bit write call),
//! Monitoring (the three launch alerts) and Launch record (a complete `[launch]`).

use crate::ground::finding::{Finding, Severity};
use crate::link::launch::LaunchEvidence;
use crate::pipeline::Outcome;
use crate::project::model::LaunchConfig;
use crate::rules;

/// What an area needs beyond the absence of errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Needs {
    Nothing,
    WebhookHandler,
    WriteCall,
    LaunchAlerts,
    LaunchRecord,
}

/// The areas of the launch gate, in the order of spec §1.
const AREAS: [(&str, Needs); 12] = [
    ("Product boundary", Needs::Nothing),
    ("Credentials", Needs::Nothing),
    ("Browser values", Needs::Nothing),
    ("Origins", Needs::Nothing),
    ("Webhooks", Needs::WebhookHandler),
    ("Idempotency", Needs::WriteCall),
    ("Monitoring", Needs::LaunchAlerts),
    ("Support", Needs::Nothing),
    ("Availability", Needs::Nothing),
    ("Fulfilment", Needs::Nothing),
    ("Money", Needs::Nothing),
    ("Launch record", Needs::LaunchRecord),
];

/// One area of the gate.
#[derive(Clone, Debug)]
pub struct Area {
    pub name: &'static str,
    /// The registered rules of this area.
    pub rules: Vec<&'static str>,
    pub passed: bool,
    /// False when no rule of the area is registered in this build and it needs no evidence:
    /// nothing was checked (it does not block).
    pub checked: bool,
    /// The error-level findings of the area's rules.
    pub blocking: Vec<Finding>,
    /// What was found, one line each.
    pub evidence: Vec<String>,
    /// What the area needed and was not found.
    pub missing: Option<String>,
}

/// The `LaunchReadiness` record of spec §1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LaunchReadiness {
    /// `[launch] product-surface`; `None` when absent.
    pub product_surface: Option<String>,
    /// `[launch] sandbox-evidence-id`; `None` when absent.
    pub sandbox_evidence_id: Option<String>,
    pub webhook_verified: bool,
    pub idempotency_verified: bool,
    pub monitoring_verified: bool,
    /// `[launch] compliance-approved`; false when absent.
    pub compliance_approved: bool,
}

#[derive(Clone, Debug)]
pub struct Readiness {
    pub areas: Vec<Area>,
    pub record: LaunchReadiness,
    /// Some file shows 0Bit evidence.
    pub integrates_0bit: bool,
}

impl Readiness {
    /// Every area passes.
    pub fn passed(&self) -> bool {
        self.areas.iter().all(|area| area.passed)
    }
}

/// The gate, from a check's outcome and the launch config.
pub fn assess(launch: &LaunchConfig, outcome: &Outcome) -> Readiness {
    let evidence = &outcome.evidence;
    let areas: Vec<Area> = AREAS
        .iter()
        .map(|(name, needs)| area(name, *needs, launch, evidence, &outcome.findings))
        .collect();
    let passed = |name: &str| areas.iter().any(|a| a.name == name && a.passed);
    let record = launch.record.as_ref();
    let record = LaunchReadiness {
        product_surface: record
            .and_then(|r| r.product_surface.as_ref())
            .map(|d| d.value.clone()),
        sandbox_evidence_id: record
            .and_then(|r| r.sandbox_evidence_id.as_ref())
            .map(|d| d.value.clone()),
        webhook_verified: passed("Webhooks"),
        idempotency_verified: passed("Idempotency"),
        monitoring_verified: passed("Monitoring"),
        compliance_approved: record
            .and_then(|r| r.compliance_approved.as_ref())
            .is_some_and(|d| d.value == "true"),
    };
    Readiness {
        areas,
        record,
        integrates_0bit: evidence.integrates_0bit,
    }
}

fn area(
    name: &'static str,
    needs: Needs,
    launch: &LaunchConfig,
    evidence: &LaunchEvidence,
    findings: &[Finding],
) -> Area {
    let rules: Vec<&'static str> = rules::ALL
        .iter()
        .filter(|rule| rule.area == name)
        .map(|rule| rule.id)
        .collect();
    let blocking: Vec<Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error && rules.contains(&f.rule))
        .cloned()
        .collect();
    let (found, missing) = match needs {
        Needs::Nothing => (Vec::new(), None),
        Needs::WebhookHandler => webhooks(evidence),
        Needs::WriteCall => writes(evidence),
        Needs::LaunchAlerts => alerts(evidence),
        Needs::LaunchRecord => record(launch),
    };
    let checked = !rules.is_empty() || needs != Needs::Nothing;
    let mut lines = found;
    if lines.is_empty() && missing.is_none() && blocking.is_empty() {
        lines.push(match rules.as_slice() {
            [] => "no rule of this area is available in this build yet".to_string(),
            ids => format!(
                "no error from {}",
                ids.iter()
                    .map(|id| format!("`{id}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    Area {
        name,
        passed: blocking.is_empty() && missing.is_none(),
        rules,
        checked,
        blocking,
        evidence: lines,
        missing,
    }
}

fn webhooks(evidence: &LaunchEvidence) -> (Vec<String>, Option<String>) {
    let lines: Vec<String> = evidence
        .handlers
        .iter()
        .map(|h| {
            let route = h
                .route
                .as_ref()
                .map(|r| format!(" on `{r}`"))
                .unwrap_or_default();
            match &h.verified {
                Some((header, checker)) => format!(
                    "webhook handler `{}`{route} ({}) verifies `{header}` in `{checker}`",
                    h.name,
                    h.at.describe()
                ),
                None => format!(
                    "webhook handler `{}`{route} ({}) does not verify the signature",
                    h.name,
                    h.at.describe()
                ),
            }
        })
        .collect();
    let missing = lines.is_empty().then(|| "no 0Bit webhook handler found: looked for a handler on a route containing `webhook`, or one that reads `Gate-Signature`/`X-0bit-*` or deserializes 0Bit events".to_string());
    (lines, missing)
}

fn writes(evidence: &LaunchEvidence) -> (Vec<String>, Option<String>) {
    let lines: Vec<String> = evidence
        .writes
        .iter()
        .map(|w| {
            let key = match w.sends_idempotency_key {
                true => "sends an `Idempotency-Key`",
                false => "sends no `Idempotency-Key`",
            };
            format!("{} ({}) {key}", w.call, w.at.describe())
        })
        .collect();
    let missing = lines.is_empty().then(|| "no 0Bit write call found: looked for POST/PUT/PATCH/DELETE requests to a 0Bit API host outside test code".to_string());
    (lines, missing)
}

fn alerts(evidence: &LaunchEvidence) -> (Vec<String>, Option<String>) {
    let found: Vec<String> = evidence
        .alerts
        .iter()
        .filter_map(|(signal, alert)| {
            let alert = alert.as_ref()?;
            let how = if alert.mapped {
                ", mapped by `[monitoring] covers`"
            } else {
                ""
            };
            Some(format!(
                "{}: `{}` in `{}`{how}",
                signal.noun(),
                alert.name,
                alert.path
            ))
        })
        .collect();
    let total = evidence.alerts.len();
    let mut files: Vec<&str> = evidence.alert_files.iter().map(String::as_str).collect();
    files.truncate(3);
    let place = match files.as_slice() {
        [] => String::new(),
        [one] => format!("`{one}`"),
        many => format!("{} alert files", many.len()),
    };
    let mut lines = Vec::new();
    if !evidence.alert_files.is_empty() {
        lines.push(format!(
            "{} of {total} launch alerts in {place}",
            found.len()
        ));
    }
    lines.extend(found);
    let missing: Vec<&str> = evidence
        .alerts
        .iter()
        .filter(|(_, alert)| alert.is_none())
        .map(|(signal, _)| signal.noun())
        .collect();
    let missing = (!missing.is_empty()).then(|| match evidence.alert_files.is_empty() {
        true => "no alert definitions found: looked for `[monitoring] alerts`, Prometheus rule files, `alerts*.yml` and YAML/JSON under `monitoring/`".to_string(),
        false => format!("missing launch alerts: {}", missing.join(", ")),
    });
    (lines, missing)
}

fn record(launch: &LaunchConfig) -> (Vec<String>, Option<String>) {
    let Some(record) = &launch.record else {
        return (
            Vec::new(),
            Some("no launch record: looked for `[launch]` in `launchlint.toml`, `.launchlint.toml` and the root `Cargo.toml` metadata".into()),
        );
    };
    let path = launch.path.as_deref().unwrap_or("the config");
    let value = |d: &Option<crate::project::model::Declared>| {
        d.as_ref()
            .map_or("(missing)".to_string(), |d| format!("`{}`", d.value))
    };
    let line = format!(
        "`[launch]` in `{path}`: product surface {}, sandbox evidence {}, compliance approved {}",
        value(&record.product_surface),
        value(&record.sandbox_evidence_id),
        value(&record.compliance_approved)
    );
    let complete = record.product_surface.is_some()
        && record.sandbox_evidence_id.is_some()
        && record
            .compliance_approved
            .as_ref()
            .is_some_and(|d| d.value == "true");
    let missing = (!complete).then(|| "the launch record needs `product-surface`, `sandbox-evidence-id` and `compliance-approved = true`".to_string());
    (vec![line], missing)
}
