//! One line per finding, `path:line:col: severity[rule]: message`, for editors and grep.

use std::fmt::Write;

use launchlint_rules::ground::finding::Finding;

use super::Report;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        let _ = writeln!(out, "{}", line(finding));
    }
    if report.summary_line {
        let _ = writeln!(out, "{}", report.summary);
    }
    out
}

/// `path:line:col: severity[rule]: message`.
pub fn line(finding: &Finding) -> String {
    format!(
        "{}:{}:{}: {}[{}]: {}",
        finding.path,
        finding.start.line,
        finding.start.column,
        finding.severity.as_str(),
        finding.rule,
        finding.message
    )
}
