//! [`analyze_file`]: one file's bytes, read once (Rust parsed once with syn), into a
//! [`FileAnalysis`]. It runs on any thread.

use std::collections::BTreeMap;

use crate::extract::credential::{self, Credential};
use crate::extract::env_file::{self, Assignment};
use crate::extract::file::{CredentialHit, EnvRead, FileAnalysis, HitContext, NoteKind};
use crate::extract::gate::Gate;
use crate::extract::rust::{self as rust_source, NotParsed};
use crate::extract::{alerts, bundle, js, suppression};
use crate::ground::source::{lossy_text, LineIndex, Stamp};
use crate::project::files;
use crate::project::model::{self, FileKind, PackageSide, ProjectModel, Scope};

/// Files with a NUL byte in their first 8 KiB are binary; only `.wasm` binaries are read.
fn looks_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// Analyzes one file. `path` is relative to the scanned root, with `/`.
pub fn analyze_file(model: &ProjectModel, path: &str, bytes: &[u8]) -> FileAnalysis {
    let mut class = model.classify(path);
    let mut analysis = FileAnalysis::new(path, class.clone());
    if class.kind == FileKind::Wasm {
        analyze_wasm(&mut analysis, bytes);
        return analysis;
    }
    if looks_binary(bytes) {
        analysis.note(NoteKind::Binary, "binary file, skipped");
        return analysis;
    }
    let text = lossy_text(bytes);
    if let std::borrow::Cow::Owned(_) = text {
        analysis.note(
            NoteKind::Info,
            "not valid UTF-8; scanned with invalid bytes replaced",
        );
    }
    if class.kind == FileKind::FrontEnd
        && class.package_side == PackageSide::Client
        && model.runs_on_server(&text)
    {
        class.package_side = PackageSide::Server;
        analysis.class = class;
    }
    // OpenAPI and JSON Schema documents are documentation, whatever their path.
    if analysis.class.scope == Scope::Live
        && analysis.class.kind == FileKind::Other
        && files::is_api_document(path, &text)
    {
        analysis.class.scope = Scope::Documentation;
    }
    analysis.suppressions = suppression::parse(&text, analysis.class.kind).into();
    match analysis.class.kind {
        _ if analysis.class.credentials_only => analyze_credentials_only(&mut analysis, &text),
        FileKind::Rust => analyze_rust(&mut analysis, &text, &model.operation_methods),
        FileKind::Env => analyze_env(&mut analysis, &text),
        FileKind::SourceMap => analyze_source_map(&mut analysis, &text),
        FileKind::FrontEnd => analyze_front_end(&mut analysis, &text),
        FileKind::Doc | FileKind::Other | FileKind::Wasm => scan_text(&mut analysis, &text),
    }
    if matches!(analysis.class.kind, FileKind::Doc | FileKind::Other)
        && !analysis.class.credentials_only
        && crate::extract::copy::is_copy_file(path)
    {
        analysis.sentences =
            crate::extract::copy::sentences(&text, crate::extract::copy::Layout::Prose).into();
    }
    match analysis.class.kind {
        _ if analysis.class.credentials_only => {}
        FileKind::Env => {
            analysis.origins = env_origin_uses(&analysis.env_assignments).into();
        }
        FileKind::Other | FileKind::FrontEnd => {
            analysis.origins = crate::extract::origins::text_origin_uses(&text).into()
        }
        _ => {}
    }
    if matches!(analysis.class.kind, FileKind::Other) && !analysis.class.credentials_only {
        read_alerts(&mut analysis, model, &text);
    }
    if analysis.credentials.is_empty() {
        analysis.logs.retain(|call| call.may_matter());
    }
    if analysis.class.runbook && !analysis.class.credentials_only {
        analysis.mentions = crate::extract::pii::in_document(path, &text).into();
    }
    if analysis.hosts.is_empty()
        && analysis.class.kind != FileKind::Wasm
        && !analysis.class.credentials_only
    {
        analysis.hosts = crate::extract::origins::host_mentions(&text).into();
    }
    analysis.evidence = crate::extract::evidence::of_file(
        &text,
        &analysis.hosts,
        &analysis.webhooks,
        &model.contract,
    )
    .into();
    analysis.calls.finish();
    analysis.webhooks.shrink_to_fit();
    analysis.handlers.writes.shrink_to_fit();
    analysis.logs.shrink_to_fit();
    if analysis.may_be_reported(model.launch.path.as_deref()) {
        analysis.lines = LineIndex::new(&text);
        analysis.stamp = Some(Stamp::of(bytes));
        analysis.first_line_end = text.lines().next().map_or(0, |line| line.trim_end().len());
    }
    analysis
}

