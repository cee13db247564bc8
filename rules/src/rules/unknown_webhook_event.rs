use std::ops::Range;

use super::declare_rule;
use crate::extract::file::FileAnalysis;
use crate::link::facts::Facts;
use crate::link::webhooks::is_event_source;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds event type strings that webhook code matches on or routes by, but that are not
    /// documented 0Bit event types: match arm strings on the event type, comparisons with
    /// `==` (of the event the handler received or verified, not of database rows or other
    /// JSON), and `#[serde(rename = "…")]` variants of a `#[serde(tag = "type")]` enum. Typos
    /// (`gate_session.complete`) and other providers' events
    /// (`checkout.session.completed`) are reported. Only code that handles 0Bit events is
    /// checked: what a webhook handler reaches, and matches or enums that also name a
    /// documented 0Bit event.
    ///
    /// ## Why is this bad?
    /// A branch on an event that never arrives is dead code that looks like a working flow:
    /// the order is never fulfilled, and nothing fails loudly.
    ///
    /// ## Example
    /// ```rust,ignore
    /// # use axum::{body::Bytes, extract::Json, http::{HeaderMap, StatusCode}, routing::post, Router};
    /// # pub fn routes() -> Router {
    /// #     Router::new().route("/webhooks/0bit", post(handle_webhook))
    /// # }
    /// # async fn handle_webhook(headers: HeaderMap, body: Bytes) -> Result<StatusCode, AppError> {
    /// #     verify::verify_signature(&SECRET, headers.get("Gate-Signature"), &body)?;
    /// #     let event: GateEvent = serde_json::from_slice(&body)?;
    /// match event.event_type.as_str() {
    ///     "gate_session.complete" => fulfil(&event).await?,
    ///     _ => {}
    /// }
    /// # Ok(StatusCode::OK)
    /// # }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// # use axum::{body::Bytes, extract::Json, http::{HeaderMap, StatusCode}, routing::post, Router};
    /// # pub fn routes() -> Router {
    /// #     Router::new().route("/webhooks/0bit", post(handle_webhook))
    /// # }
    /// # async fn handle_webhook(headers: HeaderMap, body: Bytes) -> Result<StatusCode, AppError> {
    /// #     verify::verify_signature(&SECRET, headers.get("Gate-Signature"), &body)?;
    /// #     let event: GateEvent = serde_json::from_slice(&body)?;
    /// match event.event_type.as_str() {
    ///     "gate_session.completed" => fulfil(&event).await?,
    ///     _ => {}
    /// }
    /// # Ok(StatusCode::OK)
    /// # }
    /// ```
    ///
    /// ## Configuration
    /// Events an account has beyond the public docs go in a `[contract] extend` file
    /// (`[[event]]` tables).
    pub static UNKNOWN_WEBHOOK_EVENT = {
        id: "unknown-webhook-event",
        default: Warn,
        area: "Webhooks",
        live_only: false,
        summary: "an event type matched on that is not a documented 0Bit event",
        precision: High,
        check: Facts(check),
    }
}

/// `gate_session.completed`-shaped: dotted lower-case words.
fn looks_like_event(value: &str) -> bool {
    value.contains('.')
        && value.split('.').all(|w| {
            !w.is_empty()
                && w.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

fn help(facts: &Facts, value: &str) -> String {
    let closest = facts
        .model
        .contract
        .events
        .iter()
        .map(|e| {
            (
                crate::rules::edit_distance(value, &e.event_type),
                e.event_type.as_str(),
            )
        })
        .min()
        .filter(|(distance, _)| *distance <= 3);
    match closest {
        Some((_, event)) => format!("did you mean `{event}`? Only documented 0Bit event types are delivered"),
        None => "branch only on documented 0Bit event types (`gate_session.completed`, `rail.pay_in.settled`, …); events an account has beyond the public docs go in a `[contract] extend` file".into(),
    }
}

/// An event-type string in code that handles 0Bit events.
struct EventLiteral<'a> {
    file: &'a FileAnalysis,
    value: String,
    span: Range<usize>,
}

/// Event types webhook code matches on or compares with, in code that handles 0Bit events,
/// and the variants of tagged enums that name at least one documented event.
fn event_literals<'a>(facts: &Facts<'a>) -> Vec<EventLiteral<'a>> {
    let contract = &facts.model.contract;
    let mut literals = Vec::new();
    for function in facts.webhooks.event_code(contract) {
        // Only what is compared with the event: a job's `kind` or a row's type is not.
        let of_event = function
            .item
            .rare()
            .event_types
            .iter()
            .filter(|e| is_event_source(function.item, e.source));
        literals.extend(of_event.map(|e| EventLiteral {
            file: function.file,
            value: e.value.clone(),
            span: e.span.clone(),
        }));
    }
    for tagged in &facts.webhooks.enums {
        let variants = &tagged.item.variants;
        if variants
            .iter()
            .any(|v| contract.event(&v.event_type).is_some())
        {
            literals.extend(variants.iter().map(|v| EventLiteral {
                file: tagged.file,
                value: v.event_type.clone(),
                span: v.span.clone(),
            }));
        }
    }
    literals
}

