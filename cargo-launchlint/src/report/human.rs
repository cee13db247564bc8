//! miette's graphical report: the rule id as the code, the masked source with a label on the
//! exact span (the rule's summary, so no label is blank), the help, and where the rule's docs
//! are (`cargo launchlint explain <rule>`; they are not published anywhere a link could
//! point). A blank line separates findings. Long lines (minified bundles) are cut to a window
//! around the finding so one finding never prints a megabyte.

use std::fmt::Write;
use std::ops::Range;

use launchlint_rules::extract::file::FileAnalysis;
use launchlint_rules::extract::redact::sanitize_source;
use launchlint_rules::ground::finding::{Finding, Severity};
use launchlint_rules::ground::source::{floor_char_boundary, LineIndex};
use launchlint_rules::pipeline::rule_of;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::Report;

/// How the terminal wants to be written to.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    pub links: bool,
    pub width: usize,
}

/// Lines longer than this (in characters) are cut around the finding.
const LONG_LINE: usize = 160;
/// Characters kept on each side of a finding on a long line.
const WINDOW: usize = 60;

pub fn handler(style: Style) -> GraphicalReportHandler {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(style.links)
        .with_context_lines(2)
}

pub fn render(report: &Report, style: Style) -> String {
    let handler = handler(style);
    let mut out = String::new();
    for finding in &report.findings {
        render_finding(&handler, &mut out, finding, report);
        out.push('\n');
    }
    if report.summary_line {
        let _ = writeln!(out, "launchlint: {}", report.summary);
    }
    out
}

/// One finding's graphical report, appended to `out`.
pub fn render_finding(
    handler: &GraphicalReportHandler,
    out: &mut String,
    finding: &Finding,
    report: &Report,
) {
    let diagnostic = FindingDiagnostic::new(finding, report);
    let _ = handler.render_report(out, &diagnostic);
}

/// Adapts a finding to miette.
#[derive(Debug)]
struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    excerpt: Option<Excerpt>,
    /// The primary label's text: what the rule flags.
    label: &'static str,
    /// The help, and where the rule's docs are.
    help: String,
    /// Labels in other files (the config), shown as related notes.
    related: Vec<LabelNote>,
}

/// A secondary label rendered as a related note with its own source excerpt.
#[derive(Debug)]
struct LabelNote {
    /// The label's text.
    text: String,
    /// Where it points, `path:line`.
    at: String,
    excerpt: Option<Excerpt>,
}

impl std::fmt::Display for LabelNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.text, self.at)
    }
}

impl std::error::Error for LabelNote {}

impl Diagnostic for LabelNote {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt
            .as_ref()
            .map(|excerpt| excerpt as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let excerpt = self.excerpt.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.text.clone()), excerpt.label),
        )))
    }
}

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding, report: &Report) -> Self {
        let file = report.files.get(finding.path.as_str()).copied();
        let excerpt = file.and_then(|file| Excerpt::at(&finding.path, &finding.span, file, report));
        let related = finding
            .labels
            .iter()
            .map(|label| LabelNote {
                text: label.text.clone(),
                at: format!("{}:{}", label.path, label.start.line),
                excerpt: report
                    .files
                    .get(label.path.as_str())
                    .and_then(|file| Excerpt::at(&label.path, &label.span, file, report)),
            })
            .collect();
        FindingDiagnostic {
            finding,
            excerpt,
            label: rule_of(finding).map_or(finding.rule, |rule| rule.summary),
            help: format!(
                "{}\nsee: `cargo launchlint explain {}`",
                finding.help, finding.rule
            ),
            related,
        }
    }
}

impl std::fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        Some(Box::new(&self.help))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt
            .as_ref()
            .map(|excerpt| excerpt as &dyn SourceCode)
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|note| note as &dyn Diagnostic),
        ))
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let excerpt = self.excerpt.as_ref()?;
        let span = excerpt.label;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.label.to_string()), span),
        )))
    }
}

