//! SARIF 2.1.0, as GitHub code scanning accepts it: one run, the rules with their docs, one
//! result per finding with a 1-based region, a relative URI and a partial fingerprint.
//!
//! Locations are relative to the repository root (`uriBaseId` `%SRCROOT%`, which
//! `run.originalUriBaseIds` maps to the root's `file://` URI), percent-encoded, so GitHub
//! finds the file whatever its name holds (spaces, `%`, `#`, `?`, non-ASCII).
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
use crate::locate::Base;

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
    original_uri_base_ids: BaseIds,
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
    locations: Vec<Location>,
    partial_fingerprints: Fingerprints<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
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
                    artifact_location: artifact_location(&finding.path),
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
            original_uri_base_ids: base_ids(report.base),
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut out =
        serde_json::to_string_pretty(&sarif).expect("the report is plain strings and numbers");
    out.push('\n');
    out
}

/// The base every location is relative to: the repository root.
const SRCROOT: &str = "%SRCROOT%";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
struct BaseIds {
    #[serde(rename = "%SRCROOT%")]
    srcroot: BaseUri,
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

/// A finding's file: its path (relative to the repository root, with `/`) percent-encoded
/// as a relative URI under `%SRCROOT%`.
fn artifact_location(path: &str) -> ArtifactLocation {
    ArtifactLocation {
        uri: percent_encode(path, false),
        uri_base_id: SRCROOT,
    }
}

/// `%SRCROOT%` as the repository root's `file://` URI, ending in `/` as SARIF requires.
fn base_ids(base: &Base) -> BaseIds {
    let mut path = base.dir.to_string_lossy().replace('\\', "/");
    // Windows: `\\?\C:\repo` is `/C:/repo` in a file URI.
    if let Some(rest) = path.strip_prefix("//?/") {
        path = rest.to_string();
    }
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    if !path.ends_with('/') {
        path.push('/');
    }
    BaseIds {
        srcroot: BaseUri {
            uri: format!("file://{}", percent_encode(&path, true)),
        },
    }
}

/// Percent-encodes every byte of `path` but RFC 3986's unreserved characters and `/` (and
/// `:` when `keep_colon`, for a drive letter: in a relative URI a `:` could read as a
/// scheme).
fn percent_encode(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte));
            }
            b':' if keep_colon => out.push(':'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            percent_encode("fixtures/my shop/src/100%#1?.rs", false),
            "fixtures/my%20shop/src/100%25%231%3F.rs"
        );
        assert_eq!(percent_encode("café/a:b.rs", false), "caf%C3%A9/a%3Ab.rs");
        assert_eq!(percent_encode("C:/repo", true), "C:/repo");
    }

    #[test]
    fn the_base_is_a_file_uri_ending_in_a_slash() {
        let base = |dir: &str| {
            base_ids(&Base {
                dir: dir.into(),
                prefix: String::new(),
            })
            .srcroot
            .uri
        };
        assert_eq!(base("/home/dev/my repo"), "file:///home/dev/my%20repo/");
        assert_eq!(base("/"), "file:///");
    }
}
