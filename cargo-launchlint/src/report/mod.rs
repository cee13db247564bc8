//! Reporters turn sorted findings into one output format. They read findings and the files'
//! masked text; rules reach them only through a finding's rule id. A new format is a new
//! module here and a new `--format` value, nothing else.
//!
//! File texts are not kept through a scan: [`Report::shown_text`] reads a file again when an
//! excerpt of it is shown, through [`fsio`] (inside the root, no symlink followed), and gives
//! it only when its bytes are still those scanned; otherwise the finding is shown without
//! source.
//!
//! Everything in a finding that came from the scanned tree (paths, messages, label texts) is
//! sanitized once, in [`Report::new`], before any reporter sees it: secrets masked, control
//! characters escaped (see [`launchlint_rules::extract::redact`]). Notes on stderr go through
//! [`note_line`]; source excerpts through `sanitize_source` in the human reporter.
//!
//! Paths are printed relative to the repository root (the git work tree holding the scanned
//! root, see [`crate::locate::Base`]) in every format: [`Report::new`] puts the scanned root's
//! place in it before each finding's and label's path, and [`note_line`] before each note's.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::rc::Rc;

use launchlint_rules::extract::file::{FileAnalysis, Note, NoteKind};
use launchlint_rules::extract::redact::sanitize;
use launchlint_rules::extract::shown::masked_text;
use launchlint_rules::ground::finding::{Finding, Label, Severity};
use serde::Serialize;

use crate::fsio;
use crate::locate::Base;
use crate::scan::Scan;

pub mod github;
pub mod human;
pub mod json;
pub mod json_cargo;
pub mod readiness;
pub mod rules_list;
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
    /// Where printed paths start: the repository root, and the scanned root's place in it.
    pub base: &'a Base,
    /// Whether the human, short and github formats end with the summary line (not with
    /// `--quiet`).
    pub summary_line: bool,
    /// The project's packages, (folder, name), for formats that attribute findings to one.
    pub packages: Vec<(String, String)>,
    /// Where the files' paths are relative to.
    root: &'a Path,
    /// With `--staged`: the staged texts, which excerpts come from instead of the work tree.
    staged: Option<&'a BTreeMap<String, Vec<u8>>>,
    /// The last few texts read again, by path: findings come sorted by path, and their
    /// labels point at a few other files (the config).
    shown: RefCell<Vec<(String, Option<Rc<str>>)>>,
}

/// How many texts [`Report::shown_text`] keeps.
const SHOWN_TEXTS: usize = 4;

impl<'a> Report<'a> {
    pub fn new(scan: &'a Scan) -> Self {
        let prefix = scan.base.prefix.as_str();
        let findings: Vec<Finding> = scan
            .outcome
            .findings
            .iter()
            .map(|finding| sanitized(finding, prefix))
            .collect();
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
                .map(|file| (sanitize(&format!("{prefix}{}", file.path)), file))
                .collect(),
            summary: Summary {
                files_scanned: scan.reported_files,
                errors,
                warnings,
                suppressed: scan.outcome.suppressed,
                unreadable: noted(NoteKind::Unreadable),
                too_large: noted(NoteKind::TooLarge),
                unparsed: noted(NoteKind::Unparsed),
                binary: noted(NoteKind::Binary),
            },
            base: &scan.base,
            summary_line: true,
            packages: scan
                .model
                .packages
                .iter()
                .map(|package| (package.dir.clone(), package.name.clone()))
                .collect(),
            root: &scan.root,
            staged: scan.staged.as_ref().map(|checked| &checked.texts),
            shown: RefCell::new(Vec::new()),
        }
    }

    /// `file`'s text, read again, with its secrets masked: `None` when it cannot be read, is
    /// not a regular file inside the root, or is no longer what was scanned.
    pub fn shown_text(&self, file: &FileAnalysis) -> Option<Rc<str>> {
        file.stamp?;
        let mut shown = self.shown.borrow_mut();
        if let Some((_, text)) = shown.iter().find(|(path, _)| *path == file.path) {
            return text.clone();
        }
        let text = match self.staged.and_then(|texts| texts.get(&file.path)) {
            Some(bytes) => masked_text(file, bytes),
            None => fsio::inside_root(self.root, &file.path)
                .ok()
                .and_then(|_| {
                    fsio::read_regular(&self.root.join(&file.path), fsio::MAX_SCANNED_BYTES).ok()
                })
                .and_then(|bytes| masked_text(file, &bytes)),
        }
        .map(Rc::from);
        if shown.len() == SHOWN_TEXTS {
            shown.remove(0);
        }
        shown.push((file.path.clone(), text.clone()));
        text
    }
}

/// A finding with every string that came from the scanned tree made safe to print, its paths
/// relative to the repository root (`prefix` is the scanned root's place in it).
fn sanitized(finding: &Finding, prefix: &str) -> Finding {
    Finding {
        path: sanitize(&format!("{prefix}{}", finding.path)),
        message: sanitize(&finding.message),
        help: sanitize(&finding.help),
        labels: finding
            .labels
            .iter()
            .map(|label| Label {
                path: sanitize(&format!("{prefix}{}", label.path)),
                text: sanitize(&label.text),
                ..label.clone()
            })
            .collect(),
        ..finding.clone()
    }
}

/// The notes worth a line on stderr: all of them with `--verbose`; otherwise all but skipped
/// binary files, which the summary counts (a repository can hold hundreds of images), and
/// details.
pub fn notes_to_print(notes: &[Note], verbose: bool) -> impl Iterator<Item = &Note> {
    notes
        .iter()
        .filter(move |note| verbose || !matches!(note.kind, NoteKind::Binary | NoteKind::Detail))
}

