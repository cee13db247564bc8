//! Line and column bookkeeping. Spans are byte ranges; reports want 1-based lines and
//! 1-based columns counted in characters, as the JSON contract says.

use thin_vec::{thin_vec, ThinVec};

/// `bytes` as text, invalid UTF-8 replaced by U+FFFD, as `String::from_utf8_lossy` does;
/// valid text (nearly every file) is checked by `std::str::from_utf8`, which is several times
/// faster on it.
pub fn lossy_text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// 1-based line and column (the column counts characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Byte offsets of line starts, and enough about the text's characters to count columns
/// without the text: a finding's position is computed long after its file's text is gone.
/// A file without line structure (`.wasm`) has one line, and its columns are byte offsets
/// plus one. The default index keeps no lines at all: the index of a file dropped because
/// nothing can be reported in it (see [`LineIndex::is_kept`]).
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    line_starts: LineStarts,
    /// The text's length in bytes; `None` for a binary file.
    len: Option<usize>,
    chars: Chars,
}

/// Where the text's continuation bytes (the bytes of a character after its first) are:
/// a column is the bytes from its line start less the continuation bytes among them.
#[derive(Clone, Debug, Default)]
enum Chars {
    /// Every character is one byte.
    #[default]
    Ascii,
    /// Few characters of more than one byte: per such character, its first byte's offset and
    /// the continuation bytes up to its end, counted from the start of the text.
    Sparse(ThinVec<(u32, u32)>),
    /// Many: a bit per byte (set on continuation bytes), and the continuation bytes before
    /// every [`BLOCK`]-th byte, so counting reads at most one block of bits.
    Dense {
        bits: ThinVec<u64>,
        before: ThinVec<u32>,
    },
}

/// The byte offsets where lines start, packed: a line takes about one byte rather than
/// four, as the index of every file a finding may point into is kept through the run. Every
/// [`LINES_PER_ANCHOR`]-th start is kept whole; the others are summed from line lengths
/// of a byte each, and the few lines of [`LONG_LINE`] bytes or more are looked up in `long`.
/// A lookup sums at most one anchor's lines.
#[derive(Clone, Debug, Default)]
struct LineStarts {
    /// The start of lines 0, 64, 128, …
    anchors: ThinVec<u32>,
    /// Each line's length with its line break, but the last line's; [`LONG_LINE`] for a line
    /// in `long`.
    lengths: ThinVec<u8>,
    /// `(line, length)` of the lines of [`LONG_LINE`] bytes or more, by line.
    long: ThinVec<(u32, u32)>,
}

const LINES_PER_ANCHOR: usize = 64;
const LONG_LINE: u8 = u8::MAX;

impl LineStarts {
    /// From the starts of lines after the first (the first starts at 0), in order.
    fn new(starts: impl Iterator<Item = u32>) -> Self {
        let mut packed = LineStarts {
            anchors: thin_vec![0],
            ..LineStarts::default()
        };
        let mut previous = 0;
        for start in starts {
            let line = packed.lengths.len();
            let length = start - previous;
            match u8::try_from(length) {
                Ok(short) if short < LONG_LINE => packed.lengths.push(short),
                _ => {
                    packed.lengths.push(LONG_LINE);
                    let line = u32::try_from(line).expect("fewer lines than bytes");
                    packed.long.push((line, length));
                }
            }
            if (line + 1) % LINES_PER_ANCHOR == 0 {
                packed.anchors.push(start);
            }
            previous = start;
        }
        packed.anchors.shrink_to_fit();
        packed.lengths.shrink_to_fit();
        packed.long.shrink_to_fit();
        packed
    }

    /// Lines (0 for the default, which keeps none).
    fn len(&self) -> usize {
        if self.anchors.is_empty() {
            0
        } else {
            self.lengths.len() + 1
        }
    }

    fn length(&self, line: usize) -> u32 {
        match self.lengths[line] {
            LONG_LINE => {
                let at = self
                    .long
                    .partition_point(|&(long, _)| (long as usize) < line);
                self.long[at].1
            }
            short => u32::from(short),
        }
    }

    /// Where 0-based `line` starts.
    fn start(&self, line: usize) -> Option<usize> {
        if line >= self.len() {
            return None;
        }
        let anchor = line / LINES_PER_ANCHOR;
        let from = anchor * LINES_PER_ANCHOR;
        let summed: u32 = (from..line).map(|l| self.length(l)).sum();
        Some((self.anchors[anchor] + summed) as usize)
    }

    /// How many lines start at or before `offset`.
    fn starting_by(&self, offset: usize) -> usize {
        let anchor = self.anchors.partition_point(|&a| a as usize <= offset);
        let Some(anchor) = anchor.checked_sub(1) else {
            return 0;
        };
        let mut line = anchor * LINES_PER_ANCHOR;
        let mut start = self.anchors[anchor] as usize;
        while line + 1 < self.len() {
            let next = start + self.length(line) as usize;
            if next > offset {
                break;
            }
            start = next;
            line += 1;
        }
        line + 1
    }
}

