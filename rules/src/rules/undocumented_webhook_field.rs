use std::collections::BTreeSet;
use std::ops::Range;

use super::declare_rule;
use crate::extract::file::FileAnalysis;
use crate::extract::rust::webhooks::KeyPath;
use crate::link::facts::Facts;
use crate::link::webhooks::{is_event_source, is_verify_call};
use crate::project::contract::Product;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds webhook payload fields that the code reads but the 0Bit contract does not
    /// document: fields of the serde types an event is deserialized into (after `rename` and
    /// `rename_all`; the envelope, and the type of its `data`) from the handler's own body or
    /// returned by a verify call, never rows, files or other JSON, `#[serde(tag = "type")]`
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
    /// # use axum::{body::Bytes, extract::Json, http::{HeaderMap, StatusCode}, routing::post, Router};
    /// # pub fn routes() -> Router {
    /// #     Router::new().route("/webhooks/0bit", post(handle_webhook))
    /// # }
    /// # #[derive(Deserialize)]
    /// # struct GateEvent { id: String, #[serde(rename = "type")] event_type: String, data: SessionData }
    /// # async fn handle_webhook(headers: HeaderMap, body: Bytes) -> Result<StatusCode, AppError> {
    /// #     verify::verify_signature(&SECRET, headers.get("Gate-Signature"), &body)?;
    /// #     let event: GateEvent = serde_json::from_slice(&body)?;
    /// #     Ok(StatusCode::OK)
    /// # }
    /// #[derive(Deserialize)]
    /// struct SessionData { id: String, customer_email: String }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// # use axum::{body::Bytes, extract::Json, http::{HeaderMap, StatusCode}, routing::post, Router};
    /// # pub fn routes() -> Router {
    /// #     Router::new().route("/webhooks/0bit", post(handle_webhook))
    /// # }
    /// # #[derive(Deserialize)]
    /// # struct GateEvent { id: String, #[serde(rename = "type")] event_type: String, data: SessionData }
    /// # async fn handle_webhook(headers: HeaderMap, body: Bytes) -> Result<StatusCode, AppError> {
    /// #     verify::verify_signature(&SECRET, headers.get("Gate-Signature"), &body)?;
    /// #     let event: GateEvent = serde_json::from_slice(&body)?;
    /// #     Ok(StatusCode::OK)
    /// # }
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
        summary: "a webhook payload field the 0Bit contract does not document",
        precision: Medium,
        check: Facts(check),
    }
}

const HELP: &str = "read only fields of the 0Bit event catalogue; put your own references in `metadata` when you create the session, or add fields your account has to a `[contract] extend` file";

/// A payload field the code reads that the contract does not document.
struct Undocumented<'a> {
    file: &'a FileAnalysis,
    span: Range<usize>,
    field: String,
    /// The object it was read from: `envelope`, an object kind, or `None` for event data of
    /// an unknown kind.
    object: Option<&'a str>,
}

fn report(facts: &Facts, cx: &mut Context, found: Undocumented) {
    let Undocumented {
        file,
        span,
        field,
        object,
    } = found;
    let contract = &facts.model.contract;
    let message = match contract.replacement_of(&field) {
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
        file.draft(span, message, HELP.into(), field),
    );
}

/// Documented, and not deprecated. `metadata` and what is under it is always allowed.
fn documented(facts: &Facts, object: Option<&str>, field: &str) -> bool {
    facts.model.contract.replacement_of(field).is_none()
        && facts
            .model
            .contract
            .documents_field(Product::Gate, object, field)
}

