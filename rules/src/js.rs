//! Environment reads in JavaScript and TypeScript (`import.meta.env.X`, `process.env.X`,
//! `process.env["X"]`), found with one regex over the text. Front-end rules only need these
//! names and places; a full JS parser would add weight without changing an answer.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvRead {
    pub span: Range<usize>,
    pub variable: String,
}

fn pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(
            r#"\b(?:import\.meta\.env|process\.env)(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*["'`]([A-Za-z_][A-Za-z0-9_]*)["'`]\s*\])"#,
        )
        .expect("the env read pattern is valid")
    })
}

pub fn env_reads(text: &str) -> Vec<EnvRead> {
    if !text.contains(".env") {
        return Vec::new();
    }
    let comments = comment_ranges(text);
    pattern()
        .captures_iter(text)
        .filter_map(|captures| {
            let whole = captures.get(0)?;
            let variable = captures.get(1).or_else(|| captures.get(2))?;
            let in_comment = comments.iter().any(|range| range.contains(&whole.start()));
            (!in_comment).then(|| EnvRead {
                span: whole.range(),
                variable: variable.as_str().to_string(),
            })
        })
        .collect()
}

/// Local module specifiers a file imports (`./x`, `../x`, `@/x`, `~/x`): what the bundler
/// follows. Package imports are left out.
pub fn local_imports(text: &str) -> Vec<String> {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        Regex::new(r#"(?:\bfrom|\bimport|\brequire\s*\(|\bimport\s*\()\s*["']((?:\.{1,2}/|@/|~/)[^"'\n]*)["']"#)
            .expect("the import pattern is valid")
    });
    let skip = comment_ranges(text);
    pattern
        .captures_iter(text)
        .filter(|c| {
            !skip
                .iter()
                .any(|range| range.contains(&c.get(0).map_or(0, |m| m.start())))
        })
        .filter_map(|c| Some(c.get(1)?.as_str().to_string()))
        .collect()
}