/// Bytes per count of [`Chars::Dense`]: 8 words of bits.
const BLOCK: usize = 512;

fn is_continuation(byte: u8) -> bool {
    (byte & 0xc0) == 0x80
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // Offsets are kept in 32 bits; a text beyond that (never scanned: files are capped
        // far below) is indexed as one line of bytes.
        if u32::try_from(text.len()).is_err() {
            return LineIndex::binary();
        }
        let as_u32 = |at: usize| u32::try_from(at).expect("the text's length fits in 32 bits");
        let starts = memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| as_u32(at + 1));
        LineIndex {
            line_starts: LineStarts::new(starts),
            len: Some(text.len()),
            chars: Chars::of(text.as_bytes()),
        }
    }

    /// For binary files: everything is line 1.
    pub fn binary() -> Self {
        LineIndex {
            line_starts: LineStarts::new(std::iter::empty()),
            len: None,
            chars: Chars::Ascii,
        }
    }

    /// False for the default index, which a file gets when its lines were not kept.
    pub fn is_kept(&self) -> bool {
        self.line_starts.len() > 0
    }

    pub fn position(&self, offset: usize) -> Position {
        let line = self.line_starts.starting_by(offset).max(1);
        let line_start = self.line_starts.start(line - 1).unwrap_or(0);
        let column = match self.len {
            Some(len) => {
                let end = self.chars.floor_char_boundary(offset.min(len));
                let start = line_start.min(end);
                self.chars.chars_before(end) - self.chars.chars_before(start) + 1
            }
            None => offset - line_start + 1,
        };
        Position { line, column }
    }

    /// Byte range of 1-based `line`, without its line break.
    pub fn line_range(&self, line: usize) -> Option<std::ops::Range<usize>> {
        let len = self.len?;
        let start = self.line_starts.start(line.checked_sub(1)?)?;
        let end = self.line_starts.start(line).map_or(len, |next| next - 1);
        Some(start..end.max(start))
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

impl Chars {
    fn of(bytes: &[u8]) -> Chars {
        if bytes.is_ascii() {
            return Chars::Ascii;
        }
        let wide = bytes.iter().filter(|&&b| b >= 0xc0).count();
        // Sparse costs 8 bytes per wide character, dense about 0.14 bytes per byte.
        if wide.saturating_mul(60) <= bytes.len() {
            let mut sparse = ThinVec::with_capacity(wide);
            let mut continuation = 0u32;
            let mut at = 0;
            while at < bytes.len() {
                if bytes[at] < 0x80 {
                    at += 1;
                    continue;
                }
                let lead = at;
                at += 1;
                while at < bytes.len() && is_continuation(bytes[at]) {
                    continuation += 1;
                    at += 1;
                }
                let lead = u32::try_from(lead).expect("checked by the caller");
                sparse.push((lead, continuation));
            }
            return Chars::Sparse(sparse);
        }
        let mut bits = thin_vec![0u64; bytes.len().div_ceil(64)];
        let mut before = ThinVec::with_capacity(bytes.len() / BLOCK + 1);
        let mut continuation = 0u32;
        for (at, &byte) in bytes.iter().enumerate() {
            if at % BLOCK == 0 {
                before.push(continuation);
            }
            if is_continuation(byte) {
                bits[at / 64] |= 1 << (at % 64);
                continuation += 1;
            }
        }
        // The count at the end of the text, when that is a block's start.
        if bytes.len() % BLOCK == 0 {
            before.push(continuation);
        }
        Chars::Dense { bits, before }
    }

    /// Continuation bytes in `text[..at]`.
    fn continuation_before(&self, at: usize) -> usize {
        match self {
            Chars::Ascii => 0,
            Chars::Sparse(wide) => {
                let index = wide.partition_point(|&(lead, _)| (lead as usize) < at);
                let Some(&(lead, through)) = index.checked_sub(1).and_then(|i| wide.get(i)) else {
                    return 0;
                };
                let before_lead = index
                    .checked_sub(2)
                    .and_then(|i| wide.get(i))
                    .map_or(0, |&(_, through)| through as usize);
                // `at` may fall inside this character: count its continuation bytes before.
                let inside = at - lead as usize - 1;
                before_lead + inside.min(through as usize - before_lead)
            }
            Chars::Dense { bits, before } => {
                let block = at / BLOCK;
                let mut count = before.get(block).map_or(0, |&n| n as usize);
                let word = at / 64;
                for &bits in bits.get(block * (BLOCK / 64)..word).unwrap_or_default() {
                    count += bits.count_ones() as usize;
                }
                let partial = bits.get(word).copied().unwrap_or(0) & ((1u64 << (at % 64)) - 1);
                count + partial.count_ones() as usize
            }
        }
    }

    /// Characters in `text[..at]`; `at` is a char boundary.
    fn chars_before(&self, at: usize) -> usize {
        at - self.continuation_before(at)
    }

    /// `at`, moved back to the start of the character it falls in.
    fn floor_char_boundary(&self, at: usize) -> usize {
        match self {
            Chars::Ascii => at,
            Chars::Sparse(wide) => {
                let index = wide.partition_point(|&(lead, _)| (lead as usize) < at);
                let Some(&(lead, through)) = index.checked_sub(1).and_then(|i| wide.get(i)) else {
                    return at;
                };
                let before_lead = index
                    .checked_sub(2)
                    .and_then(|i| wide.get(i))
                    .map_or(0, |&(_, through)| through as usize);
                let end = lead as usize + 1 + (through as usize - before_lead);
                if at < end {
                    lead as usize
                } else {
                    at
                }
            }
            Chars::Dense { bits, .. } => {
                let set = |at: usize| bits.get(at / 64).is_some_and(|w| w & (1 << (at % 64)) != 0);
                let mut at = at;
                while at > 0 && set(at) {
                    at -= 1;
                }
                at
            }
        }
    }
}

/// What a file's bytes were when they were scanned: their length and a hash. Texts are not
/// kept through a run; a reporter that reads a file again for an excerpt shows it only when
/// the bytes are still these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    len: usize,
    hash: u64,
}

