//! A linear look at a Rust file's token structure before syn sees it.
//!
//! syn parses recursively, and its trees are visited and dropped recursively, so the stack a
//! file needs grows with the depth of its tree. Hostile input can make that depth anything:
//! 100,000 nested parentheses, or a single expression `1 + 1 + …` of 100,000 terms, a type
//! `&&&…T`, a chain of closures `|| || … x`. This module bounds the depth with a small lexer
//! (strings, raw strings, chars and lifetimes, line and nested block comments) that tracks
//! two things:
//!
//! - *nesting*: brackets `(` `[` `{` open at once;
//! - the *chain*: how many tokens precede a point without a separator between them that ends
//!   a syntax node, summed over the open brackets. A separator is a `;`, a `,` (except inside
//!   generics `<…>` and closure parameters `|…|`, where the nesting goes on across it), or
//!   the `}` of a block that ends a statement, an item or a match arm. Within a chain, each
//!   token can open at most a few tree levels, so chain and nesting bound the tree's depth.
//!
//! Macro bodies are token lists, not trees, so they count for nesting only, except the
//! macros whose arguments are parsed as expressions here (`format!`, `concat!`). What else
//! is parsed of macro bodies is small and bounded on its own (`cfg_if!` predicates).

/// Brackets open at once. Real code stays far below: the deepest of 5,700 files of
/// published crates (syn, serde, regex, tokio and more, 72 MB) nests 45 brackets, in a
/// test of syn's. Generated code is wide rather than deep: its arrays and matches are cut
/// by commas.
pub const MAX_NESTING: usize = 256;
/// Tokens on a chain. The longest chain in the same 5,700 files is 323 tokens (an
/// expression in syn's own parser); statements and builder chains are far shorter.
///
/// Stack, measured on files at both limits at once: the costliest token (`&` in a type)
/// takes about 2.7 KiB to parse in a release build, 27 KiB in a debug build, so a file
/// at the limits needs under 3 MiB of stack in release (the scan's workers have 64 MiB)
/// and under 32 MiB in a debug build.
pub const MAX_CHAIN: usize = 1_000;

/// The offset where `text` first nests or chains past the limits, or `None`.
pub fn too_deep(text: &str) -> Option<usize> {
    scan(text, MAX_NESTING, MAX_CHAIN).crossed_at
}

/// What [`scan`] saw: the deepest nesting and longest chain, and where a limit was
/// crossed (the scan stops there).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Depth {
    pub nesting: usize,
    pub chain: usize,
    pub crossed_at: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token<'t> {
    /// Identifiers and keywords.
    Word(&'t [u8]),
    /// Strings, chars and numbers.
    Literal,
    /// `'a`, `'static`, `'label`.
    Lifetime,
    Punct(u8),
    Open(u8),
    Close(u8),
}

use Token::{Close, Lifetime, Literal, Open, Punct, Word};

/// The state of one bracket level.
struct Frame {
    /// Tokens since the last separator at this level (a bracketed group is one token).
    run: usize,
    /// `<` not yet matched by `>`: commas inside generics do not end a run. Less-than
    /// signs count too, which only makes the scan stricter.
    angles: usize,
    /// Between the `|`s of closure parameters: commas there do not end a run.
    params: bool,
    /// Whether tokens count at this level (not inside a macro body left as tokens).
    counted: bool,
    /// A `{` right after `=>`: a match arm's block body, which ends the arm.
    arm_body: bool,
}

impl Frame {
    fn new(counted: bool, arm_body: bool) -> Frame {
        Frame {
            run: 0,
            angles: 0,
            params: false,
            counted,
            arm_body,
        }
    }

    fn count(&mut self, chain: &mut usize) {
        if self.counted {
            self.run += 1;
            *chain += 1;
        }
    }

    /// A separator: what follows does not nest inside what came before.
    fn end_run(&mut self, chain: &mut usize) {
        *chain -= self.run;
        self.run = 0;
    }

    /// A statement, item or arm ends: generics and closure parameters with it.
    fn end_all(&mut self, chain: &mut usize) {
        self.end_run(chain);
        self.angles = 0;
        self.params = false;
    }
}

