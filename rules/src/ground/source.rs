//! Line and column bookkeeping. Spans are byte ranges; reports want 1-based lines and
//! 1-based columns counted in characters, as the JSON contract says.

/// 1-based line and column (the column counts characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Byte offsets of line starts. A file without line structure (`.wasm`) has one line, and its
/// columns are byte offsets plus one. The default index keeps no lines at all: the index of
/// a file dropped because nothing can be reported in it (see [`LineIndex::is_kept`]).
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    text: Option<std::sync::Arc<str>>,
    /// Characters before every [`CHECKPOINT`]-th byte, for texts that are not all ASCII: a
    /// column is then counted from the nearest checkpoint, not from the start of its line,
    /// so thousands of findings on one minified line cost no more than the line.
    char_checkpoints: Option<Vec<usize>>,
}

const CHECKPOINT: usize = 1024;

impl LineIndex {
    pub fn new(text: std::sync::Arc<str>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        let char_checkpoints = (!text.is_ascii()).then(|| {
            let mut chars = 0;
            let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT + 1);
            for (at, byte) in text.bytes().enumerate() {
                if at % CHECKPOINT == 0 {
                    checkpoints.push(chars);
                }
                // Every character has exactly one byte that is not a continuation byte.
                chars += usize::from((byte & 0xc0) != 0x80);
            }
            checkpoints
        });
        LineIndex {
            line_starts,
            text: Some(text),
            char_checkpoints,
        }
    }

    /// For binary files: everything is line 1.
    pub fn binary() -> Self {
        LineIndex {
            line_starts: vec![0],
            text: None,
            char_checkpoints: None,
        }
    }

    /// False for the default index, which a file gets when its lines were not kept.
    pub fn is_kept(&self) -> bool {
        !self.line_starts.is_empty()
    }

    pub fn position(&self, offset: usize) -> Position {
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        let line_start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let column = match &self.text {
            Some(text) => {
                let end = floor_char_boundary(text, offset.min(text.len()));
                let start = line_start.min(end);
                match &self.char_checkpoints {
                    None => end - start + 1,
                    Some(_) => self.chars_before(text, end) - self.chars_before(text, start) + 1,
                }
            }
            None => offset - line_start + 1,
        };
        Position { line, column }
    }

    /// Characters in `text[..at]`; `at` is a char boundary.
    fn chars_before(&self, text: &str, at: usize) -> usize {
        let checkpoints = self.char_checkpoints.as_deref().unwrap_or_default();
        let from = (at / CHECKPOINT) * CHECKPOINT;
        let base = checkpoints.get(at / CHECKPOINT).copied().unwrap_or(0);
        base + text.as_bytes()[from..at]
            .iter()
            .filter(|&&byte| (byte & 0xc0) != 0x80)
            .count()
    }

    /// Byte range of 1-based `line`, without its line break.
    pub fn line_range(&self, line: usize) -> Option<std::ops::Range<usize>> {
        let text = self.text.as_ref()?;
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .map_or(text.len(), |next| next - 1);
        Some(start..end.max(start))
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

pub fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters() {
        let index = LineIndex::new("ab\nçé sk\n".into());
        assert_eq!(index.position(0), Position { line: 1, column: 1 });
        assert_eq!(index.position(3), Position { line: 2, column: 1 });
        // "çé " is 5 bytes and 3 characters.
        assert_eq!(index.position(8), Position { line: 2, column: 4 });
        assert_eq!(index.line_range(2), Some(3..10));
    }

    #[test]
    fn columns_are_counted_from_checkpoints() {
        let text: String = "é".repeat(3000) + "\nab" + &"ç".repeat(2000) + "x";
        let index = LineIndex::new(text.as_str().into());
        for (at, _) in text.char_indices().step_by(97) {
            let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            let expected = text[line_start..at].chars().count() + 1;
            assert_eq!(index.position(at).column, expected, "at {at}");
        }
        let x = text.len() - 1;
        assert_eq!(
            index.position(x),
            Position {
                line: 2,
                column: 2003
            }
        );
    }

    #[test]
    fn binary_columns_are_offsets() {
        assert_eq!(
            LineIndex::binary().position(41),
            Position {
                line: 1,
                column: 42
            }
        );
    }
}
