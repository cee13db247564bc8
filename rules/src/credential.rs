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
const PLACEHOLDER_WORDS: [&str; 7] = [
    "xxx",
    "your",
    "example",
    "placeholder",
    "redacted",
    "dummy",
    "changeme",
];
/// Characters that never occur in a real key but do in templates and elisions.
const PLACEHOLDER_MARKS: [&str; 8] = ["...", "…", "<", ">", "{", "}", "$", "*"];

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
    /// `sk_live_…9fQa`: the only form in which a credential is ever shown.
    pub redacted: String,
    /// Documentation or template value, not a real credential.
    pub placeholder: bool,
}

fn prefix_matcher() -> &'static AhoCorasick {
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
        // `task_live_…` or `mysk_live_…` is not a key: the prefix must start a token.
        if hit.start() > 0 && is_key_char(bytes[hit.start() - 1]) {
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
            redacted: redact(prefix, tail),
            placeholder: is_placeholder(tail, following_token(text, span.end)),
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

/// The characters right after the tail, up to the end of the token, where template marks
/// such as `...` or `<key>` sit.
fn following_token(text: &str, from: usize) -> &str {
    let rest = &text[from..];
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ',' | ';' | ')' | ']'))
        .unwrap_or(rest.len());
    &rest[..end]
}

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
    fn masks_keep_length_and_ends() {
        let text = "a sk_live_4eC39HqLyjWDarjtT1zdp7dc b";
        let masked = mask(text, &find_all(text));
        assert_eq!(masked, "a sk_live_********************p7dc b");
    }
}
