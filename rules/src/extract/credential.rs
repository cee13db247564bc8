//! What counts as a 0Bit secret credential, in one place, so every rule agrees.
//!
//! A secret credential is `sk_live_`, `sk_test_` or `whsec_` (also `whsec_live_`/`whsec_test_`)
//! followed by at least 16 characters of `[A-Za-z0-9]`. Publishable keys (`pk_*`) and session
//! client secrets (`gsec_*`) are browser-safe and never match. Candidates are found with one
//! Aho-Corasick pass over the prefixes; only the few hits are examined further.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, MatchKind};

/// The secret prefixes, longest first where one extends another.
pub const PREFIXES: [&str; 5] = [
    "sk_live_",
    "sk_test_",
    "whsec_live_",
    "whsec_test_",
    "whsec_",
];
const MIN_TAIL: usize = 16;

/// Words that mark a documentation value rather than a real key (matched case-insensitively).
pub const PLACEHOLDER_WORDS: [&str; 7] = [
    "xxx",
    "your",
    "example",
    "placeholder",
    "redacted",
    "dummy",
    "changeme",
];
/// Characters that never occur in a real key but do in templates and elisions.
pub const PLACEHOLDER_MARKS: [&str; 8] = ["...", "…", "<", ">", "{", "}", "$", "*"];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    Live,
    Test,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Test => "test",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    SecretKey,
    WebhookSecret,
}

impl Kind {
    pub fn noun(self) -> &'static str {
        match self {
            Kind::SecretKey => "secret key",
            Kind::WebhookSecret => "webhook signing secret",
        }
    }
}

/// One secret-shaped value found in text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    /// Byte range of the whole value (prefix and tail).
    pub span: Range<usize>,
    pub kind: Kind,
    pub mode: Mode,
    /// A bare `whsec_`: the value does not say its mode (`mode` is [`Mode::Live`]; spec §2
    /// counts it live only in a project that integrates 0Bit).
    pub mode_unknown: bool,
    /// `sk_live_…9fQa`: the only form in which a credential is ever shown.
    pub redacted: String,
    /// Documentation or template value, not a real credential.
    pub placeholder: bool,
}

/// One matcher for every secret prefix, shared by detection and redaction.
pub fn prefix_matcher() -> &'static AhoCorasick {
    static MATCHER: OnceLock<AhoCorasick> = OnceLock::new();
    MATCHER.get_or_init(|| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(PREFIXES)
            .expect("the credential prefixes are valid literals")
    })
}

/// True when `text` may hold a credential; a cheap test before any closer look.
pub fn may_contain(text: &[u8]) -> bool {
    prefix_matcher().is_match(text)
}

/// Every secret-shaped value in `text`, placeholders included (callers decide what they mean).
pub fn find_all(text: &str) -> Vec<Credential> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    for hit in prefix_matcher().find_iter(bytes) {
        // `task_live_…` or `mysk_live_…` is not a key: the prefix must start a token, or
        // follow an escape (`\nsk_live_…` in a JSON string, `%3Dsk_live_…` in a URL).
        if !starts_token(bytes, hit.start()) {
            continue;
        }
        let tail_len = bytes[hit.end()..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        if tail_len < MIN_TAIL {
            continue;
        }
        let prefix = PREFIXES[hit.pattern().as_usize()];
        let span = hit.start()..hit.end() + tail_len;
        let tail = &text[hit.end()..span.end];
        found.push(Credential {
            kind: if prefix.starts_with("sk_") {
                Kind::SecretKey
            } else {
                Kind::WebhookSecret
            },
            mode: if prefix.contains("test") {
                Mode::Test
            } else {
                Mode::Live
            },
            mode_unknown: prefix == "whsec_",
            redacted: redact(prefix, tail),
            placeholder: is_placeholder(tail, &text[span.end..]),
            span,
        });
    }
    found
}

/// The prefix of a secret-shaped value when `value` starts with one (`GATE_KEY=sk_test_...`
/// makes `GATE_KEY` a secret variable even though its value is a placeholder).
pub fn secret_prefix(value: &str) -> Option<&'static str> {
    PREFIXES
        .into_iter()
        .find(|prefix| value.starts_with(prefix))
}

fn is_key_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Whether a prefix at `at` starts a token: nothing, or no key character, comes before it,
/// or an escape sequence ends right there. A letter or digit before the prefix is part of
/// an escape when a backslash escape (`\n`, `\t`, `\u0022`, `\x22`) or a percent-encoded
/// byte (`%20`, `%3D`) ends with it. Only escapes ending at `at` are looked at, so this
/// costs a few bytes whatever the text.
fn starts_token(bytes: &[u8], at: usize) -> bool {
    let before = &bytes[..at];
    let Some(&last) = before.last() else {
        return true;
    };
    if !is_key_char(last) {
        return true;
    }
    let hex = |run: &[u8]| run.iter().all(u8::is_ascii_hexdigit);
    // A backslash escapes the next character only when it is not itself escaped.
    let escaping = |backslash_at: usize| {
        before[..=backslash_at]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count()
            % 2
            == 1
    };
    let tail = |len: usize| before.len().checked_sub(len).map(|start| &before[start..]);
    match (tail(2), tail(4), tail(6)) {
        (Some([b'\\', b'n' | b'r' | b't' | b'b' | b'f' | b'v' | b'0']), _, _)
            if escaping(at - 2) =>
        {
            true
        }
        (_, Some([b'\\', b'x', digits @ ..]), _) if hex(digits) && escaping(at - 4) => true,
        (_, _, Some([b'\\', b'u', digits @ ..])) if hex(digits) && escaping(at - 6) => true,
        _ => matches!(tail(3), Some([b'%', digits @ ..]) if hex(digits)),
    }
}

