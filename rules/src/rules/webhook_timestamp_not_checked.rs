use super::declare_rule;
use crate::extract::rust::webhooks::FnFacts;
use crate::link::facts::Facts;
use crate::link::webhooks::{checks_signature, InFile, WebhookModel};
use crate::project::contract::names_signature_header;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds webhook verification that parses the `t=` timestamp of `Gate-Signature` but never
    /// compares it with the current time (`SystemTime::now()`, `Utc::now()`,
    /// `OffsetDateTime::now_utc()`), in the parsing function or anywhere the handler reaches.
    /// Each verification flow is reported once, at the function that splits `t=` off the
    /// header: a parser and the verifier that calls it are one flow.
    ///
    /// ## Why is this bad?
    /// A captured delivery stays valid forever: anyone who sees one can replay it later.
    /// 0Bit's reference verification rejects timestamps more than 300 seconds from now.
    ///
    /// ## Example
    /// ```rust,ignore
    /// # use hmac::{Hmac, Mac};
    /// # fn verify(secret: &[u8], headers: &HeaderMap, body: &[u8]) -> Result<(), VerifyError> {
    /// #     let header = headers.get("Gate-Signature").ok_or(VerifyError::Missing)?.to_str()?;
    /// #     let mut timestamp = None;
    /// #     let mut v1 = None;
    /// #     for part in header.split(',') {
    /// #         if let Some(t) = part.strip_prefix("t=") { timestamp = Some(t) }
    /// #         if let Some(s) = part.strip_prefix("v1=") { v1 = Some(s) }
    /// #     }
    /// #     let (Some(timestamp), Some(v1)) = (timestamp, v1) else { return Err(VerifyError::Malformed) };
    /// // `t=` goes into the MAC, but nothing compares it with the clock: a captured delivery
    /// // can be replayed forever.
    /// let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret)?;
    /// mac.update(format!("{timestamp}.").as_bytes());
    /// mac.update(body);
    /// mac.verify_slice(&hex::decode(v1)?)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// # use hmac::{Hmac, Mac};
    /// # use std::time::{SystemTime, UNIX_EPOCH};
    /// # fn verify(secret: &[u8], headers: &HeaderMap, body: &[u8]) -> Result<(), VerifyError> {
    /// #     let header = headers.get("Gate-Signature").ok_or(VerifyError::Missing)?.to_str()?;
    /// #     let mut timestamp = None;
    /// #     let mut v1 = None;
    /// #     for part in header.split(',') {
    /// #         if let Some(t) = part.strip_prefix("t=") { timestamp = Some(t) }
    /// #         if let Some(s) = part.strip_prefix("v1=") { v1 = Some(s) }
    /// #     }
    /// #     let (Some(timestamp), Some(v1)) = (timestamp, v1) else { return Err(VerifyError::Malformed) };
    /// let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
    /// if (now - timestamp.parse::<i64>()?).abs() > 300 {
    ///     return Err(VerifyError::Stale);
    /// }
    /// # let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret)?;
    /// # mac.update(format!("{timestamp}.").as_bytes());
    /// # mac.update(body);
    /// # mac.verify_slice(&hex::decode(v1)?)?;
    /// # Ok(())
    /// # }
    /// ```
    pub static WEBHOOK_TIMESTAMP_NOT_CHECKED = {
        id: "webhook-timestamp-not-checked",
        default: Warn,
        area: "Webhooks",
        live_only: false,
        summary: "webhook verification that never checks the timestamp's age",
        precision: Medium,
        security_severity: 5.0,
        check: Facts(check),
    }
}

const HELP: &str = "reject deliveries whose `t=` is more than 300 seconds from now: `if (now - timestamp).abs() > 300 { return Err(..) }`";

/// The key of the timestamp in `Gate-Signature` (`t=…,v1=…`).
const TIMESTAMP_KEY: &str = "t";
/// The key of the signature in `Gate-Signature`.
const SIGNATURE_KEY: &str = "v1";
/// Calls that read the wall clock: `SystemTime::now()`, `Utc::now()`,
/// `OffsetDateTime::now_utc()`, `.unix_timestamp()`; not `Instant::now()`.
const CLOCK_CALLS: [&str; 3] = ["now", "now_utc", "unix_timestamp"];

