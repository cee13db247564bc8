//! SARIF 2.1.0, as GitHub code scanning accepts it: one run, the rules with their docs, one
//! result per finding with a 1-based region, a relative URI and a partial fingerprint.
//!
//! Each rule carries a one-sentence `shortDescription`, the "What it does" paragraph as
//! `fullDescription`, its whole docs page as `help` (text and Markdown: the docs are not
//! published at any URL, so there is no `helpUri`), and `properties`: `tags`, `precision`,
//! and for rules whose findings are vulnerabilities the `security` tag and GitHub's
//! `security-severity`. Columns count characters, as in the JSON contract:
//! `columnKind` is `unicodeCodePoints`.

use launchlint_rules::ground::finding::{Level, Severity};
use launchlint_rules::rules;
use serde::Serialize;

use super::Report;

#[derive(Serialize)]
struct Sarif<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<SarifRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<String>,
    precision: &'static str,
    /// A numeric string, as GitHub code scanning reads it.
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location<'a>>,
    partial_fingerprints: Fingerprints<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation<'a> {
    uri: &'a str,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "launchlint/v1")]
    launchlint: &'a str,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `secret-key-in-client` → `SecretKeyInClient`.
fn camel_case(id: &str) -> String {
    id.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

/// `a secret credential in …` → `A secret credential in ….`
fn sentence(phrase: &str) -> String {
    let mut chars = phrase.chars();
    chars.next().map_or_else(String::new, |first| {
        format!("{}{}.", first.to_uppercase(), chars.as_str())
    })
}

fn sarif_rule(rule: &rules::Rule) -> SarifRule {
    let page = rule.page();
    let area_tag = rule.area.to_lowercase().replace(' ', "-");
    let mut tags = vec!["launch-gate".to_string(), area_tag];
    if rule.security_severity.is_some() {
        tags.insert(0, "security".to_string());
    }
    SarifRule {
        id: rule.id,
        name: camel_case(rule.id),
        short_description: Text {
            text: sentence(rule.summary),
        },
        full_description: Text {
            text: rule.description(),
        },
        help: Help {
            text: page.clone(),
            markdown: page,
        },
        default_configuration: Configuration {
            level: if rule.default == Level::Deny {
                "error"
            } else {
                "warning"
            },
        },
        properties: RuleProperties {
            tags,
            precision: rule.precision.as_str(),
            security_severity: rule
                .security_severity
                .map(|severity| format!("{severity:.1}")),
        },
    }
}

pub fn render(report: &Report) -> String {
    let rules_list: Vec<SarifRule> = rules::ALL.iter().map(|rule| sarif_rule(rule)).collect();
    let results = report
        .findings
        .iter()
        .map(|finding| SarifResult {
            rule_id: finding.rule,
            rule_index: rules::ALL
                .iter()
                .position(|r| r.id == finding.rule)
                .unwrap_or(0),
            level: level(finding.severity),
            message: Text {
                text: format!("{}\n\nhelp: {}", finding.message, finding.help),
            },
            locations: vec![Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: &finding.path,
                        uri_base_id: "%SRCROOT%",
                    },
                    region: Region {
                        start_line: finding.start.line,
                        start_column: finding.start.column,
                        end_line: finding.end.line,
                        end_column: finding.end.column,
                    },
                },
            }],
            partial_fingerprints: Fingerprints {
                launchlint: &finding.fingerprint,
            },
        })
        .collect();
    let sarif = Sarif {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "cargo-launchlint",
                    version: env!("CARGO_PKG_VERSION"),
                    rules: rules_list,
                },
            },
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut out =
        serde_json::to_string_pretty(&sarif).expect("the report is plain strings and numbers");
    out.push('\n');
    out
}
