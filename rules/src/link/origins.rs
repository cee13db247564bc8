//! Which origins reach 0Bit (spec §2): the origin rules judge only those.
//!
//! CORS and embed origins count in a project that integrates 0Bit. A redirect target
//! (`return_url`, `cancel_url`, …) counts only where it goes to 0Bit. In Rust: a field of a
//! type sent as a 0Bit request's body, or set in a function that sends a 0Bit request, calls
//! a function that does, or is called by one (`.json(&lesson_session(booking))`); or set in a
//! function that sends a request to a base URL known only at run time in a file that shows
//! 0Bit evidence. Elsewhere: in a file that shows 0Bit evidence (an env or config file that
//! configures 0Bit, front-end code that loads the embed). Another provider's `success_url`
//! is not one.

use std::collections::HashSet;

use crate::extract::evidence::{names_0bit, names_other_provider, SIGN_IN_WORDS};
use crate::extract::file::{FileAnalysis, HitContext};
use crate::extract::origins::{OriginRole, OriginUse};
use crate::extract::request::{Body, RustOrigin};
use crate::extract::rust::webhooks::{Call, FnFacts};
use crate::link::requests::ResolvedRequest;

/// An origin use in live code or config, with its file.
pub struct LiveOrigin<'a> {
    pub file: &'a FileAnalysis,
    pub origin: OriginUse,
}

/// The origin uses in live, non-test code and config that reach 0Bit, with their files: Rust
/// uses (consts resolved within the file) and env, config and front-end ones. Found once,
/// when the facts are linked, from the files and the resolved 0Bit requests.
pub(super) fn reaching<'a>(
    integrates_0bit: bool,
    files: &'a [FileAnalysis],
    requests: &[ResolvedRequest<'a>],
) -> Vec<LiveOrigin<'a>> {
    // A project that does not integrate 0Bit has no origin that reaches it.
    if !integrates_0bit {
        return Vec::new();
    }
    let reach = Reach::new(files, requests);
    let mut uses = Vec::new();
    for file in files {
        for rust in &file.calls.origins {
            let place = file.place(&HitContext {
                gate: rust.gate,
                compiled: true,
                ..HitContext::default()
            });
            if !place.live || place.test_code || !reach.rust_origin(file, rust) {
                continue;
            }
            if let Some(value) = resolve_in_file(file, &rust.value) {
                uses.push(LiveOrigin {
                    file,
                    origin: OriginUse {
                        value,
                        span: rust.span.clone(),
                        wildcard: rust.wildcard,
                        role: rust.role,
                        key: String::new(),
                    },
                });
            }
        }
        let place = file.place(&HitContext::default());
        if place.live && !place.test_code {
            let configures_0bit = !file.evidence.is_empty();
            uses.extend(
                file.origins
                    .iter()
                    .filter(|origin| configured_for_0bit(origin, configures_0bit))
                    .map(|origin| LiveOrigin {
                        file,
                        origin: origin.clone(),
                    }),
            );
        }
    }
    uses
}

/// Whether an origin in an env, config or front-end file goes to 0Bit: CORS and embed
/// origins do; a redirect target under a key that names 0Bit (`OBIT_RETURN_URL`, `[obit]`)
/// does, and so does one in a file that configures 0Bit unless its key names another owner
/// (`STRIPE_SUCCESS_URL`, `[oauth] redirect_url`).
fn configured_for_0bit(origin: &OriginUse, file_configures_0bit: bool) -> bool {
    let key = origin.key.to_ascii_lowercase();
    // The key or one of its sections names another provider or sign-in.
    let owned_elsewhere =
        names_other_provider(&key) || SIGN_IN_WORDS.iter().any(|word| key.contains(word));
    origin.role != OriginRole::Redirect
        || names_0bit(&key)
        || (file_configures_0bit && !owned_elsewhere)
}

/// What a Rust redirect target may reach: the functions that send a 0Bit request, the
/// types sent as 0Bit bodies, and the types the project has methods for.
struct Reach<'f> {
    senders: Vec<Sender<'f>>,
    body_types: HashSet<&'f str>,
    own_types: HashSet<&'f str>,
}

/// A function that sends a 0Bit request.
struct Sender<'a> {
    file: &'a FileAnalysis,
    function: &'a FnFacts,
}

/// The innermost function of `file` whose body holds `at`.
fn function_at(file: &FileAnalysis, at: usize) -> Option<&FnFacts> {
    file.webhooks
        .functions
        .iter()
        .filter(|f| f.span().contains(&at))
        .min_by_key(|f| f.span().len())
}

