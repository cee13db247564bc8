//! The pipeline of the analysis library, in the order data flows through it:
//!
//! 1. [`analyze_file`] reads one file's bytes once (parsing Rust once with syn) and returns a
//!    [`FileAnalysis`]: plain facts with byte spans. It runs on any thread.
//! 2. [`check`] takes every file's facts, resolves what needs the whole project (module gating
//!    across files, which variables hold secrets), runs the rules, applies suppressions and
//!    returns sorted findings.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::sync::Arc;

use crate::credential::{self, Credential};
use crate::env_file::{self, Assignment};
use crate::finding::{self, Context, Draft, Finding, Levels};
use crate::model::{self, FileClass, FileKind, PackageSide, ProjectModel, Side};
use crate::rules::{self, Check, Rule};
use crate::rust_source::{self, Gate, Include, ModDecl, NotParsed};
use crate::source::LineIndex;
use crate::suppression::{self, Suppression};
use crate::{bundle, js};

/// Something about a file that the user should know but that is not a finding: it could not
/// be parsed, it is not UTF-8, it was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub path: String,
    pub message: String,
    pub kind: NoteKind,
}

/// What a note says about its file, so the summary can count what was not fully scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoteKind {
    /// Could not be read at all (permissions, not a regular file, a broken link).
    Unreadable,
    /// Over a size limit: skipped, or (Rust) scanned as text only.
    TooLarge,
    /// Did not parse (or nests too deeply to parse safely): scanned as text only.
    Unparsed,
    /// A binary file other than `.wasm`: skipped.
    Binary,
    /// Scanned, with something worth knowing (invalid UTF-8 replaced, a fallback taken).
    Info,
}

impl Note {
    pub fn new(path: impl Into<String>, kind: NoteKind, message: impl Into<String>) -> Self {
        Note {
            path: path.into(),
            message: message.into(),
            kind,
        }
    }
}

/// Where a value sits inside its file, beyond the file's own class.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HitContext {
    /// Gates of the enclosing Rust item.
    pub gate: Gate,
    /// Compiled into the program (a Rust string literal) rather than in a comment.
    pub compiled: bool,
    /// In an env file: the variable that holds the value.
    pub variable: Option<String>,
    /// Where a built artefact says the value came from (`src/config.ts` line 3).
    pub origin: Option<String>,
}

#[derive(Clone, Debug)]
pub struct CredentialHit {
    pub credential: Credential,
    pub context: HitContext,
}

/// A read of an environment variable: `env!("X")` in Rust, `import.meta.env.X` in JS.
#[derive(Clone, Debug)]
pub struct EnvRead {
    pub span: Range<usize>,
    pub variable: String,
    /// How the code reads it, for messages: `env!`, `import.meta.env`, …
    pub how: String,
    pub context: HitContext,
}

/// Where a finding ends up running, and in which scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub side: Side,
    pub test_code: bool,
    pub live: bool,
    pub runbook: bool,
    pub kind: FileKind,
}

/// Everything one file contributes, as plain data.
#[derive(Clone, Debug)]
pub struct FileAnalysis {
    pub path: String,
    pub class: FileClass,
    pub lines: LineIndex,
    /// The text with every credential masked, kept only when something here may be reported.
    pub display: Option<Arc<str>>,
    pub credentials: Vec<CredentialHit>,
    pub env_reads: Vec<EnvRead>,
    pub env_assignments: Vec<Assignment>,
    pub mod_decls: Vec<ModDecl>,
    /// `include_str!`/`include_bytes!` in this Rust file.
    pub includes: Vec<Include>,
    /// HTTP requests and what resolves their URLs (Rust files).
    pub calls: crate::calls::CallFacts,
    /// Webhook handlers' building blocks (Rust files).
    pub webhooks: crate::webhooks::WebhookFacts,
    /// Origin uses in env, config and front-end files (Rust ones are in `calls`).
    pub origins: Vec<crate::origins::OriginUse>,
    /// Mentions of `*.0bit.app` hosts, with the Rust gate at each.
    pub hosts: Vec<(crate::origins::HostMention, Gate)>,
    /// Local modules this JS/TS file imports, as written.
    pub imports: Vec<String>,
    /// The JS/TS module starts with `"use client"`.
    pub use_client: bool,
    pub suppressions: Vec<Suppression>,
    pub notes: Vec<Note>,
    /// Gates inherited from the `mod` declaration of this file; set by [`check`].
    pub inherited: Gate,
    /// The client-side Rust file that compiles this file in with `include_str!`/`include_bytes!`.
    pub shipped_by: Option<String>,
}