/// A few lines of masked source around a finding, with real line numbers.
#[derive(Debug)]
pub struct Excerpt {
    name: String,
    text: String,
    /// 0-based line number of the excerpt's first line.
    first_line: usize,
    /// Per excerpt line, bytes cut from its start less the ellipsis shown instead (miette
    /// counts header columns in bytes).
    column_shifts: Vec<usize>,
    label: SourceSpan,
}

impl Excerpt {
    /// A few lines of `file` around `span`, when its text can be read again as it was
    /// scanned.
    fn at(
        path: &str,
        span: &Range<usize>,
        file: &FileAnalysis,
        report: &Report,
    ) -> Option<Excerpt> {
        Excerpt::of_text(path, &report.shown_text(file)?, &file.lines, span)
    }

    /// A few lines of `text` (whose lines are `lines`) around `span`, named `name`: long
    /// lines cut to a window around the span, every line sanitized.
    pub fn of_text(
        name: &str,
        text: &str,
        lines: &LineIndex,
        span: &Range<usize>,
    ) -> Option<Excerpt> {
        let (start, end) = (lines.position(span.start), lines.position(span.end));
        let first = start.line.saturating_sub(1).max(1);
        // The empty "line" after a final line break is not shown.
        let line_count = lines.line_count() - usize::from(text.ends_with('\n'));
        let last = (end.line + 1).min(line_count.max(end.line));
        let mut excerpt = String::new();
        let mut label = 0..0;
        let mut column_shifts = Vec::new();
        for line in first..=last {
            let range = lines.line_range(line)?;
            let start_here = excerpt.len();
            let (kept, kept_range) = cut_long_line(text, range.clone(), span);
            // The label's ends within this line's kept text, where they fall on it.
            let local = |offset: usize| {
                offset.clamp(kept_range.start, kept_range.end) - kept_range.start + kept.prefix
            };
            let (shown, ends) = sanitize_source(&kept.text, local(span.start)..local(span.end));
            if line == start.line {
                label.start = start_here + ends.start;
            }
            if line == end.line {
                label.end = start_here + ends.end;
            }
            column_shifts.push(
                text[range.start..kept_range.start]
                    .len()
                    .saturating_sub(kept.prefix),
            );
            excerpt.push_str(&shown);
            excerpt.push('\n');
        }
        let label = label.start..label.end.max(label.start);
        Some(Excerpt {
            name: name.to_string(),
            text: excerpt,
            first_line: first - 1,
            column_shifts,
            label: (label.start, label.end - label.start).into(),
        })
    }
}

struct Kept {
    text: String,
    /// Bytes added before the kept part (an ellipsis).
    prefix: usize,
}

/// The part of `range` shown: the whole line, or for a long line a window around `span`.
fn cut_long_line(text: &str, range: Range<usize>, span: &Range<usize>) -> (Kept, Range<usize>) {
    let line = &text[range.clone()];
    if line.chars().count() <= LONG_LINE {
        return (
            Kept {
                text: line.to_string(),
                prefix: 0,
            },
            range,
        );
    }
    let center = span.start.clamp(range.start, range.end);
    let from = floor_char_boundary(text, center.saturating_sub(WINDOW * 4).max(range.start));
    let from = text[from..center]
        .char_indices()
        .rev()
        .nth(WINDOW)
        .map_or(from, |(at, _)| from + at);
    let end_at = span.end.clamp(center, range.end);
    let to = text[end_at..range.end]
        .char_indices()
        .nth(WINDOW)
        .map_or(range.end, |(at, _)| end_at + at);
    let prefix = if from > range.start { "…" } else { "" };
    let suffix = if to < range.end { "…" } else { "" };
    (
        Kept {
            text: format!("{prefix}{}{suffix}", &text[from..to]),
            prefix: prefix.len(),
        },
        from..to,
    )
}

impl Excerpt {
    /// Where the span falls in the excerpt.
    pub fn label(&self) -> SourceSpan {
        self.label
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column() + self.column_shifts.get(inner.line()).copied().unwrap_or(0),
            inner.line_count(),
        )))
    }
}
