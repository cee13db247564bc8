//! What the scan found for the launch gate's evidence areas, as owned plain data that
//! outlives the facts: the 0Bit webhook handlers (route, and where the signature is
//! checked), the 0Bit write calls (and whether each sends an `Idempotency-Key`), and the
//! launch alerts. `cargo launchlint readiness` shows it next to each area's findings.

use crate::extract::file::FileAnalysis;
use crate::extract::origins::{address_of, is_0bit_url, origin_of, Address};
use crate::link::alerts::Signal;
use crate::link::facts::Facts;
use crate::link::webhooks::{checks_signature, is_verify_call, Handler};
use crate::project::contract::names_signature_header;

/// A place in a file, for evidence lines: `server/src/webhooks.rs:14`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At {
    pub path: String,
    /// 1-based; `None` when the file's lines were not kept.
    pub line: Option<usize>,
}

impl At {
    fn of(file: &FileAnalysis, offset: usize) -> At {
        At {
            path: file.path.clone(),
            line: file
                .lines
                .is_kept()
                .then(|| file.lines.position(offset).line),
        }
    }

    pub fn describe(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.path),
            None => self.path.clone(),
        }
    }
}

/// A 0Bit webhook handler.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandlerEvidence {
    pub name: String,
    pub route: Option<String>,
    pub at: At,
    /// The signature header it reads and the function that checks the signature, when it
    /// verifies.
    pub verified: Option<(String, String)>,
}

/// A write call to a 0Bit endpoint, outside test code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteEvidence {
    /// `` `POST /v1/gate_sessions` (`createSession`) ``.
    pub call: String,
    pub at: At,
    pub sends_idempotency_key: bool,
}

/// The alert that watches a launch signal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlertEvidence {
    pub name: String,
    pub path: String,
    /// Named by `[monitoring] covers`.
    pub mapped: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LaunchEvidence {
    pub integrates_0bit: bool,
    pub handlers: Vec<HandlerEvidence>,
    pub writes: Vec<WriteEvidence>,
    /// The alert files read, in walk order.
    pub alert_files: Vec<String>,
    /// Each launch signal and its alert, in [`Signal::ALL`] order.
    pub alerts: Vec<(Signal, Option<AlertEvidence>)>,
    /// Each distinct origin that reaches 0Bit, at its first use in path order.
    pub origins: Vec<OriginEvidence>,
}

/// An origin in use that reaches 0Bit (an allowed, embed or return origin).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginEvidence {
    /// `scheme://host[:port]`, or `*` for a wildcard.
    pub origin: String,
    /// A public `https://` origin: fit to declare for live traffic.
    pub fit_for_live: bool,
    pub at: At,
}

impl LaunchEvidence {
    pub fn of(facts: &Facts) -> Self {
        let handlers = facts
            .webhooks
            .handlers
            .iter()
            .map(|handler| HandlerEvidence {
                name: handler.function.name.to_string(),
                route: handler.route.clone(),
                at: At::of(handler.file, handler.function.name_span().start),
                verified: verification(handler),
            })
            .collect();
        let writes = facts
            .requests
            .iter()
            .filter(|r| r.endpoint.is_some_and(|e| e.write) && !r.place.test_code)
            .map(|r| WriteEvidence {
                call: r.describe(),
                at: At::of(r.file, r.span.start),
                sends_idempotency_key: r.has_header("Idempotency-Key"),
            })
            .collect();
        let alerts = facts
            .alerts
            .signals
            .iter()
            .map(|(signal, found)| {
                let found = found.map(|found| AlertEvidence {
                    name: found.alert.name.clone(),
                    path: found.file.path.clone(),
                    mapped: found.mapped,
                });
                (*signal, found)
            })
            .collect();
        let mut origins: Vec<OriginEvidence> = Vec::new();
        for used in facts.origin_uses() {
            let address = address_of(&used.origin.value);
            let origin = match address {
                Some(Address::Wildcard) => "*".to_string(),
                _ => match origin_of(&used.origin.value) {
                    Some(origin) if !is_0bit_url(&origin) => origin,
                    _ => continue,
                },
            };
            if origins.iter().all(|known| known.origin != origin) {
                origins.push(OriginEvidence {
                    origin,
                    fit_for_live: address == Some(Address::Https),
                    at: At::of(used.file, used.origin.span.start),
                });
            }
        }
        LaunchEvidence {
            origins,
            integrates_0bit: facts.integrates_0bit(),
            handlers,
            writes,
            alert_files: facts.alerts.files.iter().map(|f| f.path.clone()).collect(),
            alerts,
        }
    }
}

/// The signature header a verifying handler reads, and the function in its reach that checks
/// the signature.
fn verification(handler: &Handler) -> Option<(String, String)> {
    if !handler.verifies_signature() {
        return None;
    }
    let in_code = handler
        .reach
        .iter()
        .flat_map(|f| &f.item.rare().header_mentions);
    let in_guards = handler.guards.iter().flat_map(|g| &g.header_mentions);
    let header = in_code
        .chain(in_guards)
        .map(|h| h.literal.as_str())
        .chain(handler.filter_headers.iter().copied())
        .find(|literal| names_signature_header(literal))
        .unwrap_or("Gate-Signature");
    // The function that computes the MAC, else the verify function called.
    let checker = handler
        .reach
        .iter()
        .find(|f| f.item.calls_hmac())
        .map(|f| f.item.name.to_string())
        .or_else(|| {
            handler
                .reach
                .iter()
                .flat_map(|f| &f.item.calls)
                .find(|call| is_verify_call(call))
                .map(|call| call.name().to_string())
        })
        .or_else(|| {
            let found = handler.reach.iter().find(|f| checks_signature(f.item))?;
            Some(found.item.name.to_string())
        })
        .unwrap_or_else(|| handler.function.name.to_string());
    Some((header.to_string(), checker))
}
