//! What kind of file a path is, and where a file sits, before anything inside it is read.

use crate::project::package::PackageSide;

/// What kind of file a path is, from its name alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Rust,
    /// `.env`, `.env.*`
    Env,
    /// `.js .mjs .cjs .ts .jsx .tsx .vue .svelte .astro .html`, and page templates
    /// (`.hbs .tera .jinja .j2 .njk .liquid`)
    FrontEnd,
    SourceMap,
    Wasm,
    /// Markdown and text read by people: runbooks, support docs.
    Doc,
    /// Anything else that is text: TOML, YAML, JSON, shell, …
    Other,
}

impl FileKind {
    pub fn of(path: &str) -> FileKind {
        let name = file_name(path);
        if name == ".env" || name.starts_with(".env.") {
            return FileKind::Env;
        }
        match extension(name) {
            "rs" => FileKind::Rust,
            "js" | "mjs" | "cjs" | "ts" | "mts" | "cts" | "jsx" | "tsx" | "vue" | "svelte"
            | "astro" | "html" | "htm" | "hbs" | "handlebars" | "tera" | "jinja" | "j2" | "njk"
            | "liquid" => FileKind::FrontEnd,
            "map" => FileKind::SourceMap,
            "wasm" => FileKind::Wasm,
            "md" | "markdown" | "txt" | "rst" | "adoc" => FileKind::Doc,
            _ => FileKind::Other,
        }
    }
}

pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn extension(name: &str) -> &str {
    name.rsplit_once('.')
        .map_or("", |(stem, ext)| if stem.is_empty() { "" } else { ext })
}

/// Where a file sits, before anything inside it is looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileClass {
    pub kind: FileKind,
    /// For non-Rust files: client or server. For Rust files: the package side, where shared
    /// means per-item.
    pub package_side: PackageSide,
    /// Under `tests/`, `examples/`, `fixtures/`, a `*.test.*` file, …
    pub test_code: bool,
    /// False when the file name marks another environment (or the launch is `sandbox`).
    pub live: bool,
    /// A runbook or support document (reported by `runbook-leak`, not the code rules).
    pub runbook: bool,
    /// Tracked by git but listed by an ignore file: read by the credential rules only, since
    /// an ignore file must not hide a committed secret.
    pub credentials_only: bool,
}
