//! The pipeline of the analysis library, in the order data flows through it:
//!
//! 1. [`analyze_file`] reads one file's bytes once (parsing Rust once with syn) and returns a
//!    [`FileAnalysis`]: plain facts with byte spans. It runs on any thread. A file launchlint
//!    wrote itself (a report, a rule's docs page: [`own_files`]) is read by the credential
//!    rules only.
//! 2. [`check`] takes every file's facts, resolves what needs the whole project (module gating
//!    across files, which variables hold secrets), runs the rules, applies suppressions and
//!    returns sorted findings.

use std::collections::BTreeMap;

use crate::extract::file::FileAnalysis;
use crate::ground::finding::{self, Finding};
use crate::link::facts::{Facts, SuppressionUse};
use crate::project::model::{self, ProjectModel};
use crate::rules::{self, Check, Context, Levels, Rule};

pub mod own_files;
pub mod readiness;

/// One file's facts: [`crate::extract::analyze::analyze_file`], or for a file launchlint
/// wrote itself, its credentials alone.
pub fn analyze_file(model: &ProjectModel, path: &str, bytes: &[u8]) -> FileAnalysis {
    if own_files::is_own_file(path, bytes) {
        return crate::extract::analyze::analyze_credentials_of(model, path, bytes);
    }
    crate::extract::analyze::analyze_file(model, path, bytes)
}

/// The outcome of a whole check.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub suppressed: usize,
    /// How many findings suppression comments silenced, by file path (a run that reports
    /// on some files only counts theirs).
    pub suppressed_by_path: BTreeMap<String, usize>,
    /// What the launch gate's evidence areas found (handlers, write calls, launch alerts).
    pub evidence: crate::link::launch::LaunchEvidence,
}

/// Runs every enabled rule over the analyzed files.
pub fn check(model: &ProjectModel, files: &mut [FileAnalysis], levels: &Levels) -> Outcome {
    crate::link::modules::resolve(model, files);
    let facts = Facts::link(model, files);
    let runs = |rule: &Rule, cx: &Context| {
        cx.is_enabled(rule) && !(rule.live_only && model.environment != model::Environment::Live)
    };
    let mut cx = Context::new(levels);
    for rule in rules::ALL {
        if let (true, Check::Facts(check)) = (runs(rule, &cx), &rule.check) {
            check(&facts, &mut cx);
        }
    }
    let evidence = crate::link::launch::LaunchEvidence::of(&facts);
    let (mut findings, suppressed_by_path, use_of_suppressions) =
        apply_suppressions(files, cx.into_findings());
    let mut cx = Context::new(levels);
    for rule in rules::ALL {
        if let (true, Check::Suppressions(check)) = (runs(rule, &cx), &rule.check) {
            check(&use_of_suppressions, &mut cx);
        }
    }
    findings.extend(cx.into_findings());
    finding::finalize(&mut findings);
    Outcome {
        findings,
        suppressed: suppressed_by_path.values().sum(),
        suppressed_by_path,
        evidence,
    }
}

/// Drops findings silenced by a suppression comment (one with a reason that names their
/// rule, on their line or the line above); returns the rest, how many were dropped in each
/// file, and which comments silenced something.
fn apply_suppressions(
    files: &[FileAnalysis],
    findings: Vec<Finding>,
) -> (Vec<Finding>, BTreeMap<String, usize>, SuppressionUse<'_>) {
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0;
    for file in files {
        first.insert(file.path.as_str(), total);
        total += file.suppressions.len();
    }
    // Per file, the suppressions by the line they sit on: a finding looks at two lines only.
    let by_line: BTreeMap<&str, BTreeMap<usize, Vec<usize>>> = files
        .iter()
        .map(|file| {
            let mut lines: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for (at, suppression) in file.suppressions.iter().enumerate() {
                lines.entry(suppression.line).or_default().push(at);
            }
            (file.path.as_str(), lines)
        })
        .collect();
    let by_path: BTreeMap<&str, &FileAnalysis> =
        files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut used = vec![false; total];
    let mut kept = Vec::with_capacity(findings.len());
    let mut suppressed: BTreeMap<String, usize> = BTreeMap::new();
    for finding in findings {
        let line = finding.start.line;
        let silenced_by = by_path.get(finding.path.as_str()).and_then(|file| {
            let lines = &by_line[finding.path.as_str()];
            // A comment on the finding's own line comes first, then the one above: two
            // suppressed lines in a row each use their own comment.
            [Some(line), line.checked_sub(1)]
                .into_iter()
                .flatten()
                .filter_map(|on| lines.get(&on))
                .flatten()
                .copied()
                .find(|&at| {
                    let s = &file.suppressions[at];
                    s.covers(line)
                        && !s.reason.is_empty()
                        && s.rules.iter().any(|r| r == finding.rule)
                })
        });
        match silenced_by {
            Some(at) => {
                used[first[finding.path.as_str()] + at] = true;
                *suppressed.entry(finding.path.clone()).or_default() += 1;
            }
            None => kept.push(finding),
        }
    }
    (kept, suppressed, SuppressionUse::new(files, used))
}

/// The rule a finding was made by.
pub fn rule_of(finding: &Finding) -> Option<&'static Rule> {
    rules::by_id(finding.rule)
}