impl FileAnalysis {
    fn new(path: &str, class: FileClass) -> Self {
        FileAnalysis {
            path: path.to_string(),
            class,
            lines: LineIndex::binary(),
            display: None,
            credentials: Vec::new(),
            env_reads: Vec::new(),
            env_assignments: Vec::new(),
            mod_decls: Vec::new(),
            includes: Vec::new(),
            calls: Default::default(),
            webhooks: Default::default(),
            origins: Vec::new(),
            hosts: Vec::new(),
            imports: Vec::new(),
            use_client: false,
            suppressions: Vec::new(),
            notes: Vec::new(),
            inherited: Gate::default(),
            shipped_by: None,
        }
    }

    fn note(&mut self, kind: NoteKind, message: impl Into<String>) {
        self.notes.push(Note::new(self.path.clone(), kind, message));
    }

    /// A finding at `span` of this file, for a rule to hand to the context.
    pub fn draft(
        &self,
        span: Range<usize>,
        message: String,
        help: String,
        evidence: String,
    ) -> Draft<'_> {
        Draft::new(&self.path, &self.lines, span, message, help, evidence)
    }

    /// Where a value with `context` runs and in which scope.
    pub fn place(&self, context: &HitContext) -> Place {
        let gate = context.gate.or(self.inherited);
        let test_code = self.class.test_code || gate.test;
        let kind = self.class.kind;
        let side = match kind {
            _ if self.shipped_by.is_some() => Side::Client,
            FileKind::Env => match &context.variable {
                Some(name) if env_file::is_public(name) => Side::Client,
                _ => Side::Server,
            },
            // Tests and comments are never compiled into a bundle.
            FileKind::Rust if test_code || !context.compiled => Side::Server,
            FileKind::FrontEnd if test_code => Side::Server,
            // Server-gated code is not compiled into the browser build of any package.
            _ if gate.server => Side::Server,
            _ => match self.class.package_side {
                PackageSide::Client | PackageSide::Shared => Side::Client,
                PackageSide::Server => Side::Server,
            },
        };
        Place {
            side,
            test_code,
            live: self.class.live && !gate.test,
            runbook: self.class.runbook,
            kind,
        }
    }
}

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
    let text: Arc<str> = match std::str::from_utf8(bytes) {
        Ok(text) => text.into(),
        Err(_) => {
            analysis.note(
                NoteKind::Info,
                "not valid UTF-8; scanned with invalid bytes replaced",
            );
            String::from_utf8_lossy(bytes).into()
        }
    };
    if class.kind == FileKind::FrontEnd
        && class.package_side == PackageSide::Client
        && model.runs_on_server(&text)
    {
        class.package_side = PackageSide::Server;
        analysis.class = class;
    }
    analysis.suppressions = suppression::parse(&text, analysis.class.kind);
    match analysis.class.kind {
        _ if analysis.class.credentials_only => analyze_credentials_only(&mut analysis, &text),
        FileKind::Rust => analyze_rust(&mut analysis, &text, &model.operation_methods),
        FileKind::Env => analyze_env(&mut analysis, &text),
        FileKind::SourceMap => analyze_source_map(&mut analysis, &text),
        FileKind::FrontEnd => analyze_front_end(&mut analysis, &text),
        FileKind::Doc | FileKind::Other | FileKind::Wasm => scan_text(&mut analysis, &text),
    }
    match analysis.class.kind {
        _ if analysis.class.credentials_only => {}
        FileKind::Env => {
            analysis.origins = env_origin_uses(&analysis.env_assignments);
        }
        FileKind::Other | FileKind::FrontEnd => {
            analysis.origins = crate::origins::text_origin_uses(&text)
        }
        _ => {}
    }
    if analysis.hosts.is_empty()
        && analysis.class.kind != FileKind::Wasm
        && !analysis.class.credentials_only
    {
        analysis.hosts = crate::origins::host_mentions(&text)
            .into_iter()
            .map(|m| (m, Gate::default()))
            .collect();
    }
    let reportable = !analysis.origins.is_empty()
        || !analysis.hosts.is_empty()
        || model.launch.path.as_deref() == Some(path)
        || !analysis.credentials.is_empty()
        || !analysis.env_reads.is_empty()
        || analysis.env_assignments.iter().any(Assignment::is_public)
        || !analysis.suppressions.is_empty()
        || analysis.calls.may_be_reported()
        || analysis.webhooks.may_be_reported();
    // Only files that may be reported keep line bookkeeping and (masked) text; the rest
    // are dropped here, so memory does not grow with the size of the project.
    if reportable {
        analysis.lines = LineIndex::new(text.clone());
        let found: Vec<Credential> = analysis
            .credentials
            .iter()
            .map(|h| h.credential.clone())
            .collect();
        analysis.display = Some(credential::mask(&text, &found).into());
    }
    analysis
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
    analysis.env_reads = js::env_reads(text)
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
    (analysis.calls.requests, analysis.calls.consts) = js::requests(text);
    analysis.imports = js::local_imports(text);
    analysis.use_client = model::declares_use_client(text);
    // An Astro component's frontmatter, and the functions frameworks run before rendering
    // (`getServerSideProps`, Remix `loader`/`action`), run on the server only.
    let mut server_ranges = js::server_function_ranges(text);
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

