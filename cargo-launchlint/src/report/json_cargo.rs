//! cargo's JSON messages (`--message-format json`, `--format json-cargo`): one
//! `compiler-message` line per finding, shaped like a rustc diagnostic inside cargo's
//! envelope, then `build-finished`. Editors that run `cargo check --message-format json`
//! (rust-analyzer's `check.overrideCommand`) read launchlint's findings as they read rustc's
//! and show them inline.
//!
//! - A finding is attributed to the package whose folder holds its file (the root package,
//!   or a package named after the scanned folder, when none does): `package_id`,
//!   `manifest_path` and `target` name it. The target is the package's library, else its
//!   binary.
//! - `file_name` is the finding's path relative to the scanned (workspace) root, as rustc's
//!   are to the workspace root and as editors resolve them, not to the repository root the
//!   other formats use; lines and columns are 1-based and columns count characters, as rustc's
//!   do. The source lines (`text`) are the masked text, left out for long or binary lines.
//! - `code` is the rule id, with the rule's docs page as `explanation`; the help and a pointer
//!   to `cargo launchlint explain` are `help` and `note` children; a config label is a
//!   secondary span.
//! - `rendered` is the human report of the finding (cargo's `json-diagnostic-rendered-ansi`
//!   colours it, `json-diagnostic-short` makes it the one-line form).

use std::path::{Path, PathBuf};

use launchlint_rules::extract::redact::sanitize;
use launchlint_rules::ground::finding::{Finding, Severity};
use launchlint_rules::ground::source::Position;
use launchlint_rules::pipeline::rule_of;
use serde::Serialize;

use super::human::{self, Style};
use super::Report;
use crate::cli::CargoJson;

/// Source lines longer than this (in characters) are left out of a span's `text`.
const LONG_LINE: usize = 500;

#[derive(Serialize)]
struct CompilerMessage<'a> {
    reason: &'static str,
    package_id: &'a str,
    manifest_path: &'a str,
    target: &'a Target,
    message: Diagnostic,
}

#[derive(Serialize)]
struct Target {
    kind: Vec<&'static str>,
    crate_types: Vec<&'static str>,
    name: String,
    src_path: String,
    doc: bool,
    doctest: bool,
    test: bool,
}

#[derive(Serialize)]
struct Diagnostic {
    #[serde(rename = "$message_type", skip_serializing_if = "Option::is_none")]
    message_type: Option<&'static str>,
    message: String,
    code: Option<Code>,
    level: &'static str,
    spans: Vec<Span>,
    children: Vec<Diagnostic>,
    rendered: Option<String>,
}

impl Diagnostic {
    /// A `help` or `note` child: text only, as rustc's.
    fn child(level: &'static str, message: String) -> Self {
        Diagnostic {
            message_type: None,
            message,
            code: None,
            level,
            spans: Vec::new(),
            children: Vec::new(),
            rendered: None,
        }
    }
}

#[derive(Serialize)]
struct Code {
    code: &'static str,
    explanation: Option<String>,
}

#[derive(Serialize)]
struct Span {
    file_name: String,
    byte_start: usize,
    byte_end: usize,
    line_start: usize,
    line_end: usize,
    column_start: usize,
    column_end: usize,
    is_primary: bool,
    text: Vec<SpanLine>,
    label: Option<String>,
    suggested_replacement: Option<String>,
    suggestion_applicability: Option<String>,
    expansion: Option<()>,
}

#[derive(Serialize)]
struct SpanLine {
    text: String,
    highlight_start: usize,
    highlight_end: usize,
}

#[derive(Serialize)]
struct BuildFinished {
    reason: &'static str,
    success: bool,
}

/// The package a finding is attributed to.
struct Owner {
    /// Folder relative to the root, `""` for the root.
    dir: String,
    package_id: String,
    manifest_path: String,
    target: Target,
}

/// What is written: the JSON lines for stdout, and for `json-render-diagnostics` the
/// rendered findings for stderr.
pub struct Rendered {
    pub stdout: String,
    pub stderr: String,
}

/// The messages for `report`; `success` is what `build-finished` says (the exit code is 0).
pub fn render(report: &Report, options: CargoJson, success: bool) -> Rendered {
    let root = std::fs::canonicalize(report.root).unwrap_or_else(|_| report.root.to_path_buf());
    let owners = owners(report, &root);
    let style = Style {
        color: options.ansi,
        links: false,
        width: 100,
    };
    let handler = human::handler(style);
    let mut stdout = String::new();
    let mut stderr = String::new();
    for finding in &report.findings {
        let mut rendered = String::new();
        if options.short {
            rendered = format!("{}\n", super::short::line(finding));
        } else {
            human::render_finding(&handler, &mut rendered, finding, report);
        }
        if options.render_diagnostics {
            stderr.push_str(&rendered);
            stderr.push('\n');
            continue;
        }
        let owner = owners
            .iter()
            .filter(|owner| {
                owner.dir.is_empty() || is_inside(in_project(&finding.path, report), &owner.dir)
            })
            .max_by_key(|owner| owner.dir.len())
            .expect("the root owner holds every path");
        let message = CompilerMessage {
            reason: "compiler-message",
            package_id: &owner.package_id,
            manifest_path: &owner.manifest_path,
            target: &owner.target,
            message: diagnostic(finding, report, rendered),
        };
        stdout.push_str(&serde_json::to_string(&message).expect("plain data serializes"));
        stdout.push('\n');
    }
    let finished = BuildFinished {
        reason: "build-finished",
        success,
    };
    stdout.push_str(&serde_json::to_string(&finished).expect("plain data serializes"));
    stdout.push('\n');
    Rendered { stdout, stderr }
}

