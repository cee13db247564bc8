//! 0Bit requests, resolved across the files of a package: URL templates get their consts,
//! struct fields and parameters substituted, helper functions that return a builder are
//! merged with their callers, and the result is matched against the contract. Every API-call
//! rule reads this one list.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::extract::file::{FileAnalysis, HitContext, Place};
use crate::extract::rust::calls::{Body, CallFacts, Header, KeyOrigin, Piece, Request, Template};
use crate::project::contract::{Endpoint, Host, HostKind};
use crate::project::model::ProjectModel;

pub use crate::project::contract::RUNTIME;

/// A request to a 0Bit API host, with everything the rules need.
pub struct ResolvedRequest<'a> {
    /// The file and span where the request starts (a helper's, for helper-built requests).
    pub file: &'a FileAnalysis,
    pub span: Range<usize>,
    pub request: &'a Request,
    pub host: &'a Host,
    pub path: String,
    /// The literal that holds the path, and its file, when one literal does.
    pub path_literal: Option<LiteralAt<'a>>,
    pub method: Option<String>,
    pub endpoint: Option<&'a Endpoint>,
    pub headers: Vec<(String, KeyOrigin)>,
    pub body: Option<Body>,
    /// Loop and retry scopes around the place the request is sent from.
    pub scopes: Vec<usize>,
    /// The file the request is sent from (the caller's, for helper-built requests).
    pub sent_from: &'a FileAnalysis,
    pub place: Place,
}

impl ResolvedRequest<'_> {
    pub fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(header, _)| header.eq_ignore_ascii_case(name))
    }

    /// `POST /v1/gate_sessions` (`createSession`), or the method and path as called.
    pub fn describe(&self) -> String {
        match self.endpoint {
            Some(endpoint) => format!("`{}` (`{}`)", endpoint.describe(), endpoint.operation),
            None => format!(
                "`{} {}`",
                self.method.as_deref().unwrap_or("GET"),
                self.path.replace(RUNTIME, "{…}")
            ),
        }
    }
}

/// A literal in a file.
type LiteralAt<'a> = (&'a FileAnalysis, Range<usize>);

/// A piece of a resolved string and the literal it came from.
type Resolved<'a> = Vec<(String, Option<LiteralAt<'a>>)>;

/// What a package defines, for resolving names.
#[derive(Default)]
struct PackageIndex<'a> {
    consts: BTreeMap<
        &'a str,
        Vec<(
            &'a FileAnalysis,
            &'a crate::extract::rust::calls::ConstString,
        )>,
    >,
    /// The first known value of each struct field.
    fields: BTreeMap<&'a str, &'a Template>,
    /// The first known value of each parameter of each function, by position.
    call_args: BTreeMap<&'a str, Vec<Option<&'a Template>>>,
    helpers: BTreeMap<&'a str, (&'a FileAnalysis, &'a Request)>,
}

/// Pieces one URL or header name may resolve to. Consts naming consts can multiply a
/// template at each level (`concat!(A, A, A)`), to sizes no memory holds; real URLs are a
/// handful of pieces. Past this, the rest of a template is a runtime value.
const MAX_RESOLVED_PIECES: usize = 256;

pub fn resolve<'a>(model: &'a ProjectModel, files: &'a [FileAnalysis]) -> Vec<ResolvedRequest<'a>> {
    let mut packages: BTreeMap<&str, PackageIndex<'a>> = BTreeMap::new();
    let package_of =
        |file: &FileAnalysis| model.package_of(&file.path).map_or("", |p| p.dir.as_str());
    for file in files.iter().filter(|f| has_calls(&f.calls)) {
        let index = packages.entry(package_of(file)).or_default();
        for constant in &file.calls.consts {
            index
                .consts
                .entry(&constant.name)
                .or_default()
                .push((file, constant));
        }
        for (field, value) in &file.calls.fields {
            if !is_unknown(value) {
                index.fields.entry(field).or_insert(value);
            }
        }
        for call in &file.calls.call_args {
            let known = index.call_args.entry(&call.function).or_default();
            if known.len() < call.args.len() {
                known.resize(call.args.len(), None);
            }
            for (at, arg) in call.args.iter().enumerate() {
                if known[at].is_none() && !is_unknown(arg) {
                    known[at] = Some(arg);
                }
            }
        }
        for request in &file.calls.requests {
            if let Some(name) = &request.returned_by {
                index.helpers.insert(name, (file, request));
            }
        }
    }
    let mut resolved = Vec::new();
    for file in files.iter().filter(|f| !f.calls.requests.is_empty()) {
        let Some(index) = packages.get(package_of(file)) else {
            continue;
        };
        for request in &file.calls.requests {
            if request.returned_by.is_some() {
                continue;
            }
            resolved.extend(resolve_one(model, index, file, request));
        }
    }
    resolved
}