/// A file read by the credential rules alone (a report launchlint wrote: the pipeline decides):
/// its credentials, and nothing else, not even suppressions or 0Bit evidence, since its text
/// quotes other files and the rules' docs.
pub fn analyze_credentials_of(model: &ProjectModel, path: &str, bytes: &[u8]) -> FileAnalysis {
    let mut class = model.classify(path);
    class.credentials_only = true;
    let mut analysis = FileAnalysis::new(path, class);
    analysis.note(
        NoteKind::Detail,
        "written by launchlint (a report or a rule's docs page): read for credentials only",
    );
    let text = lossy_text(bytes);
    scan_text(&mut analysis, &text);
    if analysis.may_be_reported(model.launch.path.as_deref()) {
        analysis.lines = LineIndex::new(&text);
        analysis.stamp = Some(Stamp::of(bytes));
        analysis.first_line_end = text.lines().next().map_or(0, |line| line.trim_end().len());
    }
    analysis
}

/// Alert definitions, when the config lists the file or its name, folder or text says it
/// holds some; a listed or named file that cannot be read gets a note.
fn read_alerts(analysis: &mut FileAnalysis, model: &ProjectModel, text: &str) {
    let Some(why) = alerts::why(&analysis.path, text, model.is_alert_path(&analysis.path)) else {
        return;
    };
    match alerts::read(&analysis.path, text, why) {
        Ok(file) => analysis.alerts = file.map(Box::new),
        Err(message) => {
            let kind = if text.len() > alerts::MAX_ALERT_BYTES {
                NoteKind::TooLarge
            } else {
                NoteKind::Unparsed
            };
            analysis.note(kind, message.clone());
            analysis.alerts = Some(Box::new(alerts::AlertFile {
                format: None,
                alerts: Vec::new(),
                anchor: 0..text.lines().next().map_or(0, str::len),
                configured: why == alerts::Why::Configured,
                unreadable: Some(message),
            }));
        }
    }
}

/// A tracked file that an ignore file lists: its credentials, and for env files which
/// variable holds each (the public-prefix rule decides its side), nothing else.
fn analyze_credentials_only(analysis: &mut FileAnalysis, text: &str) {
    scan_text(analysis, text);
    if analysis.class.kind == FileKind::Env && !analysis.credentials.is_empty() {
        let assignments = env_file::parse(text);
        for hit in &mut analysis.credentials {
            let at = hit.credential.span.start;
            hit.context.variable = assignments
                .iter()
                .find(|a| a.value_span.start <= at && at < a.value_span.end)
                .map(|a| a.name.clone());
        }
    }
}

fn scan_text(analysis: &mut FileAnalysis, text: &str) {
    if !credential::may_contain(text.as_bytes()) {
        return;
    }
    analysis.credentials = credential::find_all(text)
        .into_iter()
        .map(|credential| CredentialHit {
            credential,
            context: HitContext::default(),
        })
        .collect();
}

