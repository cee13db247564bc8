//! Reporters turn sorted findings into one output format. They read findings and the files'
//! masked text; rules reach them only through a finding's rule id. A new format is a new
//! module here and a new `--format` value, nothing else.
//!
//! Everything in a finding that came from the scanned tree (paths, messages, label texts) is
//! sanitized once, in [`Report::new`], before any reporter sees it: secrets masked, control
//! characters escaped (see [`launchlint_rules::extract::redact`]). Notes on stderr go through
//! [`note_line`]; source excerpts through `sanitize_source` in the human reporter.

use std::collections::{BTreeMap, BTreeSet};

use launchlint_rules::extract::file::{FileAnalysis, Note, NoteKind};
use launchlint_rules::extract::redact::sanitize;
use launchlint_rules::ground::finding::{Finding, Label, Severity};
use serde::Serialize;

use crate::scan::Scan;

pub mod github;
pub mod human;
pub mod json;
pub mod readiness;
pub mod sarif;
pub mod short;

#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub files_scanned: usize,
    pub errors: usize,
    pub warnings: usize,
    pub suppressed: usize,
    /// Files that could not be read (permissions, not a regular file).
    pub unreadable: usize,
    /// Files over a size limit: skipped, or Rust scanned as text only.
    pub too_large: usize,
    /// Files that did not parse (or nest too deeply): scanned as text only.
    pub unparsed: usize,
    /// Binary files other than `.wasm`: skipped, and listed on stderr only with `--verbose`.
    pub binary: usize,
}

impl Summary {
    /// Files the gate could not look at fully; `--strict` fails on any.
    pub fn not_fully_scanned(&self) -> usize {
        self.unreadable + self.too_large + self.unparsed
    }
}

/// What every reporter gets: sanitized findings, in order.
pub struct Report<'a> {
    pub findings: Vec<Finding>,
    /// Files by (sanitized) path, for their masked text.
    pub files: BTreeMap<String, &'a FileAnalysis>,
    pub summary: Summary,
}

impl<'a> Report<'a> {
    pub fn new(scan: &'a Scan) -> Self {
        let findings: Vec<Finding> = scan.outcome.findings.iter().map(sanitized).collect();
        let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
        let errors = count(Severity::Error);
        let warnings = count(Severity::Warning);
        // Files with a note of `kind`; walk errors have no path and count one each.
        let noted = |kind: NoteKind| {
            let mut paths = BTreeSet::new();
            let mut pathless = 0;
            for note in scan.notes.iter().filter(|note| note.kind == kind) {
                if note.path.is_empty() {
                    pathless += 1;
                } else {
                    paths.insert(note.path.as_str());
                }
            }
            paths.len() + pathless
        };
        Report {
            findings,
            files: scan
                .files
                .iter()
                .map(|file| (sanitize(&file.path), file))
                .collect(),
            summary: Summary {
                files_scanned: scan.files.len(),
                errors,
                warnings,
                suppressed: scan.outcome.suppressed,
                unreadable: noted(NoteKind::Unreadable),
                too_large: noted(NoteKind::TooLarge),
                unparsed: noted(NoteKind::Unparsed),
                binary: noted(NoteKind::Binary),
            },
        }
    }
}

/// A finding with every string that came from the scanned tree made safe to print.
fn sanitized(finding: &Finding) -> Finding {
    Finding {
        path: sanitize(&finding.path),
        message: sanitize(&finding.message),
        help: sanitize(&finding.help),
        labels: finding
            .labels
            .iter()
            .map(|label| Label {
                path: sanitize(&label.path),
                text: sanitize(&label.text),
                ..label.clone()
            })
            .collect(),
        ..finding.clone()
    }
}

/// The notes worth a line on stderr: all of them with `--verbose`; otherwise all but skipped
/// binary files, which the summary counts (a repository can hold hundreds of images).
pub fn notes_to_print(notes: &[Note], verbose: bool) -> impl Iterator<Item = &Note> {
    notes
        .iter()
        .filter(move |note| verbose || note.kind != NoteKind::Binary)
}

/// `launchlint: note: path: message`, sanitized, for stderr.
pub fn note_line(note: &Note) -> String {
    let path = if note.path.is_empty() {
        String::new()
    } else {
        format!("{}: ", sanitize(&note.path))
    };
    format!("launchlint: note: {path}{}", sanitize(&note.message))
}

/// `42 files scanned: 1 error, 0 warnings, 0 suppressed`, then what was not fully scanned
/// and how many binary files were skipped, when any.
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
        )?;
        if self.not_fully_scanned() > 0 {
            let parts: Vec<String> = [
                (self.unreadable, "unreadable"),
                (self.too_large, "too large"),
                (self.unparsed, "not parsed"),
            ]
            .iter()
            .filter(|(count, _)| *count > 0)
            .map(|(count, what)| format!("{count} {what}"))
            .collect();
            write!(f, "; not fully scanned: {}", parts.join(", "))?;
        }
        if self.binary > 0 {
            write!(
                f,
                "; {} skipped (`--verbose` lists them)",
                plural(self.binary, "binary file")
            )?;
        }
        Ok(())
    }
}