/// `ALLOWED_ORIGINS=https://a,https://b`, `RETURN_URL=…`: each listed value.
fn env_origin_uses(assignments: &[Assignment]) -> Vec<crate::origins::OriginUse> {
    let mut uses = Vec::new();
    for assignment in assignments
        .iter()
        .filter(|a| crate::origins::is_origin_key(&a.name))
    {
        let mut offset = assignment.value_span.start;
        for part in assignment.value.split(',') {
            let lead = part.len() - part.trim_start().len();
            let value = part.trim();
            if !value.is_empty() {
                let start = offset + lead;
                uses.push(crate::origins::OriginUse {
                    value: value.to_string(),
                    span: start..start + value.len(),
                    wildcard: value == "*",
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
            analysis.hosts = crate::origins::host_mentions(text)
                .into_iter()
                .map(|m| {
                    let gate = facts.gate_at(m.span.start);
                    (m, gate)
                })
                .collect();
            analysis.mod_decls = facts.mod_decls;
            analysis.includes = facts.includes;
            analysis.calls = facts.calls;
            analysis.webhooks = facts.webhooks;
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
    analysis.env_assignments = env_file::parse(text);
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
    if !credential::may_contain(bytes) {
        return;
    }
    for (range, string) in bundle::wasm_strings(bytes, 16) {
        for found in credential::find_all(&string) {
            let span = range.start + found.span.start..range.start + found.span.end;
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

/// The project-wide view the rules read.
pub struct Facts<'a> {
    pub model: &'a ProjectModel,
    pub files: &'a [FileAnalysis],
    /// Every Rust request to a 0Bit API host, resolved across files.
    pub requests: Vec<crate::requests::ResolvedRequest<'a>>,
    /// Webhook handlers and the types events are read into.
    pub webhooks: crate::webhooks::WebhookModel<'a>,
    /// Variables some env file assigns a secret-shaped value (`GATE_KEY=sk_test_...`).
    secret_variables: BTreeSet<String>,
}

impl Facts<'_> {
    /// Every origin use in live, non-test code and config, with its file: Rust uses (consts
    /// resolved within the file) and env, config and front-end ones.
    pub fn origin_uses(&self) -> Vec<(&FileAnalysis, crate::origins::OriginUse)> {
        let mut uses = Vec::new();
        for file in self.files {
            for rust in &file.calls.origins {
                let place = file.place(&HitContext {
                    gate: rust.gate,
                    compiled: true,
                    ..HitContext::default()
                });
                let value = resolve_in_file(file, &rust.value);
                if let (true, Some(value)) = (place.live && !place.test_code, value) {
                    uses.push((
                        file,
                        crate::origins::OriginUse {
                            value,
                            span: rust.span.clone(),
                            wildcard: rust.wildcard,
                        },
                    ));
                }
            }
            let place = file.place(&HitContext::default());
            if place.live && !place.test_code {
                uses.extend(file.origins.iter().map(|u| (file, u.clone())));
            }
        }
        uses
    }

    /// A server secret: named like one, or given a secret value by some env file.
    pub fn is_secret_variable(&self, name: &str) -> bool {
        env_file::name_marks_secret(name) || self.secret_variables.contains(name)
    }
}

/// A Rust string template with the file's own consts substituted; `None` when a piece is
/// known only elsewhere or at runtime.
fn resolve_in_file(file: &FileAnalysis, template: &crate::calls::Template) -> Option<String> {
    let mut out = String::new();
    for piece in template {
        match piece {
            crate::calls::Piece::Text(text) => out.push_str(text),
            crate::calls::Piece::Const(name) => {
                let constant = file.calls.consts.iter().find(|c| &c.name == name)?;
                match constant.value.as_slice() {
                    [crate::calls::Piece::Text(text)] => out.push_str(text),
                    _ => return None,
                }
            }
            _ if out.contains("://") => break,
            _ => return None,
        }
    }
    Some(out)
}

/// The outcome of a whole check.
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub suppressed: usize,
}

/// Runs every enabled rule over the analyzed files.
pub fn check(model: &ProjectModel, files: &mut [FileAnalysis], levels: &Levels) -> Outcome {
    resolve_module_gates(files);
    resolve_includes(files);
    resolve_next_client_modules(model, files);
    let secret_variables = files
        .iter()
        .flat_map(|file| &file.env_assignments)
        .filter(|a| {
            env_file::name_marks_secret(&a.name) || credential::secret_prefix(&a.value).is_some()
        })
        .map(|a| a.name.clone())
        .collect();
    let requests = crate::requests::resolve(model, files);
    let webhooks = crate::webhooks::build(model, files);
    let facts = Facts {
        model,
        files,
        requests,
        webhooks,
        secret_variables,
    };
    let runs = |rule: &Rule, cx: &Context| {
        cx.is_enabled(rule) && !(rule.live_only && model.environment != model::Environment::Live)
    };
    let mut cx = Context::new(levels);
    for rule in rules::ALL {
        if let (true, Check::Facts(check)) = (runs(rule, &cx), &rule.check) {
            check(&facts, &mut cx);
        }
    }
    let (mut findings, suppressed, use_of_suppressions) =
        apply_suppressions(files, cx.into_findings());
    let mut cx = Context::new(levels);
    for rule in rules::ALL {
        if let (true, Check::Suppressions(check)) = (runs(rule, &cx), &rule.check) {
            check(&use_of_suppressions, &mut cx);
        }
    }
    findings.extend(cx.into_findings());
    finding::finalize(&mut findings);
    Outcome {
        findings,
        suppressed,
    }
}

/// Gives each Rust file the gates of the `mod` item that declares it, transitively, so
/// `#[cfg(feature = "ssr")] mod server;` makes all of `server.rs` server-side.
fn resolve_module_gates(files: &mut [FileAnalysis]) {
    let index: BTreeMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut parent: BTreeMap<usize, (usize, Gate)> = BTreeMap::new();
    for (at, file) in files.iter().enumerate() {
        for decl in &file.mod_decls {
            for candidate in module_file_candidates(&file.path, decl) {
                if let Some(&child) = index.get(candidate.as_str()) {
                    parent.entry(child).or_insert((at, decl.gate));
                    break;
                }
            }
        }
    }
    let inherited: Vec<Gate> = (0..files.len())
        .map(|mut at| {
            let mut gate = Gate::default();
            // Bounded: `#[path]` can make cycles.
            for _ in 0..64 {
                let Some(&(up, decl_gate)) = parent.get(&at) else {
                    break;
                };
                gate = gate.or(decl_gate);
                at = up;
            }
            gate
        })
        .collect();
    for (file, gate) in files.iter_mut().zip(inherited) {
        file.inherited = gate;
    }
}

/// Marks files that client-side Rust compiles in with `include_str!`/`include_bytes!`.
fn resolve_includes(files: &mut [FileAnalysis]) {
    let index: BTreeMap<String, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.clone(), i))
        .collect();
    let mut shipped = Vec::new();
    for file in files.iter() {
        for include in &file.includes {
            let context = HitContext {
                gate: include.gate,
                compiled: true,
                ..HitContext::default()
            };
            if file.place(&context).side != Side::Client {
                continue;
            }
            let dir = file.path.rsplit_once('/').map_or("", |(dir, _)| dir);
            if let Some(&target) = index.get(&normalize(&join(dir, &include.path))) {
                shipped.push((target, file.path.clone()));
            }
        }
    }
    for (target, by) in shipped {
        files[target].shipped_by.get_or_insert(by);
    }
}

/// In a Next.js app, modules are server components unless a client entry reaches them: a
/// `"use client"` module or a `pages/` page, and whatever they import, transitively.
fn resolve_next_client_modules(model: &ProjectModel, files: &mut [FileAnalysis]) {
    let is_candidate = |file: &FileAnalysis| {
        file.class.kind == FileKind::FrontEnd
            && file.class.package_side == PackageSide::Client
            && !model.is_shipped_path(&file.path)
            && model.next_app_of(&file.path).is_some()
    };
    let index: BTreeMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut reached: BTreeSet<usize> = BTreeSet::new();
    let mut queue: Vec<usize> = files
        .iter()
        .enumerate()
        .filter(|(_, file)| is_candidate(file))
        .filter(|(_, file)| {
            let app = model
                .next_app_of(&file.path)
                .map_or("", |app| app.dir.as_str());
            let inner = file
                .path
                .strip_prefix(app)
                .unwrap_or(&file.path)
                .trim_start_matches('/');
            file.use_client || inner.starts_with("pages/") || inner.starts_with("src/pages/")
        })
        .map(|(at, _)| at)
        .collect();
    while let Some(at) = queue.pop() {
        if !reached.insert(at) {
            continue;
        }
        let file = &files[at];
        let app = model
            .next_app_of(&file.path)
            .map_or("", |app| app.dir.as_str());
        for import in &file.imports {
            let found = module_candidates(&file.path, app, import)
                .into_iter()
                .find_map(|c| index.get(c.as_str()).copied());
            queue.extend(found);
        }
    }
    for (at, file) in files.iter_mut().enumerate() {
        if is_candidate(file) && !reached.contains(&at) {
            file.class.package_side = PackageSide::Server;
        }
    }
}

/// Files an import specifier can resolve to, in the bundler's order.
fn module_candidates(importer: &str, app_dir: &str, specifier: &str) -> Vec<String> {
    const SUFFIXES: [&str; 11] = [
        "",
        ".ts",
        ".tsx",
        ".js",
        ".jsx",
        ".mjs",
        ".cjs",
        "/index.ts",
        "/index.tsx",
        "/index.js",
        "/index.jsx",
    ];
    let dir = importer.rsplit_once('/').map_or("", |(dir, _)| dir);
    let bases = match specifier
        .strip_prefix("@/")
        .or_else(|| specifier.strip_prefix("~/"))
    {
        Some(rest) => vec![join(app_dir, rest), join(&join(app_dir, "src"), rest)],
        None => vec![join(dir, specifier)],
    };
    bases
        .iter()
        .flat_map(|base| {
            SUFFIXES
                .iter()
                .map(move |suffix| normalize(&format!("{base}{suffix}")))
        })
        .collect()
}

fn join(dir: &str, path: &str) -> String {
    if dir.is_empty() {
        path.to_string()
    } else {
        format!("{dir}/{path}")
    }
}

/// Where the file of `mod name;` declared in `parent` can be.
fn module_file_candidates(parent: &str, decl: &ModDecl) -> Vec<String> {
    let (dir, name) = parent.rsplit_once('/').unwrap_or(("", parent));
    let join = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            format!("{a}/{b}")
        }
    };
    if let Some(path) = &decl.path {
        return vec![normalize(&join(dir, path))];
    }
    let parent_dir = dir.rsplit('/').next().unwrap_or(dir);
    let owns_dir = matches!(name, "lib.rs" | "main.rs" | "mod.rs")
        || matches!(parent_dir, "bin" | "tests" | "examples" | "benches");
    let module_dir = if owns_dir {
        dir.to_string()
    } else {
        join(dir, name.trim_end_matches(".rs"))
    };
    vec![
        join(&module_dir, &format!("{}.rs", decl.name)),
        join(&module_dir, &format!("{}/mod.rs", decl.name)),
    ]
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// Which suppression comment silenced something, for the rules that judge the comments.
pub struct SuppressionUse<'a> {
    files: &'a [FileAnalysis],
    /// By the comment's position in [`SuppressionUse::all`].
    used: Vec<bool>,
}

impl<'a> SuppressionUse<'a> {
    /// Every suppression comment with its file, in file order.
    pub fn all(&self) -> impl Iterator<Item = (&'a FileAnalysis, &'a Suppression)> + 'a {
        self.files
            .iter()
            .flat_map(|file| file.suppressions.iter().map(move |s| (file, s)))
    }

    /// Whether the comment at `at` (a position in [`SuppressionUse::all`]) silenced a finding.
    pub fn silenced_something(&self, at: usize) -> bool {
        self.used.get(at).copied().unwrap_or(false)
    }
}