impl Stamp {
    pub fn of(bytes: &[u8]) -> Stamp {
        use std::hash::Hasher;
        // The same keys in every run: stamps are compared within one process only.
        let mut hasher = std::hash::DefaultHasher::new();
        hasher.write(bytes);
        Stamp {
            len: bytes.len(),
            hash: hasher.finish(),
        }
    }

    /// Whether `bytes` are the bytes stamped.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        bytes.len() == self.len && Stamp::of(bytes) == *self
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

    /// Line ranges across anchors and long lines, as the text says: lines of 0 to 600
    /// bytes, the lengths around the one-byte limit among them.
    #[test]
    fn line_ranges_match_the_text() {
        let lengths = [0, 1, 80, 253, 254, 255, 256, 600, 17];
        let text: String = (0..300)
            .map(|line| "x".repeat(lengths[line % lengths.len()]) + "\n")
            .collect::<String>()
            + "last";
        let index = LineIndex::new(&text);
        let mut start = 0;
        for (line, content) in text.split('\n').enumerate() {
            let range = start..start + content.len();
            assert_eq!(
                index.line_range(line + 1),
                Some(range.clone()),
                "line {line}"
            );
            assert_eq!(index.position(range.end).line, line + 1);
            start = range.end + 1;
        }
        assert_eq!(index.line_count(), 301);
        assert_eq!(index.line_range(302), None);
    }

    #[test]
    fn columns_count_characters() {
        let index = LineIndex::new("ab\nçé sk\n");
        assert_eq!(index.position(0), Position { line: 1, column: 1 });
        assert_eq!(index.position(3), Position { line: 2, column: 1 });
        // "çé " is 5 bytes and 3 characters.
        assert_eq!(index.position(8), Position { line: 2, column: 4 });
        assert_eq!(index.line_range(2), Some(3..10));
    }

    #[test]
    fn columns_are_counted_from_checkpoints() {
        let text: String = "é".repeat(3000) + "\nab" + &"ç".repeat(2000) + "x";
        let index = LineIndex::new(&text);
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

    /// The position as the text itself says: characters from the line start to `offset`
    /// (moved back to a char boundary, and to the end of the text).
    fn expected(text: &str, offset: usize) -> Position {
        let end = floor_char_boundary(text, offset.min(text.len()));
        let line_start = text[..end].rfind('\n').map_or(0, |n| n + 1);
        Position {
            line: text[..end].matches('\n').count() + 1,
            column: text[line_start..end].chars().count() + 1,
        }
    }

    #[test]
    fn positions_match_the_text_for_sparse_and_dense_texts() {
        let texts = [
            String::new(),
            "plain ascii\nlines\n".to_string(),
            "a — b\n".repeat(40) + &"x".repeat(3000) + "é\n€𝄞z",
            "日本語のテキスト\n".repeat(300),
            "𝄞".repeat(200) + "\n" + &"aé".repeat(700) + "\n\n€",
            "é".repeat(3000) + "\nab" + &"ç".repeat(2000) + "x",
        ];
        for text in &texts {
            let index = LineIndex::new(text);
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    index.position(offset),
                    expected(text, offset),
                    "at {offset}"
                );
            }
            for line in 1..=index.line_count() {
                let range = index.line_range(line).expect("a line");
                assert!(!text[range].contains('\n'));
            }
        }
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