/// Requests in JavaScript and TypeScript: `fetch(url, init)`, `axios.post(url, ..)`,
/// `ky.post(url)`, `ofetch(url, ..)`, with a literal or template URL. `${NAME}` in a template
/// is the const `NAME`; other interpolations are runtime values. The method comes from the
/// callee or the `method:` option; headers from the options text.
pub fn requests(text: &str) -> (Vec<crate::calls::Request>, Vec<crate::calls::ConstString>) {
    use crate::calls::{ConstString, Header, KeyOrigin, Piece, Request};
    static CALL: OnceLock<Regex> = OnceLock::new();
    static CONST: OnceLock<Regex> = OnceLock::new();
    static METHOD: OnceLock<Regex> = OnceLock::new();
    if !text.contains("fetch") && !text.contains("axios") && !text.contains("ky") {
        return (Vec::new(), Vec::new());
    }
    let call = CALL.get_or_init(|| {
        Regex::new(r#"\b(\$?fetch|ofetch|axios|ky)(?:\.(get|post|put|patch|delete))?\s*\(\s*(?:"([^"\n]*)"|'([^'\n]*)'|`([^`]*)`)"#)
            .expect("the JS call pattern is valid")
    });
    let constant = CONST.get_or_init(|| {
        Regex::new(r#"(?m)^\s*(?:export\s+)?const\s+([A-Za-z_$][\w$]*)\s*(?::\s*string\s*)?=\s*(?:"([^"\n]*)"|'([^'\n]*)'|`([^`$]*)`)"#)
            .expect("the JS const pattern is valid")
    });
    let method = METHOD.get_or_init(|| {
        Regex::new(r#"method\s*:\s*["'](\w+)["']"#).expect("the method pattern is valid")
    });
    let comments = comment_ranges(text);
    let consts = constant
        .captures_iter(text)
        .filter_map(|c| {
            let value = c.get(2).or_else(|| c.get(3)).or_else(|| c.get(4))?;
            Some(ConstString {
                name: c[1].to_string(),
                value: vec![Piece::Text(value.as_str().to_string())],
                literal: Some(value.range()),
            })
        })
        .collect();
    let mut requests = Vec::new();
    for captures in call.captures_iter(text) {
        let callee = captures.get(1).expect("group 1 always matches");
        if comments.iter().any(|range| range.contains(&callee.start())) {
            continue;
        }
        let url = captures
            .get(3)
            .or_else(|| captures.get(4))
            .or_else(|| captures.get(5))
            .expect("one URL group matches");
        // The call's arguments, to the matching parenthesis (bounded).
        let open = text[..url.start()].rfind('(').unwrap_or(url.start());
        let arguments =
            &text[open..function_call_end(text, open).unwrap_or(text.len().min(open + 2000))];
        let method = captures
            .get(2)
            .map(|m| m.as_str().to_ascii_uppercase())
            .or_else(|| {
                method
                    .captures(arguments)
                    .map(|m| m[1].to_ascii_uppercase())
            })
            .unwrap_or_else(|| "GET".into());
        let lower = arguments.to_ascii_lowercase();
        let mut headers = Vec::new();
        // The header as a quoted key or name, not a word in a comment.
        if [
            "\"idempotency-key\"",
            "'idempotency-key'",
            "`idempotency-key`",
        ]
        .iter()
        .any(|quoted| lower.contains(quoted))
        {
            headers.push(Header {
                name: vec![Piece::Text("idempotency-key".into())],
                key: KeyOrigin::Other,
            });
        }
        // `headers: gateHeaders(key)` or `headers` built elsewhere: not readable here.
        let opaque_headers = lower.contains("headers")
            && !lower.contains("headers: {")
            && !lower.contains("headers:{");
        requests.push(Request {
            span: callee.range(),
            method: Some(method),
            url: template_pieces(url.as_str()),
            url_literal: Some(url.range()),
            operation: None,
            headers,
            body: None,
            sends: true,
            opaque_headers,
            helper: None,
            returned_by: None,
            scopes: Vec::new(),
            gate: crate::rust_source::Gate::default(),
            function: String::new(),
        });
    }
    (requests, consts)
}

/// `${GATE_API}/gate_sessions/${id}`: names become consts, other interpolations runtime.
fn template_pieces(url: &str) -> crate::calls::Template {
    use crate::calls::Piece;
    let mut pieces = Vec::new();
    let mut rest = url;
    while let Some(open) = rest.find("${") {
        pieces.push(Piece::Text(rest[..open].to_string()));
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        let inner = rest[open + 2..close].trim();
        let is_name = !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
        pieces.push(if is_name {
            Piece::Const(inner.to_string())
        } else {
            Piece::Unknown
        });
        rest = &rest[(close + 1).min(rest.len())..];
    }
    pieces.push(Piece::Text(rest.to_string()));
    pieces.retain(|p| !matches!(p, Piece::Text(t) if t.is_empty()));
    pieces
}

/// The index just past the parenthesis that closes the one at `open`.
fn function_call_end(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = open;
    while at < bytes.len().min(open + 4000) {
        match bytes[at] {
            quote @ (b'"' | b'\'' | b'`') => at = skip_string(bytes, at, quote),
            b'(' | b'{' | b'[' => depth += 1,
            b')' | b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// Exported functions that frameworks run on the server only and strip from client bundles:
/// Next.js `getServerSideProps`/`getStaticProps`/`getStaticPaths`, Remix `loader`/`action`.
const SERVER_FUNCTIONS: &str = "getServerSideProps|getStaticProps|getStaticPaths|loader|action";

/// Byte ranges of the server-only functions of a page or route module.
pub fn server_function_ranges(text: &str) -> Vec<Range<usize>> {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern = PATTERN.get_or_init(|| {
        Regex::new(&format!(
            r"export\s+(?:async\s+)?(?:function\s+|const\s+)(?:{SERVER_FUNCTIONS})\b"
        ))
        .expect("the server function pattern is valid")
    });
    if !text.contains("export") {
        return Vec::new();
    }
    let skip = comment_ranges(text);
    pattern
        .find_iter(text)
        .filter(|found| !skip.iter().any(|range| range.contains(&found.start())))
        .filter_map(|found| function_body_end(text, found.end()).map(|end| found.start()..end))
        .collect()
}

/// The end of a function's body: after its parameter list (`(…)`), the first `{ … }` block.
/// Strings, template literals and comments are skipped while matching brackets.
fn function_body_end(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut seen_parameters = false;
    let mut body_started = false;
    let mut at = from;
    while at < bytes.len() {
        match bytes[at] {
            quote @ (b'"' | b'\'' | b'`') => at = skip_string(bytes, at, quote),
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at = text[at..].find('\n').map_or(bytes.len(), |n| at + n)
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = text[at + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| at + n + 4)
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => {
                depth = depth.checked_sub(1)?;
                seen_parameters |= depth == 0;
            }
            b'{' => {
                body_started |= depth == 0 && seen_parameters;
                depth += 1;
            }
            b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 && body_started {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// The index of the closing quote of the string starting at `at` (or the end of the text).
fn skip_string(bytes: &[u8], mut at: usize, quote: u8) -> usize {
    at += 1;
    while at < bytes.len() && bytes[at] != quote {
        at += if bytes[at] == b'\\' { 2 } else { 1 };
    }
    at.min(bytes.len())
}

/// Byte ranges of `//` and `/* */` comments, skipping over string and template literals.
/// Regex literals are not recognized; a `//` inside one can only hide a read, never invent one.
fn comment_ranges(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            quote @ (b'"' | b'\'' | b'`') => at = skip_string(bytes, at, quote) + 1,
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                let end = text[at..].find('\n').map_or(bytes.len(), |n| at + n);
                ranges.push(at..end);
                at = end;
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                let end = text[at + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| at + 2 + n + 2);
                ranges.push(at..end);
                at = end;
            }
            _ => at += 1,
        }
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_reads_outside_comments() {
        let text = "const a = import.meta.env.VITE_KEY;\n// process.env.OLD\nconst b = process.env[\"GATE_SECRET_KEY\"]; const u = \"http://x//y\"; process.env.Z";
        let names: Vec<_> = env_reads(text).into_iter().map(|r| r.variable).collect();
        assert_eq!(names, ["VITE_KEY", "GATE_SECRET_KEY", "Z"]);
    }

    #[test]
    fn imports() {
        let text = "import { A } from \"./a\";\nimport type { B } from '../lib/b';\nimport 'react';\nimport \"./side-effect.css\";\nconst c = await import(\"@/c\");\n// import { d } from './d';\nexport { e } from \"~/e\";";
        assert_eq!(
            local_imports(text),
            ["./a", "../lib/b", "./side-effect.css", "@/c", "~/e"]
        );
    }

    #[test]
    fn js_requests() {
        let text = "const GATE_API = \"https://gate-api.0bit.app/v1\";\n// fetch(\"https://x\")\nawait fetch(`${GATE_API}/gate_sessions`, { method: \"POST\", headers: { \"Idempotency-Key\": key } });\nawait fetch(`${GATE_API}/customers`, { // no idempotency-key yet\n method: \"POST\", headers: {} });\naxios.get(`${GATE_API}/gate_sessions/${id}`);\nawait fetch(\"/api/checkout\", { method: \"POST\", headers: gateHeaders() });\n";
        let (requests, consts) = requests(text);
        assert_eq!(consts[0].name, "GATE_API");
        assert_eq!(requests.len(), 4);
        assert_eq!(requests[0].method.as_deref(), Some("POST"));
        assert_eq!(requests[0].headers.len(), 1);
        assert!(!requests[0].opaque_headers);
        assert_eq!(requests[2].method.as_deref(), Some("GET"));
        assert_eq!(requests[2].url.len(), 3);
        assert!(requests[1].headers.is_empty(), "a comment is not a header");
        assert!(requests[3].opaque_headers);
    }

    #[test]
    fn server_functions() {
        let text = "export const getServerSideProps: GetServerSideProps<P> = async ({ query }) => {\n  const k = process.env.SECRET; // }\n  return { props: { a: `${\"}\"}` } };\n};\nexport default function Page() { return process.env.X; }\nexport async function loader({ params }: Args) { return json(\"{\"); }\n";
        let ranges = server_function_ranges(text);
        assert_eq!(ranges.len(), 2);
        assert!(text[ranges[0].clone()].ends_with("} };\n}"));
        assert!(text[ranges[1].clone()].starts_with("export async function loader"));
        assert!(text[ranges[1].clone()].ends_with("json(\"{\"); }"));
        let page = text.find("function Page").unwrap();
        assert!(!ranges.iter().any(|r| r.contains(&page)));
    }
}
