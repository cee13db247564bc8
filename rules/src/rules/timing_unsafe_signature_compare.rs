use super::declare_rule;
use crate::link::facts::Facts;
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
    /// if hex::encode(mac.finalize().into_bytes()) == provided { … }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// mac.verify_slice(&hex::decode(provided)?)?; // or subtle::ConstantTimeEq, ring::hmac::verify
    /// ```
    pub static TIMING_UNSAFE_SIGNATURE_COMPARE = {
        id: "timing-unsafe-signature-compare",
        default: Deny,
        area: "Webhooks",
        live_only: false,
        check: Facts(check),
    }
}

const HELP: &str = "compare in constant time: `mac.verify_slice(&expected)`, `subtle::ConstantTimeEq`, `constant_time_eq`, `ring::hmac::verify` or `openssl::memcmp::eq`";

fn check(facts: &Facts, cx: &mut Context) {
    let in_handlers = facts
        .webhooks
        .handlers
        .iter()
        .flat_map(|h| h.reach.iter().copied());
    let signature_code = facts
        .webhooks
        .functions
        .iter()
        .copied()
        .filter(|(_, f)| f.uses_hmac || f.reads_signature_header);
    for (file, function) in in_handlers.chain(signature_code) {
        for span in &function.unsafe_compares {
            let message = format!(
                "`{}` compares a signature with a non-constant-time comparison",
                function.name
            );
            cx.report(
                &TIMING_UNSAFE_SIGNATURE_COMPARE,
                file.draft(span.clone(), message, HELP.into(), function.name.clone()),
            );
        }
    }
}
