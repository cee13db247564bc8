//! What kind of file a path is, and where a file sits, before anything inside it is read:
//! its kind, and its scope (spec §2, "Test, example and documentation paths"), decided by
//! whole words of its path's segments.

use std::sync::OnceLock;

use aho_corasick::AhoCorasick;

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

/// Which kind of code or text a file (or a place in it) is: only [`Scope::Live`] is live
/// scope. Test and example scope come from words of the path, documentation from the kind of
/// file (Markdown and text outside runbooks), its content (OpenAPI and JSON Schema
/// documents) or, within a Rust file, the place (doc comments and attribute arguments).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Scope {
    #[default]
    Live,
    /// Tests, benches, fixtures, mocks, end-to-end and load tests.
    Test,
    /// Examples, samples, demos, and folders the root manifest's `[workspace] exclude` lists.
    Example,
    /// Text for people: docs, doc comments, API documents, documented example values.
    Documentation,
}

impl Scope {
    /// Test or example code: never compiled into what ships, never live.
    pub fn is_test_or_example(self) -> bool {
        matches!(self, Scope::Test | Scope::Example)
    }
}

/// Where a file sits, before anything inside it is looked at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileClass {
    pub kind: FileKind,
    /// For non-Rust files: client or server. For Rust files: the package side, where shared
    /// means per-item.
    pub package_side: PackageSide,
    /// Test, example, documentation or live, from the path (and, for API documents, the text).
    pub scope: Scope,
    /// False when the file name marks another environment than production (`.env.local`,
    /// `config/staging.toml`) or the launch is `sandbox`.
    pub live_environment: bool,
    /// A runbook or support document (reported by `runbook-leak`, not the code rules).
    pub runbook: bool,
    /// Tracked by git but listed by an ignore file: read by the credential rules only, since
    /// an ignore file must not hide a committed secret.
    pub credentials_only: bool,
}

impl FileClass {
    /// Live scope: live code in a file that names no other environment.
    pub fn live(&self) -> bool {
        self.scope == Scope::Live && self.live_environment
    }
}

/// Words of a path segment that make a file test scope.
const TEST_WORDS: [&str; 16] = [
    "test",
    "tests",
    "testing",
    "testdata",
    "e2e",
    "cypress",
    "playwright",
    "loadtest",
    "loadtests",
    "k6",
    "bench",
    "benches",
    "fixture",
    "fixtures",
    "mock",
    "mocks",
];
/// Inner words of a file name (`checkout.spec.ts`, `pay.cy.js`) that make it test scope.
const TEST_NAME_PARTS: [&str; 2] = ["spec", "cy"];
/// File name endings that make a file test scope.
const TEST_NAME_ENDINGS: [&str; 1] = [".postman_collection.json"];
/// Words of a path segment that make a file example scope.
const EXAMPLE_WORDS: [&str; 6] = ["example", "examples", "sample", "samples", "demo", "demos"];

/// Every word, name part and ending above, in any ASCII case: each is a piece of the path
/// it marks, so a path holding none (most paths) is live without being split into words.
fn scope_marks() -> &'static AhoCorasick {
    static MARKS: OnceLock<AhoCorasick> = OnceLock::new();
    MARKS.get_or_init(|| {
        let marks = TEST_WORDS
            .iter()
            .chain(&TEST_NAME_PARTS)
            .chain(&TEST_NAME_ENDINGS)
            .chain(&EXAMPLE_WORDS);
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(marks)
            .expect("the marks are plain text")
    })
}

/// The words of one path segment: it splits at `-`, `_` and `.`, where a lowercase letter is
/// followed by an uppercase one (`paymentsTest` is `payments`, `Test`), and before the last
/// capital of a run of capitals that a lowercase letter follows (`APITests` is `API`, `Tests`).
pub fn words(segment: &str) -> Vec<&str> {
    let mut words = Vec::new();
    for part in segment.split(['-', '_', '.']) {
        let chars: Vec<(usize, char)> = part.char_indices().collect();
        let mut start = 0;
        for at in 1..chars.len() {
            let (offset, c) = chars[at];
            let before = chars[at - 1].1;
            let next_lower = chars.get(at + 1).is_some_and(|(_, n)| n.is_lowercase());
            if c.is_uppercase() && (before.is_lowercase() || (before.is_uppercase() && next_lower))
            {
                words.push(&part[start..offset]);
                start = offset;
            }
        }
        words.push(&part[start..]);
    }
    words.retain(|word| !word.is_empty());
    words
}