/// Every undocumented field read, in the order found: fields of the envelope types events
/// are parsed into, of their `data` types and of tagged-enum payloads, then `Value` reads.
fn undocumented<'a>(facts: &Facts<'a>) -> Vec<Undocumented<'a>> {
    let webhooks = &facts.webhooks;
    let mut found = Vec::new();
    // Types events are deserialized into, and the types of their `data`.
    let mut envelopes: BTreeSet<&str> = BTreeSet::new();
    let mut parsed_data: BTreeSet<&str> = BTreeSet::new();
    for handler in &webhooks.handlers {
        envelopes.extend(handler.function.rare().parsed_extractor.as_deref());
        for function in &handler.reach {
            // What the body (or the event) is parsed into; rows, files and other JSON are
            // not payloads.
            let parses = function
                .item
                .rare()
                .parses
                .iter()
                .filter(|p| is_event_source(function.item, p.source));
            for parse in parses {
                let target = parse.target_type.as_deref();
                if parse.of_event_data {
                    parsed_data.extend(target);
                } else {
                    envelopes.extend(target);
                }
            }
            // `let event: GateEvent = verify_event(&headers, &body)?`
            let verified = function
                .item
                .ordered_calls()
                .filter(|(_, c)| is_verify_call(c));
            envelopes.extend(verified.filter_map(|(order, _)| function.item.result_type(order)));
        }
    }
    let mut data_types: Vec<(&str, Option<&str>)> =
        parsed_data.into_iter().map(|t| (t, None)).collect();
    for name in envelopes {
        let Some(envelope) = webhooks.structs.get(name) else {
            continue;
        };
        if envelope.item.fields.iter().any(|f| f.name == "eventId") {
            continue; // 0Pools
        }
        for field in &envelope.item.fields {
            if field.name == "data" {
                data_types.extend(field.type_name.as_deref().map(|t| (t, None)));
            } else if !documented(facts, Some("envelope"), &field.name) {
                found.push(Undocumented {
                    file: envelope.file,
                    span: field.span(),
                    field: field.name.to_string(),
                    object: Some("envelope"),
                });
            }
        }
    }
    for variant in webhooks.enums.iter().flat_map(|e| &e.item.variants) {
        if let (Some(event), Some(payload)) = (
            facts.model.contract.event(&variant.event_type),
            &variant.payload,
        ) {
            if event.product == Product::Gate {
                data_types.push((payload.as_str(), Some(event.object.as_str())));
            }
        }
    }
    for (type_name, object) in data_types {
        let Some(data) = webhooks.structs.get(type_name) else {
            continue;
        };
        for field in data
            .item
            .fields
            .iter()
            .filter(|f| !documented(facts, object, &f.name))
        {
            found.push(Undocumented {
                file: data.file,
                span: field.span(),
                field: field.name.to_string(),
                object,
            });
        }
    }
    // `Value` reads, in code that handles 0Bit events.
    for function in webhooks.event_code(&facts.model.contract) {
        let of_event = function
            .item
            .rare()
            .value_paths
            .iter()
            .filter(|p| is_event_source(function.item, p.source));
        for KeyPath { keys, span, .. } in of_event {
            let object = match keys.as_slice() {
                [data, field, ..] if data == "data" && !documented(facts, None, field) => {
                    Some((field, None))
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
                    Some((field, Some("envelope")))
                }
                _ => None,
            };
            if let Some((field, object)) = object {
                found.push(Undocumented {
                    file: function.file,
                    span: span.clone(),
                    field: field.clone(),
                    object,
                });
            }
        }
    }
    found
}

