//! 0Bit requests, resolved across the files of a package: URL templates get their consts,
//! struct fields and parameters substituted (`template`), helper functions that return a
//! builder are merged with their callers, and the result is matched against the contract.
//! Every API-call rule reads this one list.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::extract::file::{FileAnalysis, HitContext, Place};
use crate::extract::request::{
    is_runtime_only, Body, CallFacts, ConstString, Header, KeyOrigin, Request, Template,
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
            if let Some(name) = &request.returned_by {
                index.helpers.insert(
                    name,
                    InFile {
                        file,
                        fact: request,
                    },
                );
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
        Some(helper) => {
            let found = index.helpers.get(helper.name.as_str())?;
            (found.file, found.fact, Some(&helper.args))
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
    let caller_headers: &[Header] = if request.helper.is_some() {
        &request.headers
    } else {
        &[]
    };
    let headers = start
        .headers
        .iter()
        .chain(caller_headers)
        .map(|header| ResolvedHeader {
            name: resolve_header_name(index, start_file, header, arguments, &start.function),
            key: header.key.clone(),
        })
        .collect();
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
