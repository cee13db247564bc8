//! `cargo launchlint readiness`: the launch gate as a table (area, pass or fail, what blocks
//! it, what was found), or the `LaunchReadiness` record as JSON with exactly its six keys.
//! Everything from the scanned tree is sanitized before it is printed.

use launchlint_rules::extract::redact::sanitize;
use launchlint_rules::pipeline::readiness::{LaunchReadiness, Readiness};
use serde::Serialize;

/// The record as spec §1 types it: camelCase, these six keys, nothing else.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Record<'a> {
    product_surface: Option<&'a str>,
    sandbox_evidence_id: Option<String>,
    webhook_verified: bool,
    idempotency_verified: bool,
    monitoring_verified: bool,
    compliance_approved: bool,
}

pub fn record_json(record: &LaunchReadiness) -> String {
    let record = Record {
        product_surface: record.product_surface.as_deref(),
        sandbox_evidence_id: record.sandbox_evidence_id.as_deref().map(sanitize),
        webhook_verified: record.webhook_verified,
        idempotency_verified: record.idempotency_verified,
        monitoring_verified: record.monitoring_verified,
        compliance_approved: record.compliance_approved,
    };
    let mut text = serde_json::to_string_pretty(&record).expect("plain data serializes");
    text.push('\n');
    text
}

/// The table: one block per area, its status, then what was found, what is missing and the
/// blocking findings, indented under it.
pub fn render(gate: &Readiness) -> String {
    let width = gate.areas.iter().map(|a| a.name.len()).max().unwrap_or(0);
    let mut out = String::from("launch gate\n\n");
    if !gate.integrates_0bit {
        out.push_str(
            "no 0Bit evidence found: this project does not look like a 0Bit integration\n\n",
        );
    }
    for area in &gate.areas {
        let status = match (area.passed, area.checked) {
            (false, _) => "FAIL",
            (true, false) => "n/a",
            (true, true) => "pass",
        };
        let mut lines: Vec<String> = Vec::new();
        lines.extend(area.missing.iter().map(|m| sanitize(m)));
        lines.extend(area.evidence.iter().map(|e| sanitize(e)));
        lines.extend(area.blocking.iter().map(|f| {
            format!(
                "blocking: {}:{}:{}: {}: {}",
                sanitize(&f.path),
                f.start.line,
                f.start.column,
                f.rule,
                sanitize(&f.message)
            )
        }));
        for (index, line) in lines.iter().enumerate() {
            let (name, status) = match index {
                0 => (area.name, status),
                _ => ("", ""),
            };
            out.push_str(&format!("{name:<width$}  {status:<4}  {line}\n"));
        }
    }
    let failed = gate.areas.iter().filter(|a| !a.passed).count();
    let unchecked = gate.areas.iter().filter(|a| !a.checked).count();
    out.push('\n');
    out.push_str(&match failed {
        0 => format!("launchlint: readiness: all {} areas pass", gate.areas.len()),
        n => format!(
            "launchlint: readiness: {n} of {} areas block the launch",
            gate.areas.len()
        ),
    });
    if unchecked > 0 {
        out.push_str(&format!(
            " ({unchecked} not checked: no rule of theirs in this build)"
        ));
    }
    out.push('\n');
    out
}