/// Drops findings silenced by a suppression comment (one with a reason that names their
/// rule, on their line or the line above); returns the rest, how many were dropped, and
/// which comments silenced something.
fn apply_suppressions(
    files: &[FileAnalysis],
    findings: Vec<Finding>,
) -> (Vec<Finding>, usize, SuppressionUse<'_>) {
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0;
    for file in files {
        first.insert(file.path.as_str(), total);
        total += file.suppressions.len();
    }
    // Per file, the suppressions by the line they sit on: a finding looks at two lines only.
    let by_line: BTreeMap<&str, BTreeMap<usize, Vec<usize>>> = files
        .iter()
        .map(|file| {
            let mut lines: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
            for (at, suppression) in file.suppressions.iter().enumerate() {
                lines.entry(suppression.line).or_default().push(at);
            }
            (file.path.as_str(), lines)
        })
        .collect();
    let by_path: BTreeMap<&str, &FileAnalysis> =
        files.iter().map(|f| (f.path.as_str(), f)).collect();
    let mut used = vec![false; total];
    let mut kept = Vec::with_capacity(findings.len());
    let mut suppressed = 0;
    for finding in findings {
        let line = finding.start.line;
        let silenced_by = by_path.get(finding.path.as_str()).and_then(|file| {
            let lines = &by_line[finding.path.as_str()];
            // A comment on the finding's own line comes first, then the one above: two
            // suppressed lines in a row each use their own comment.
            [Some(line), line.checked_sub(1)]
                .into_iter()
                .flatten()
                .filter_map(|on| lines.get(&on))
                .flatten()
                .copied()
                .find(|&at| {
                    let s = &file.suppressions[at];
                    s.covers(line)
                        && !s.reason.is_empty()
                        && s.rules.iter().any(|r| r == finding.rule)
                })
        });
        match silenced_by {
            Some(at) => {
                used[first[finding.path.as_str()] + at] = true;
                suppressed += 1;
            }
            None => kept.push(finding),
        }
    }
    (kept, suppressed, SuppressionUse { files, used })
}

/// The rule a finding was made by.
pub fn rule_of(finding: &Finding) -> Option<&'static Rule> {
    rules::by_id(finding.rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_candidates() {
        let decl = |name: &str, path: Option<&str>| ModDecl {
            name: name.into(),
            path: path.map(Into::into),
            gate: Gate::default(),
        };
        assert_eq!(
            module_file_candidates("app/src/lib.rs", &decl("server", None)),
            ["app/src/server.rs", "app/src/server/mod.rs"]
        );
        assert_eq!(
            module_file_candidates("src/api.rs", &decl("keys", None)),
            ["src/api/keys.rs", "src/api/keys/mod.rs"]
        );
        assert_eq!(
            module_file_candidates("src/lib.rs", &decl("x", Some("../gen/x.rs"))),
            ["gen/x.rs"]
        );
    }
}
