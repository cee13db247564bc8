//! Findings are the one thing rules produce. They are plain data (`Send`, `Clone`) so they can
//! leave the thread that found them, be sorted, suppressed and baselined, and be rendered by any
//! reporter without the reporter knowing anything about rules.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::ground::source::{LineIndex, Position};

/// What a user can set a rule to, in `[rules]` or with `-A/-W/-D`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// How a reported finding counts towards the gate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A secondary label, for example the config line a finding depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub path: String,
    pub span: Range<usize>,
    pub start: Position,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// Relative to the scanned root, with `/`.
    pub path: String,
    /// Byte range in the file's text (for `.wasm`, in the file's bytes).
    pub span: Range<usize>,
    pub start: Position,
    pub end: Position,
    pub message: String,
    pub help: String,
    pub labels: Vec<Label>,
    /// Depends on the rule, the path and the redacted evidence, never on the line.
    pub fingerprint: String,
}

/// What a rule hands to the [`Context`]: everything but the level, which the context stamps.
pub struct Draft<'a> {
    pub path: &'a str,
    pub lines: &'a LineIndex,
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
    /// The redacted thing found (`sk_live_…9fQa`, a variable name); feeds the fingerprint.
    pub evidence: String,
    /// Some findings are never more than warnings, whatever the rule's level (test-mode keys).
    pub at_most_warning: bool,
    /// Secondary labels, for example the config line the finding depends on.
    pub labels: Vec<Label>,
}

impl<'a> Draft<'a> {
    /// A draft that is an error or warning as the rule's level says, with no extra labels.
    pub fn new(
        path: &'a str,
        lines: &'a LineIndex,
        span: Range<usize>,
        message: String,
        help: String,
        evidence: String,
    ) -> Self {
        Draft {
            path,
            lines,
            span,
            message,
            help,
            evidence,
            at_most_warning: false,
            labels: Vec::new(),
        }
    }

    /// Adds a label at `span` of the file at `path`, whose lines are `lines`.
    pub fn with_label(
        mut self,
        path: &str,
        lines: &LineIndex,
        span: Range<usize>,
        text: &str,
    ) -> Self {
        self.labels.push(Label {
            path: path.to_string(),
            start: lines.position(span.start),
            span,
            text: text.to_string(),
        });
        self
    }
}

/// FNV-1a over the rule, path and evidence: stable across platforms, releases and line moves.
/// Repeats of the same evidence in one file are told apart later by an ordinal.
pub fn fingerprint(rule: &str, path: &str, evidence: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in [rule, path, evidence].join("\u{0}").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Sorts findings by path, line, column and rule, and makes fingerprints unique by appending
/// the ordinal of repeated evidence within a file.
pub fn finalize(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.path, a.start.line, a.start.column, a.rule, a.span.start).cmp(&(
            &b.path,
            b.start.line,
            b.start.column,
            b.rule,
            b.span.start,
        ))
    });
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for finding in findings.iter_mut() {
        let count = seen.entry(finding.fingerprint.clone()).or_insert(0);
        if *count > 0 {
            finding.fingerprint = format!("{}-{}", finding.fingerprint, count);
        }
        *count += 1;
    }
}
