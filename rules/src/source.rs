//! Line and column bookkeeping. Spans are byte ranges; reports want 1-based lines and
//! 1-based columns counted in characters, as the JSON contract says.

/// 1-based line and column (the column counts characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Byte offsets of line starts. A file without line structure (`.wasm`) has one line, and its
/// columns are byte offsets plus one.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    text: Option<std::sync::Arc<str>>,
}

impl LineIndex {
    pub fn new(text: std::sync::Arc<str>) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(at, _)| at + 1));
        LineIndex {
            line_starts,
            text: Some(text),
        }
    }

    /// For binary files: everything is line 1.
    pub fn binary() -> Self {
        LineIndex {
            line_starts: vec![0],
            text: None,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        let line_start = self.line_starts[line - 1];
        let column = match &self.text {
            Some(text) => {
                let end = floor_char_boundary(text, offset.min(text.len()));
                text[line_start.min(end)..end].chars().count() + 1
            }
            None => offset - line_start + 1,
        };
        Position { line, column }
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
