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
    /// (rule, path, span, evidence) already reported.
    seen: std::collections::HashSet<(&'static str, String, Range<usize>, String)>,
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
        // A file keeps its lines only when its facts say something may be reported in it;
        // a finding anywhere else would get line 1, a byte offset as column and no excerpt.
        debug_assert!(
            draft.lines.is_kept(),
            "`{}` reported into `{}`, whose lines were not kept: make the facts it reports at count in `FileAnalysis::may_be_reported`",
            rule.id,
            draft.path
        );
        // One mistake, one finding: a helper used by several callers, or a struct sent by
        // several requests, is reported once, for the first. Different mistakes at one place
        // (each launch alert missing from one file) differ in their evidence.
        let repeated = !self.seen.insert((
            rule.id,
            draft.path.to_string(),
            draft.span.clone(),
            draft.evidence.clone(),
        ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ground::source::LineIndex;

    static RULE: Rule = Rule {
        id: "test-rule",
        default: Level::Deny,
        area: "Test",
        live_only: false,
        summary: "a test rule",
        precision: crate::rules::Precision::High,
        security_severity: None,
        docs: "",
        check: crate::rules::Check::Facts(|_, _| {}),
    };

    fn draft(lines: &LineIndex) -> Draft<'_> {
        Draft::new("src/a.rs", lines, 4..5, "m".into(), "h".into(), "e".into())
    }

    #[test]
    fn a_finding_gets_the_line_and_column_of_its_file() {
        let levels = Levels::default();
        let mut cx = Context::new(&levels);
        let lines = LineIndex::new("ab\ncdef\n");
        cx.report(&RULE, draft(&lines));
        let findings = cx.into_findings();
        assert_eq!((findings[0].start.line, findings[0].start.column), (2, 2));
        assert_eq!(findings[0].severity, Severity::Error);
    }

    /// The trap this guards: a rule reporting into a file whose lines were dropped would
    /// silently get line 1 and a byte offset as column.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "whose lines were not kept")]
    fn reporting_into_a_file_without_kept_lines_is_caught() {
        let levels = Levels::default();
        let mut cx = Context::new(&levels);
        cx.report(&RULE, draft(&LineIndex::default()));
    }
}