fn has_calls(calls: &CallFacts) -> bool {
    !(calls.requests.is_empty()
        && calls.consts.is_empty()
        && calls.fields.is_empty()
        && calls.call_args.is_empty())
}

fn resolve_one<'a>(
    model: &'a ProjectModel,
    index: &PackageIndex<'a>,
    file: &'a FileAnalysis,
    request: &'a Request,
) -> Option<ResolvedRequest<'a>> {
    // A call to a helper that returns a builder: the helper's request, seen from here.
    let (start_file, start, arguments) = match &request.helper {
        Some((name, args)) => {
            let (helper_file, helper) = index.helpers.get(name.as_str())?;
            (*helper_file, *helper, Some(args))
        }
        None => (file, request, None),
    };
    let operation = start
        .operation
        .as_deref()
        .and_then(|name| model.contract.operation_by_method_name(name));
    if start.operation.is_some() && (operation.is_none() || !request.sends) {
        return None;
    }
    let (host, path, path_literal) = match operation {
        // A generated client holds the base URL; the operation names the endpoint.
        Some(endpoint) => {
            let host = model
                .contract
                .hosts
                .iter()
                .find(|h| h.product == endpoint.product && h.kind == HostKind::Api)?;
            (host, endpoint.path.clone(), None)
        }
        None => {
            let mut budget = MAX_RESOLVED_PIECES;
            let url = resolve_template(
                index,
                start_file,
                &start.url,
                start.url_literal.clone(),
                arguments,
                &start.function,
                0,
                &mut budget,
            );
            let (host_name, path, path_literal) = split_url(&url)?;
            let host = model
                .contract
                .host(&host_name)
                .filter(|host| host.kind == HostKind::Api)?;
            (host, path, path_literal)
        }
    };
    let method = operation
        .map(|e| e.method.clone())
        .or_else(|| start.method.clone());
    let endpoint = operation.or_else(|| {
        model
            .contract
            .endpoint(host.product, method.as_deref().unwrap_or("GET"), &path)
    });
    let mut headers: Vec<(String, KeyOrigin)> = Vec::new();
    for header in start.headers.iter().chain(if request.helper.is_some() {
        &request.headers[..]
    } else {
        &[]
    }) {
        headers.extend(resolve_header(
            index,
            start_file,
            header,
            arguments,
            &start.function,
        ));
    }
    let place = file.place(&HitContext {
        gate: request.gate,
        compiled: true,
        ..HitContext::default()
    });
    Some(ResolvedRequest {
        file: start_file,
        span: start.span.clone(),
        request: start,
        host,
        path,
        path_literal,
        method,
        endpoint,
        headers,
        body: request.body.clone().or_else(|| start.body.clone()),
        scopes: request.scopes.clone(),
        sent_from: file,
        place,
    })
}

fn resolve_header<'a>(
    index: &PackageIndex<'a>,
    file: &'a FileAnalysis,
    header: &Header,
    arguments: Option<&Vec<Template>>,
    function: &str,
) -> Option<(String, KeyOrigin)> {
    let mut budget = MAX_RESOLVED_PIECES;
    let name: String = resolve_template(
        index,
        file,
        &header.name,
        None,
        arguments,
        function,
        0,
        &mut budget,
    )
    .into_iter()
    .map(|(text, _)| text)
    .collect();
    Some((name, header.key.clone()))
}

