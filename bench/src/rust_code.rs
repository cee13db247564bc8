//! Rust source for the synthetic workspace: module templates built from item templates
//! (serde models, enums, axum and actix handlers, 0Bit API calls with `Idempotency-Key`,
//! `Gate-Signature` webhook verification with hmac, sqlx repositories, plain logic, traits,
//! leptos and yew components, tests), filled with varied identifiers until a module reaches
//! its target size.

use std::collections::HashSet;
use std::fmt::Write;

use crate::rng::Rng;

/// What a module is for; decides its imports and the items it leans on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    AxumHandlers,
    ActixHandlers,
    GateClient,
    PoolsClient,
    AxumWebhook,
    ActixWebhook,
    Models,
    Repository,
    Logic,
    Config,
    Leptos,
    Yew,
    IntegrationTest,
}

/// Findings planted on purpose in one module.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Plant {
    /// A `POST /v1/gate_sessions` without an `Idempotency-Key`.
    pub missing_idempotency_key: bool,
    /// A webhook handler that takes `Json<…>` and never checks `Gate-Signature`.
    pub unverified_webhook: bool,
}

const NOUNS: &[&str] = &[
    "order",
    "refund",
    "payout",
    "invoice",
    "customer",
    "cart",
    "basket",
    "subscription",
    "plan",
    "ledger",
    "settlement",
    "dispute",
    "voucher",
    "booking",
    "ticket",
    "shipment",
    "parcel",
    "merchant",
    "store",
    "product",
    "coupon",
    "wallet",
    "balance",
    "transfer",
    "receipt",
    "statement",
    "fee",
    "quote",
    "reservation",
    "rental",
    "membership",
    "donation",
    "tip",
    "tab",
    "menu",
    "table",
    "course",
    "seat",
    "venue",
    "event",
    "pass",
    "locker",
    "delivery",
    "courier",
    "route",
    "warehouse",
    "stock",
    "supplier",
    "batch",
    "tenant",
];
const QUALS: &[&str] = &[
    "pending",
    "active",
    "draft",
    "archived",
    "regional",
    "partner",
    "recurring",
    "priority",
    "bulk",
    "scheduled",
    "daily",
    "monthly",
    "manual",
    "auto",
    "gift",
    "trial",
    "legacy",
    "express",
    "local",
    "shared",
    "staff",
    "guest",
    "annual",
    "weekly",
    "open",
    "held",
];
const VERBS: &[&str] = &[
    "create",
    "update",
    "list",
    "fetch",
    "cancel",
    "approve",
    "reconcile",
    "sync",
    "export",
    "import",
    "close",
    "reopen",
    "settle",
    "capture",
    "void",
    "notify",
    "audit",
    "archive",
    "assign",
    "schedule",
    "price",
    "validate",
    "summarize",
    "refresh",
    "merge",
];
const FIELD_NAMES: &[&str] = &[
    "reference",
    "label",
    "note",
    "status",
    "region",
    "channel",
    "email",
    "phone",
    "locale",
    "country",
    "currency",
    "amount_minor",
    "quantity",
    "position",
    "attempts",
    "priority",
    "created_at",
    "updated_at",
    "expires_at",
    "owner_id",
    "external_ref",
    "tags",
    "source",
    "flagged",
    "enabled",
    "version",
    "sequence",
    "weight",
    "capacity",
    "slot",
];
const CURRENCIES: &[&str] = &["EUR", "USD", "GBP", "CHF", "SEK", "PLN", "ZAR"];
const EVENT_TYPES: &[&str] = &[
    "gate_session.completed",
    "gate_session.expired",
    "gate_session.cancelled",
];

/// One module's text, at least `target` bytes long (a module never stops mid-item).
pub fn module(rng: &mut Rng, kind: Kind, target: usize, crate_title: &str, plant: Plant) -> String {
    let mut m = Module {
        rng,
        out: String::with_capacity(target + 4096),
        used: HashSet::new(),
    };
    m.header(kind, crate_title);
    // The item a module of this kind exists for comes first, then a mix.
    match kind {
        Kind::GateClient => m.gate_client(plant.missing_idempotency_key),
        Kind::PoolsClient => m.pools_client(),
        Kind::AxumWebhook => m.axum_webhook(plant.unverified_webhook),
        Kind::ActixWebhook => m.actix_webhook(),
        Kind::Config => m.config(),
        _ => {}
    }
    let mut tests = 0;
    while m.out.len() < target {
        let roll = m.rng.below(100);
        match kind {
            Kind::AxumHandlers if roll < 45 => m.axum_handler(),
            Kind::AxumHandlers if roll < 50 => m.axum_router(),
            Kind::ActixHandlers if roll < 50 => m.actix_handler(),
            Kind::Repository if roll < 55 => m.repository_fn(),
            Kind::Leptos if roll < 60 => m.leptos_component(),
            Kind::Yew if roll < 60 => m.yew_component(),
            Kind::IntegrationTest if roll < 70 => m.test_fn(),
            Kind::Models if roll < 40 => m.model(),
            Kind::Models | Kind::Logic if roll < 55 => m.status_enum(),
            Kind::Logic if roll < 75 => m.logic_fn(),
            _ if roll < 70 => m.model(),
            _ if roll < 80 => m.logic_fn(),
            _ if roll < 88 => m.status_enum(),
            _ if roll < 95 => m.trait_impl(),
            _ if roll < 97 => m.macro_rules(),
            _ => {
                if matches!(kind, Kind::Leptos | Kind::Yew | Kind::IntegrationTest) || tests > 0 {
                    m.logic_fn();
                } else {
                    tests += 1;
                    m.unit_tests();
                }
            }
        }
    }
    m.out
}

