//! One line per finding, `path:line:col: severity[rule]: message`, for editors and grep.

use std::fmt::Write;

use super::Report;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            finding.path,
            finding.start.line,
            finding.start.column,
            finding.severity.as_str(),
            finding.rule,
            finding.message
        );
    }
    let _ = writeln!(out, "{}", report.summary);
    out
}
