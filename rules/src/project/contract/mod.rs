//! The 0Bit contract as data: API hosts and every documented endpoint, read from
//! `contract.toml` beside this file, extended by the user's `[contract] extend` files in the
//! same format. Rules ask it what a URL means: which product, which mode, which operation.

use serde::Deserialize;

/// Stands for a runtime value inside a resolved URL; matches any one path segment.
pub const RUNTIME: char = '\u{1}';

/// The header 0Gate signs webhook deliveries in, lower case: `t=<seconds>,v1=<hex HMAC>`.
const SIGNATURE_HEADER: &str = "gate-signature";
/// 0Pools signs in a `*-Signature` header of its own (`X-0Pools-Signature`).
const POOLS_SIGNATURE_SUFFIX: &str = "-signature";

/// Whether a string literal names a 0Bit signature header: `"Gate-Signature"`,
/// `"X-0Pools-Signature"`.
pub fn names_signature_header(literal: &str) -> bool {
    let lower = literal.to_ascii_lowercase();
    lower.contains(SIGNATURE_HEADER) || lower.ends_with(POOLS_SIGNATURE_SUFFIX)
}

const BUILTIN: &str = include_str!("contract.toml");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Product {
    #[serde(rename = "0gate")]
    Gate,
    #[serde(rename = "0pools")]
    Pools,
    #[serde(rename = "0base")]
    Base,
    #[serde(rename = "0link")]
    Link,
    #[serde(rename = "dashboard")]
    Dashboard,
}