/// A printed (repository-relative) path, relative to the scanned root again.
fn in_project<'p>(path: &'p str, report: &Report) -> &'p str {
    path.strip_prefix(report.base.prefix.as_str())
        .unwrap_or(path)
}

fn is_inside(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.starts_with('/'))
}

fn diagnostic(finding: &Finding, report: &Report, rendered: String) -> Diagnostic {
    let rule = rule_of(finding);
    let mut spans = vec![span(
        &finding.path,
        finding.span.clone(),
        finding.start,
        finding.end,
        true,
        rule.map_or(finding.rule, |rule| rule.summary).to_string(),
        report,
    )];
    for label in &finding.labels {
        let end = report
            .files
            .get(label.path.as_str())
            .map_or(label.start, |file| file.lines.position(label.span.end));
        spans.push(span(
            &label.path,
            label.span.clone(),
            label.start,
            end,
            false,
            label.text.clone(),
            report,
        ));
    }
    Diagnostic {
        message_type: Some("diagnostic"),
        message: finding.message.clone(),
        code: Some(Code {
            code: finding.rule,
            explanation: rule.map(|rule| rule.page()),
        }),
        level: match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        spans,
        children: vec![
            Diagnostic::child("help", finding.help.clone()),
            Diagnostic::child(
                "note",
                format!(
                    "for more information about this rule, run `cargo launchlint explain {}`",
                    finding.rule
                ),
            ),
        ],
        rendered: Some(rendered),
    }
}

fn span(
    path: &str,
    bytes: std::ops::Range<usize>,
    start: Position,
    end: Position,
    is_primary: bool,
    label: String,
    report: &Report,
) -> Span {
    Span {
        file_name: in_project(path, report).to_string(),
        byte_start: bytes.start,
        byte_end: bytes.end,
        line_start: start.line,
        line_end: end.line,
        column_start: start.column,
        column_end: end.column,
        is_primary,
        text: text_lines(path, start, end, report),
        label: Some(label),
        suggested_replacement: None,
        suggestion_applicability: None,
        expansion: None,
    }
}

/// The masked source lines from `start` to `end` with the highlighted columns, when the file
/// can be read again as scanned and no line is long or holds a character that would be
/// escaped.
fn text_lines(path: &str, start: Position, end: Position, report: &Report) -> Vec<SpanLine> {
    let Some(file) = report.files.get(path) else {
        return Vec::new();
    };
    let Some(text) = report.shown_text(file) else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    for number in start.line..=end.line {
        let Some(range) = file.lines.line_range(number) else {
            return Vec::new();
        };
        let Some(line) = text.get(range) else {
            return Vec::new();
        };
        let line = line.strip_suffix('\r').unwrap_or(line);
        let chars = line.chars().count();
        if chars > LONG_LINE || sanitize(line) != line {
            return Vec::new();
        }
        lines.push(SpanLine {
            text: line.to_string(),
            highlight_start: if number == start.line {
                start.column
            } else {
                1
            },
            highlight_end: if number == end.line {
                end.column
            } else {
                chars + 1
            },
        });
    }
    lines
}

/// Every package, folder longest first, and an owner for the root when no package sits there.
fn owners(report: &Report, root: &Path) -> Vec<Owner> {
    let mut owners: Vec<Owner> = report
        .packages
        .iter()
        .map(|(dir, name)| owner(report, root, dir, name))
        .collect();
    if !owners.iter().any(|owner| owner.dir.is_empty()) {
        let name = root.file_name().map_or_else(
            || "project".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        owners.push(owner(report, root, "", &name));
    }
    owners
}

fn owner(report: &Report, root: &Path, dir: &str, name: &str) -> Owner {
    let folder: PathBuf = if dir.is_empty() {
        root.to_path_buf()
    } else {
        root.join(dir)
    };
    // `report.files` is keyed by printed, repository-relative paths.
    let relative = |file: &str| {
        let prefix = &report.base.prefix;
        if dir.is_empty() {
            format!("{prefix}{file}")
        } else {
            format!("{prefix}{dir}/{file}")
        }
    };
    let is_lib = !report.files.contains_key(relative("src/main.rs").as_str())
        || report.files.contains_key(relative("src/lib.rs").as_str());
    let (kind, file) = if is_lib {
        ("lib", "src/lib.rs")
    } else {
        ("bin", "src/main.rs")
    };
    let shown = |path: &Path| sanitize(&path.to_string_lossy());
    Owner {
        dir: dir.to_string(),
        package_id: format!("path+file://{}#{}", shown(&folder), sanitize(name)),
        manifest_path: shown(&folder.join("Cargo.toml")),
        target: Target {
            kind: vec![kind],
            crate_types: vec![kind],
            name: sanitize(name).replace('-', "_"),
            src_path: shown(&folder.join(file)),
            doc: true,
            doctest: is_lib,
            test: true,
        },
    }
}
