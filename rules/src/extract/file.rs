//! What one file contributes, as plain data: [`FileAnalysis`] and the notes about it.

use std::ops::Range;
use thin_vec::ThinVec;

use crate::extract::credential::Credential;
use crate::extract::env_file::{self, Assignment};
use crate::extract::gate::Gate;
use crate::extract::rust::{Include, ModDecl};
use crate::extract::suppression::Suppression;
use crate::ground::finding::Draft;
use crate::ground::source::{LineIndex, Stamp};
use crate::project::model::{FileClass, FileKind, PackageSide, Scope, Side};

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
    /// Scanned differently, as intended (a report launchlint wrote): shown with `--verbose`.
    Detail,
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
    /// Text that documents rather than runs: a Rust doc comment, an attribute's argument
    /// (`#[schema(example = "…")]`, `#[arg(help = "…")]`), a clap `about`/`help` text.
    pub documentation: bool,
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
    /// The file's scope, narrowed by the place: test gates (`#[cfg(test)]`, `#[test]`) make
    /// test scope, doc comments and attribute arguments documentation.
    pub scope: Scope,
    /// Not code that runs in production: test, example or documentation scope (rules that
    /// skip test code skip doc comments and documented examples too).
    pub test_code: bool,
    /// Live scope: live code in a file that names no other environment, in a live launch.
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
    /// What the file's bytes were, when something here may be reported: a source excerpt is
    /// read again from the file, and shown only if it is still the same (see
    /// [`crate::extract::shown`]).
    pub stamp: Option<Stamp>,
    /// Where the first line's text ends, trailing white space left out (0 when the lines were
    /// not kept): findings about what a whole project lacks point at it.
    pub first_line_end: usize,
    pub credentials: ThinVec<CredentialHit>,
    pub env_reads: ThinVec<EnvRead>,
    pub env_assignments: ThinVec<Assignment>,
    pub mod_decls: ThinVec<ModDecl>,
    /// `include_str!`/`include_bytes!` in this Rust file.
    pub includes: ThinVec<Include>,
    /// HTTP requests and what resolves their URLs (Rust files).
    pub calls: crate::extract::request::CallFacts,
    /// Webhook handlers' building blocks (Rust files).
    pub webhooks: crate::extract::rust::webhooks::WebhookFacts,
    /// Origin uses in env, config and front-end files (Rust ones are in `calls`).
    pub origins: ThinVec<crate::extract::origins::OriginUse>,
    /// Mentions of `*.0bit.app` hosts, with the Rust gate at each.
    pub hosts: ThinVec<crate::extract::origins::HostMention>,
    /// Local modules this JS/TS file imports, as written.
    pub imports: ThinVec<String>,
    /// The JS/TS module starts with `"use client"`.
    pub use_client: bool,
    pub suppressions: ThinVec<Suppression>,
    /// Logging and printing calls (Rust macros, JS `console.*`).
    pub logs: ThinVec<crate::extract::logs::LogCall>,
    /// Personal data, bearer values and client secrets in a runbook's text.
    pub mentions: ThinVec<crate::extract::pii::Mention>,
    /// What in this file says it deals with 0Bit.
    pub evidence: ThinVec<crate::extract::evidence::Evidence>,
    /// The alert definitions this file holds, when it is read as an alert file.
    /// (Boxed: few files hold alerts, and every file's analysis is kept through the run.)
    pub alerts: Option<Box<crate::extract::alerts::AlertFile>>,
    /// Routes of every path and state writes (Rust files).
    pub handlers: crate::extract::rust::handlers::HandlerFacts,
    /// Named lists of short strings (Rust consts, JS/TS consts).
    pub lists: ThinVec<crate::extract::lists::NamedList>,
    /// Sentences that speak of reach or outcome (front-end, Markdown, translation files).
    pub sentences: ThinVec<crate::extract::copy::Sentence>,
    /// Success and close callbacks given in browser code (JS/TS, Vue, Svelte). Findings
    /// about them point at the file's requests, which keep its text already.
    pub callbacks: ThinVec<crate::extract::callbacks::Callback>,
    pub notes: ThinVec<Note>,
    /// Gates inherited from the `mod` declaration of this file; set by [`check`].
    pub inherited: Gate,
    /// The client-side Rust file that compiles this file in with `include_str!`/`include_bytes!`.
    pub shipped_by: Option<String>,
}

impl FileAnalysis {
    pub(crate) fn new(path: &str, class: FileClass) -> Self {
        FileAnalysis {
            path: path.to_string(),
            class,
            lines: LineIndex::default(),
            stamp: None,
            first_line_end: 0,
            credentials: ThinVec::new(),
            env_reads: ThinVec::new(),
            env_assignments: ThinVec::new(),
            mod_decls: ThinVec::new(),
            includes: ThinVec::new(),
            calls: Default::default(),
            webhooks: Default::default(),
            origins: ThinVec::new(),
            hosts: ThinVec::new(),
            imports: ThinVec::new(),
            use_client: false,
            suppressions: ThinVec::new(),
            logs: ThinVec::new(),
            mentions: ThinVec::new(),
            evidence: ThinVec::new(),
            alerts: None,
            handlers: Default::default(),
            lists: ThinVec::new(),
            sentences: ThinVec::new(),
            callbacks: ThinVec::new(),
            notes: ThinVec::new(),
            inherited: Gate::default(),
            shipped_by: None,
        }
    }

    /// Whether a finding may point into this file: only such files keep their lines (and a
    /// stamp of their bytes), so memory does not grow with the size of the project. Every fact a
    /// rule can report at must make this true; `Context::report` asserts it.
    pub fn may_be_reported(&self, config_path: Option<&str>) -> bool {
        !self.origins.is_empty()
            || !self.hosts.is_empty()
            || config_path == Some(self.path.as_str())
            // Findings about what is missing point at alert files and the root manifest.
            || self.alerts.is_some()
            || self.path == "Cargo.toml"
            || !self.credentials.is_empty()
            || !self.env_reads.is_empty()
            || self.env_assignments.iter().any(Assignment::is_public)
            || !self.suppressions.is_empty()
            || !self.logs.is_empty()
            || !self.mentions.is_empty()
            || self.calls.may_be_reported()
            || self.webhooks.may_be_reported()
            || self.handlers.may_be_reported()
            || !self.lists.is_empty()
            || !self.sentences.is_empty()
    }

    pub(crate) fn note(&mut self, kind: NoteKind, message: impl Into<String>) {
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
        let scope = match self.class.scope {
            _ if gate.test => Scope::Test,
            Scope::Live if context.documentation => Scope::Documentation,
            scope => scope,
        };
        let not_bundled = scope.is_test_or_example();
        let kind = self.class.kind;
        let side = match kind {
            _ if self.shipped_by.is_some() => Side::Client,
            FileKind::Env => match &context.variable {
                Some(name) if env_file::is_public(name) => Side::Client,
                _ => Side::Server,
            },
            // Tests, examples and comments are never compiled into a bundle.
            FileKind::Rust if not_bundled || !context.compiled => Side::Server,
            FileKind::FrontEnd if not_bundled => Side::Server,
            // Server-gated code is not compiled into the browser build of any package.
            _ if gate.server => Side::Server,
            _ => match self.class.package_side {
                PackageSide::Client | PackageSide::Shared => Side::Client,
                PackageSide::Server => Side::Server,
            },
        };
        Place {
            side,
            scope,
            test_code: scope != Scope::Live,
            live: scope == Scope::Live && self.class.live_environment,
            runbook: self.class.runbook,
            kind,
        }
    }
}
