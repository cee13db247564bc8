//! Calls: the ones that start a request (`client.post(url)`, `ureq::post(url)`,
//! `Request::builder()`, a generated client's operation, a local helper), and the builder
//! methods applied to one (`.header(..)`, `.headers(map)`, `.json(..)`, `.send()`).

use std::ops::Range;

use syn::spanned::Spanned;
use syn::Expr;

use super::locals::Value;
use super::scanner::FunctionScanner;
use super::{
    bounded, is_retry_call, method_of, BUILDER_METHODS, CLIENT_CRATES, FRESH_CALLS, HTTP_METHODS,
    MAX_HEADERS,
};
use crate::extract::request::{Body, CallSite, Header, HelperCall, KeyOrigin, Piece, Template};
use crate::extract::rust::offsets::SpanBytes;
use crate::ground::syntax::path_segments;

type Args = syn::punctuated::Punctuated<Expr, syn::Token![,]>;

impl FunctionScanner<'_> {
    pub(super) fn call(&mut self, call: &syn::ExprCall) -> Value {
        let Expr::Path(func) = &*call.func else {
            self.expr(&call.func);
            for arg in &call.args {
                self.expr(arg);
            }
            return Value::Nothing;
        };
        let segments: Vec<String> = path_segments(&func.path);
        let name = segments.last().cloned().unwrap_or_default();
        let full = segments.join("::");
        let span = func
            .path
            .segments
            .last()
            .map_or(0..0, |s| s.ident.span().bytes());
        let args: Vec<Value> = self.arguments(&name, &full, &call.args);
        self.origin_call(&full, &call.args, &args, span.clone());
        let first_segment = segments.first().map(String::as_str).unwrap_or("");
        let from_client = segments.len() >= 2 && CLIENT_CRATES.contains(&first_segment)
            || segments.iter().any(|s| s == "Request");
        match name.as_str() {
            m if HTTP_METHODS.contains(&m) && from_client => {
                let url = args.into_iter().next().unwrap_or(Value::Nothing);
                return self.new_request(span, Some(m.to_ascii_uppercase()), url);
            }
            "request" if from_client && args.len() >= 2 => {
                let method = args[0].template().and_then(|t| method_of(&t));
                let url = args.into_iter().nth(1).unwrap_or(Value::Nothing);
                return self.new_request(span, method, url);
            }
            "builder" if segments.iter().any(|s| s == "Request") => {
                return self.new_request(span, Some("GET".into()), Value::Nothing);
            }
            name if FRESH_CALLS.contains(&name) => {
                return Value::Fresh(call.span().bytes(), self.scopes.clone());
            }
            "new" if first_segment.contains("Ulid") || segments.iter().any(|s| s == "Ulid") => {
                return Value::Fresh(call.span().bytes(), self.scopes.clone());
            }
            "new" if name == "new" && segments.iter().any(|s| s == "HeaderMap") => {
                return Value::Headers(Vec::new());
            }
            "parse" | "from_static" | "from_str" | "from" | "new" | "Some" | "Ok" => {
                if let Some(Value::Str(t, l)) = args.first() {
                    return Value::Str(t.clone(), l.clone());
                }
                return args.into_iter().next().unwrap_or(Value::Nothing);
            }
            "to_string" | "to_vec" => return args.into_iter().next().unwrap_or(Value::Nothing),
            _ => {}
        }
        let templates: Vec<Template> = args.iter().map(Value::template_or_unknown).collect();
        // A local helper that may return a request builder: resolved across files.
        if segments.len() == 1 {
            self.call_site(&name, &templates, span.clone());
            self.facts.record_call_args(&name, templates.clone());
            return Value::HelperCall(
                span,
                HelperCall {
                    name,
                    args: templates,
                },
            );
        }
        self.facts.record_call_args(&name, templates);
        Value::Nothing
    }

    /// A call of a local function that passes a path: maybe a request through a helper
    /// that sends it.
    fn call_site(&mut self, name: &str, args: &[Template], span: Range<usize>) {
        if CallSite::passes_path(args) {
            self.facts.call_sites.push(CallSite {
                function: name.to_string(),
                args: args.to_vec(),
                span,
                gate: self.gate,
                scopes: self.scopes.clone(),
            });
        }
    }

    /// A call to a function that may return a request builder. It becomes a request only if
    /// the resolver finds such a helper; otherwise it is dropped.
    fn helper_request(&mut self, span: Range<usize>, helper: HelperCall) -> Value {
        let value = self.new_request(span, None, Value::Nothing);
        if let Value::Request(at) = value {
            self.facts.requests[at].helper = Some(helper);
        }
        value
    }

    /// The values of a call's arguments; a retry call's closures get a scope of their own,
    /// and a CORS list setter's arguments are read as such.
    pub(super) fn arguments(&mut self, name: &str, path: &str, args: &Args) -> Vec<Value> {
        let cors =
            super::origin_calls::records_literals(name.rsplit("::").next().unwrap_or(name), args);
        self.cors_depth += usize::from(cors);
        let values = if is_retry_call(name, path) {
            self.in_new_scope(|this| args.iter().map(|a| this.expr(a)).collect())
        } else {
            args.iter().map(|a| self.expr(a)).collect()
        };
        self.cors_depth -= usize::from(cors);
        values
    }

    pub(super) fn method_call(&mut self, call: &syn::ExprMethodCall) -> Value {
        let name = call.method.to_string();
        let span = call.method.span().bytes();
        let origins_before = self.facts.origins.len();
        let receiver = self.expr(&call.receiver);
        let args: Vec<Value> = self.arguments(&name, "", &call.args);
        self.origin_call(&name, &call.args, &args, span.clone());
        // One builder that allows any origin twice (`.allow_any_origin().send_wildcard()`)
        // is one wildcard: the first call of the chain.
        if let [earlier @ .., last] = &self.facts.origins[origins_before..] {
            if last.wildcard && earlier.iter().any(|origin| origin.wildcard) {
                self.facts.origins.pop();
            }
        }
        // `self.get(path)` is the crate's own method (a helper), never an HTTP client.
        let on_self = matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident("self"));
        let starts_request = !on_self
            && ((HTTP_METHODS.contains(&name.as_str())
                && args.len() == 1
                && matches!(args[0], Value::Str(..)))
                || (name == "request" && args.len() == 2));
        match receiver {
            Value::Request(at) => {
                self.apply(at, &name, args);
                Value::Request(at)
            }
            Value::HelperCall(helper_span, helper) if BUILDER_METHODS.contains(&name.as_str()) => {
                let Value::Request(at) = self.helper_request(helper_span, helper) else {
                    return Value::Nothing;
                };
                self.apply(at, &name, args);
                Value::Request(at)
            }
            // `self.http.post(url)`: the receiver (a field, a param) is the client.
            _ if starts_request => self.start_from_method(call, &name, span, args),
            Value::Headers(mut headers) if matches!(name.as_str(), "insert" | "append") => {
                if let Some(name) = args
                    .first()
                    .and_then(Value::template)
                    .filter(|_| headers.len() < MAX_HEADERS)
                {
                    headers.push(Header {
                        name,
                        key: args.get(1).map_or(KeyOrigin::Other, Value::key_origin),
                    });
                }
                self.update_headers(&call.receiver, headers.clone());
                Value::Headers(headers)
            }
            Value::Str(template, literal) => match name.as_str() {
                "join" => match args.first().and_then(Value::template) {
                    Some(path) => {
                        let mut joined = template;
                        joined.push(Piece::Join);
                        joined.extend(path);
                        Value::Str(bounded(joined), None)
                    }
                    None => Value::Nothing,
                },
                "to_string" | "to_owned" | "into" | "as_str" | "clone" | "as_ref" | "unwrap"
                | "expect" | "to_lowercase" | "parse" | "as_bytes" => Value::Str(template, literal),
                _ => Value::Nothing,
            },
            Value::Fresh(span, scopes) => Value::Fresh(span, scopes),
            Value::Struct(type_name) if matches!(name.as_str(), "clone" | "to_owned" | "into") => {
                Value::Struct(type_name)
            }
            _ => self.start_from_method(call, &name, span, args),
        }
    }

    /// `client.post(url)`, `client.request(Method::POST, url)`, `client.create_session()`,
    /// `self.gate_post(path)` (a helper).
    fn start_from_method(
        &mut self,
        call: &syn::ExprMethodCall,
        name: &str,
        span: Range<usize>,
        args: Vec<Value>,
    ) -> Value {
        let on_self = matches!(&*call.receiver, Expr::Path(p) if p.path.is_ident("self"));
        if HTTP_METHODS.contains(&name) && args.len() == 1 && !on_self {
            if let Some(Value::Str(..)) = args.first() {
                let url = args.into_iter().next().unwrap_or(Value::Nothing);
                return self.new_request(span, Some(name.to_ascii_uppercase()), url);
            }
        }
        if name == "request" && args.len() == 2 && !on_self {
            let method = args[0].template().and_then(|t| method_of(&t));
            let url = args.into_iter().nth(1).unwrap_or(Value::Nothing);
            return self.new_request(span, method, url);
        }
        if call.args.is_empty() && self.operations.iter().any(|op| op == name) {
            let value = self.new_request(span, None, Value::Nothing);
            if let Value::Request(at) = value {
                self.facts.requests[at].operation = Some(name.to_string());
            }
            return value;
        }
        let templates: Vec<Template> = args.iter().map(Value::template_or_unknown).collect();
        // `self.gate_post("/gate_sessions", &key)`: maybe a helper that returns a builder.
        if on_self {
            self.call_site(name, &templates, span.clone());
            self.facts.record_call_args(name, templates.clone());
            return Value::HelperCall(
                span,
                HelperCall {
                    name: name.to_string(),
                    args: templates,
                },
            );
        }
        self.facts.record_call_args(name, templates);
        Value::Nothing
    }

    /// A builder method applied to request `at`.
    fn apply(&mut self, at: usize, name: &str, args: Vec<Value>) {
        let mut args = args.into_iter();
        let first = args.next().unwrap_or(Value::Nothing);
        let second = args.next().unwrap_or(Value::Nothing);
        let request = &mut self.facts.requests[at];
        match name {
            "header" | "set" | "header_str" | "append_header" | "insert_header" | "with_header" => {
                match first {
                    Value::Headers(headers) => request.headers.extend(headers),
                    other => {
                        if let Some(name) = other.template() {
                            request.headers.push(Header {
                                name,
                                key: second.key_origin(),
                            });
                        }
                    }
                }
            }
            "headers" => match first {
                Value::Headers(headers) => request.headers.extend(headers),
                _ => request.opaque_headers = true,
            },
            // What a generated client's `idempotency_key(k)` sets.
            "idempotency_key" => request.headers.push(Header {
                name: vec![Piece::Text("idempotency-key".into())],
                key: first.key_origin(),
            }),
            "method" => request.method = first.template().and_then(|t| method_of(&t)),
            "uri" | "url" => {
                if let Value::Str(template, literal) = first {
                    request.url = template;
                    request.url_literal = literal;
                }
            }
            "json" | "body" | "send_json" | "body_json" | "send_body" | "send_string" => {
                match first {
                    Value::Struct(type_name) => request.body = Some(Body::Type(type_name)),
                    Value::Json(floats) => request.body = Some(Body::Json(floats)),
                    _ => {}
                }
                if name.starts_with("send") {
                    request.sends = true;
                }
            }
            "send" | "call" | "send_form" | "send_async" | "recv_json" | "recv_string"
            | "recv_bytes" => request.sends = true,
            _ => {}
        }
    }
}