impl Product {
    pub fn name(self) -> &'static str {
        match self {
            Product::Gate => "0Gate",
            Product::Pools => "0Pools",
            Product::Base => "0Base",
            Product::Link => "0Link",
            Product::Dashboard => "Partner Hub",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HostMode {
    Live,
    Sandbox,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HostKind {
    Api,
    Widget,
    Dashboard,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Auth {
    Secret,
    Publishable,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Idempotency {
    /// The API rejects the write without an `Idempotency-Key`.
    Required,
    /// The API deduplicates on the key; send one.
    Accepted,
    /// Each call is a new action, whatever the key.
    NotIdempotent,
    None,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Host {
    pub name: String,
    pub product: Product,
    pub mode: HostMode,
    pub kind: HostKind,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    pub product: Product,
    pub method: String,
    /// Relative to the host, `/v1/...`; `{name}` matches one segment.
    pub path: String,
    pub operation: String,
    pub auth: Auth,
    pub write: bool,
    pub idempotency: Idempotency,
}

impl Endpoint {
    /// `POST /v1/gate_sessions`
    pub fn describe(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    fn matches(&self, path: &str) -> bool {
        let mut template = self.path.split('/');
        let mut actual = path.split('/');
        loop {
            match (template.next(), actual.next()) {
                (None, None) => return true,
                // A segment known only at runtime matches anything.
                (Some(_), Some(a)) if a.contains(RUNTIME) => {}
                (Some(t), Some(a)) if t.starts_with('{') && t.ends_with('}') && !a.is_empty() => {}
                (Some(t), Some(a)) if t == a => {}
                _ => return false,
            }
        }
    }

    /// The name a progenitor-style generated client gives the operation: `create_session`.
    pub fn method_name(&self) -> String {
        let mut name = String::new();
        for c in self.operation.chars() {
            if c.is_ascii_uppercase() {
                name.push('_');
                name.push(c.to_ascii_lowercase());
            } else {
                name.push(c);
            }
        }
        name
    }
}

/// A webhook event type and the kind of object its `data` holds.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    pub product: Product,
    #[serde(rename = "type")]
    pub event_type: String,
    pub object: String,
}

/// The documented fields of a payload object (`envelope` is the event envelope).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Object {
    pub product: Product,
    pub name: String,
    pub fields: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deprecated {
    pub field: String,
    pub replacement: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    #[serde(default, rename = "host")]
    pub hosts: Vec<Host>,
    #[serde(default, rename = "endpoint")]
    pub endpoints: Vec<Endpoint>,
    #[serde(default, rename = "event")]
    pub events: Vec<Event>,
    #[serde(default, rename = "object")]
    pub objects: Vec<Object>,
    #[serde(default, rename = "deprecated")]
    pub deprecated: Vec<Deprecated>,
}

/// A problem in a `[contract] extend` file: the message and, when known, the byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractError {
    pub message: String,
    pub span: Option<std::ops::Range<usize>>,
}

impl Contract {
    /// The contract built from 0Bit's public documentation.
    pub fn builtin() -> Contract {
        toml::from_str(BUILTIN).expect("the built-in contract is valid TOML in the contract format")
    }

    /// Adds the hosts and endpoints of an extension file.
    pub fn extend(&mut self, text: &str) -> Result<(), ContractError> {
        let extension: Contract = toml::from_str(text).map_err(|error| ContractError {
            message: error.message().to_string(),
            span: error.span(),
        })?;
        self.hosts.extend(extension.hosts);
        self.endpoints.extend(extension.endpoints);
        self.events.extend(extension.events);
        self.objects.extend(extension.objects);
        self.deprecated.extend(extension.deprecated);
        Ok(())
    }

    pub fn event(&self, event_type: &str) -> Option<&Event> {
        self.events
            .iter()
            .find(|event| event.event_type == event_type)
    }

    /// Whether `field` is documented on `object` of `product`; for an unknown object, on any
    /// data object of the product. `metadata` is always allowed.
    pub fn documents_field(&self, product: Product, object: Option<&str>, field: &str) -> bool {
        field == "metadata"
            || self.objects.iter().any(|o| {
                o.product == product
                    && match object {
                        Some(name) => o.name == name,
                        None => o.name != "envelope",
                    }
                    && o.fields.iter().any(|f| f == field)
            })
    }

    /// Whether the contract says anything about the payloads of `product`.
    pub fn documents_payloads(&self, product: Product) -> bool {
        self.objects
            .iter()
            .any(|o| o.product == product && o.name != "envelope")
    }

    pub fn replacement_of(&self, field: &str) -> Option<&str> {
        self.deprecated
            .iter()
            .find(|d| d.field == field)
            .map(|d| d.replacement.as_str())
    }

    pub fn host(&self, name: &str) -> Option<&Host> {
        let name = name.to_ascii_lowercase();
        self.hosts.iter().find(|host| host.name == name)
    }

    /// The endpoint of `product` for `method` and `path` (query and trailing `/` ignored).
    pub fn endpoint(&self, product: Product, method: &str, path: &str) -> Option<&Endpoint> {
        let path = normalize_path(path);
        self.endpoints.iter().find(|e| {
            e.product == product && e.method.eq_ignore_ascii_case(method) && e.matches(&path)
        })
    }

    /// Whether any method of `product` serves `path`.
    pub fn knows_path(&self, product: Product, path: &str) -> bool {
        let path = normalize_path(path);
        self.endpoints
            .iter()
            .any(|e| e.product == product && e.matches(&path))
    }

    /// The endpoint a generated client's method stands for: `create_session` → createSession.
    pub fn operation_by_method_name(&self, name: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.method_name() == name)
    }
}

fn normalize_path(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        trimmed.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_every_documented_operation() {
        let contract = Contract::builtin();
        let count = |product| {
            contract
                .endpoints
                .iter()
                .filter(|e| e.product == product)
                .count()
        };
        assert_eq!(
            count(Product::Gate),
            31,
            "0Gate has 31 partner-facing operations"
        );
        assert_eq!(count(Product::Pools), 12, "0Pools has 12 operations");
        let mut seen = std::collections::BTreeSet::new();
        for endpoint in &contract.endpoints {
            assert!(
                seen.insert((endpoint.method.clone(), endpoint.path.clone())),
                "{} twice",
                endpoint.describe()
            );
            assert!(endpoint.path.starts_with("/v1/"), "{}", endpoint.path);
        }
    }

    #[test]
    fn matches_templates() {
        let contract = Contract::builtin();
        let cancel = contract
            .endpoint(Product::Gate, "post", "/v1/gate_sessions/gs_123/cancel")
            .unwrap();
        assert_eq!(cancel.operation, "cancelSession");
        assert!(contract
            .endpoint(Product::Gate, "POST", "/v1/gate_sessions/")
            .is_some());
        assert!(contract
            .endpoint(Product::Gate, "POST", "/v1/checkouts")
            .is_none());
        assert!(!contract.knows_path(Product::Pools, "/v1/pools/balance"));
        assert!(contract.knows_path(Product::Pools, "/v1/pools/pool_eur/balance"));
        assert_eq!(
            contract
                .operation_by_method_name("create_pay_in")
                .unwrap()
                .path,
            "/v1/rails/pay_ins"
        );
        assert_eq!(
            contract.host("GATE-API.0bit.app").unwrap().mode,
            HostMode::Live
        );
    }

    #[test]
    fn webhook_payloads() {
        let contract = Contract::builtin();
        assert_eq!(
            contract
                .events
                .iter()
                .filter(|e| e.product == Product::Gate)
                .count(),
            17
        );
        assert_eq!(
            contract.event("gate_session.completed").unwrap().object,
            "gate_session"
        );
        assert!(contract.event("gate_session.complete").is_none());
        assert!(contract.documents_field(Product::Gate, Some("gate_session"), "status"));
        assert!(!contract.documents_field(Product::Gate, Some("gate_session"), "customer_email"));
        assert!(contract.documents_field(Product::Gate, None, "kind"));
        assert!(contract.documents_field(Product::Gate, Some("envelope"), "created_at"));
        assert!(!contract.documents_payloads(Product::Pools));
        assert_eq!(
            contract.replacement_of("facilita_transaction_id"),
            Some("local_rail_transaction_id")
        );
    }

    #[test]
    fn extension_files_add_endpoints() {
        let mut contract = Contract::builtin();
        contract
            .extend("[[endpoint]]\nproduct = \"0gate\"\nmethod = \"POST\"\npath = \"/v1/refunds\"\noperation = \"createRefund\"\nauth = \"secret\"\nwrite = true\nidempotency = \"required\"\n")
            .unwrap();
        assert!(contract
            .endpoint(Product::Gate, "POST", "/v1/refunds")
            .is_some());
        let error = contract
            .extend("[[endpoint]]\nproduct = \"0gate\"\nmethod = 1\n")
            .unwrap_err();
        assert!(error.span.is_some());
    }
}
