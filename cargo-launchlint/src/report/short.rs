//! One line per finding, `path:line:col: severity[rule]: message`, for editors and grep.

use std::fmt::Write;

use super::{plural, Report};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for finding in report.findings {
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
    let summary = report.summary;
    let _ = writeln!(
        out,
        "{} scanned: {}, {}, {} suppressed",
        plural(summary.files_scanned, "file"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        summary.suppressed
    );
    out
}