/// The scope that words of `path` (relative to the scanned root, with `/`) give it: test
/// when a word of a segment is a test word (or the name is `*.spec.*`, `*.cy.*`, a Postman
/// collection), else example when one is an example word, else live. Whole words only:
/// `contest.rs` and `testimonials/` are live.
pub fn marked_scope(path: &str) -> Scope {
    if !scope_marks().is_match(path) {
        return Scope::Live;
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let path_words: Vec<&str> = segments.iter().flat_map(|segment| words(segment)).collect();
    let has_word = |list: &[&str]| {
        path_words
            .iter()
            .any(|word| list.iter().any(|w| word.eq_ignore_ascii_case(w)))
    };
    let name = segments.last().copied().unwrap_or("").to_ascii_lowercase();
    let parts: Vec<&str> = name.split('.').collect();
    let inner = parts.get(1..parts.len().saturating_sub(1)).unwrap_or(&[]);
    let test_name = inner.iter().any(|part| TEST_NAME_PARTS.contains(part))
        || TEST_NAME_ENDINGS.iter().any(|end| name.ends_with(end));
    if test_name || has_word(&TEST_WORDS) {
        Scope::Test
    } else if has_word(&EXAMPLE_WORDS) {
        Scope::Example
    } else {
        Scope::Live
    }
}

/// Whether a JSON or YAML file is an OpenAPI (Swagger) or JSON Schema document: a top-level
/// `openapi` or `swagger` key, or a top-level `$schema` whose value names json-schema.org.
pub fn is_api_document(path: &str, text: &str) -> bool {
    match extension(file_name(path)).to_ascii_lowercase().as_str() {
        "json" => json_top_level_keys(text).into_iter().any(|(key, value)| {
            matches!(key, "openapi" | "swagger")
                || (key == "$schema" && value.contains("json-schema.org"))
        }),
        "yaml" | "yml" => text.lines().any(|line| {
            let Some((key, value)) = line.split_once(':') else {
                return false;
            };
            let key = key.trim_end().trim_matches(['"', '\'']);
            // Top level: the key starts the line.
            !line.starts_with([' ', '\t', '#', '-'])
                && (matches!(key, "openapi" | "swagger")
                    || (key == "$schema" && value.contains("json-schema.org")))
        }),
        _ => false,
    }
}

/// The keys of a JSON document's top-level object, each with the text of its value when the
/// value is a string (empty otherwise). One pass over the bytes, tracking strings and depth.
fn json_top_level_keys(text: &str) -> Vec<(&str, &str)> {
    let bytes = text.as_bytes();
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut at = 0;
    // The top-level key whose value comes next, once its `:` is seen.
    let mut pending: Option<&str> = None;
    let mut last_string: Option<&str> = None;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                let start = at + 1;
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                let string = text.get(start..at.min(bytes.len())).unwrap_or("");
                if depth == 1 {
                    if let Some(key) = pending.take() {
                        keys.push((key, string));
                    } else {
                        last_string = Some(string);
                    }
                }
            }
            b':' if depth == 1 => {
                if let Some(key) = last_string.take() {
                    pending = Some(key);
                }
            }
            b',' if depth == 1 => {
                if let Some(key) = pending.take() {
                    keys.push((key, ""));
                }
                last_string = None;
            }
            b'{' | b'[' => {
                if depth == 1 {
                    if let Some(key) = pending.take() {
                        keys.push((key, ""));
                    }
                }
                depth += 1;
            }
            b'}' | b']' => {
                if depth == 1 {
                    if let Some(key) = pending.take() {
                        keys.push((key, ""));
                    }
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        at += 1;
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_split_into_words() {
        for (segment, expected) in [
            ("cypress-tests", &["cypress", "tests"][..]),
            ("foo-test", &["foo", "test"]),
            ("a.test.js", &["a", "test", "js"]),
            ("payments_test.rs", &["payments", "test", "rs"]),
            ("paymentsTest.ts", &["payments", "Test", "ts"]),
            ("APITests", &["API", "Tests"]),
            ("E2ETests", &["E2E", "Tests"]),
            ("__tests__", &["tests"]),
            ("contest.rs", &["contest", "rs"]),
            ("testimonials", &["testimonials"]),
            ("k6", &["k6"]),
            ("", &[]),
        ] {
            assert_eq!(words(segment), expected, "{segment}");
        }
    }

    #[test]
    fn test_scope_paths() {
        for path in [
            "tests/api.rs",
            "server/tests/checkout.rs",
            "cypress-tests/checkout.cy.js",
            "foo-test/main.rs",
            "web/src/a.test.js",
            "server/src/payments_test.rs",
            "web/src/__tests__/pay.tsx",
            "e2e/checkout.spec.ts",
            "web/checkout.spec.ts",
            "web/pay.cy.js",
            "loadtest/script.js",
            "loadtests/run.sh",
            "k6/checkout.js",
            "benches/sign.rs",
            "crates/bench/src/main.rs",
            "fixtures/order.json",
            "server/src/fixtures.rs",
            "mocks/gate.rs",
            "server/src/mock.rs",
            "testdata/webhook.json",
            "playwright/pay.ts",
            "api/Shop.postman_collection.json",
            "web/src/PaymentsE2E.tsx",
            "Tests/Checkout.cs",
            "server/src/testing/mod.rs",
        ] {
            assert_eq!(marked_scope(path), Scope::Test, "{path}");
        }
        // Each word marks a path in any case, past the marks that turn other paths away.
        for word in TEST_WORDS {
            for path in [
                format!("a/{word}/b.rs"),
                format!("A/{}-x/B.rs", word.to_ascii_uppercase()),
            ] {
                assert_eq!(marked_scope(&path), Scope::Test, "{path}");
            }
        }
        for word in EXAMPLE_WORDS {
            assert_eq!(
                marked_scope(&format!("a/{word}_b/c.rs")),
                Scope::Example,
                "{word}"
            );
        }
    }

    #[test]
    fn example_scope_paths() {
        for path in [
            "examples/checkout.rs",
            "server/examples/webhook.rs",
            "example/main.rs",
            "samples/pay.ts",
            "sample-app/src/main.rs",
            "demo/src/main.rs",
            "demos/web/index.html",
            "web/src/DemoBanner.tsx",
            ".env.example",
        ] {
            assert_eq!(marked_scope(path), Scope::Example, "{path}");
        }
    }

    #[test]
    fn substrings_are_not_words() {
        for path in [
            "contest/src/main.rs",
            "server/src/contest.rs",
            "testimonials/page.tsx",
            "web/src/latest.ts",
            "server/src/attestation.rs",
            "server/src/benchmark_report.rs",
            "server/src/mockingbird.rs",
            "server/src/demographics.rs",
            "web/src/specs.ts",
            "web/spec.ts",
            "web/src/cypher.ts",
            "server/src/main.rs",
            "examplesque/main.rs",
        ] {
            assert_eq!(marked_scope(path), Scope::Live, "{path}");
        }
    }

    #[test]
    fn api_documents_by_content() {
        for (path, text) in [
            ("api/openapi.yaml", "openapi: 3.0.3\ninfo:\n  title: Shop\n"),
            ("api/shop.yml", "# Shop API\nswagger: \"2.0\"\n"),
            ("api/openapi.json", "{\n  \"openapi\": \"3.1.0\",\n  \"paths\": {}\n}"),
            (
                "api/shop.json",
                "{\"info\": {\"title\": \"x\"}, \"swagger\": \"2.0\"}",
            ),
            (
                "schemas/order.json",
                "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", \"type\": \"object\"}",
            ),
            (
                "schemas/order.yaml",
                "$schema: http://json-schema.org/draft-07/schema#\ntype: object\n",
            ),
        ] {
            assert!(is_api_document(path, text), "{path}");
        }
        for (path, text) in [
            ("config/app.yaml", "server:\n  openapi: true\n"),
            ("config/app.json", "{\"docs\": {\"openapi\": \"3.0.0\"}}"),
            ("config/app.json", "{\"note\": \"openapi\", \"x\": 1}"),
            (
                "config/app.json",
                "{\"$schema\": \"https://example.com/app.schema\"}",
            ),
            ("config/app.toml", "openapi = \"3.0.0\"\n"),
            ("config/list.json", "[{\"openapi\": \"3.0.0\"}]"),
            ("config/last.json", "{\"a\": 1, \"b\": {\"swagger\": 2}}"),
        ] {
            assert!(!is_api_document(path, text), "{path}: {text}");
        }
    }
}
