use super::declare_rule;
use crate::link::facts::Facts;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds event type strings that webhook code matches on or routes by, but that are not
    /// documented 0Bit event types: match arm strings on the event type, comparisons with
    /// `==`, and `#[serde(rename = "…")]` variants of a `#[serde(tag = "type")]` enum. Typos
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
    /// match event.event_type.as_str() {
    ///     "gate_session.complete" => fulfil(&event).await?,
    ///     _ => {}
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// match event.event_type.as_str() {
    ///     "gate_session.completed" => fulfil(&event).await?,
    ///     _ => {}
    /// }
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

fn check(facts: &Facts, cx: &mut Context) {
    let contract = &facts.model.contract;
    let mut literals: Vec<(
        &crate::extract::file::FileAnalysis,
        String,
        std::ops::Range<usize>,
    )> = Vec::new();
    for (file, function) in facts.webhooks.event_code(contract) {
        literals.extend(
            function
                .event_types
                .iter()
                .map(|(v, s)| (file, v.clone(), s.clone())),
        );
    }
    for (file, tagged) in &facts.webhooks.enums {
        if tagged
            .variants
            .iter()
            .any(|(v, _, _)| contract.event(v).is_some())
        {
            literals.extend(
                tagged
                    .variants
                    .iter()
                    .map(|(v, s, _)| (*file, v.clone(), s.clone())),
            );
        }
    }
    for (file, value, span) in literals {
        if !looks_like_event(&value) || contract.event(&value).is_some() {
            continue;
        }
        let message = format!("`{value}` is not a documented 0Bit event type");
        cx.report(
            &UNKNOWN_WEBHOOK_EVENT,
            file.draft(span, message, help(facts, &value), value.clone()),
        );
    }
}
