//! 0Bit requests, resolved across the files of a package: URL templates get their consts,
//! struct fields and parameters substituted (`template`), helper functions that return a
//! builder are merged with their callers, and the result is matched against the contract.
//! Every API-call rule reads this one list.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::extract::file::{FileAnalysis, HitContext, Place};
use crate::extract::request::{
    is_runtime_only, Body, CallFacts, CallSite, ConstString, Header, KeyOrigin, Piece, Request,
    Template,
};
use crate::project::contract::{Endpoint, Host, HostKind};
use crate::project::model::ProjectModel;

use template::{resolve_template, split_url, Substitution};

pub use crate::project::contract::RUNTIME;

mod template;
#[cfg(test)]
mod tests;

/// A request to a 0Bit API host, with everything the rules need.
pub struct ResolvedRequest<'a> {
    /// The file and span where the request starts (a helper's, for helper-built requests).
    pub file: &'a FileAnalysis,
    pub span: Range<usize>,
    pub request: &'a Request,
    pub host: &'a Host,
    pub path: String,
    /// The literal that holds the path, when one literal does.
    pub path_literal: Option<LiteralAt<'a>>,
    pub method: Option<String>,
    pub endpoint: Option<&'a Endpoint>,
    /// The headers set where the request starts and, for helper-built ones, by the caller.
    pub headers: Vec<ResolvedHeader>,
    pub body: Option<Body>,
    /// Loop and retry scopes around the place the request is sent from.
    pub scopes: Vec<usize>,
    /// The file the request is sent from (the caller's, for helper-built requests).
    pub sent_from: &'a FileAnalysis,
    pub place: Place,
}

/// A header with its name resolved (unknown pieces are [`RUNTIME`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedHeader {
    pub name: String,
    /// Where the header's value comes from.
    pub key: KeyOrigin,
}

/// A literal in a file.
#[derive(Clone, Debug)]
pub struct LiteralAt<'a> {
    pub file: &'a FileAnalysis,
    pub span: Range<usize>,
}

impl ResolvedRequest<'_> {
    /// Whether a header of this name is set, in any letter case.
    pub fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|header| header.name.eq_ignore_ascii_case(name))
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

/// A fact and the file it is in.
struct InFile<'a, T> {
    file: &'a FileAnalysis,
    fact: &'a T,
}

/// What a package defines, for resolving names.
#[derive(Default)]
struct PackageIndex<'a> {
    consts: BTreeMap<&'a str, Vec<InFile<'a, ConstString>>>,
    /// The first known value of each struct field.
    fields: BTreeMap<&'a str, &'a Template>,
    /// The first known value of each parameter of each function, by position.
    call_args: BTreeMap<&'a str, Vec<Option<&'a Template>>>,
    /// Requests that helper functions return, by helper name.
    helpers: BTreeMap<&'a str, InFile<'a, Request>>,
    /// Requests that helper functions send to a URL made from their parameters, by helper
    /// name, when some call of the helper passes it a path.
    sending_helpers: BTreeMap<&'a str, InFile<'a, Request>>,
}

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
                .push(InFile {
                    file,
                    fact: constant,
                });
        }
        for field in &file.calls.fields {
            if !is_runtime_only(&field.value) {
                index.fields.entry(&field.field).or_insert(&field.value);
            }
        }
        for call in &file.calls.call_args {
            let known = index.call_args.entry(&call.function).or_default();
            if known.len() < call.args.len() {
                known.resize(call.args.len(), None);
            }
            for (at, arg) in call.args.iter().enumerate() {
                if known[at].is_none() && !is_runtime_only(arg) {
                    known[at] = Some(arg);
                }
            }
        }
        for request in &file.calls.requests {
            let in_file = InFile {
                file,
                fact: request,
            };
            if let Some(name) = &request.returned_by {
                index.helpers.insert(name, in_file);
            } else if request.sends && request.url.iter().any(|p| matches!(p, Piece::Param(_))) {
                index.sending_helpers.insert(&request.function, in_file);
            }
        }
    }
    // A sending helper with calls that pass it a path is resolved at those calls, not alone.
    let called: std::collections::HashSet<(&str, &str)> = files
        .iter()
        .flat_map(|file| {
            file.calls
                .call_sites
                .iter()
                .map(move |site| (package_of(file), site.function.as_str()))
        })
        .collect();
    for (package, index) in &mut packages {
        index
            .sending_helpers
            .retain(|name, _| called.contains(&(*package, *name)));
    }
    let mut resolved = Vec::new();
    for file in files
        .iter()
        .filter(|f| !f.calls.requests.is_empty() || !f.calls.call_sites.is_empty())
    {
        let Some(index) = packages.get(package_of(file)) else {
            continue;
        };
        for request in &file.calls.requests {
            let sent_by_callers = index
                .sending_helpers
                .get(request.function.as_str())
                .is_some_and(|helper| std::ptr::eq(helper.fact, request));
            if request.returned_by.is_some() || sent_by_callers {
                continue;
            }
            resolved.extend(resolve_one(model, index, file, request));
        }
        for site in &file.calls.call_sites {
            resolved.extend(resolve_call_site(model, index, file, site));
        }
    }
    resolved
}