/// Scans `text`, stopping where nesting passes `max_nesting` or the chain `max_chain`.
pub fn scan(text: &str, max_nesting: usize, max_chain: usize) -> Depth {
    let mut lexer = Lexer {
        bytes: text.as_bytes(),
        at: 0,
    };
    let mut depth = Depth::default();
    let mut frames = vec![Frame::new(true, false)];
    let mut chain = 0usize;
    // The last three tokens, most recent first.
    let mut recent: [Option<Token>; 3] = [None; 3];
    // Set when a `}` closes a group: whether the enclosing run goes on is known only from
    // the next token. Holds whether the group was a match arm's body.
    let mut closed_brace: Option<bool> = None;
    while let Some((start, token)) = lexer.next_token() {
        let nesting = frames.len() - 1;
        let frame = frames
            .last_mut()
            .expect("the file's own frame is never popped");
        if let Some(arm_body) = closed_brace.take() {
            if !continues_after_block(token, arm_body) {
                frame.end_all(&mut chain);
            }
        }
        match token {
            Open(bracket) => {
                frame.count(&mut chain);
                let counted = frame.counted && !opens_token_macro(&recent);
                let arm_body =
                    bracket == b'{' && recent[..2] == [Some(Punct(b'>')), Some(Punct(b'='))];
                frames.push(Frame::new(counted, arm_body));
                depth.nesting = depth.nesting.max(nesting + 1);
                if nesting + 1 > max_nesting {
                    depth.crossed_at = Some(start);
                    return depth;
                }
            }
            Close(bracket) => {
                // An unmatched closer is a syntax error for syn; it opens nothing.
                if nesting > 0 {
                    let mut closed = frames.pop().expect("more than one frame");
                    closed.end_run(&mut chain);
                    if bracket == b'}' {
                        closed_brace = Some(closed.arm_body);
                    }
                }
            }
            Punct(b';') => frame.end_all(&mut chain),
            Punct(b',') if frame.angles == 0 && !frame.params => frame.end_run(&mut chain),
            Punct(b'<') => {
                frame.angles += 1;
                frame.count(&mut chain);
            }
            Punct(b'>') => {
                match recent[0] {
                    // `=>`: a match arm's pattern and guard are complete.
                    Some(Punct(b'=')) => {
                        frame.angles = 0;
                        frame.params = false;
                    }
                    // `->`
                    Some(Punct(b'-')) => {}
                    _ => frame.angles = frame.angles.saturating_sub(1),
                }
                frame.count(&mut chain);
            }
            Punct(b'|') => {
                match lexer.peek() {
                    // `||` (an or, or a closure without parameters) and `|=`.
                    Some(b'|') if !frame.params => {
                        lexer.at += 1;
                        frame.count(&mut chain);
                    }
                    Some(b'=') => {}
                    _ if frame.params => frame.params = false,
                    // After an operand, `|` is an or (or separates patterns); anywhere
                    // else it opens closure parameters. Taking an or for a closure only
                    // makes the scan stricter, so only clear operands count.
                    _ => frame.params = !ends_operand(recent[0]),
                }
                frame.count(&mut chain);
            }
            _ => frame.count(&mut chain),
        }
        depth.chain = depth.chain.max(chain);
        if chain > max_chain {
            depth.crossed_at = Some(start);
            return depth;
        }
        recent = [Some(token), recent[0], recent[1]];
    }
    depth
}

/// Whether the token after a block's `}` continues the expression the block is part of.
/// syn goes on after a block-like statement or arm body only with `.` or `?`; elsewhere
/// a block is an operand, continued by an operator, a call, an index, `as` or `else`.
fn continues_after_block(next: Token, arm_body: bool) -> bool {
    match next {
        Punct(b'.' | b'?') => true,
        _ if arm_body => false,
        Punct(punct) => !matches!(punct, b';' | b',' | b'#'),
        Open(bracket) => bracket != b'{',
        Word(word) => word == b"as" || word == b"else",
        Close(_) | Literal | Lifetime => false,
    }
}

/// Whether a bracket opened after `recent` is the body of a macro call that syn keeps as
/// tokens: `name!(…)`, `path::name! {…}`, `macro_rules! name {…}`.
fn opens_token_macro(recent: &[Option<Token>; 3]) -> bool {
    match recent {
        [Some(Punct(b'!')), Some(Word(name)), _] => {
            !is_keyword(name) && !matches!(*name, b"format" | b"concat")
        }
        [Some(Word(_)), Some(Punct(b'!')), Some(Word(b"macro_rules"))] => true,
        _ => false,
    }
}

/// A token after which `|` is an or: a name, a literal, `)`, `]` or `?`.
fn ends_operand(token: Option<Token>) -> bool {
    match token {
        Some(Word(word)) => {
            !is_keyword(word) || matches!(word, b"self" | b"Self" | b"true" | b"false")
        }
        Some(Literal | Close(b')' | b']') | Punct(b'?')) => true,
        _ => false,
    }
}

