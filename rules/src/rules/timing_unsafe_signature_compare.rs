use super::declare_rule;
use crate::extract::rust::webhooks::{Comparison, FnFacts};
use crate::link::facts::Facts;
use crate::project::contract::names_signature_header;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds a webhook signature, MAC or digest compared with `==`, `!=`, `.eq()` or
    /// `starts_with` in webhook code (handlers, what they call, and functions that compute an
    /// HMAC or read the signature header).
    ///
    /// ## Why is this bad?
    /// Ordinary comparison stops at the first differing byte, so the time it takes tells an
    /// attacker how much of a forged signature is right; byte by byte, they can forge one.
    ///
    /// ## Example
    /// ```rust,ignore
    /// # use hmac::{Hmac, Mac};
    /// # fn verify(secret: &[u8], signed_payload: &[u8], provided: &str) -> bool {
    /// #     let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("any key length");
    /// #     mac.update(signed_payload);
    /// hex::encode(mac.finalize().into_bytes()) == provided
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// # use hmac::{Hmac, Mac};
    /// # fn verify(secret: &[u8], signed_payload: &[u8], provided: &str) -> Result<(), Error> {
    /// #     let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret)?;
    /// #     mac.update(signed_payload);
    /// mac.verify_slice(&hex::decode(provided)?)?; // or subtle::ConstantTimeEq, ring::hmac::verify
    /// # Ok(())
    /// # }
    /// ```
    pub static TIMING_UNSAFE_SIGNATURE_COMPARE = {
        id: "timing-unsafe-signature-compare",
        default: Deny,
        area: "Webhooks",
        live_only: false,
        summary: "a signature or MAC compared in non-constant time",
        precision: Medium,
        security_severity: 6.0,
        check: Facts(check),
    }
}

const HELP: &str = "compare in constant time: `mac.verify_slice(&expected)`, `subtle::ConstantTimeEq`, `constant_time_eq`, `ring::hmac::verify` or `openssl::memcmp::eq`";

/// Names of signature-like values, on their own or as a `_`-separated affix
/// (`expected_sig`, `mac_hex`); any name containing `signature` is one too.
const SIGNATURE_WORDS: [&str; 8] = [
    "signature",
    "sig",
    "expected",
    "computed",
    "mac",
    "digest",
    "v1",
    "hmac",
];

/// `signature`, `expected_sig`, `mac`, `v1_hex`, …
fn signature_like(ident: &str) -> bool {
    let lower = ident.to_ascii_lowercase();
    // `w`, `…_w` or `w_…`, without formatting the two affixes for every identifier.
    let affixed = |w: &str| {
        let suffix = lower
            .strip_suffix(w)
            .is_some_and(|rest| rest.ends_with('_'));
        let prefix = lower
            .strip_prefix(w)
            .is_some_and(|rest| rest.starts_with('_'));
        lower == w || suffix || prefix
    };
    lower.contains("signature") || SIGNATURE_WORDS.iter().any(|w| affixed(w))
}

/// A comparison one side of which is named like a signature.
fn compares_signature(comparison: &Comparison) -> bool {
    comparison.names().any(signature_like)
}

/// Code that handles signatures wherever it is called from: it computes an HMAC or mentions
/// the signature header.
fn signature_code(function: &FnFacts) -> bool {
    function.calls_hmac()
        || function
            .rare()
            .header_mentions
            .iter()
            .any(|h| names_signature_header(&h.literal))
}

fn check(facts: &Facts, cx: &mut Context) {
    // Every provider's signature checks: a `==` on an HMAC is a vulnerability whoever sent
    // the delivery.
    let webhooks = &facts.webhooks;
    let in_handlers = webhooks
        .handlers
        .iter()
        .chain(&webhooks.other_handlers)
        .flat_map(|h| h.reach.iter().copied());
    let signature_code = facts
        .webhooks
        .functions()
        .filter(|f| signature_code(f.item));
    for function in in_handlers.chain(signature_code) {
        for comparison in function
            .item
            .rare()
            .comparisons
            .iter()
            .filter(|c| compares_signature(c))
        {
            let message = format!(
                "`{}` compares a signature with a non-constant-time comparison",
                function.item.name
            );
            cx.report(
                &TIMING_UNSAFE_SIGNATURE_COMPARE,
                function.file.draft(
                    comparison.span.clone(),
                    message,
                    HELP.into(),
                    function.item.name.to_string(),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_support::rust;

    /// How many comparisons of `verify` compare a signature.
    fn signature_compares(body: &str) -> usize {
        let project = rust(&format!("fn verify() {{ {body} }}"));
        project
            .function("verify")
            .rare()
            .comparisons
            .iter()
            .filter(|c| compares_signature(c))
            .count()
    }

    const PASS: [&str; 6] = [
        "mac.verify_slice(&hex::decode(provided)?)?;",
        "if expected.ct_eq(&provided).into() { ok() }",
        "if provided.len() != expected.len() { return false; }",
        r#"if signature == "" { return false; }"#,
        "if scheme == version { go() }",
        "if signature.is_none() { return; }",
    ];

    const FAIL: [&str; 5] = [
        "if hex::encode(mac.finalize().into_bytes()) == provided { ok() }",
        "if expected_sig != header_value { return Err(Invalid); }",
        "signatures.iter().any(|candidate| candidate == &computed)",
        "header.starts_with(&digest)",
        "if v1.eq(&hmac_hex) { ok() }",
    ];

    #[test]
    fn constant_time_or_not_a_signature() {
        for body in PASS {
            assert_eq!(signature_compares(body), 0, "{body}");
        }
    }

    #[test]
    fn signature_compared_with_eq() {
        for body in FAIL {
            assert_eq!(signature_compares(body), 1, "{body}");
        }
    }

    #[test]
    fn signature_names() {
        for name in [
            "signature",
            "expected_sig",
            "mac",
            "sig_hex",
            "GateSignature",
            "v1",
        ] {
            assert!(signature_like(name), "{name}");
        }
        for name in ["signed_at", "macro", "magic", "design", "provided", "v10"] {
            assert!(!signature_like(name), "{name}");
        }
    }

    #[test]
    fn signature_code_outside_handlers() {
        let project = rust(
            r#"fn mac_of(b: &[u8]) -> Vec<u8> { let m = Hmac::<Sha256>::new_from_slice(K); m.finalize() }
            fn header(h: &HeaderMap) -> &str { h.get("Gate-Signature") }
            fn other(h: &HeaderMap) -> &str { h.get("Content-Type") }"#,
        );
        assert!(signature_code(project.function("mac_of")));
        assert!(signature_code(project.function("header")));
        assert!(!signature_code(project.function("other")));
    }
}
