//! 0Bit evidence (spec §2): facts with places that say a file deals with 0Bit. A launch gate
//! for 0Bit stays quiet about code that does not, so the rules ask for these before they
//! judge webhooks, origins and the launch operations.
//!
//! Evidence is what only 0Bit code holds: a 0Bit host, a 0Bit header name where a header
//! name goes, a 0Bit event type (or a near miss of one), a route path naming 0Bit, a `gsec_`
//! client secret, the 0Bit embed, and env or config keys prefixed `OBIT_`. Key shapes (`sk_`,
//! `whsec_`) and words like `webhook` or `signature` are not: other providers use them too.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

use crate::extract::origins::HostMention;
use crate::extract::rust::webhooks::WebhookFacts;
use crate::ground::text::edit_distance;
use crate::project::contract::Contract;

/// What a piece of evidence is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EvidenceKind {
    /// A URL or host on a 0Bit domain (`gate-api.0bit.app`, `0bit.io`).
    Host,
    /// `Gate-Signature` or an `X-0bit-*` header name, as a string of its own.
    Header,
    /// A documented 0Bit event type, or one within two edits of one.
    EventType,
    /// A route path naming 0Bit: `/webhooks/0bit`.
    Route,
    /// A `gsec_` session client secret.
    ClientSecret,
    /// The 0Bit embed: an `@0bit/*` package or a `<gate-embed>` element.
    Embed,
    /// An env or config key prefixed `OBIT_`, `ZEROBIT_` or `ZERO_BIT_`, or an `[obit]`
    /// section.
    ConfigKey,
}

/// One piece of evidence in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub span: Range<usize>,
}

/// Prefixes of env and config keys that only 0Bit integrations use.
const KEY_PREFIXES: [&str; 3] = ["OBIT_", "ZEROBIT_", "ZERO_BIT_"];
/// Words of a route path that name 0Bit.
const ROUTE_WORDS: [&str; 3] = ["0bit", "obit", "zerobit"];
/// Text that only 0Bit code holds: its `0bit.io` domain, a `gsec_` client secret (with a tail
/// checked after the match), and the embed's package scope and element.
const TEXT_MARKS: [&str; 4] = ["0bit.io", "gsec_", "@0bit/", "<gate-embed"];

fn text_marks() -> &'static AhoCorasick {
    static MARKS: OnceLock<AhoCorasick> = OnceLock::new();
    MARKS.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(TEXT_MARKS)
            .expect("the marks are plain text")
    })
}
/// Section headers of TOML and YAML config that hold 0Bit settings.
const CONFIG_SECTIONS: [&str; 4] = ["[obit]", "[zerobit]", "obit:", "zerobit:"];

/// What every line of [`CONFIG_SECTIONS`] holds, in any case: a text without it has none, and
/// its lines need not be looked at one by one.
fn section_mark() -> &'static AhoCorasick {
    static MARK: OnceLock<AhoCorasick> = OnceLock::new();
    MARK.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["obit"])
            .expect("the mark is plain text")
    })
}

/// Every piece of evidence in a file: its `text`, the 0Bit `hosts` it mentions and its
/// `webhooks` facts.
pub fn of_file(
    text: &str,
    hosts: &[HostMention],
    webhooks: &WebhookFacts,
    contract: &Contract,
) -> Vec<Evidence> {
    let mut found: Vec<Evidence> = Vec::new();
    let mut add = |kind, span: Range<usize>| found.push(Evidence { kind, span });
    for mention in hosts {
        add(EvidenceKind::Host, mention.span.clone());
    }
    for function in &webhooks.functions {
        let rare = function.rare();
        for mention in &rare.header_mentions {
            if is_0bit_header_name(&mention.literal) {
                add(EvidenceKind::Header, mention.span.clone());
            }
        }
        for event in &rare.event_types {
            if is_0bit_event_type(contract, &event.value) {
                add(EvidenceKind::EventType, event.span.clone());
            }
        }
        if rare.webhook_route.as_deref().is_some_and(names_0bit) {
            add(EvidenceKind::Route, function.name_span());
        }
        if rare.registers.iter().any(|r| names_0bit(&r.path)) {
            add(EvidenceKind::Route, function.name_span());
        }
    }
    for tagged in &webhooks.enums {
        for variant in &tagged.variants {
            if contract.event(&variant.event_type).is_some() {
                add(EvidenceKind::EventType, variant.span.clone());
            }
        }
    }
    // The marks of hosts, client secrets and the embed, found in one pass over the text.
    for mark in text_marks().find_iter(text) {
        let span = mark.range();
        match TEXT_MARKS[mark.pattern().as_usize()] {
            "gsec_" => {
                let tail = text[span.end..]
                    .bytes()
                    .take_while(u8::is_ascii_alphanumeric)
                    .count();
                if tail >= 8 {
                    add(EvidenceKind::ClientSecret, span.start..span.end + tail);
                }
            }
            "0bit.io" => add(EvidenceKind::Host, span),
            _ => add(EvidenceKind::Embed, span),
        }
    }
    for span in key_mentions(text) {
        add(EvidenceKind::ConfigKey, span);
    }
    if !section_mark().is_match(text) {
        return found;
    }
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if CONFIG_SECTIONS
            .iter()
            .any(|s| trimmed.eq_ignore_ascii_case(s))
        {
            let lead = line.len() - line.trim_start().len();
            add(
                EvidenceKind::ConfigKey,
                line_start + lead..line_start + lead + trimmed.len(),
            );
        }
        line_start += line.len();
    }
    found
}

/// `Gate-Signature` or `X-0bit-…`, as a string of its own: inside a URL or a sentence the
/// same words are not a header position.
pub fn is_0bit_header_name(literal: &str) -> bool {
    let name = literal.trim();
    let lower = name.to_ascii_lowercase();
    let token = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    token && (lower == "gate-signature" || lower.starts_with("x-0bit-"))
}

