use super::declare_rule;
use crate::extract::rust::webhooks::FnFacts;
use crate::link::facts::Facts;
use crate::link::webhooks::{InFile, WebhookModel};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds webhook verification that parses the `t=` timestamp of `Gate-Signature` but never
    /// compares it with the current time (`SystemTime::now()`, `Utc::now()`,
    /// `OffsetDateTime::now_utc()`), in the parsing function or anywhere the handler reaches.
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
        check: Facts(check),
    }
}

const HELP: &str = "reject deliveries whose `t=` is more than 300 seconds from now: `if (now - timestamp).abs() > 300 { return Err(..) }`";

/// The key of the timestamp in `Gate-Signature` (`t=…,v1=…`).
const TIMESTAMP_KEY: &str = "t";
/// Calls that read the wall clock: `SystemTime::now()`, `Utc::now()`,
/// `OffsetDateTime::now_utc()`, `.unix_timestamp()`; not `Instant::now()`.
const CLOCK_CALLS: [&str; 3] = ["now", "now_utc", "unix_timestamp"];

/// Splits the `t=` timestamp off a signature header (`strip_prefix("t=")`).
fn parses_timestamp(function: &FnFacts) -> bool {
    function.pair_keys.iter().any(|k| k == TIMESTAMP_KEY)
}

fn reads_clock(function: &FnFacts) -> bool {
    function
        .calls
        .iter()
        .any(|c| CLOCK_CALLS.contains(&c.name.as_str()) && !c.path().contains("Instant"))
}

/// The timestamp `function` parses is compared with the clock: by the function itself when
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

/// 0Bit verification code: reached by a 0Bit handler, or holding 0Bit evidence itself
/// without being another provider's.
fn verifies_0bit(model: &WebhookModel, function: &InFile<FnFacts>) -> bool {
    model.reached_by_0bit_handler(function.item)
        || (!model.reached_by_other_handler(function.item) && function.shows_0bit())
}

fn check(facts: &Facts, cx: &mut Context) {
    let model = &facts.webhooks;
    for function in model
        .functions
        .iter()
        .filter(|f| parses_timestamp(f.item) && !f.item.test && verifies_0bit(model, f))
    {
        if checked(&facts.webhooks, function.item) {
            continue;
        }
        let function_name = &function.item.name;
        let message = format!(
            "`{function_name}` parses the `t=` timestamp but never compares it with the current time"
        );
        cx.report(
            &WEBHOOK_TIMESTAMP_NOT_CHECKED,
            function.file.draft(
                function.item.name_span.clone(),
                message,
                HELP.into(),
                function_name.clone(),
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_support::rust;

    /// Whether the timestamp `parse` parses is checked.
    fn parse_checked(source: &str) -> bool {
        let project = rust(source);
        let parse = project.function("parse");
        assert!(parses_timestamp(parse), "no `t=` parsed in {source}");
        checked(&project.webhooks(), parse)
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
}
