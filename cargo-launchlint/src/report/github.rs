//! GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding, shown
//! inline on the pull request, then the summary.

use std::fmt::Write;

use launchlint_rules::ground::finding::Severity;

use super::Report;

/// Workflow command data and properties escape `%`, line breaks, and (in properties) `:`/`,`.
fn escape(text: &str, property: bool) -> String {
    let mut out = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for finding in &report.findings {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape(&finding.path, true),
            finding.start.line,
            finding.start.column,
            finding.end.line,
            finding.end.column,
            escape(finding.rule, true),
            escape(
                &format!("{}\nhelp: {}", finding.message, finding.help),
                false
            )
        );
    }
    if report.summary_line {
        let _ = writeln!(out, "{}", report.summary);
    }
    out
}
