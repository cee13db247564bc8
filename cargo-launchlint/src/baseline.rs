//! Baselines: `--write-baseline FILE` records the current findings' fingerprints, and
//! `--baseline FILE` drops findings whose fingerprint is recorded, so a team can adopt the gate
//! on an existing project and fail only on new findings. Fingerprints depend on the rule, the
//! path and the redacted evidence, not on the line, so edits above a finding keep it matched.
//! A baseline is written to a temporary file renamed over the target, never through a symlink.

use std::collections::BTreeSet;
use std::path::Path;

use launchlint_rules::extract::redact::sanitize;
use launchlint_rules::ground::finding::Finding;
use miette::Diagnostic;
use serde::{Deserialize, Serialize};

use crate::fsio;

#[derive(Serialize, Deserialize)]
struct Baseline {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    rule: String,
    path: String,
    fingerprint: String,
}

#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum BaselineError {
    #[error("cannot read baseline `{path}`: {reason}")]
    #[diagnostic(
        code(launchlint::baseline),
        help("write one with `--write-baseline {path}`")
    )]
    Read { path: String, reason: String },
    #[error("cannot write baseline `{path}`: {reason}")]
    #[diagnostic(code(launchlint::baseline))]
    Write { path: String, reason: String },
}

fn shown(path: &Path) -> String {
    sanitize(&path.display().to_string())
}

/// A finding's baseline entry; its path is sanitized like every path launchlint writes.
fn entry(finding: &Finding) -> Entry {
    Entry {
        rule: finding.rule.to_string(),
        path: sanitize(&finding.path),
        fingerprint: finding.fingerprint.clone(),
    }
}

/// Writes the fingerprints of `findings`, sorted, as pretty JSON.
pub fn write(path: &Path, findings: &[Finding]) -> Result<(), BaselineError> {
    let mut entries: Vec<Entry> = findings.iter().map(entry).collect();
    entries.sort();
    let baseline = Baseline {
        version: 1,
        findings: entries,
    };
    let text =
        serde_json::to_string_pretty(&baseline).expect("the baseline is plain strings") + "\n";
    fsio::write_atomic(path, text.as_bytes()).map_err(|error| BaselineError::Write {
        path: shown(path),
        reason: sanitize(&error.to_string()),
    })
}

/// Removes the findings recorded in the baseline at `path`; returns how many it removed.
pub fn apply(path: &Path, findings: &mut Vec<Finding>) -> Result<usize, BaselineError> {
    // Parse errors quote the file: the reason is sanitized like any text from outside.
    let read_error = |reason: String| BaselineError::Read {
        path: shown(path),
        reason: sanitize(&reason),
    };
    let resolved = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let text = fsio::read_text(&resolved, fsio::MAX_BASELINE_BYTES)
        .map_err(|error| read_error(error.to_string()))?;
    let baseline: Baseline =
        serde_json::from_str(&text).map_err(|error| read_error(error.to_string()))?;
    let known: BTreeSet<Entry> = baseline.findings.into_iter().collect();
    let before = findings.len();
    findings.retain(|finding| !known.contains(&entry(finding)));
    Ok(before - findings.len())
}