fn has_calls(calls: &CallFacts) -> bool {
    !(calls.requests.is_empty()
        && calls.call_sites.is_empty()
        && calls.consts.is_empty()
        && calls.fields.is_empty()
        && calls.call_args.is_empty())
}

/// A request where it is sent: its own place, or (for one built by a helper that returns a
/// builder) the caller's.
fn resolve_one<'a>(
    model: &'a ProjectModel,
    index: &PackageIndex<'a>,
    file: &'a FileAnalysis,
    request: &'a Request,
) -> Option<ResolvedRequest<'a>> {
    // A call to a helper that returns a builder: the helper's request, seen from here.
    let (start_file, start, arguments) = match &request.helper {
        Some(helper) => {
            let found = index.helpers.get(helper.name.as_str())?;
            (found.file, found.fact, Some(&helper.args))
        }
        None => (file, request, None),
    };
    if start.operation.is_some() && !request.sends {
        return None;
    }
    let caller_headers: &[Header] = if request.helper.is_some() {
        &request.headers
    } else {
        &[]
    };
    let target = resolve_target(model, index, start_file, start, arguments, caller_headers)?;
    let place = file.place(&HitContext {
        gate: request.gate,
        compiled: true,
        ..HitContext::default()
    });
    Some(ResolvedRequest {
        file: start_file,
        span: start.span.clone(),
        request: start,
        host: target.host,
        path: target.path,
        path_literal: target.path_literal,
        method: target.method,
        endpoint: target.endpoint,
        headers: target.headers,
        body: request.body.clone().or_else(|| start.body.clone()),
        scopes: request.scopes.clone(),
        sent_from: file,
        place,
    })
}

/// A request sent by a helper that sends it (`self.send("/customers", &body)`), at one of its
/// call sites: the caller's arguments fill the helper's parameters, and findings point at
/// the call.
fn resolve_call_site<'a>(
    model: &'a ProjectModel,
    index: &PackageIndex<'a>,
    file: &'a FileAnalysis,
    site: &'a CallSite,
) -> Option<ResolvedRequest<'a>> {
    let helper = index.sending_helpers.get(site.function.as_str())?;
    let target = resolve_target(
        model,
        index,
        helper.file,
        helper.fact,
        Some(&site.args),
        &[],
    )?;
    let place = file.place(&HitContext {
        gate: site.gate,
        compiled: true,
        ..HitContext::default()
    });
    Some(ResolvedRequest {
        file,
        span: site.span.clone(),
        request: helper.fact,
        host: target.host,
        path: target.path,
        path_literal: target.path_literal,
        method: target.method,
        endpoint: target.endpoint,
        headers: target.headers,
        body: helper.fact.body.clone(),
        scopes: site.scopes.clone(),
        sent_from: file,
        place,
    })
}

/// Where a request goes and what it carries.
struct Target<'a> {
    host: &'a Host,
    path: String,
    path_literal: Option<LiteralAt<'a>>,
    method: Option<String>,
    endpoint: Option<&'a Endpoint>,
    headers: Vec<ResolvedHeader>,
}

/// The 0Bit host, path, endpoint and headers of the request `start` (in `start_file`),
/// with `arguments` for its function's parameters when a caller's are known; `None` when it
/// does not go to a 0Bit API host.
fn resolve_target<'a>(
    model: &'a ProjectModel,
    index: &PackageIndex<'a>,
    start_file: &'a FileAnalysis,
    start: &'a Request,
    arguments: Option<&Vec<Template>>,
    caller_headers: &[Header],
) -> Option<Target<'a>> {
    let operation = start
        .operation
        .as_deref()
        .and_then(|name| model.contract.operation_by_method_name(name));
    if start.operation.is_some() && operation.is_none() {
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
            let url = resolve_template(
                index,
                Substitution {
                    file: start_file,
                    literal: start.url_literal.clone(),
                    arguments,
                    function: &start.function,
                },
                &start.url,
            );
            let url = split_url(&url)?;
            let host = model
                .contract
                .host(&url.host)
                .filter(|host| host.kind == HostKind::Api)?;
            (host, url.path, url.path_literal)
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
    let headers = start
        .headers
        .iter()
        .chain(caller_headers)
        .map(|header| ResolvedHeader {
            name: resolve_header_name(index, start_file, header, arguments, &start.function),
            key: header.key.clone(),
        })
        .collect();
    Some(Target {
        host,
        path,
        path_literal,
        method,
        endpoint,
        headers,
    })
}

/// A header's name as text: what a header-name const or parameter holds.
fn resolve_header_name<'a>(
    index: &PackageIndex<'a>,
    file: &'a FileAnalysis,
    header: &Header,
    arguments: Option<&'a Vec<Template>>,
    function: &str,
) -> String {
    let substitution = Substitution {
        file,
        literal: None,
        arguments,
        function,
    };
    resolve_template(index, substitution, &header.name)
        .into_iter()
        .map(|piece| piece.text)
        .collect()
}