fn analyze_front_end(analysis: &mut FileAnalysis, text: &str) {
    scan_text(analysis, text);
    let js = js::JsText::new(text);
    analysis.env_reads = js::env_reads(&js)
        .into_iter()
        .map(|read| {
            let how = text[read.span.clone()]
                .trim_end_matches(|c: char| c != '.' && c != '[')
                .trim_end_matches(['.', '['])
                .to_string();
            EnvRead {
                span: read.span,
                variable: read.variable,
                how,
                context: HitContext::default(),
            }
        })
        .collect();
    let found = js::requests(&js);
    analysis.calls.requests = found.requests.into();
    analysis.calls.consts = found.consts.into();
    analysis.imports = js::local_imports(&js).into();
    analysis.use_client = model::declares_use_client(text);
    analysis.logs = crate::extract::js_logs::console_calls(&js).into();
    read_copy_and_callbacks(analysis, &js);
    // An Astro component's frontmatter, and the functions frameworks run before rendering
    // (`getServerSideProps`, Remix `loader`/`action`), run on the server only.
    let mut server_ranges = js::server_function_ranges(&js);
    if analysis.path.ends_with(".astro") {
        server_ranges.extend(model::astro_frontmatter(text));
    }
    // Ranges sorted by start, with the furthest end reached so far: a point is in one of them
    // when a range that starts at or before it reaches past it. A binary search per hit
    // rather than a scan of every range (a module can export thousands of them).
    server_ranges.sort_by_key(|range| range.start);
    let reach: Vec<usize> = server_ranges
        .iter()
        .scan(0, |furthest, range| {
            *furthest = range.end.max(*furthest);
            Some(*furthest)
        })
        .collect();
    let on_server = |at: usize| {
        let started = server_ranges.partition_point(|range| range.start <= at);
        started > 0 && reach[started - 1] > at
    };
    let server = Gate {
        server: true,
        test: false,
    };
    for hit in &mut analysis.credentials {
        if on_server(hit.credential.span.start) {
            hit.context.gate = server;
        }
    }
    for read in &mut analysis.env_reads {
        if on_server(read.span.start) {
            read.context.gate = server;
        }
    }
    for request in &mut analysis.calls.requests {
        if on_server(request.span.start) {
            request.gate = server;
        }
    }
}

/// Customer copy, named lists and embed callbacks of a front-end source or template.
fn read_copy_and_callbacks(analysis: &mut FileAnalysis, js: &js::JsText) {
    let text = js.text;
    use crate::extract::copy::Layout;
    let script = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"]
        .iter()
        .any(|ext| analysis.path.ends_with(ext));
    let layout = if script { Layout::Code } else { Layout::Markup };
    analysis.sentences = crate::extract::copy::sentences(text, layout).into();
    analysis.lists = crate::extract::lists::js_lists(text).into();
    analysis.callbacks = crate::extract::callbacks::js_callbacks(js).into();
}

/// `ALLOWED_ORIGINS=https://a,https://b`, `RETURN_URL=…`: each listed value.
fn env_origin_uses(assignments: &[Assignment]) -> Vec<crate::extract::origins::OriginUse> {
    let mut uses = Vec::new();
    for (assignment, role) in assignments
        .iter()
        .filter_map(|a| Some((a, crate::extract::origins::origin_role(&a.name)?)))
    {
        let mut offset = assignment.value_span.start;
        for part in assignment.value.split(',') {
            let lead = part.len() - part.trim_start().len();
            let value = part.trim();
            if !value.is_empty() {
                let start = offset + lead;
                uses.push(crate::extract::origins::OriginUse {
                    value: value.to_string(),
                    span: start..start + value.len(),
                    wildcard: value == "*",
                    role,
                    key: assignment.name.clone(),
                });
            }
            offset += part.len() + 1;
        }
    }
    uses
}