fn check(facts: &Facts, cx: &mut Context) {
    for found in undocumented(facts) {
        report(facts, cx, found);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::test_support::rust;

    /// The undocumented fields read, with the object they were read from.
    fn fields(source: &str) -> Vec<(String, Option<String>)> {
        let project = rust(source);
        let facts = project.facts();
        undocumented(&facts)
            .into_iter()
            .map(|u| (u.field, u.object.map(String::from)))
            .collect()
    }

    const HANDLER: &str = r#"#[post("/webhooks/0bit")]
        async fn webhook(body: Bytes) { let event: GateEvent = serde_json::from_slice(&body).unwrap(); }"#;

    const PASS: [&str; 4] = [
        // Documented envelope and session fields, and `metadata`.
        r#"#[derive(Deserialize)] struct GateEvent { id: String, #[serde(rename = "type")] kind: String, data: SessionData }
        #[derive(Deserialize)] struct SessionData { id: String, status: String, metadata: OrderMetadata }"#,
        // 0Pools envelopes are not checked.
        r#"#[derive(Deserialize)] #[serde(rename_all = "camelCase")] struct GateEvent { event_id: String, whatever: String }"#,
        // Documented `Value` reads.
        r#"fn on_event(event: &Value) { match event["type"].as_str().unwrap_or("") { "gate_session.completed" => {}, _ => {} }
            let s = &event["data"]["status"]; let o = event.pointer("/data/metadata/order_id"); }"#,
        // A type nothing parses an event into.
        r#"#[derive(Deserialize)] struct Profile { nickname: String }"#,
    ];

    #[test]
    fn documented_fields() {
        for types in PASS {
            let source = format!(
                "{HANDLER}
{types}"
            );
            assert_eq!(fields(&source), [], "{types}");
        }
    }

    #[test]
    fn undocumented_fields() {
        // Each source with the fields reported and the object they are read from.
        type Expected = &'static [(&'static str, Option<&'static str>)];
        let fail: [(&str, Expected); 4] = [
            (
                r#"#[derive(Deserialize)] struct GateEvent { id: String, data: SessionData }
                #[derive(Deserialize)] struct SessionData { id: String, customer_email: String }"#,
                &[("customer_email", None)],
            ),
            (
                r#"#[derive(Deserialize)] struct GateEvent { id: String, account: String, data: Value }"#,
                &[("account", Some("envelope"))],
            ),
            (
                r#"#[derive(Deserialize)] #[serde(tag = "type", content = "data")]
                enum GateEvent { #[serde(rename = "rail.pay_in.settled")] Settled(RailData) }
                #[derive(Deserialize)] struct RailData { id: String, facilita_transaction_id: String }"#,
                &[("facilita_transaction_id", Some("rail"))],
            ),
            (
                r#"fn on_event(event: &Value) { match event["type"].as_str().unwrap_or("") { "gate_session.completed" => {}, _ => {} }
                let e = &event["data"]["customer_email"]; }"#,
                &[("customer_email", None)],
            ),
        ];
        for (types, expected) in fail {
            let source = format!(
                "{HANDLER}
{types}"
            );
            let expected: Vec<(String, Option<String>)> = expected
                .iter()
                .map(|(f, o)| (f.to_string(), o.map(String::from)))
                .collect();
            assert_eq!(fields(&source), expected, "{types}");
        }
    }

    #[test]
    fn rows_files_and_other_json_are_not_payloads() {
        let source = r#"#[post("/webhooks/0bit")]
        async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) {
            let event: GateEvent = serde_json::from_slice(&body).unwrap();
            let order: StoredOrder = sqlx::query_as("SELECT * FROM orders WHERE id = $1").fetch_one(&state.db).await?;
            let settings: Settings = serde_json::from_reader(File::open("settings.json")?)?;
            let reply = state.http.get(RATES_URL).send().await?.text().await?;
            let rates: Rates = serde_json::from_str(&reply)?;
            let cfg: Value = serde_json::from_str(&std::fs::read_to_string("flags.json")?)?;
            let region = &cfg["data"]["region"];
        }
        #[derive(Deserialize)] struct GateEvent { id: String, data: SessionData }
        #[derive(Deserialize)] struct SessionData { id: String, status: String }
        #[derive(Deserialize)] struct StoredOrder { id: String, customer_email: String }
        #[derive(Deserialize)] struct Settings { shop_name: String, data: Flags }
        #[derive(Deserialize)] struct Flags { beta: bool }
        #[derive(Deserialize)] struct Rates { base: String, data: Vec<Rate> }"#;
        assert_eq!(fields(source), []);
    }

    #[test]
    fn a_method_of_another_type_is_not_the_project_function() {
        // `t.parse()` is `str::parse`, not the catalogue's `parse`.
        let source = r#"#[post("/webhooks/0bit")]
        async fn webhook(headers: HeaderMap, body: Bytes) {
            let t: u64 = headers.get("Gate-Signature").unwrap().to_str().unwrap().parse().unwrap();
            let event: GateEvent = serde_json::from_slice(&body).unwrap();
        }
        fn parse(raw: &str) -> Catalogue { let c: Catalogue = serde_json::from_str(raw).unwrap(); c }
        #[derive(Deserialize)] struct GateEvent { id: String }
        #[derive(Deserialize)] struct Catalogue { season: String }"#;
        assert_eq!(fields(source), []);
    }

    #[test]
    fn what_a_verify_call_returns_is_the_event() {
        let source = r#"#[post("/webhooks/0bit")]
        async fn webhook(headers: HeaderMap, body: Bytes) {
            let event: GateEvent = webhook::verify_event(&headers, &body)?;
            let region = &event.data;
        }
        #[derive(Deserialize)] struct GateEvent { id: String, account: String, data: Value }"#;
        assert_eq!(
            fields(source),
            [("account".to_string(), Some("envelope".to_string()))]
        );
    }
}