/// Substitutes consts, fields and parameters, up to a small depth (consts may refer to
/// consts) and `budget` pieces in all. Unknown pieces become [`RUNTIME`].
#[allow(clippy::too_many_arguments)]
fn resolve_template<'a>(
    index: &PackageIndex<'a>,
    file: &'a FileAnalysis,
    template: &Template,
    literal: Option<Range<usize>>,
    arguments: Option<&Vec<Template>>,
    function: &str,
    depth: usize,
    budget: &mut usize,
) -> Resolved<'a> {
    let mut out: Resolved<'a> = Vec::new();
    let single_literal = template
        .iter()
        .filter(|p| matches!(p, Piece::Text(_)))
        .count()
        == 1;
    for piece in template {
        if *budget == 0 {
            out.push((RUNTIME.to_string(), None));
            break;
        }
        *budget -= 1;
        match piece {
            Piece::Text(text) => {
                let source = literal
                    .clone()
                    .filter(|_| single_literal || text.contains('/'))
                    .map(|span| (file, span));
                out.push((text.clone(), source));
            }
            _ if depth > 8 => out.push((RUNTIME.to_string(), None)),
            Piece::Const(name) => match index.consts.get(name.as_str()).and_then(|found| {
                // Prefer the definition in the same file.
                found
                    .iter()
                    .find(|(f, _)| f.path == file.path)
                    .or_else(|| found.first())
            }) {
                Some((const_file, constant)) => out.extend(resolve_template(
                    index,
                    const_file,
                    &constant.value,
                    constant.literal.clone(),
                    None,
                    "",
                    depth + 1,
                    budget,
                )),
                None => out.push((RUNTIME.to_string(), None)),
            },
            Piece::Field(name) => match index.fields.get(name.as_str()) {
                Some(value) => out.extend(resolve_template(
                    index,
                    file,
                    value,
                    None,
                    None,
                    "",
                    depth + 1,
                    budget,
                )),
                None => out.push((RUNTIME.to_string(), None)),
            },
            Piece::Param(at) => {
                let value = match arguments {
                    Some(args) => args.get(*at).cloned(),
                    None => index
                        .call_args
                        .get(function)
                        .and_then(|known| known.get(*at).copied().flatten())
                        .cloned(),
                };
                match value {
                    Some(value) => out.extend(resolve_template(
                        index,
                        file,
                        &value,
                        None,
                        None,
                        "",
                        depth + 1,
                        budget,
                    )),
                    None => out.push((RUNTIME.to_string(), None)),
                }
            }
            Piece::Unknown => out.push((RUNTIME.to_string(), None)),
            Piece::Join => url_join(&mut out),
        }
    }
    out
}

/// `Url::join` on what is resolved so far: keep the base up to its last `/` (after the host),
/// so `https://h/v1/` + `x` is `https://h/v1/x` and `https://h/v1` + `x` is `https://h/x`.
fn url_join(out: &mut Resolved<'_>) {
    let text: String = out.iter().map(|(t, _)| t.as_str()).collect();
    let host_start = text.find("://").map_or(0, |at| at + 3);
    let keep = match text[host_start..].rfind('/') {
        Some(at) => host_start + at + 1,
        None => {
            out.push(("/".to_string(), None));
            return;
        }
    };
    let mut length = 0;
    for piece in out.iter_mut() {
        let end = length + piece.0.len();
        if end > keep {
            let cut =
                crate::ground::source::floor_char_boundary(&piece.0, keep.saturating_sub(length));
            piece.0.truncate(cut);
        }
        length = end;
    }
    out.retain(|(t, _)| !t.is_empty());
}

fn is_unknown(template: &Template) -> bool {
    template.iter().all(|p| matches!(p, Piece::Unknown))
}

/// Host, path and the literal holding the path, of a resolved absolute URL.
fn split_url<'a>(url: &Resolved<'a>) -> Option<(String, String, Option<LiteralAt<'a>>)> {
    let text: String = url.iter().map(|(t, _)| t.as_str()).collect();
    let after_scheme = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))?;
    let host_end = after_scheme.find('/').unwrap_or(after_scheme.len());
    let host = after_scheme[..host_end].split(':').next().unwrap_or("");
    if host.contains(RUNTIME) {
        return None;
    }
    let path = after_scheme[host_end..].to_string();
    // The literal that wrote the last part of the path.
    let path_literal = url
        .iter()
        .rev()
        .find(|(t, source)| source.is_some() && t.contains('/'))
        .and_then(|(_, s)| s.clone());
    Some((host.to_string(), path, path_literal))
}