fn is_keyword(word: &[u8]) -> bool {
    const KEYWORDS: [&[u8]; 51] = [
        b"as",
        b"async",
        b"await",
        b"break",
        b"const",
        b"continue",
        b"crate",
        b"dyn",
        b"else",
        b"enum",
        b"extern",
        b"false",
        b"fn",
        b"for",
        b"if",
        b"impl",
        b"in",
        b"let",
        b"loop",
        b"match",
        b"mod",
        b"move",
        b"mut",
        b"pub",
        b"ref",
        b"return",
        b"self",
        b"Self",
        b"static",
        b"struct",
        b"super",
        b"trait",
        b"true",
        b"type",
        b"unsafe",
        b"use",
        b"where",
        b"while",
        b"abstract",
        b"become",
        b"box",
        b"do",
        b"final",
        b"macro",
        b"override",
        b"priv",
        b"typeof",
        b"unsized",
        b"virtual",
        b"yield",
        b"try",
    ];
    KEYWORDS.contains(&word)
}

/// Splits Rust source into the tokens above, skipping whitespace and comments. It never
/// fails: what it cannot read is a syntax error for syn, which stops parsing there.
struct Lexer<'t> {
    bytes: &'t [u8],
    at: usize,
}

impl<'t> Lexer<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next_token(&mut self) -> Option<(usize, Token<'t>)> {
        let bytes = self.bytes;
        loop {
            let byte = *bytes.get(self.at)?;
            match (byte, bytes.get(self.at + 1)) {
                (b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c', _) => self.at += 1,
                (b'/', Some(b'/')) => {
                    self.at = bytes[self.at..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(bytes.len(), |n| self.at + n)
                }
                (b'/', Some(b'*')) => self.skip_block_comment(),
                _ => break,
            }
        }
        let start = self.at;
        let byte = bytes[start];
        let token = match byte {
            b'"' => {
                self.at = quoted_end(bytes, start + 1, b'"');
                Literal
            }
            b'\'' => self.quote(start),
            b'0'..=b'9' => {
                self.at = word_end(bytes, start);
                Literal
            }
            b'(' | b'[' | b'{' => {
                self.at += 1;
                Open(byte)
            }
            b')' | b']' | b'}' => {
                self.at += 1;
                Close(byte)
            }
            _ if is_word_byte(byte) => self.word(start),
            _ => {
                self.at += 1;
                Punct(byte)
            }
        };
        Some((start, token))
    }

    /// `/* … */`, which nests in Rust.
    fn skip_block_comment(&mut self) {
        let bytes = self.bytes;
        let mut depth = 0usize;
        let mut at = self.at;
        while at < bytes.len() {
            match (bytes[at], bytes.get(at + 1)) {
                (b'/', Some(b'*')) => {
                    depth += 1;
                    at += 2;
                }
                (b'*', Some(b'/')) => {
                    depth -= 1;
                    at += 2;
                    if depth == 0 {
                        break;
                    }
                }
                _ => at += 1,
            }
        }
        self.at = at.min(bytes.len());
    }

    /// `'a'`, `'\n'` and `'\u{1F600}'` are chars; `'a` and `'static` are lifetimes.
    fn quote(&mut self, start: usize) -> Token<'t> {
        let bytes = self.bytes;
        let next = start + 1;
        match bytes.get(next) {
            Some(b'\\') => {
                self.at = quoted_end(bytes, next, b'\'');
                Literal
            }
            Some(&first) => {
                let width = utf8_width(first);
                if bytes.get(next + width) == Some(&b'\'') {
                    self.at = next + width + 1;
                    Literal
                } else {
                    self.at = word_end(bytes, next).max(next);
                    Lifetime
                }
            }
            None => {
                self.at = next;
                Punct(b'\'')
            }
        }
    }

    /// An identifier or keyword, or the prefix of a raw, byte or C string or a byte char.
    fn word(&mut self, start: usize) -> Token<'t> {
        let bytes = self.bytes;
        let end = word_end(bytes, start);
        let word = &bytes[start..end];
        match (word, bytes.get(end)) {
            (b"r" | b"br" | b"cr", Some(b'"' | b'#')) => {
                let hashes = bytes[end..].iter().take_while(|&&b| b == b'#').count();
                if bytes.get(end + hashes) == Some(&b'"') {
                    self.at = raw_string_end(bytes, end + hashes + 1, hashes);
                    return Literal;
                }
            }
            (b"b" | b"c", Some(b'"')) => {
                self.at = quoted_end(bytes, end + 1, b'"');
                return Literal;
            }
            (b"b", Some(b'\'')) => {
                self.at = quoted_end(bytes, end + 1, b'\'');
                return Literal;
            }
            _ => {}
        }
        self.at = end;
        Word(word)
    }
}

