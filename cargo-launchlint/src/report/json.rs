//! The JSON contract (spec §5): one object on stdout, field names and order fixed.

use serde::Serialize;

use super::{Report, Summary};

#[derive(Serialize)]
struct Json<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: &'a str,
    fingerprint: &'a str,
}

pub fn render(report: &Report) -> String {
    let json = Json {
        version: 1,
        tool: Tool {
            name: "cargo-launchlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: report
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.rule,
                severity: f.severity.as_str(),
                path: &f.path,
                line: f.start.line,
                column: f.start.column,
                end_line: f.end.line,
                end_column: f.end.column,
                message: &f.message,
                help: &f.help,
                fingerprint: &f.fingerprint,
            })
            .collect(),
        summary: report.summary,
    };
    let mut out =
        serde_json::to_string_pretty(&json).expect("the report is plain strings and numbers");
    out.push('\n');
    out
}