/// What `--verbose` adds on stderr before the notes: the config read, the environment, and
/// each package with its side and why.
pub fn verbose_lines(scan: &Scan) -> Vec<String> {
    let mut lines = vec![match &scan.model.launch.path {
        Some(path) => format!("launchlint: info: config: {}", sanitize(path)),
        None => "launchlint: info: config: none found, defaults used".to_string(),
    }];
    lines.push(format!(
        "launchlint: info: environment: {}",
        match scan.model.environment {
            launchlint_rules::project::model::Environment::Live => "live",
            launchlint_rules::project::model::Environment::Sandbox => "sandbox",
        }
    ));
    for package in &scan.model.packages {
        let dir = if package.dir.is_empty() {
            ".".to_string()
        } else {
            sanitize(&package.dir)
        };
        lines.push(format!(
            "launchlint: info: package `{}` ({dir}): {}: {}",
            sanitize(&package.name),
            package.side.as_str(),
            sanitize(&package.reason)
        ));
    }
    lines
}

/// `launchlint: note: path: message`, sanitized, for stderr (`info` for details); `prefix`
/// puts the path relative to the repository root like every other printed path.
pub fn note_line(note: &Note, prefix: &str) -> String {
    let path = if note.path.is_empty() {
        String::new()
    } else {
        format!("{}: ", sanitize(&format!("{prefix}{}", note.path)))
    };
    let kind = if note.kind == NoteKind::Detail {
        "info"
    } else {
        "note"
    };
    format!("launchlint: {kind}: {path}{}", sanitize(&note.message))
}

/// `42 files scanned: 1 error, 0 warnings, 0 suppressed`, or on a clean run
/// `no launch-gate findings in 42 files` (with `, 3 suppressed` when any were), then what
/// was not fully scanned and how many binary files were skipped, when any.
impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural = |count: usize, noun: &str| {
            format!("{count} {noun}{}", if count == 1 { "" } else { "s" })
        };
        if self.errors + self.warnings == 0 {
            write!(
                f,
                "no launch-gate findings in {}",
                plural(self.files_scanned, "file")
            )?;
            if self.suppressed > 0 {
                write!(f, ", {} suppressed", self.suppressed)?;
            }
        } else {
            write!(
                f,
                "{} scanned: {}, {}, {} suppressed",
                plural(self.files_scanned, "file"),
                plural(self.errors, "error"),
                plural(self.warnings, "warning"),
                self.suppressed
            )?;
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::CheckArgs;

    const KEY: &str = "sk_live_Q7wXk2Lm9PzR4tVb8NcYd3Hf";

    fn write(root: &Path, path: &str, contents: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, contents).expect("written");
    }

    /// A project with a live key in server code, scanned.
    fn scanned(root: &Path) -> Scan {
        write(root, "Cargo.toml", "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.7\"\n\n[workspace]\n");
        write(
            root,
            "src/main.rs",
            &format!("fn main() {{}}\nconst GATE_KEY: &str = \"{KEY}\";\n"),
        );
        let args = CheckArgs {
            path: Some(root.to_path_buf()),
            ..CheckArgs::default()
        };
        let scan = crate::scan::run(&args).expect("scanned");
        assert!(!scan.outcome.findings.is_empty());
        scan
    }

    fn shown(scan: &Scan) -> Option<Rc<str>> {
        let report = Report::new(scan);
        let file = report.files.get("src/main.rs").expect("the file");
        report.shown_text(file)
    }

    #[test]
    fn excerpts_are_read_again_masked() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let scan = scanned(dir.path());
        let text = shown(&scan).expect("the same bytes");
        assert!(!text.contains(KEY), "{text}");
        assert!(text.contains("sk_live_****"), "{text}");
        assert_eq!(
            text.len(),
            std::fs::read(dir.path().join("src/main.rs"))
                .expect("read")
                .len()
        );
    }

    #[test]
    fn files_changed_or_gone_since_the_scan_show_no_excerpt() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let root = dir.path();
        let scan = scanned(root);
        let path = root.join("src/main.rs");
        let original = std::fs::read_to_string(&path).expect("read");
        // Same length, other bytes: the key moved, and would print in full at the old span.
        let moved = original.replacen("fn main() {}", "fn mian() {}", 1);
        std::fs::write(&path, &moved).expect("written");
        assert_eq!(shown(&scan), None);
        let human = human::render(
            &Report::new(&scan),
            human::Style {
                color: false,
                links: false,
                width: 100,
            },
        );
        assert!(human.contains("hardcoded-secret-key"), "{human}");
        assert!(!human.contains("fn mian"), "{human}");
        std::fs::remove_file(&path).expect("removed");
        assert_eq!(shown(&scan), None);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_planted_since_the_scan_is_not_followed() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let outside = tempfile::tempdir().expect("a temp dir");
        let root = dir.path();
        let scan = scanned(root);
        let path = root.join("src/main.rs");
        // The very bytes scanned, but behind a link out of the project.
        let copy = outside.path().join("main.rs");
        std::fs::copy(&path, &copy).expect("copied");
        std::fs::remove_file(&path).expect("removed");
        std::os::unix::fs::symlink(&copy, &path).expect("a symlink");
        assert_eq!(shown(&scan), None);
        // And a link inside the project is not followed either.
        let inside = root.join("src/copy.rs");
        std::fs::rename(&copy, &inside).expect("moved");
        std::fs::remove_file(&path).expect("removed");
        std::os::unix::fs::symlink(&inside, &path).expect("a symlink");
        assert_eq!(shown(&scan), None);
    }
}
