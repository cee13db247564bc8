//! What rules report into: the effective level of each rule, and the [`Context`] that stamps
//! each finding with its severity.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::ground::finding::{fingerprint, Draft, Finding, Level, Severity};
use crate::rules::Rule;

/// The effective level of every rule, after defaults, config and command-line flags.
#[derive(Clone, Debug, Default)]
pub struct Levels {
    overrides: BTreeMap<&'static str, Level>,
}

impl Levels {
    pub fn set(&mut self, rule: &'static str, level: Level) {
        self.overrides.insert(rule, level);
    }

    pub fn of(&self, rule: &Rule) -> Level {
        self.overrides.get(rule.id).copied().unwrap_or(rule.default)
    }
}

/// Collects findings from rules, stamping each with its severity.
pub struct Context<'a> {
    levels: &'a Levels,
    findings: Vec<Finding>,
    /// (rule, path, span) already reported.
    seen: std::collections::HashSet<(&'static str, String, Range<usize>)>,
}

impl<'a> Context<'a> {
    pub fn new(levels: &'a Levels) -> Self {
        Context {
            levels,
            findings: Vec::new(),
            seen: std::collections::HashSet::new(),
        }
    }

    pub fn is_enabled(&self, rule: &Rule) -> bool {
        self.levels.of(rule) != Level::Allow
    }

    pub fn report(&mut self, rule: &Rule, draft: Draft<'_>) {
        // One mistake, one finding: a helper used by several callers, or a struct sent by
        // several requests, is reported once, for the first.
        let repeated = !self
            .seen
            .insert((rule.id, draft.path.to_string(), draft.span.clone()));
        let severity = match self.levels.of(rule) {
            Level::Allow => return,
            _ if repeated => return,
            Level::Deny if !draft.at_most_warning => Severity::Error,
            _ => Severity::Warning,
        };
        self.findings.push(Finding {
            rule: rule.id,
            severity,
            path: draft.path.to_string(),
            start: draft.lines.position(draft.span.start),
            end: draft.lines.position(draft.span.end),
            span: draft.span,
            message: draft.message,
            help: draft.help,
            labels: draft.labels,
            fingerprint: fingerprint(rule.id, draft.path, &draft.evidence),
        });
    }

    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}