/// Identifier bytes; any non-ASCII byte counts, which keeps a multi-byte character whole.
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

fn word_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| !is_word_byte(b))
        .map_or(bytes.len(), |n| from + n)
}

/// The index after the `quote` that closes a literal whose body starts at `from`,
/// skipping backslash escapes; the end of the text if it is unterminated.
fn quoted_end(bytes: &[u8], from: usize, quote: u8) -> usize {
    let mut at = from;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            byte if byte == quote => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// The index after `"` and `hashes` `#`s, where a raw string whose body starts at `from`
/// ends. Each `"` is followed by a distinct run of `#`s, so the search stays linear.
fn raw_string_end(bytes: &[u8], from: usize, hashes: usize) -> usize {
    let mut at = from;
    while at < bytes.len() {
        if bytes[at] == b'"'
            && bytes
                .get(at + 1..at + 1 + hashes)
                .is_some_and(|run| run.iter().all(|&b| b == b'#'))
        {
            return at + 1 + hashes;
        }
        at += 1;
    }
    bytes.len()
}

/// The length of the UTF-8 sequence that `first` starts (1 for a stray continuation).
fn utf8_width(first: u8) -> usize {
    match first {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deep(text: &str) -> bool {
        scan(text, 8, 16).crossed_at.is_some()
    }

    #[test]
    fn depth_skips_strings_chars_and_comments() {
        // Brackets inside literals and comments open nothing.
        for text in [
            r#"const A: &str = "((((((((((((";"#,
            r##"const A: &str = r#"((((("(((((((("#;"##,
            r#"const A: &[u8] = b"((((((((((((\"((";"#,
            "const A: char = '('; const B: char = '\\''; const C: u8 = b'[';",
            "// ((((((((((((((\nfn f() {}",
            "/* (((( /* nested ((((((( */ (((((( */ fn f() {}",
            "fn f<'a>(x: &'a str) -> &'a str { x }",
        ] {
            assert!(!deep(text), "{text}");
        }
        assert!(deep(&"(".repeat(9)), "nine open brackets");
        assert!(!deep(&format!(
            "fn f() {{ {}1{} }}",
            "(".repeat(7),
            ")".repeat(7)
        )));
    }

    #[test]
    fn depth_counts_chains_between_separators() {
        let sum = |terms: usize| format!("fn f() {{ {}1 }}", "1 + ".repeat(terms));
        assert!(!deep(&sum(5)));
        assert!(deep(&sum(9)), "a long sum");
        // Commas and semicolons end a run; so does a block that ends a statement or an arm.
        assert!(!deep(&format!(
            "const A: [u8; 64] = [{}];",
            "1, ".repeat(64)
        )));
        assert!(!deep(&format!(
            "fn f() {{ {} }}",
            "let x = 1 + 1; ".repeat(30)
        )));
        assert!(!deep(&format!("fn f() {{ {} }}", "if a {} ".repeat(30))));
        assert!(!deep(&format!(
            "fn f() {{ match x {{ {} }} }}",
            "(1, 2) => {} ".repeat(30)
        )));
        // But not inside generics or closure parameters, nor before `else` or an operator.
        assert!(deep(&format!("type T = {}u8;", "HashMap<u8, ".repeat(8))));
        assert!(deep(&format!("fn f() {{ {}1; }}", "|a, b| ".repeat(8))));
        assert!(deep(&format!(
            "fn f() {{ if a {{}} {} }}",
            "else if a {} ".repeat(8)
        )));
        assert!(deep(&format!(
            "fn f() {{ let x = {}1; }}",
            "{0} + ".repeat(8)
        )));
        // A closure after a block-like statement is a closure, not an or.
        assert!(deep(&format!(
            "fn f() {{ {{}} {}1; }}",
            "|a, b| ".repeat(8)
        )));
    }

    #[test]
    fn depth_leaves_token_macros_but_not_parsed_ones() {
        let tokens = "a b c d e f g h i j k l m n o p q r s t ";
        assert!(!deep(&format!("fn f() {{ view! {{ {tokens} }} }}")));
        assert!(!deep(&format!("macro_rules! m {{ () => {{ {tokens} }} }}")));
        assert!(deep(&format!("fn f() {{ format!(\"{{}}\", {tokens}); }}")));
        // Macro bodies still count for nesting.
        assert!(deep(&format!("fn f() {{ view! {} }}", "{".repeat(9))));
    }
}
