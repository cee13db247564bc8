//! Baselines: `--write-baseline FILE` records the current findings' fingerprints, and
//! `--baseline FILE` drops findings whose fingerprint is recorded, so a team can adopt the gate
//! on an existing project and fail only on new findings. Fingerprints depend on the rule, the
//! path and the redacted evidence, not on the line, so edits above a finding keep it matched.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use launchlint_rules::finding::Finding;
use miette::Diagnostic;
use serde::{Deserialize, Serialize};

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
    #[error("cannot read baseline `{}`: {reason}", path.display())]
    #[diagnostic(code(launchlint::baseline), help("write one with `--write-baseline {}`", path.display()))]
    Read { path: PathBuf, reason: String },
    #[error("cannot write baseline `{}`: {reason}", path.display())]
    #[diagnostic(code(launchlint::baseline))]
    Write { path: PathBuf, reason: String },
}

fn entry(finding: &Finding) -> Entry {
    Entry {
        rule: finding.rule.to_string(),
        path: finding.path.clone(),
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
    std::fs::write(path, text).map_err(|error| BaselineError::Write {
        path: path.to_path_buf(),
        reason: error.to_string(),
    })
}

/// Removes the findings recorded in the baseline at `path`; returns how many it removed.
pub fn apply(path: &Path, findings: &mut Vec<Finding>) -> Result<usize, BaselineError> {
    let read_error = |reason: String| BaselineError::Read {
        path: path.to_path_buf(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|error| read_error(error.to_string()))?;
    let baseline: Baseline =
        serde_json::from_str(&text).map_err(|error| read_error(error.to_string()))?;
    let known: BTreeSet<Entry> = baseline.findings.into_iter().collect();
    let before = findings.len();
    findings.retain(|finding| !known.contains(&entry(finding)));
    Ok(before - findings.len())
}
