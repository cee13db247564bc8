//! The text a report shows of a file. Texts are not kept through a run (only line starts
//! are, in [`crate::ground::source::LineIndex`]): a reporter reads the few files it shows
//! excerpts of again, and [`masked_text`] turns their bytes into what is shown, as the scan
//! would have: only when they are still the bytes scanned, and with every credential and
//! personal datum found in the scan masked.

use crate::extract::credential::{self, Credential};
use crate::extract::file::FileAnalysis;
use crate::ground::source::lossy_text;

/// `bytes`, read again from `file`'s path, as text with its secrets masked; `None` when they
/// are not the bytes scanned (the file changed or vanished since) or `file` kept no lines.
pub fn masked_text(file: &FileAnalysis, bytes: &[u8]) -> Option<String> {
    if !file.stamp?.matches(bytes) {
        return None;
    }
    let text = lossy_text(bytes);
    // The scan masked these same bytes; a span that does not fit them (which a matching
    // stamp rules out) shows no excerpt rather than a wrong one.
    let fits = |span: &std::ops::Range<usize>| text.get(span.clone()).is_some_and(str::is_ascii);
    let found: Vec<Credential> = file
        .credentials
        .iter()
        .map(|hit| hit.credential.clone())
        .collect();
    // `credential::mask` keeps each credential's prefix and last four characters.
    let maskable =
        |c: &Credential| fits(&c.span) && c.span.len() >= c.redacted.find('…').unwrap_or(0) + 4;
    if !found.iter().all(maskable)
        || !file
            .mentions
            .iter()
            .all(|m| text.get(m.span.clone()).is_some())
    {
        return None;
    }
    let masked = credential::mask(&text, &found);
    Some(match file.mentions.is_empty() {
        true => masked,
        false => crate::extract::pii::mask(&masked, &file.mentions),
    })
}