/// Splits the `t=` timestamp off a header (`strip_prefix("t=")`).
fn splits_timestamp(function: &FnFacts) -> bool {
    function.rare().pair_keys.iter().any(|k| k == TIMESTAMP_KEY)
}

/// Handles a signature itself: mentions the signature header, splits `v1=` or checks an
/// HMAC. A `t=` split there is the signature's timestamp.
fn handles_signature(function: &FnFacts) -> bool {
    function
        .rare()
        .header_mentions
        .iter()
        .any(|h| names_signature_header(&h.literal))
        || function.rare().pair_keys.iter().any(|k| k == SIGNATURE_KEY)
        || checks_signature(function)
}

fn reads_clock(function: &FnFacts) -> bool {
    function
        .calls
        .iter()
        .any(|c| CLOCK_CALLS.contains(&c.name().as_str()) && !c.path().contains("Instant"))
}

/// The timestamp `function` splits is compared with the clock: by the function itself when
/// no handler reaches it, else somewhere in the reach of every handler that reaches it.
fn checked(model: &WebhookModel, function: &FnFacts) -> bool {
    let handlers: Vec<_> = model
        .handlers
        .iter()
        .filter(|h| h.reaches(function))
        .collect();
    if handlers.is_empty() {
        reads_clock(function)
    } else {
        handlers.iter().all(|h| h.any(reads_clock))
    }
}

/// The verification flows whose `Gate-Signature` timestamp is never compared with the
/// clock, each once, at the function that splits `t=`:
/// - each 0Bit handler that reads the signature header (itself, through what it reaches or
///   a request guard) and reaches a `t=` split, when nothing it reaches reads the clock: the
///   first split in its reach (a parser and the verifier that calls it are one flow);
/// - verification code no handler reaches that shows 0Bit evidence and handles the
///   signature itself, when it does not read the clock.
fn unchecked_flows<'a>(model: &WebhookModel<'a>) -> Vec<InFile<'a, FnFacts>> {
    let mut found: Vec<InFile<'a, FnFacts>> = Vec::new();
    let mut add = |function: InFile<'a, FnFacts>| {
        if !found.iter().any(|f| std::ptr::eq(f.item, function.item)) {
            found.push(function);
        }
    };
    for handler in &model.handlers {
        if !handler.mentions_header(names_signature_header) || handler.any(reads_clock) {
            continue;
        }
        if let Some(split) = handler
            .reach
            .iter()
            .find(|f| splits_timestamp(f.item) && !f.item.test)
        {
            add(*split);
        }
    }
    for function in model.functions().filter(|f| {
        splits_timestamp(f.item)
            && !f.item.test
            && handles_signature(f.item)
            && f.shows_0bit()
            && !model.reached_by_0bit_handler(f.item)
            && !model.reached_by_other_handler(f.item)
            && !checked(model, f.item)
    }) {
        add(function);
    }
    found
}