/// Shaped like an event type, and not a documented one.
fn unknown(facts: &Facts, value: &str) -> bool {
    looks_like_event(value) && facts.model.contract.event(value).is_none()
}

fn check(facts: &Facts, cx: &mut Context) {
    for literal in event_literals(facts) {
        let EventLiteral { file, value, span } = literal;
        if !unknown(facts, &value) {
            continue;
        }
        let message = format!("`{value}` is not a documented 0Bit event type");
        cx.report(
            &UNKNOWN_WEBHOOK_EVENT,
            file.draft(span, message, help(facts, &value), value.clone()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_support::rust;

    /// The unknown event types `source` branches on.
    fn unknown_events(source: &str) -> Vec<String> {
        let project = rust(source);
        let facts = project.facts();
        event_literals(&facts)
            .into_iter()
            .filter(|l| unknown(&facts, &l.value))
            .map(|l| l.value)
            .collect()
    }

    const PASS: [&str; 5] = [
        // A job's kind in a handler is not an event type.
        r#"#[post("/webhooks")]
        async fn webhook(State(state): State<AppState>, Json(event): Json<GateEvent>) {
            if event.event_type == "gate_session.completed" { go() }
            let job = state.queue.next().await;
            match job.kind.as_str() { "email.send" => send(), _ => {} }
        }"#,
        // Documented events in a handler.
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>) {
            match event.event_type.as_str() { "gate_session.completed" | "rail.pay_in.settled" => {}, _ => {} }
        }"#,
        // Not event-shaped.
        r#"#[post("/webhooks")]
        async fn webhook(Json(event): Json<GateEvent>) { if event.kind == "Completed" { go() } }"#,
        // Other providers' events outside 0Bit event code.
        r#"fn stripe(event: &StripeEvent) { match event.type_.as_str() { "checkout.session.completed" => {}, _ => {} } }"#,
        // A tagged enum of documented events.
        r#"#[derive(Deserialize)] #[serde(tag = "type")]
        enum GateEvent { #[serde(rename = "gate_session.completed")] Completed(SessionData) }
        fn on_event(event: GateEvent) {}"#,
    ];

    const FAIL: [(&str, &str); 4] = [
        // What the verify call returned.
        (
            r#"#[post("/webhooks")]
            async fn webhook(headers: HeaderMap, body: Bytes) {
                let event = webhook::verify(&headers, &body)?;
                match event.kind.as_str() { "gate_session.complete" => fulfil(&event), _ => {} }
            }"#,
            "gate_session.complete",
        ),
        (
            r#"#[post("/webhooks")]
            async fn webhook(Json(event): Json<GateEvent>) {
                match event.event_type.as_str() { "gate_session.complete" => fulfil(&event), _ => {} }
            }"#,
            "gate_session.complete",
        ),
        (
            r#"fn on_event(event: &GateEvent) {
                if event.event_type == "gate_session.completed" { fulfil() }
                if event.event_type == "gate_session.refunded" { refund() }
            }"#,
            "gate_session.refunded",
        ),
        (
            r#"#[derive(Deserialize)] #[serde(tag = "type")]
            enum GateEvent {
                #[serde(rename = "gate_session.completed")] Completed(SessionData),
                #[serde(rename = "checkout.session.completed")] Checkout(Value),
            }
            fn on_event(event: GateEvent) {}"#,
            "checkout.session.completed",
        ),
    ];

    #[test]
    fn documented_or_not_event_code() {
        for source in PASS {
            assert_eq!(unknown_events(source), Vec::<String>::new(), "{source}");
        }
    }

    #[test]
    fn unknown_event_types() {
        for (source, event) in FAIL {
            assert_eq!(unknown_events(source), [event], "{source}");
        }
    }

    #[test]
    fn event_shapes() {
        assert!(looks_like_event("gate_session.completed"));
        assert!(looks_like_event("rail.pay_in.settled"));
        assert!(!looks_like_event("Completed"));
        assert!(!looks_like_event("gate session.completed"));
        assert!(!looks_like_event("gate_session."));
    }
}
