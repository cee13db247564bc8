use std::collections::BTreeSet;

use super::declare_rule;
use crate::extract::file::FileAnalysis;
use crate::link::facts::Facts;
use crate::project::contract::Product;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds webhook payload fields that the code reads but the 0Bit contract does not
    /// document: fields of the serde types an event is deserialized into (after `rename` and
    /// `rename_all`; the envelope, and the type of its `data`), `#[serde(tag = "type")]`
    /// variant payloads, and `Value` reads (`event["data"]["x"]`, `.get("x")`,
    /// `.pointer("/data/x")`). Keys under `metadata` are the partner's own and always
    /// allowed. Deprecated fields (`facilita_transaction_id`) are reported with their
    /// replacement. When the event's object kind is unknown, the fields of every documented
    /// 0Gate data object are allowed. 0Pools payload fields are not published, so they are
    /// not checked.
    ///
    /// ## Why is this bad?
    /// Undocumented fields can disappear or change meaning without notice; business logic
    /// built on them breaks in production. PII such as an e-mail address is deliberately not
    /// in 0Bit payloads: keep your own references in `metadata` when you create the session.
    ///
    /// ## Example
    /// ```rust,ignore
    /// #[derive(Deserialize)]
    /// struct SessionData { id: String, customer_email: String }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// #[derive(Deserialize)]
    /// struct SessionData { id: String, metadata: OrderMetadata } // order_id set at creation
    /// ```
    ///
    /// ## Configuration
    /// Fields an account has beyond the public docs go in a `[contract] extend` file
    /// (`[[object]]` tables).
    pub static UNDOCUMENTED_WEBHOOK_FIELD = {
        id: "undocumented-webhook-field",
        default: Warn,
        area: "Webhooks",
        live_only: false,
        check: Facts(check),
    }
}

const HELP: &str = "read only fields of the 0Bit event catalogue; put your own references in `metadata` when you create the session, or add fields your account has to a `[contract] extend` file";

fn report(
    facts: &Facts,
    cx: &mut Context,
    file: &FileAnalysis,
    span: std::ops::Range<usize>,
    field: &str,
    object: Option<&str>,
) {
    let contract = &facts.model.contract;
    let message = match contract.replacement_of(field) {
        Some(replacement) => {
            format!("webhook field `{field}` is deprecated: read `{replacement}` instead")
        }
        None => match object {
            Some("envelope") => {
                format!("`{field}` is not a documented field of the 0Bit event envelope")
            }
            Some(kind) => {
                format!("`{field}` is not a documented field of a `{kind}` webhook payload")
            }
            None => format!("`{field}` is not a documented field of 0Gate event data"),
        },
    };
    cx.report(
        &UNDOCUMENTED_WEBHOOK_FIELD,
        file.draft(span, message, HELP.into(), field.to_string()),
    );
}

fn documented(facts: &Facts, object: Option<&str>, field: &str) -> bool {
    facts.model.contract.replacement_of(field).is_none()
        && facts
            .model
            .contract
            .documents_field(Product::Gate, object, field)
}

fn check(facts: &Facts, cx: &mut Context) {
    let webhooks = &facts.webhooks;
    // Types events are deserialized into, and the types of their `data`.
    let mut envelopes: BTreeSet<&str> = BTreeSet::new();
    let mut parsed_data: BTreeSet<&str> = BTreeSet::new();
    for handler in &webhooks.handlers {
        envelopes.extend(handler.function.parsed_extractor.as_deref());
        for (_, function) in &handler.reach {
            envelopes.extend(
                function
                    .parses
                    .iter()
                    .filter(|p| !p.3)
                    .filter_map(|p| p.2.as_deref()),
            );
            parsed_data.extend(
                function
                    .parses
                    .iter()
                    .filter(|p| p.3)
                    .filter_map(|p| p.2.as_deref()),
            );
        }
    }
    let mut data_types: Vec<(&str, Option<&str>)> =
        parsed_data.into_iter().map(|t| (t, None)).collect();
    for name in envelopes {
        let Some((file, envelope)) = webhooks.structs.get(name) else {
            continue;
        };
        if envelope.fields.iter().any(|f| f.name == "eventId") {
            continue; // 0Pools
        }
        for field in &envelope.fields {
            if field.name == "data" {
                data_types.extend(field.type_name.as_deref().map(|t| (t, None)));
            } else if !documented(facts, Some("envelope"), &field.name) {
                report(
                    facts,
                    cx,
                    file,
                    field.span.clone(),
                    &field.name,
                    Some("envelope"),
                );
            }
        }
    }
    for (_, tagged) in &webhooks.enums {
        for (event_type, _, payload) in &tagged.variants {
            if let (Some(event), Some(payload)) = (facts.model.contract.event(event_type), payload)
            {
                if event.product == Product::Gate {
                    data_types.push((payload.as_str(), Some(event.object.as_str())));
                }
            }
        }
    }
    for (type_name, object) in data_types {
        let Some((file, data)) = webhooks.structs.get(type_name) else {
            continue;
        };
        for field in data
            .fields
            .iter()
            .filter(|f| !documented(facts, object, &f.name))
        {
            report(facts, cx, file, field.span.clone(), &field.name, object);
        }
    }
    // `Value` reads, in code that handles 0Bit events.
    for (file, function) in facts.webhooks.event_code(&facts.model.contract) {
        for (keys, span) in &function.value_paths {
            match keys.as_slice() {
                [data, field, ..] if data == "data" && !documented(facts, None, field) => {
                    report(facts, cx, file, span.clone(), field, None)
                }
                // Top-level keys: the envelope of 0Gate, or of 0Pools (`eventId`).
                [field]
                    if !documented(facts, Some("envelope"), field)
                        && !facts.model.contract.documents_field(
                            Product::Pools,
                            Some("envelope"),
                            field,
                        ) =>
                {
                    report(facts, cx, file, span.clone(), field, Some("envelope"))
                }
                _ => {}
            }
        }
    }
}