/// A documented 0Bit event type, or a near miss of one (two edits or fewer) that still has
/// an event type's shape: `gate_session.complete`.
pub fn is_0bit_event_type(contract: &Contract, value: &str) -> bool {
    if contract.event(value).is_some() {
        return true;
    }
    let shaped = value.contains('.')
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
    shaped
        && contract
            .events
            .iter()
            .any(|event| edit_distance(value, &event.event_type) <= 2)
}

/// Other payment providers, as they appear in paths, keys, crates and types: what names
/// one of them is not 0Bit's, even in a project that integrates 0Bit.
const OTHER_PROVIDERS: [&str; 10] = [
    "stripe",
    "paypal",
    "braintree",
    "adyen",
    "razorpay",
    "mollie",
    "klarna",
    "square",
    "paddle",
    "lemonsqueezy",
];

/// Words of a path or key that mark sign-in (OAuth and the like), not a payment.
pub const SIGN_IN_WORDS: [&str; 8] = [
    "oauth", "oauth2", "auth", "login", "signin", "sso", "oidc", "openid",
];

/// Whether a path, key, crate or type names another payment provider (case-insensitive,
/// anywhere in the text: `STRIPE_SUCCESS_URL`, `stripe::CheckoutSession::retrieve`).
pub fn names_other_provider(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    OTHER_PROVIDERS
        .iter()
        .any(|provider| lower.contains(provider))
}

/// A route path with a segment word naming 0Bit: `/webhooks/0bit`, `/hooks/obit-events`.
pub fn names_0bit(path: &str) -> bool {
    path.to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| ROUTE_WORDS.contains(&word))
}

/// Env and config keys with a 0Bit prefix, wherever they are written: `OBIT_SECRET_KEY=`
/// in an env file, `env::var("OBIT_SECRET_KEY")`, `${ZEROBIT_WEBHOOK_SECRET}`, and behind a
/// bundler's public prefix (`VITE_OBIT_PUBLISHABLE_KEY`). A prefix inside a longer word
/// (`NOBIT_`) is not one.
fn key_mentions(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    for prefix in KEY_PREFIXES {
        for (at, _) in text.match_indices(prefix) {
            let before = &text[..at];
            let starts_word = !before
                .bytes()
                .next_back()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
            let after_public = crate::extract::env_file::PUBLIC_PREFIXES
                .iter()
                .any(|public| before.ends_with(public));
            if starts_word || after_public {
                let name = text[at..]
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
                spans.push(at..at + name);
            }
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::analyze::analyze_file;
    use crate::project::model::{Environment, ProjectModel};

    fn kinds(path: &str, text: &str) -> Vec<EvidenceKind> {
        let model = ProjectModel::new(Environment::Live);
        let analysis = analyze_file(&model, path, text.as_bytes());
        let mut kinds: Vec<EvidenceKind> = analysis.evidence.iter().map(|e| e.kind).collect();
        kinds.dedup();
        kinds
    }

    #[test]
    fn what_only_0bit_code_holds_is_evidence() {
        use EvidenceKind::*;
        for (path, text, kind) in [
            ("src/gate.rs", "const API: &str = \"https://gate-api.0bit.app/v1\";", Host),
            ("src/hooks.rs", "fn h(headers: &HeaderMap) { headers.get(\"Gate-Signature\"); }", Header),
            ("src/hooks.rs", "fn h(e: &E) { match e.kind.as_str() { \"gate_session.completed\" => {} _ => {} } }", EventType),
            ("src/hooks.rs", "fn h(e: &E) { if e.kind == \"gate_session.complete\" {} }", EventType),
            ("src/main.rs", "fn app() -> Router { Router::new().route(\"/webhooks/0bit\", post(h)) }", Route),
            ("web/src/pay.ts", "const secret = 'gsec_7Hq2LmT9xVb3RkNc';", ClientSecret),
            ("web/package.json", "{\"dependencies\": {\"@0bit/gate-js\": \"^2.1.0\"}}", Embed),
            ("web/index.html", "<gate-embed client-secret=\"…\"></gate-embed>", Embed),
            (".env", "OBIT_SECRET_KEY=\n", ConfigKey),
            ("src/config.rs", "fn k() -> String { std::env::var(\"OBIT_SECRET_KEY\").unwrap() }", ConfigKey),
            ("config/app.toml", "[obit]\nkey = \"\"\n", ConfigKey),
            ("config/app.yaml", "payments:\n  ZeroBit:\n    mode: live\n", ConfigKey),
        ] {
            assert_eq!(kinds(path, text), [kind], "{path}: {text}");
        }
    }

    #[test]
    fn shapes_other_providers_share_are_not() {
        for (path, text) in [
            (
                "src/stripe.rs",
                "fn h(headers: &HeaderMap) { headers.get(\"Stripe-Signature\"); }",
            ),
            (
                "src/log.rs",
                "fn f() { log::warn!(\"missing Gate-Signature header on {}\", url); }",
            ),
            (
                "src/main.rs",
                "fn app() -> Router { Router::new().route(\"/webhooks/stripe\", post(h)) }",
            ),
            (
                "src/hooks.rs",
                "fn h(e: &E) { if e.kind == \"checkout.session.completed\" {} }",
            ),
            (
                "src/keys.rs",
                "const K: &str = \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\";",
            ),
            (".env", "STRIPE_SECRET_KEY=\nWEBHOOK_SECRET=\n"),
            ("src/contest.rs", "fn obituary() {}"),
        ] {
            assert_eq!(kinds(path, text), [], "{path}: {text}");
        }
    }
}