impl<'f> Reach<'f> {
    fn new(files: &'f [FileAnalysis], requests: &'f [ResolvedRequest<'f>]) -> Self {
        let senders = requests
            .iter()
            .filter_map(|request| {
                // Where it is sent: in its own function, or at the call of a send helper.
                let function = function_at(request.file, request.span.start)?;
                Some(Sender {
                    file: request.file,
                    function,
                })
            })
            .collect();
        let body_types = requests
            .iter()
            .filter_map(|request| match &request.body {
                Some(Body::Type(name)) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        let own_types = files
            .iter()
            .flat_map(|file| &file.webhooks.functions)
            .filter_map(|f| f.impl_type.as_deref())
            .collect();
        Reach {
            senders,
            body_types,
            own_types,
        }
    }

    /// Whether a Rust origin goes to 0Bit.
    fn rust_origin(&self, file: &FileAnalysis, origin: &RustOrigin) -> bool {
        if origin.role != OriginRole::Redirect
            || origin
                .struct_type
                .as_deref()
                .is_some_and(|name| self.body_types.contains(name))
        {
            return true;
        }
        let Some(function) = function_at(file, origin.span.start) else {
            return false;
        };
        // A request to a base URL known only at run time (`app.gate_api`, read from
        // `OBIT_GATE_API_BASE_URL`) in a file that shows 0Bit evidence.
        let sends_in_0bit_file = !file.evidence.is_empty()
            && file.calls.requests.iter().any(|request| {
                function.name == request.function && function.span().contains(&request.span.start)
            });
        sends_in_0bit_file
            || self.senders.iter().any(|sender| {
                (std::ptr::eq(sender.file, file) && sender.function.span() == function.span())
                    || function
                        .calls
                        .iter()
                        .any(|call| self.may_call(call, sender.function))
                    || sender
                        .function
                        .calls
                        .iter()
                        .any(|call| self.may_call(call, function))
            })
    }

    /// Whether `call` may be a call of `target`: the same name, and the same type when the
    /// call's type is one the project has methods for. A type alias
    /// (`type Shared = Arc<GateClient>`) is not resolved, so an unknown type matches by name;
    /// `CheckoutSession::create(..)` on a type of the project's own is not a 0Bit `create`.
    fn may_call(&self, call: &Call, target: &FnFacts) -> bool {
        call.name() == target.name
            && match call.on_type().as_deref() {
                None => true,
                Some(owner) => {
                    target.impl_type.as_deref() == Some(owner) || !self.own_types.contains(owner)
                }
            }
    }
}

/// A Rust string template with the file's own consts substituted; `None` when a piece is
/// known only elsewhere or at runtime.
fn resolve_in_file(
    file: &FileAnalysis,
    template: &crate::extract::request::Template,
) -> Option<String> {
    let mut out = String::new();
    for piece in template {
        match piece {
            crate::extract::request::Piece::Text(text) => out.push_str(text),
            crate::extract::request::Piece::Const(name) => {
                let constant = file.calls.consts.iter().find(|c| &c.name == name)?;
                match constant.value.as_slice() {
                    [crate::extract::request::Piece::Text(text)] => out.push_str(text),
                    _ => return None,
                }
            }
            _ if out.contains("://") => break,
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use crate::link::test_support::TestProject;

    /// The values of the origins that reach 0Bit.
    fn reaching(files: &[(&str, &str)]) -> Vec<String> {
        let project = TestProject::new(files);
        let facts = project.facts();
        facts
            .origin_uses()
            .iter()
            .map(|u| u.origin.value.clone())
            .collect()
    }

    const GATE: &str = "const GATE: &str = \"https://gate-api.0bit.app/v1\";\n";

    #[test]
    fn redirect_targets_reach_0bit_through_its_requests() {
        // Sent in the same function, through a helper it calls, by a caller that sends it,
        // or as the type of a 0Bit body.
        let same_function = format!("{GATE}async fn a(http: &reqwest::Client) {{ let b = json!({{\"return_url\": \"https://a.shop.com/r\"}}); http.post(format!(\"{{GATE}}/gate_sessions\")).json(&b).send().await; }}\n");
        let helper = format!("{GATE}struct Gate {{ http: reqwest::Client }}\nimpl Gate {{ async fn create_session<B: Serialize>(&self, b: &B) {{ self.http.post(format!(\"{{GATE}}/gate_sessions\")).json(b).send().await; }} }}\nasync fn b(gate: State<Shared>) {{ let b = S {{ return_url: \"https://b.shop.com/r\".into() }}; gate.create_session(&b).await; }}\n");
        let caller = format!("{GATE}fn body() -> S {{ S {{ cancel_url: \"https://c.shop.com/r\".into() }} }}\nasync fn c(http: &reqwest::Client) {{ http.post(format!(\"{{GATE}}/gate_sessions\")).json(&body()).send().await; }}\n");
        let send_helper = format!("{GATE}struct Gate {{ http: reqwest::Client }}\nimpl Gate {{ async fn send<B: Serialize>(&self, path: &str, b: &B) {{ self.http.post(format!(\"{{GATE}}{{path}}\")).json(b).send().await; }} async fn create_session(&self, b: &Value) {{ self.send(\"/gate_sessions\", b).await; }} }}\nasync fn e(gate: &Gate) {{ let b = json!({{\"return_url\": \"https://e.shop.com/r\"}}); gate.create_session(&b).await; }}\n");
        let body_type = format!("{GATE}fn body() -> Body {{ Body {{ return_url: \"https://d.shop.com/r\".into() }} }}\nasync fn d(http: &reqwest::Client, b: &Body) {{ http.post(format!(\"{{GATE}}/gate_sessions\")).json(b).send().await; }}\n");
        for (code, value) in [
            (same_function, "https://a.shop.com/r"),
            (helper, "https://b.shop.com/r"),
            (caller, "https://c.shop.com/r"),
            (body_type, "https://d.shop.com/r"),
            (send_helper, "https://e.shop.com/r"),
        ] {
            assert_eq!(
                reaching(&[("server/src/main.rs", &code)]),
                [value],
                "{code}"
            );
        }
    }

    #[test]
    fn other_redirects_in_a_0bit_project_do_not() {
        // Another provider's checkout next to a 0Bit one: its `success_url` goes to Stripe.
        let stripe = format!("{GATE}async fn pay(http: &reqwest::Client) {{ http.post(format!(\"{{GATE}}/gate_sessions\")).send().await; }}\nasync fn stripe(client: &stripe::Client) {{ let params = CreateCheckoutSession {{ success_url: Some(\"http://localhost:3000/ok\"), ..Default::default() }}; CheckoutSession::create(client, params).await; }}\n");
        assert!(reaching(&[("server/src/main.rs", &stripe)]).is_empty());
        // CORS layers count in a 0Bit project wherever they are.
        let cors = format!("{GATE}fn cors() -> CorsLayer {{ CorsLayer::new().allow_origin(\"https://shop.com\".parse::<HeaderValue>().unwrap()) }}\n");
        assert_eq!(
            reaching(&[("server/src/main.rs", &cors)]),
            ["https://shop.com"]
        );
    }

    #[test]
    fn one_wildcard_per_cors_builder() {
        let code = format!("{GATE}fn cors() {{ let a = Cors::default().allow_any_origin().send_wildcard().allowed_methods(vec![\"POST\"]); let b = CorsLayer::new().allow_origin(AllowOrigin::any()); }}\n");
        assert_eq!(reaching(&[("server/src/main.rs", &code)]), ["*", "*"]);
    }

    #[test]
    fn config_redirects_reach_0bit_in_files_that_configure_it() {
        let env = "OBIT_SECRET_KEY=\nCHECKOUT_RETURN_URL=https://a.shop.com/r\nSTRIPE_SUCCESS_URL=https://b.shop.com/ok\nAUTH_REDIRECT_URL=https://c.shop.com/cb\nALLOWED_ORIGINS=https://d.shop.com\n";
        assert_eq!(
            reaching(&[(".env.production", env)]),
            ["https://a.shop.com/r", "https://d.shop.com"]
        );
        // Without 0Bit in the file, only a key naming 0Bit carries a redirect to it.
        let toml = "[obit]\nreturn_url = \"https://e.shop.com/r\"\n[stripe]\nsuccess_url = \"https://f.shop.com/ok\"\n";
        let other = "[checkout]\nreturn_url = \"https://g.shop.com/r\"\n";
        assert_eq!(
            reaching(&[
                ("config/production.toml", toml),
                ("config/other.toml", other),
                ("server/src/main.rs", GATE),
            ]),
            ["https://e.shop.com/r"]
        );
    }
}