/// Whether a value is documentation or a template rather than a real key. `following` is the
/// text after the tail: a template mark (`...`, `<key>`) there makes a placeholder. No mark
/// holds a character that ends a token, so looking at the start of the rest of the text is
/// the same as looking at the start of the next token, without scanning to its end.
fn is_placeholder(tail: &str, following: &str) -> bool {
    let mut chars = tail.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return true;
    }
    let lower = tail.to_ascii_lowercase();
    PLACEHOLDER_WORDS.iter().any(|word| lower.contains(word))
        || PLACEHOLDER_MARKS
            .iter()
            .any(|mark| following.starts_with(mark))
}

fn redact(prefix: &str, tail: &str) -> String {
    format!("{prefix}…{}", &tail[tail.len() - 4..])
}

/// `text` with the middle of every credential replaced by `*`, keeping its length, so a source
/// excerpt can be shown around a finding without ever showing a secret.
pub fn mask(text: &str, credentials: &[Credential]) -> String {
    let mut masked = text.as_bytes().to_vec();
    for credential in credentials {
        let prefix_len = credential.redacted.find('…').unwrap_or(0);
        let hide = credential.span.start + prefix_len..credential.span.end - 4;
        masked[hide].fill(b'*');
    }
    String::from_utf8(masked).expect("only ASCII key characters were replaced with ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Credential {
        let mut all = find_all(text);
        assert_eq!(all.len(), 1, "{text}");
        all.remove(0)
    }

    #[test]
    fn finds_keys_and_modes() {
        let key = one(r#"let k = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";"#);
        assert_eq!(
            (key.kind, key.mode, key.placeholder),
            (Kind::SecretKey, Mode::Live, false)
        );
        assert_eq!(key.redacted, "sk_live_…p7dc");
        assert_eq!(one("whsec_test_9Qm2LkVb8RtYx3Nw5Pz7").mode, Mode::Test);
        assert_eq!(one("whsec_9Qm2LkVb8RtYx3Nw5Pz7Hs").mode, Mode::Live);
        assert!(one("whsec_9Qm2LkVb8RtYx3Nw5Pz7Hs").mode_unknown);
        assert!(!one("whsec_live_9Qm2LkVb8RtYx3Nw5Pz7").mode_unknown);
        assert!(!key.mode_unknown);
        assert_eq!(
            one("WEBHOOK=whsec_live_9Qm2LkVb8RtYx3Nw5Pz7").redacted,
            "whsec_live_…5Pz7"
        );
    }

    #[test]
    fn ignores_browser_safe_and_short_values() {
        for text in [
            "pk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "gsec_gs_123_4eC39HqLyjWDarjtT1zdp7dc",
            "sk_live_short",
            "task_live_4eC39HqLyjWDarjtT1zdp7dc",
        ] {
            assert!(find_all(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn recognizes_placeholders() {
        for text in [
            "sk_test_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "sk_live_YOURSECRETKEYGOESHERE000",
            "whsec_0000000000000000000000000000",
            "sk_live_4eC39HqLyjWDarjtT1zd...",
            "sk_live_ExampleKey12345678901",
        ] {
            assert!(one(text).placeholder, "{text}");
        }
    }

    #[test]
    fn finds_keys_after_escapes() {
        let key = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
        for before in [
            "\\n", "\\t", "\\r", "\\0", "\\\"", "\\u0022", "\\u000A", "\\x22", "%20", "%3D", "%3d",
            "\\\\\\n",
        ] {
            let text = format!("\"{before}{key}\"");
            let found = one(&text);
            assert_eq!(&text[found.span.clone()], key, "{text}");
            assert!(!found.placeholder, "{text}");
        }
        // Not escapes: a word, an escaped backslash before a plain letter, half an escape.
        for before in [
            "ta", "my", "\\\\n", "\\u002", "\\xg2", "%2", "%G0", "x22", "u0022",
        ] {
            let text = format!("\"{before}{key}\"");
            assert!(find_all(&text).is_empty(), "{text}");
        }
    }

    #[test]
    fn masks_keys_after_escapes() {
        let text =
            "{\"k\":\"\\nsk_live_4eC39HqLyjWDarjtT1zdp7dc\\u0022%3Dwhsec_9Qm2LkVb8RtYx3Nw5Pz7Hs\"}";
        let found = find_all(text);
        assert_eq!(found.len(), 2);
        assert_eq!(
            mask(text, &found),
            "{\"k\":\"\\nsk_live_********************p7dc\\u0022%3Dwhsec_******************z7Hs\"}"
        );
    }

    #[test]
    fn keys_joined_by_equals_signs() {
        // Each hit looks at a few bytes around it, so thousands of keys in one token are
        // found one by one.
        let keys: Vec<String> = (0..2_000)
            .map(|i| format!("sk_live_{i:08}Qm2LkVb8RtYx3Nw"))
            .collect();
        let text = keys.join("=");
        let found = find_all(&text);
        assert_eq!(found.len(), keys.len());
        assert!(found.iter().all(|c| !c.placeholder));
        assert!(one("k=sk_live_4eC39HqLyjWDarjtT1zd...=x").placeholder);
    }

    #[test]
    fn masks_keep_length_and_ends() {
        let text = "a sk_live_4eC39HqLyjWDarjtT1zdp7dc b";
        let masked = mask(text, &find_all(text));
        assert_eq!(masked, "a sk_live_********************p7dc b");
    }
}