struct Module<'r> {
    rng: &'r mut Rng,
    out: String,
    used: HashSet<String>,
}

fn camel(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}

impl Module<'_> {
    /// A fresh snake_case name made of a qualifier and a noun; unique in the module.
    fn name(&mut self) -> String {
        let base = if self.rng.chance(60) {
            format!("{}_{}", self.rng.pick(QUALS), self.rng.pick(NOUNS))
        } else {
            (*self.rng.pick(NOUNS)).to_string()
        };
        let mut name = base.clone();
        let mut n = 2;
        while !self.used.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    }

    fn verb(&mut self) -> &'static str {
        VERBS[self.rng.below(VERBS.len())]
    }

    fn push(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn header(&mut self, kind: Kind, crate_title: &str) {
        let topic = self.rng.pick(NOUNS);
        let doc = match kind {
            Kind::AxumHandlers => format!("HTTP handlers of {crate_title} for {topic}s (axum)."),
            Kind::ActixHandlers => {
                format!("HTTP handlers of {crate_title} for {topic}s (actix-web).")
            }
            Kind::GateClient => format!("The 0Gate calls {crate_title} makes for {topic}s."),
            Kind::PoolsClient => format!("0Pools balance and transfer calls of {crate_title}."),
            Kind::AxumWebhook | Kind::ActixWebhook => {
                format!("The 0Bit webhook endpoint of {crate_title}: verify, record, then act.")
            }
            Kind::Models => format!("Domain types of {crate_title}: {topic}s and friends."),
            Kind::Repository => format!("Postgres access for {topic}s."),
            Kind::Logic => format!("Pricing and bookkeeping rules for {topic}s."),
            Kind::Config => "Deployment settings, read once at start-up.".to_string(),
            Kind::Leptos => format!("Leptos components of the {topic} pages."),
            Kind::Yew => format!("Yew components of the {topic} widgets."),
            Kind::IntegrationTest => format!("End-to-end checks of {crate_title}."),
        };
        let _ = writeln!(self.out, "//! {doc}\n");
        let uses: &[&str] = match kind {
            Kind::AxumHandlers => &[
                "use std::sync::Arc;",
                "use axum::extract::{Path, Query, State};",
                "use axum::http::StatusCode;",
                "use axum::routing::{get, post};",
                "use axum::{Json, Router};",
                "use serde::{Deserialize, Serialize};",
            ],
            Kind::ActixHandlers => &[
                "use actix_web::{get, post, web, HttpResponse, Responder};",
                "use serde::{Deserialize, Serialize};",
            ],
            Kind::GateClient | Kind::PoolsClient => &[
                "use reqwest::Client;",
                "use serde::{Deserialize, Serialize};",
            ],
            Kind::AxumWebhook => &[
                "use std::time::{SystemTime, UNIX_EPOCH};",
                "use axum::body::Bytes;",
                "use axum::extract::State;",
                "use axum::http::{HeaderMap, StatusCode};",
                "use axum::Json;",
                "use hmac::{Hmac, Mac};",
                "use serde::{Deserialize, Serialize};",
                "use sha2::Sha256;",
            ],
            Kind::ActixWebhook => &[
                "use std::time::{SystemTime, UNIX_EPOCH};",
                "use actix_web::{post, web, HttpRequest, HttpResponse};",
                "use hmac::{Hmac, Mac};",
                "use serde::{Deserialize, Serialize};",
                "use sha2::Sha256;",
            ],
            Kind::Repository => &[
                "use serde::{Deserialize, Serialize};",
                "use sqlx::{PgPool, Postgres, Transaction};",
            ],
            Kind::Leptos => &[
                "use leptos::prelude::*;",
                "use serde::{Deserialize, Serialize};",
            ],
            Kind::Yew => &[
                "use serde::{Deserialize, Serialize};",
                "use yew::prelude::*;",
            ],
            Kind::Models | Kind::Logic | Kind::Config | Kind::IntegrationTest => &[
                "use std::collections::{BTreeMap, HashMap};",
                "use std::fmt;",
                "use serde::{Deserialize, Serialize};",
            ],
        };
        for line in uses {
            self.push(line);
            self.push("\n");
        }
        self.push("\n");
    }

    fn fields(&mut self, count: usize) -> Vec<(String, &'static str)> {
        let mut seen = HashSet::new();
        let mut fields = vec![("id".to_string(), "String")];
        while fields.len() < count {
            let name = *self.rng.pick(FIELD_NAMES);
            if !seen.insert(name) {
                continue;
            }
            let ty = match name {
                "amount_minor" => "u64",
                "quantity" | "position" | "attempts" | "priority" | "version" | "sequence"
                | "capacity" | "slot" => *self.rng.pick(&["u32", "u64", "i64", "usize"]),
                "weight" => "u32",
                "tags" => "Vec<String>",
                "flagged" | "enabled" => "bool",
                "note" | "phone" | "external_ref" | "expires_at" => "Option<String>",
                _ => "String",
            };
            fields.push((name.to_string(), ty));
        }
        fields
    }

    /// A serde struct, its constructor and a few methods.
    fn model(&mut self) {
        let name = self.name();
        let ty = camel(&name);
        let count = self.rng.range(3, 14);
        let fields = self.fields(count);
        let _ = writeln!(
            self.out,
            "/// A {} as stored and sent over the wire.\n#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]",
            name.replace('_', " ")
        );
        if self.rng.chance(40) {
            self.push("#[serde(rename_all = \"camelCase\")]\n");
        }
        let _ = writeln!(self.out, "pub struct {ty} {{");
        for (field, fty) in &fields {
            if fty.starts_with("Option") && self.rng.chance(50) {
                self.push("    #[serde(default, skip_serializing_if = \"Option::is_none\")]\n");
            }
            let _ = writeln!(self.out, "    pub {field}: {fty},");
        }
        self.push("}\n\n");
        let _ = writeln!(self.out, "impl {ty} {{\n    pub fn new(id: impl Into<String>) -> Self {{\n        Self {{\n            id: id.into(),");
        for (field, fty) in &fields[1..] {
            let value = match *fty {
                "String" => format!("String::from(\"{}\")", self.rng.pick(QUALS)),
                "bool" => "false".to_string(),
                "Vec<String>" => "Vec::new()".to_string(),
                "Option<String>" => "None".to_string(),
                _ => format!("{}", self.rng.below(50)),
            };
            let _ = writeln!(self.out, "            {field}: {value},");
        }
        self.push("        }\n    }\n");
        let methods = self.rng.range(1, 5);
        for i in 0..methods {
            let (field, fty) = fields[self.rng.below(fields.len())].clone();
            match (i + self.rng.below(3)) % 4 {
                0 => {
                    let _ = write!(
                        self.out,
                        "\n    pub fn describe(&self) -> String {{\n        format!(\"{ty} {{}} ({{:?}})\", self.id, self.{field})\n    }}\n"
                    );
                    if i > 0 {
                        // Two `describe`s would not compile; rename the later one.
                        let at = self.out.rfind("pub fn describe").expect("just written");
                        self.out
                            .replace_range(at..at + 15, &format!("pub fn describe_{field}"));
                    }
                }
                1 => {
                    let _ = write!(
                        self.out,
                        "\n    pub fn is_{field}_set(&self) -> bool {{\n        {}\n    }}\n",
                        match fty {
                            "String" | "Vec<String>" => format!("!self.{field}.is_empty()"),
                            "bool" => format!("self.{field}"),
                            "Option<String>" => format!(
                                "self.{field}.as_deref().is_some_and(|v| !v.trim().is_empty())"
                            ),
                            _ => format!("self.{field} > 0"),
                        }
                    );
                }
                2 => {
                    let _ = write!(
                        self.out,
                        "\n    pub fn with_{field}(mut self, value: {fty}) -> Self {{\n        self.{field} = value;\n        self\n    }}\n"
                    );
                }
                _ => {
                    let key = self.rng.pick(NOUNS);
                    let _ = write!(
                        self.out,
                        "\n    pub fn cache_key_{i}(&self) -> String {{\n        let mut key = String::with_capacity(32);\n        key.push_str(\"{key}:\");\n        key.push_str(&self.id);\n        key\n    }}\n"
                    );
                }
            }
        }
        self.push("}\n\n");
    }

    /// A status enum with `Display`, parsing and a transition table.
    fn status_enum(&mut self) {
        let name = self.name();
        let ty = format!("{}Status", camel(&name));
        let count = self.rng.range(3, 9);
        let mut variants: Vec<&str> = Vec::new();
        while variants.len() < count {
            let v = *self.rng.pick(&[
                "Draft",
                "Pending",
                "Open",
                "Held",
                "Approved",
                "Rejected",
                "Settled",
                "Failed",
                "Expired",
                "Cancelled",
                "Refunded",
                "Partial",
                "Scheduled",
                "Archived",
                "Queued",
            ]);
            if !variants.contains(&v) {
                variants.push(v);
            }
        }
        let _ = writeln!(
            self.out,
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]\n#[serde(rename_all = \"snake_case\")]\npub enum {ty} {{"
        );
        for v in &variants {
            let _ = writeln!(self.out, "    {v},");
        }
        let _ = write!(self.out, "}}\n\nimpl {ty} {{\n    pub fn as_str(self) -> &'static str {{\n        match self {{\n");
        for v in &variants {
            let _ = writeln!(
                self.out,
                "            {ty}::{v} => \"{}\",",
                v.to_ascii_lowercase()
            );
        }
        let _ = write!(self.out, "        }}\n    }}\n\n    pub fn parse(text: &str) -> Option<Self> {{\n        match text {{\n");
        for v in &variants {
            let _ = writeln!(
                self.out,
                "            \"{}\" => Some({ty}::{v}),",
                v.to_ascii_lowercase()
            );
        }
        let _ = write!(self.out, "            _ => None,\n        }}\n    }}\n\n    pub fn can_move_to(self, next: Self) -> bool {{\n        matches!(\n            (self, next),\n");
        for pair in variants.windows(2) {
            let _ = writeln!(
                self.out,
                "            ({ty}::{}, {ty}::{}) |",
                pair[0], pair[1]
            );
        }
        let _ = write!(
            self.out,
            "            ({ty}::{first}, {ty}::{first})\n        )\n    }}\n}}\n\nimpl std::fmt::Display for {ty} {{\n    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{\n        f.write_str(self.as_str())\n    }}\n}}\n\n",
            first = variants[0]
        );
    }

    /// Plain logic: loops, iterators, closures and arithmetic in minor units.
    fn logic_fn(&mut self) {
        let verb = self.verb();
        let name = self.name();
        let statements = self.rng.range(2, 12);
        let _ = writeln!(
            self.out,
            "/// {} {} totals in minor units; never uses floating point for money.",
            camel(verb),
            name.replace('_', " ")
        );
        let _ = writeln!(
            self.out,
            "pub fn {verb}_{name}_totals(lines: &[(String, u64, u32)], rate_bps: u64) -> BTreeMap<String, u64> {{\n    let mut totals = BTreeMap::new();"
        );
        for s in 0..statements {
            match self.rng.below(5) {
                0 => {
                    let _ = writeln!(
                        self.out,
                        "    for (sku, unit_minor, quantity) in lines {{\n        let line = unit_minor.saturating_mul(u64::from(*quantity));\n        *totals.entry(sku.clone()).or_insert(0) += line;\n    }}"
                    );
                }
                1 => {
                    let limit = self.rng.range(1, 90) * 100;
                    let _ = writeln!(
                        self.out,
                        "    let large_{s}: Vec<&String> = lines\n        .iter()\n        .filter(|(_, unit, qty)| unit * u64::from(*qty) > {limit})\n        .map(|(sku, _, _)| sku)\n        .collect();\n    if large_{s}.len() > {} {{\n        totals.insert(\"bulk\".to_string(), large_{s}.len() as u64);\n    }}",
                        self.rng.range(1, 9)
                    );
                }
                2 => {
                    let _ = writeln!(
                        self.out,
                        "    let fee_{s} = totals.values().sum::<u64>() * rate_bps / 10_000;\n    totals.insert(\"fee_{s}\".to_string(), fee_{s});"
                    );
                }
                3 => {
                    let cur = self.rng.pick(CURRENCIES);
                    let _ = writeln!(
                        self.out,
                        "    let rounded_{s} = match \"{cur}\" {{\n        \"CHF\" => totals.values().map(|v| v / 5 * 5).sum::<u64>(),\n        \"SEK\" | \"PLN\" => totals.values().map(|v| v / 100 * 100).sum::<u64>(),\n        _ => totals.values().sum::<u64>(),\n    }};\n    totals.insert(\"rounded_{s}\".into(), rounded_{s});"
                    );
                }
                _ => {
                    let _ = writeln!(
                        self.out,
                        "    totals.retain(|key, value| {{\n        if key.starts_with(\"tmp_\") {{\n            return false;\n        }}\n        *value > {}\n    }});",
                        self.rng.below(10)
                    );
                }
            }
        }
        self.push("    totals\n}\n\n");
    }

    fn trait_impl(&mut self) {
        let name = self.name();
        let ty = camel(&name);
        let _ = write!(
            self.out,
            "pub trait {ty}Source {{\n    fn load(&self, id: &str) -> Option<String>;\n\n    fn load_all(&self, ids: &[&str]) -> Vec<String> {{\n        ids.iter().filter_map(|id| self.load(id)).collect()\n    }}\n}}\n\n#[derive(Default)]\npub struct InMemory{ty} {{\n    rows: HashMap<String, String>,\n}}\n\nimpl {ty}Source for InMemory{ty} {{\n    fn load(&self, id: &str) -> Option<String> {{\n        self.rows.get(id).cloned()\n    }}\n}}\n\nimpl<T: {ty}Source + ?Sized> {ty}Source for Box<T> {{\n    fn load(&self, id: &str) -> Option<String> {{\n        (**self).load(id)\n    }}\n}}\n\n"
        );
    }

    fn macro_rules(&mut self) {
        let name = self.name();
        let _ = write!(
            self.out,
            "macro_rules! {name}_field {{\n    ($record:expr, $field:ident) => {{\n        $record.$field.clone()\n    }};\n    ($record:expr, $field:ident, $default:expr) => {{\n        $record.$field.clone().unwrap_or($default)\n    }};\n}}\n\n"
        );
    }

    fn unit_tests(&mut self) {
        self.push("#[cfg(test)]\nmod tests {\n    use super::*;\n");
        for _ in 0..self.rng.range(1, 4) {
            let name = self.name();
            let _ = write!(
                self.out,
                "\n    #[test]\n    fn {name}_round_trips() {{\n        let text = \"{name}\".to_string();\n        assert_eq!(text.len(), {});\n        assert!(!text.is_empty());\n    }}\n",
                name.len()
            );
        }
        self.push("}\n\n");
    }

    fn test_fn(&mut self) {
        let name = self.name();
        let cur = self.rng.pick(CURRENCIES);
        let _ = write!(
            self.out,
            "#[tokio::test]\nasync fn {name}_flow() {{\n    let mut seen = HashMap::new();\n    for step in [\"create\", \"confirm\", \"settle\"] {{\n        *seen.entry(step).or_insert(0) += 1;\n    }}\n    assert_eq!(seen.len(), 3);\n    assert_eq!(\"{cur}\".len(), 3);\n}}\n\n"
        );
    }

    fn axum_handler(&mut self) {
        let verb = self.verb();
        let name = self.name();
        let ty = camel(&name);
        let path = name.replace('_', "-");
        let _ = write!(
            self.out,
            "#[derive(Debug, Deserialize)]\npub struct {ty}Query {{\n    pub page: Option<u32>,\n    pub per_page: Option<u32>,\n}}\n\n#[derive(Debug, Serialize)]\npub struct {ty}View {{\n    pub id: String,\n    pub status: String,\n    pub amount_minor: u64,\n}}\n\n/// `GET /api/{path}s/:id/{verb}`\npub async fn {verb}_{name}(\n    State(state): State<Arc<crate::AppState>>,\n    Path(id): Path<String>,\n    Query(query): Query<{ty}Query>,\n) -> Result<Json<Vec<{ty}View>>, StatusCode> {{\n    let per_page = query.per_page.unwrap_or(50).min(200);\n    let offset = query.page.unwrap_or(0) * per_page;\n    let rows = state\n        .store\n        .{name}_rows(&id, offset, per_page)\n        .await\n        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;\n    if rows.is_empty() && offset == 0 {{\n        return Err(StatusCode::NOT_FOUND);\n    }}\n    Ok(Json(\n        rows.into_iter()\n            .map(|row| {ty}View {{ id: row.id, status: row.status, amount_minor: row.amount_minor }})\n            .collect(),\n    ))\n}}\n\n"
        );
    }

    fn axum_router(&mut self) {
        let name = self.name();
        let _ = writeln!(
            self.out,
            "pub fn {name}_routes() -> Router<Arc<crate::AppState>> {{\n    Router::new()"
        );
        for _ in 0..self.rng.range(2, 8) {
            let verb = self.verb();
            let noun = self.rng.pick(NOUNS);
            let method = if self.rng.chance(60) { "get" } else { "post" };
            let _ = writeln!(
                self.out,
                "        .route(\"/api/{noun}s/:id/{verb}\", {method}(|| async {{ StatusCode::NO_CONTENT }}))"
            );
        }
        self.push("}\n\n");
    }

    fn actix_handler(&mut self) {
        let verb = self.verb();
        let name = self.name();
        let ty = camel(&name);
        let path = name.replace('_', "-");
        let _ = write!(
            self.out,
            "#[derive(Debug, Deserialize)]\npub struct {ty}Form {{\n    pub reference: String,\n    pub quantity: u32,\n}}\n\n#[post(\"/api/{path}s/{{id}}/{verb}\")]\npub async fn {verb}_{name}(\n    state: web::Data<crate::AppState>,\n    id: web::Path<String>,\n    form: web::Json<{ty}Form>,\n) -> impl Responder {{\n    if form.quantity == 0 || form.reference.trim().is_empty() {{\n        return HttpResponse::BadRequest().finish();\n    }}\n    match state.store.{verb}_{name}(&id, &form.reference, form.quantity).await {{\n        Ok(Some(row)) => HttpResponse::Ok().json(row),\n        Ok(None) => HttpResponse::NotFound().finish(),\n        Err(error) => {{\n            log::warn!(\"{verb} {name} failed: {{error}}\");\n            HttpResponse::ServiceUnavailable().finish()\n        }}\n    }}\n}}\n\n#[get(\"/api/{path}s/{{id}}\")]\npub async fn show_{name}(state: web::Data<crate::AppState>, id: web::Path<String>) -> impl Responder {{\n    match state.store.find_{name}(&id).await {{\n        Ok(Some(row)) => HttpResponse::Ok().json(row),\n        _ => HttpResponse::NotFound().finish(),\n    }}\n}}\n\n"
        );
    }

    fn repository_fn(&mut self) {
        let name = self.name();
        let ty = camel(&name);
        let table = format!("{name}s");
        let _ = write!(
            self.out,
            "#[derive(Debug, Clone, sqlx::FromRow, Serialize, Deserialize)]\npub struct {ty}Row {{\n    pub id: String,\n    pub status: String,\n    pub amount_minor: i64,\n}}\n\npub async fn find_{name}(db: &PgPool, id: &str) -> sqlx::Result<Option<{ty}Row>> {{\n    sqlx::query_as::<_, {ty}Row>(\"SELECT id, status, amount_minor FROM {table} WHERE id = $1\")\n        .bind(id)\n        .fetch_optional(db)\n        .await\n}}\n\npub async fn mark_{name}(tx: &mut Transaction<'_, Postgres>, id: &str, status: &str) -> sqlx::Result<u64> {{\n    let done = sqlx::query(\"UPDATE {table} SET status = $2, updated_at = now() WHERE id = $1\")\n        .bind(id)\n        .bind(status)\n        .execute(&mut **tx)\n        .await?;\n    Ok(done.rows_affected())\n}}\n\n"
        );
    }

    /// A 0Gate client: sessions (with a stable `Idempotency-Key` on every write), lookups,
    /// cancellations and quotes.
    fn gate_client(&mut self, plant_missing_key: bool) {
        let cur = self.rng.pick(CURRENCIES);
        let _ = write!(
            self.out,
            "pub const GATE_API_BASE: &str = \"https://gate-api.0bit.app/v1\";\n\n#[derive(Clone)]\npub struct GateClient {{\n    http: Client,\n    base_url: String,\n    secret_key: String,\n}}\n\n#[derive(Debug, Serialize)]\npub struct NewSession {{\n    pub amount: String,\n    pub currency: String,\n    pub user_reference: String,\n}}\n\n#[derive(Debug, Deserialize)]\npub struct GateSession {{\n    pub id: String,\n    pub status: String,\n    #[serde(default)]\n    pub client_secret: Option<String>,\n}}\n\nimpl GateClient {{\n    pub fn new(secret_key: String) -> Self {{\n        Self {{ http: Client::new(), base_url: GATE_API_BASE.to_string(), secret_key }}\n    }}\n\n    /// Amounts are decimal strings in major units, as 0Gate expects (`\"12.50\"`).\n    pub fn session_for(reference: &str, amount_minor: u64) -> NewSession {{\n        NewSession {{\n            amount: format!(\"{{}}.{{:02}}\", amount_minor / 100, amount_minor % 100),\n            currency: \"{cur}\".to_string(),\n            user_reference: reference.to_string(),\n        }}\n    }}\n\n"
        );
        if plant_missing_key {
            self.push("    pub async fn create_session(&self, body: &NewSession) -> reqwest::Result<GateSession> {\n        self.http\n            .post(format!(\"{}/gate_sessions\", self.base_url))\n            .bearer_auth(&self.secret_key)\n            .json(body)\n            .send()\n            .await?\n            .error_for_status()?\n            .json()\n            .await\n    }\n\n");
        } else {
            self.push("    pub async fn create_session(&self, body: &NewSession) -> reqwest::Result<GateSession> {\n        self.http\n            .post(format!(\"{}/gate_sessions\", self.base_url))\n            .bearer_auth(&self.secret_key)\n            .header(\"Idempotency-Key\", format!(\"session-{}\", body.user_reference))\n            .json(body)\n            .send()\n            .await?\n            .error_for_status()?\n            .json()\n            .await\n    }\n\n");
        }
        self.push("    pub async fn retrieve_session(&self, id: &str) -> reqwest::Result<GateSession> {\n        self.http\n            .get(format!(\"{}/gate_sessions/{}\", self.base_url, id))\n            .bearer_auth(&self.secret_key)\n            .send()\n            .await?\n            .error_for_status()?\n            .json()\n            .await\n    }\n\n    pub async fn cancel_session(&self, id: &str) -> reqwest::Result<()> {\n        self.http\n            .post(format!(\"{}/gate_sessions/{}/cancel\", self.base_url, id))\n            .bearer_auth(&self.secret_key)\n            .send()\n            .await?\n            .error_for_status()?;\n        Ok(())\n    }\n");
        if self.rng.chance(50) {
            self.push("\n    pub async fn create_customer(&self, reference: &str, email: &str) -> reqwest::Result<serde_json::Value> {\n        self.http\n            .post(\"https://gate-api.0bit.app/v1/customers\")\n            .bearer_auth(&self.secret_key)\n            .header(\"Idempotency-Key\", format!(\"customer-{reference}\"))\n            .json(&serde_json::json!({ \"reference\": reference, \"email\": email }))\n            .send()\n            .await?\n            .error_for_status()?\n            .json()\n            .await\n    }\n");
        }
        self.push("}\n\n");
    }

    fn pools_client(&mut self) {
        let name = self.name();
        let ty = camel(&name);
        let _ = write!(
            self.out,
            "const POOLS_API: &str = \"https://pools-api.0bit.app/v1\";\n\n#[derive(Debug, Deserialize)]\npub struct PoolBalance {{\n    pub available: String,\n    pub currency: String,\n}}\n\npub struct {ty}Pools {{\n    http: Client,\n    secret_key: String,\n}}\n\nimpl {ty}Pools {{\n    pub async fn balance(&self, pool: &str) -> reqwest::Result<PoolBalance> {{\n        self.http\n            .get(format!(\"{{POOLS_API}}/pools/{{pool}}/balance\"))\n            .bearer_auth(&self.secret_key)\n            .send()\n            .await?\n            .error_for_status()?\n            .json()\n            .await\n    }}\n\n    pub async fn transact(&self, pool: &str, transfer_id: &str, body: &serde_json::Value) -> reqwest::Result<serde_json::Value> {{\n        self.http\n            .post(format!(\"{{POOLS_API}}/pools/{{pool}}/transact\"))\n            .bearer_auth(&self.secret_key)\n            .header(\"Idempotency-Key\", format!(\"transfer-{{transfer_id}}\"))\n            .json(body)\n            .send()\n            .await?\n            .error_for_status()?\n            .json()\n            .await\n    }}\n}}\n\n"
        );
    }

    fn verify_fn(&mut self) {
        self.push("/// 0Bit's tolerance between the signed timestamp and our clock.\nconst TOLERANCE_SECS: i64 = 300;\n\n/// `Gate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\">`.\npub fn verify_signature(secret: &[u8], header: &str, body: &[u8]) -> Result<(), &'static str> {\n    let mut timestamp = None;\n    let mut provided = None;\n    for part in header.split(',') {\n        if let Some(t) = part.trim().strip_prefix(\"t=\") {\n            timestamp = Some(t);\n        } else if let Some(hex_value) = part.trim().strip_prefix(\"v1=\") {\n            provided = hex::decode(hex_value).ok();\n        }\n    }\n    let (Some(timestamp), Some(provided)) = (timestamp, provided) else {\n        return Err(\"malformed signature header\");\n    };\n    let sent_at: i64 = timestamp.parse().map_err(|_| \"malformed timestamp\")?;\n    let now = SystemTime::now()\n        .duration_since(UNIX_EPOCH)\n        .map_err(|_| \"clock before 1970\")?\n        .as_secs() as i64;\n    if (now - sent_at).abs() > TOLERANCE_SECS {\n        return Err(\"stale delivery\");\n    }\n    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| \"bad secret\")?;\n    mac.update(timestamp.as_bytes());\n    mac.update(b\".\");\n    mac.update(body);\n    mac.verify_slice(&provided).map_err(|_| \"signature mismatch\")\n}\n\n#[derive(Debug, Deserialize)]\npub struct GateEvent {\n    pub id: String,\n    #[serde(rename = \"type\")]\n    pub event_type: String,\n    pub data: SessionData,\n}\n\n#[derive(Debug, Deserialize)]\npub struct SessionData {\n    pub id: String,\n    pub status: String,\n}\n\n");
    }

    fn event_match(&mut self, indent: &str) -> String {
        let mut arms = String::new();
        let count = self.rng.range(1, EVENT_TYPES.len());
        for event in &EVENT_TYPES[..count] {
            let _ = writeln!(
                arms,
                "{indent}    \"{event}\" => tracing::info!(event_id = %event.id, session = %event.data.id, \"{event}\"),"
            );
        }
        let _ = writeln!(arms, "{indent}    _ => {{}}");
        arms
    }

    fn axum_webhook(&mut self, plant_unverified: bool) {
        self.verify_fn();
        let arms = self.event_match("        ");
        let _ = write!(
            self.out,
            "pub async fn handle_webhook(\n    State(state): State<crate::AppState>,\n    headers: HeaderMap,\n    body: Bytes,\n) -> StatusCode {{\n    let Some(signature) = headers.get(\"Gate-Signature\").and_then(|value| value.to_str().ok()) else {{\n        return StatusCode::BAD_REQUEST;\n    }};\n    if verify_signature(&state.signing_secret, signature, &body).is_err() {{\n        return StatusCode::BAD_REQUEST;\n    }}\n    let event: GateEvent = match serde_json::from_slice(&body) {{\n        Ok(event) => event,\n        Err(_) => return StatusCode::BAD_REQUEST,\n    }};\n    let fresh = sqlx::query(\"INSERT INTO webhook_events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING\")\n        .bind(&event.id)\n        .execute(&state.db)\n        .await;\n    match fresh {{\n        Ok(result) if result.rows_affected() == 0 => return StatusCode::OK,\n        Ok(_) => {{}}\n        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR,\n    }}\n    match event.event_type.as_str() {{\n{arms}    }}\n    StatusCode::OK\n}}\n\n"
        );
        if plant_unverified {
            // Planted: a second endpoint that trusts the JSON body without any signature check.
            self.push("/// Legacy endpoint kept for the old dashboard integration.\npub async fn handle_webhook_legacy(\n    State(state): State<crate::AppState>,\n    Json(event): Json<GateEvent>,\n) -> StatusCode {\n    let fresh = sqlx::query(\"INSERT INTO webhook_events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING\")\n        .bind(&event.id)\n        .execute(&state.db)\n        .await;\n    match fresh {\n        Ok(result) if result.rows_affected() == 0 => StatusCode::OK,\n        Ok(_) if event.event_type == \"gate_session.completed\" => StatusCode::OK,\n        Ok(_) => StatusCode::OK,\n        Err(_) => StatusCode::INTERNAL_SERVER_ERROR,\n    }\n}\n\n");
        }
    }

    fn actix_webhook(&mut self) {
        self.verify_fn();
        let arms = self.event_match("    ");
        let _ = write!(
            self.out,
            "#[post(\"/webhooks/0bit\")]\npub async fn gate_webhook(\n    state: web::Data<crate::AppState>,\n    request: HttpRequest,\n    body: web::Bytes,\n) -> HttpResponse {{\n    let signature = request\n        .headers()\n        .get(\"Gate-Signature\")\n        .and_then(|value| value.to_str().ok())\n        .unwrap_or_default();\n    if verify_signature(&state.signing_secret, signature, &body).is_err() {{\n        return HttpResponse::BadRequest().finish();\n    }}\n    let Ok(event) = serde_json::from_slice::<GateEvent>(&body) else {{\n        return HttpResponse::BadRequest().finish();\n    }};\n    match sqlx::query(\"INSERT INTO webhook_events (event_id) VALUES ($1) ON CONFLICT (event_id) DO NOTHING\")\n        .bind(&event.id)\n        .execute(&state.db)\n        .await\n    {{\n        Ok(done) if done.rows_affected() == 0 => return HttpResponse::Ok().finish(),\n        Ok(_) => {{}}\n        Err(_) => return HttpResponse::InternalServerError().finish(),\n    }}\n    match event.event_type.as_str() {{\n{arms}}}\n    HttpResponse::Ok().finish()\n}}\n\n"
        );
    }

    fn config(&mut self) {
        let port = self.rng.range(3000, 9999);
        let _ = write!(
            self.out,
            "#[derive(Debug, Clone)]\npub struct Settings {{\n    pub secret_key: String,\n    pub signing_secret: Vec<u8>,\n    pub database_url: String,\n    pub listen_addr: String,\n}}\n\nimpl Settings {{\n    pub fn from_env() -> Self {{\n        Self {{\n            secret_key: std::env::var(\"OBIT_SECRET_KEY\").expect(\"OBIT_SECRET_KEY is set\"),\n            signing_secret: std::env::var(\"OBIT_WEBHOOK_SECRET\").expect(\"OBIT_WEBHOOK_SECRET is set\").into_bytes(),\n            database_url: std::env::var(\"DATABASE_URL\").expect(\"DATABASE_URL is set\"),\n            listen_addr: std::env::var(\"LISTEN_ADDR\").unwrap_or_else(|_| \"0.0.0.0:{port}\".into()),\n        }}\n    }}\n}}\n\nimpl fmt::Display for Settings {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        write!(f, \"listening on {{}}\", self.listen_addr)\n    }}\n}}\n\n"
        );
    }

    fn leptos_component(&mut self) {
        let name = self.name();
        let ty = camel(&name);
        let path = name.replace('_', "-");
        let heading = name.replace('_', " ");
        let _ = write!(
            self.out,
            "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]\npub struct {ty}Card {{\n    pub id: String,\n    pub title: String,\n    pub total: String,\n}}\n\n#[component]\npub fn {ty}Panel(id: String) -> impl IntoView {{\n    let (open, set_open) = signal(false);\n    let (count, set_count) = signal(0u32);\n    let card = LocalResource::new(move || {{\n        let id = id.clone();\n        async move {{ gloo_net::http::Request::get(&format!(\"/api/{path}s/{{id}}\")).send().await.ok()?.json::<{ty}Card>().await.ok() }}\n    }});\n    view! {{\n        <section class=\"{path}-panel\">\n            <h2>\"{heading}\"</h2>\n            <button on:click=move |_| set_open.update(|o| *o = !*o)>\"Details\"</button>\n            <button on:click=move |_| set_count.update(|n| *n += 1)>\"Refresh\"</button>\n            <Show when=move || open.get()>\n                <p>{{move || card.get().flatten().map(|c| c.title).unwrap_or_default()}}</p>\n                <span class=\"count\">{{move || count.get()}}</span>\n            </Show>\n        </section>\n    }}\n}}\n\n"
        );
    }

    fn yew_component(&mut self) {
        let name = self.name();
        let ty = camel(&name);
        let heading = name.replace('_', " ");
        let _ = write!(
            self.out,
            "#[derive(Properties, PartialEq)]\npub struct {ty}Props {{\n    pub id: AttrValue,\n    #[prop_or_default]\n    pub compact: bool,\n}}\n\n#[function_component({ty}Widget)]\npub fn {name}_widget(props: &{ty}Props) -> Html {{\n    let count = use_state(|| 0u32);\n    let onclick = {{\n        let count = count.clone();\n        Callback::from(move |_| count.set(*count + 1))\n    }};\n    let class = if props.compact {{ \"widget compact\" }} else {{ \"widget\" }};\n    html! {{\n        <div {{class}}>\n            <h3>{{ \"{heading}\" }}</h3>\n            <button {{onclick}}>{{ format!(\"Items: {{}}\", *count) }}</button>\n            <small>{{ props.id.clone() }}</small>\n        </div>\n    }}\n}}\n\n"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Kind; 13] = [
        Kind::AxumHandlers,
        Kind::ActixHandlers,
        Kind::GateClient,
        Kind::PoolsClient,
        Kind::AxumWebhook,
        Kind::ActixWebhook,
        Kind::Models,
        Kind::Repository,
        Kind::Logic,
        Kind::Config,
        Kind::Leptos,
        Kind::Yew,
        Kind::IntegrationTest,
    ];

    #[test]
    fn every_kind_parses_at_every_size() {
        let mut rng = Rng::new(1);
        let plant = Plant {
            missing_idempotency_key: true,
            unverified_webhook: true,
        };
        for kind in ALL {
            for target in [0, 3_000, 40_000] {
                let text = module(&mut rng, kind, target, "Test Shop", plant);
                assert!(text.len() >= target);
                if let Err(error) = syn::parse_file(&text) {
                    panic!("{kind:?} at {target} bytes does not parse: {error}\n{text}");
                }
            }
        }
    }
}