fn check(facts: &Facts, cx: &mut Context) {
    for function in unchecked_flows(&facts.webhooks) {
        let function_name = &function.item.name;
        let message = format!(
            "`{function_name}` parses the `t=` timestamp but never compares it with the current time"
        );
        cx.report(
            &WEBHOOK_TIMESTAMP_NOT_CHECKED,
            function.file.draft(
                function.item.name_span(),
                message,
                HELP.into(),
                function_name.to_string(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_support::rust;

    /// Whether the timestamp `parse` splits is checked.
    fn parse_checked(source: &str) -> bool {
        let project = rust(source);
        let parse = project.function("parse");
        assert!(splits_timestamp(parse), "no `t=` split in {source}");
        checked(&project.webhooks(), parse)
    }

    /// The functions reported, one per unchecked flow.
    fn reported(source: &str) -> Vec<String> {
        let project = rust(source);
        let facts = project.facts();
        unchecked_flows(&facts.webhooks)
            .iter()
            .map(|f| f.item.name.to_string())
            .collect()
    }

    const PASS: [&str; 3] = [
        // Checked where it is parsed.
        r#"fn parse(header: &str) -> Result<i64, E> {
            let t: i64 = header.split(',').find_map(|p| p.strip_prefix("t=")).ok_or(E)?.parse()?;
            let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() as i64;
            if (now - t).abs() > 300 { return Err(E); }
            Ok(t)
        }"#,
        // Checked by the handler that calls the parser.
        r#"#[post("/webhooks")]
        async fn webhook(headers: HeaderMap) -> StatusCode {
            let t = parse(headers.get("Gate-Signature"))?;
            if (Utc::now().timestamp() - t).abs() > 300 { return StatusCode::BAD_REQUEST; }
            StatusCode::OK
        }
        fn parse(header: &str) -> Result<i64, E> { Ok(header.strip_prefix("t=")?.parse()?) }"#,
        // `OffsetDateTime::now_utc()`.
        r#"fn parse(header: &str) -> bool {
            let t = header.strip_prefix("t=").unwrap();
            OffsetDateTime::now_utc().unix_timestamp() - t.parse::<i64>().unwrap() < 300
        }"#,
    ];

    const FAIL: [&str; 3] = [
        // Parsed, signed, never compared.
        r#"fn parse(header: &str) -> Result<(i64, String), E> {
            let t = header.strip_prefix("t=").ok_or(E)?;
            Ok((t.parse()?, format!("{t}.")))
        }"#,
        // `Instant` is not the wall clock.
        r#"fn parse(header: &str) -> i64 {
            let started = Instant::now();
            header.strip_prefix("t=").unwrap().parse().unwrap()
        }"#,
        // A handler reaches the parser, and no clock read anywhere it reaches.
        r#"#[post("/webhooks")]
        async fn webhook(headers: HeaderMap) -> StatusCode {
            let t = parse(headers.get("Gate-Signature"))?;
            StatusCode::OK
        }
        fn parse(header: &str) -> Result<i64, E> { Ok(header.strip_prefix("t=")?.parse()?) }"#,
    ];

    #[test]
    fn timestamps_compared_with_now() {
        for source in PASS {
            assert!(parse_checked(source), "{source}");
        }
    }

    #[test]
    fn timestamps_never_compared() {
        for source in FAIL {
            assert!(!parse_checked(source), "{source}");
        }
    }

    /// A verifier that reads `Gate-Signature`, and a parser it calls that splits `t=`.
    const FLOW: &str = r#"
        fn verify(headers: &HeaderMap, body: &[u8]) -> bool {
            let header = headers.get("Gate-Signature").unwrap().to_str().unwrap();
            let (t, v1) = parse(header);
            let t = split_t(header);
            let mut mac = Hmac::<Sha256>::new_from_slice(KEY).unwrap();
            mac.update(body);
            mac.verify_slice(v1).is_ok()
        }
        fn parse(header: &str) -> (&str, &str) {
            (header.strip_prefix("t=").unwrap(), header.strip_prefix("v1=").unwrap())
        }
        fn split_t(header: &str) -> &str { header.split(',').find_map(|p| p.strip_prefix("t=")).unwrap() }"#;

    #[test]
    fn once_per_verification_flow() {
        // Two helpers split `t=` in one handler's flow: one finding, at the first reached.
        let handler = r#"#[post("/webhooks/0bit")]
            async fn webhook(headers: HeaderMap, body: Bytes) -> StatusCode {
                if !verify(&headers, &body) { return StatusCode::UNAUTHORIZED; }
                StatusCode::OK
            }"#;
        assert_eq!(reported(&format!("{handler}{FLOW}")), ["parse"]);
        // The same helpers with no route: the verifier reads the header and nothing calls
        // it, so it is the handler of the flow.
        assert_eq!(reported(FLOW), ["parse"]);
        // Two handlers, one flow each, sharing the parser: still one finding.
        let two = format!(
            r#"{handler}
            #[post("/webhooks/0bit/payouts")]
            async fn payouts(headers: HeaderMap, body: Bytes) -> StatusCode {{
                if !verify(&headers, &body) {{ return StatusCode::UNAUTHORIZED; }}
                StatusCode::OK
            }}{FLOW}"#
        );
        assert_eq!(reported(&two), ["parse"]);
    }

    #[test]
    fn a_t_split_outside_a_signature_flow_is_not_the_timestamp() {
        // The handler never reads the signature header: its `t=` is not `Gate-Signature`'s.
        let source = r#"#[post("/webhooks/0bit")]
            async fn webhook(Query(q): Query<String>) -> StatusCode { let page = cursor(&q); StatusCode::OK }
            fn cursor(q: &str) -> &str { q.strip_prefix("t=").unwrap_or("") }"#;
        assert_eq!(reported(source), Vec::<String>::new());
    }
}