fn analyze_rust(analysis: &mut FileAnalysis, text: &str, operations: &[String]) {
    match rust_source::analyze(text, operations) {
        Ok(facts) => {
            if credential::may_contain(text.as_bytes()) {
                analysis.credentials = credential::find_all(text)
                    .into_iter()
                    .map(|credential| {
                        let at = credential.span.start;
                        let context = HitContext {
                            gate: facts.gate_at(at),
                            compiled: facts.in_literal(at),
                            documentation: facts.in_documentation(at),
                            ..HitContext::default()
                        };
                        CredentialHit {
                            credential,
                            context,
                        }
                    })
                    .collect();
            }
            analysis.env_reads = facts
                .env_macros
                .iter()
                .map(|read| EnvRead {
                    span: read.span.clone(),
                    variable: read.variable.clone(),
                    how: format!("{}!", read.macro_name),
                    context: HitContext {
                        gate: read.gate,
                        compiled: true,
                        ..HitContext::default()
                    },
                })
                .collect();
            analysis.hosts = crate::extract::origins::host_mentions(text).into();
            for mention in &mut analysis.hosts {
                mention.gate = facts.gate_at(mention.span.start);
            }
            analysis.mod_decls = facts.mod_decls.into();
            analysis.includes = facts.includes.into();
            analysis.calls = facts.calls;
            analysis.webhooks = facts.webhooks;
            analysis.logs = facts.logs.into();
            analysis.handlers = facts.handlers;
            analysis.lists = facts.lists.into();
        }
        Err(not_parsed) => {
            let line_of = |at: usize| {
                text.as_bytes()[..at.min(text.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1
            };
            let (kind, message) = match not_parsed {
                NotParsed::Syntax { message, span } => (
                    NoteKind::Unparsed,
                    format!(
                        "could not parse as Rust (line {}: {message}); scanned as text for secrets",
                        line_of(span.start)
                    ),
                ),
                NotParsed::TooDeep { offset } => (
                    NoteKind::Unparsed,
                    format!(
                        "nests too deeply to parse safely (line {}); scanned as text for secrets",
                        line_of(offset)
                    ),
                ),
                NotParsed::TooLarge => (
                    NoteKind::TooLarge,
                    format!(
                        "larger than {} MiB, not parsed as Rust; scanned as text for secrets",
                        rust_source::MAX_PARSE_BYTES >> 20
                    ),
                ),
            };
            analysis.note(kind, message);
            // Not compiled as it stands (or not known to be), so a secret here counts as
            // committed, not shipped.
            scan_text(analysis, text);
        }
    }
}

fn analyze_env(analysis: &mut FileAnalysis, text: &str) {
    analysis.env_assignments = env_file::parse(text).into();
    scan_text(analysis, text);
    // Assignments come in line order, so their values' spans are sorted and disjoint: the one
    // holding a hit is found by binary search, not by a scan per hit.
    let assignments = &analysis.env_assignments;
    for hit in &mut analysis.credentials {
        let at = hit.credential.span.start;
        let after = assignments.partition_point(|a| a.value_span.start <= at);
        hit.context.variable = after
            .checked_sub(1)
            .map(|i| &assignments[i])
            .filter(|a| at < a.value_span.end)
            .map(|a| a.name.clone());
    }
}

fn analyze_source_map(analysis: &mut FileAnalysis, text: &str) {
    let Some(sources) = bundle::source_map_contents(text) else {
        return scan_text(analysis, text);
    };
    // Each secret found in an original source is pointed at where it is written in the map
    // file: its JSON string's escapes are walked once to map offsets. (Searching the map for
    // each secret's text cost a pass over the map per secret, and missed secrets written with
    // escapes inside.) Only a map whose strings could not be located falls back to searching.
    let mut searched_from: BTreeMap<String, usize> = BTreeMap::new();
    for source in sources {
        let found = credential::find_all(&source.content);
        if found.is_empty() {
            continue;
        }
        let written_at: Option<Vec<usize>> = source.raw.as_ref().map(|raw| {
            let offsets: Vec<usize> = found
                .iter()
                .flat_map(|f| [f.span.start, f.span.end])
                .collect();
            bundle::json_string_offsets(&text[raw.clone()], &offsets)
                .into_iter()
                .map(|at| raw.start + at)
                .collect()
        });
        // Hits come in order, so their lines are counted in one pass.
        let (mut line, mut counted) = (1, 0);
        for (index, found) in found.into_iter().enumerate() {
            line += source.content.as_bytes()[counted..found.span.start]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            counted = found.span.start;
            let span = match &written_at {
                Some(offsets) => offsets[2 * index]..offsets[2 * index + 1],
                None => {
                    let value = &source.content[found.span.clone()];
                    let from = searched_from.get(value).copied().unwrap_or(0);
                    let Some(at) = text[from..].find(value).map(|n| n + from) else {
                        continue;
                    };
                    searched_from.insert(value.to_string(), at + value.len());
                    at..at + value.len()
                }
            };
            let origin = format!("`{}` line {line}", source.name);
            let credential = Credential { span, ..found };
            let context = HitContext {
                origin: Some(origin),
                ..HitContext::default()
            };
            analysis.credentials.push(CredentialHit {
                credential,
                context,
            });
        }
    }
}

fn analyze_wasm(analysis: &mut FileAnalysis, bytes: &[u8]) {
    analysis.lines = LineIndex::binary();
    if !credential::may_contain(bytes) {
        return;
    }
    for data in bundle::wasm_strings(bytes, 16) {
        for found in credential::find_all(&data.text) {
            let at = data.span.start;
            let span = at + found.span.start..at + found.span.end;
            let origin = Some(format!("wasm data at byte offset {}", span.start));
            let context = HitContext {
                origin,
                ..HitContext::default()
            };
            analysis.credentials.push(CredentialHit {
                credential: Credential { span, ..found },
                context,
            });
        }
    }
}
