//! Reporters turn sorted findings into one output format. They read findings and the files'
//! masked text; rules reach them only through a finding's rule id. A new format is a new
//! module here and a new `--format` value, nothing else.

use std::collections::BTreeMap;

use launchlint_rules::analysis::FileAnalysis;
use launchlint_rules::finding::{Finding, Severity};
use serde::Serialize;

use crate::scan::Scan;

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod short;

#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub files_scanned: usize,
    pub errors: usize,
    pub warnings: usize,
    pub suppressed: usize,
}

/// What every reporter gets.
pub struct Report<'a> {
    pub findings: &'a [Finding],
    /// Files by path, for their masked text.
    pub files: BTreeMap<&'a str, &'a FileAnalysis>,
    pub summary: Summary,
}

impl<'a> Report<'a> {
    pub fn new(scan: &'a Scan) -> Self {
        let findings = &scan.outcome.findings;
        let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
        Report {
            findings,
            files: scan
                .files
                .iter()
                .map(|file| (file.path.as_str(), file))
                .collect(),
            summary: Summary {
                files_scanned: scan.files.len(),
                errors: count(Severity::Error),
                warnings: count(Severity::Warning),
                suppressed: scan.outcome.suppressed,
            },
        }
    }
}

/// `42 files scanned: 1 error, 0 warnings, 0 suppressed`
impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |count: usize, noun: &str| {
            format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
        };
        write!(
            f,
            "{} scanned: {}, {}, {} suppressed",
            plural(self.files_scanned, "file"),
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            self.suppressed
        )
    }
}
