//! JavaScript and TypeScript, read as text with a few regexes: environment reads
//! (`import.meta.env.X`, `process.env.X`, `process.env["X"]`), local imports, requests (as
//! the same facts as Rust requests, see `extract::request`) and server-only functions.
//! Front-end rules only need these names and places; a full JS parser would add weight
//! without changing an answer.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::extract::gate::Gate;
use crate::extract::request::{ConstString, Header, KeyOrigin, Piece, Request, Template};
use crate::extract::word_boundaries::unicode_matches;

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

pub fn env_reads(js: &JsText) -> Vec<EnvRead> {
    let text = js.text;
    if !text.contains(".env") {
        return Vec::new();
    }
    let comments = js.comments();
    pattern()
        .captures_iter(text)
        .filter_map(|captures| {
            let whole = captures.get(0)?;
            let variable = captures.get(1).or_else(|| captures.get(2))?;
            (!in_any(comments, whole.start())).then(|| EnvRead {
                span: whole.range(),
                variable: variable.as_str().to_string(),
            })
        })
        .collect()
}

/// An import of a local module; `(?-u:\b)` for `\b` (see [`unicode_matches`]).
pub(crate) const IMPORT_PATTERN: &str = r#"(?:(?-u:\b)from|(?-u:\b)import|(?-u:\b)require\s*\(|(?-u:\b)import\s*\()\s*["']((?:\.{1,2}/|@/|~/)[^"'\n]*)["']"#;

/// Local module specifiers a file imports (`./x`, `../x`, `@/x`, `~/x`): what the bundler
/// follows. Package imports are left out.
pub fn local_imports(js: &JsText) -> Vec<String> {
    let text = js.text;
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    let pattern =
        PATTERN.get_or_init(|| Regex::new(IMPORT_PATTERN).expect("the import pattern is valid"));
    let skip = js.comments();
    unicode_matches(pattern, text, |_| true)
        .filter(|c| !in_any(skip, c.get(0).map_or(0, |m| m.start())))
        .filter_map(|c| Some(c.get(1)?.as_str().to_string()))
        .collect()
}

/// What [`requests`] finds in one file.
#[derive(Clone, Debug, Default)]
pub struct JsRequests {
    pub requests: Vec<Request>,
    pub consts: Vec<ConstString>,
}

/// Requests in JavaScript and TypeScript: `fetch(url, init)`, `axios.post(url, ..)`,
/// `ky.post(url)`, `ofetch(url, ..)`, with a literal or template URL. `${NAME}` in a template
/// is the const `NAME`; other interpolations are runtime values. The method comes from the
/// callee or the `method:` option; headers from the options text.
pub fn requests(js: &JsText) -> JsRequests {
    let text = js.text;
    static CALL: OnceLock<Regex> = OnceLock::new();
    static CONST: OnceLock<Regex> = OnceLock::new();
    static METHOD: OnceLock<Regex> = OnceLock::new();
    if !text.contains("fetch") && !text.contains("axios") && !text.contains("ky") {
        return JsRequests::default();
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
    let comments = js.comments();
    let options = OptionMarks::find(text, method);
    let mut budget = ScanBudget::for_text(text);
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
        if in_any(comments, callee.start()) {
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
            open..function_call_end(text, open, &mut budget).unwrap_or(text.len().min(open + 2000));
        let method = captures
            .get(2)
            .map(|m| m.as_str().to_ascii_uppercase())
            .or_else(|| options.method_in(&arguments))
            .unwrap_or_else(|| "GET".into());
        let mut headers = Vec::new();
        // The header as a quoted key or name, not a word in a comment.
        if options.idempotency_key_in(&arguments) {
            headers.push(Header {
                name: vec![Piece::Text("idempotency-key".into())],
                key: KeyOrigin::Other,
            });
        }
        // `headers: gateHeaders(key)` or `headers` built elsewhere: not readable here.
        let opaque_headers = options.opaque_headers_in(&arguments);
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
            gate: Gate::default(),
            function: String::new(),
        });
    }
    JsRequests { requests, consts }
}

/// `${GATE_API}/gate_sessions/${id}`: names become consts, other interpolations runtime.
fn template_pieces(url: &str) -> Template {
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

/// What the rules read from a request's options, found once in the whole text: each call
/// then asks, by binary search, whether one sits inside its arguments. (Lower-casing and
/// searching each call's arguments cost up to 4,000 bytes per call, and a file of calls
/// that never close reads every byte thousands of times.)
struct OptionMarks {
    /// `method: "POST"`: start, end, and the method upper-cased. Matches cannot overlap (one
    /// ends in a quote, and `method` is followed by a colon), so a call's leftmost match is
    /// the first one that starts inside its arguments, if that one also ends there.
    methods: Vec<(usize, usize, String)>,
    /// Starts of each of [`OPTION_WORDS`], in any case, overlaps included (as in the
    /// lower-cased arguments they stand for).
    words: [Vec<usize>; OPTION_WORDS.len()],
}

/// The quoted `idempotency-key` header, in three quotes, then the `headers` option, opaque
/// unless written as an object literal. Options are not parsed, so headers cannot be read
/// one by one: this one header name is looked for as quoted text in a call's arguments
/// (every quoted string of the options, recorded instead, would not tell header names from
/// other strings).
const OPTION_WORDS: [&str; 6] = [
    "\"idempotency-key\"",
    "'idempotency-key'",
    "`idempotency-key`",
    "headers",
    "headers: {",
    "headers:{",
];

impl OptionMarks {
    fn find(text: &str, method: &Regex) -> OptionMarks {
        let methods = method
            .captures_iter(text)
            .filter_map(|c| {
                let whole = c.get(0)?;
                Some((whole.start(), whole.end(), c[1].to_ascii_uppercase()))
            })
            .collect();
        static WORDS: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
        let matcher = WORDS.get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(OPTION_WORDS)
                .expect("the option words are valid literals")
        });
        let mut words: [Vec<usize>; OPTION_WORDS.len()] = Default::default();
        for found in matcher.find_overlapping_iter(text) {
            words[found.pattern().as_usize()].push(found.start());
        }
        for starts in &mut words {
            starts.sort_unstable();
        }
        OptionMarks { methods, words }
    }

    fn method_in(&self, arguments: &Range<usize>) -> Option<String> {
        let first = self.methods.partition_point(|m| m.0 < arguments.start);
        self.methods
            .get(first)
            .filter(|m| m.1 <= arguments.end)
            .map(|m| m.2.clone())
    }

    /// Whether word `index` of [`OPTION_WORDS`] is written inside `arguments`.
    fn has(&self, index: usize, arguments: &Range<usize>) -> bool {
        let starts = &self.words[index];
        let first = starts.partition_point(|&s| s < arguments.start);
        starts
            .get(first)
            .is_some_and(|&s| s + OPTION_WORDS[index].len() <= arguments.end)
    }

    fn idempotency_key_in(&self, arguments: &Range<usize>) -> bool {
        (0..3).any(|index| self.has(index, arguments))
    }

    fn opaque_headers_in(&self, arguments: &Range<usize>) -> bool {
        self.has(3, arguments) && !self.has(4, arguments) && !self.has(5, arguments)
    }
}

/// Bounds the bytes that the bracket matching below reads in one file, to a small multiple
/// of its length. Real files stay far below; a file made of thousands of unclosed calls or
/// function bodies would otherwise be read once per call. Once it is spent, a call or body
/// reads as unclosed.
pub(crate) struct ScanBudget(usize);

impl ScanBudget {
    pub(crate) fn for_text(text: &str) -> ScanBudget {
        ScanBudget(text.len().saturating_mul(16).saturating_add(1 << 20))
    }

    /// The end of the text as far as a scan from `from` may read it.
    fn limit(&self, text: &str, from: usize) -> usize {
        text.len().min(from.saturating_add(self.0))
    }

    fn spend(&mut self, from: usize, to: usize) {
        self.0 = self.0.saturating_sub(to.saturating_sub(from));
    }
}

/// The index just past the parenthesis that closes the one at `open`, within 4,000 bytes.
pub(crate) fn function_call_end(text: &str, open: usize, budget: &mut ScanBudget) -> Option<usize> {
    // A string that closes past the window leaves the call unclosed, so no scan needs to
    // read beyond it.
    let window = budget.limit(text, open).min(open + 4000);
    let bytes = &text.as_bytes()[..window];
    let mut depth = 0usize;
    let mut at = open;
    let mut end = None;
    while at < bytes.len() {
        match bytes[at] {
            quote @ (b'"' | b'\'' | b'`') => at = skip_string(bytes, at, quote),
            b'(' | b'{' | b'[' => depth += 1,
            b')' | b'}' | b']' => match depth.checked_sub(1) {
                Some(0) => {
                    end = Some(at + 1);
                    break;
                }
                Some(d) => depth = d,
                None => break,
            },
            _ => {}
        }
        at += 1;
    }
    budget.spend(open, at.min(window));
    end
}

/// Exported functions that frameworks run on the server only and strip from client bundles:
/// Next.js `getServerSideProps`/`getStaticProps`/`getStaticPaths`, Remix `loader`/`action`.
const SERVER_FUNCTIONS: &str = "getServerSideProps|getStaticProps|getStaticPaths|loader|action";

/// Byte ranges of the server-only functions of a page or route module.
pub fn server_function_ranges(js: &JsText) -> Vec<Range<usize>> {
    let text = js.text;
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
    let skip = js.comments();
    let mut budget = ScanBudget::for_text(text);
    pattern
        .find_iter(text)
        .filter(|found| !in_any(skip, found.start()))
        .filter_map(|found| {
            function_body_end(text, found.end(), &mut budget).map(|end| found.start()..end)
        })
        .collect()
}

/// The end of a function's body: after its parameter list (`(…)`), the first `{ … }` block.
/// Strings, template literals and comments are skipped while matching brackets.
fn function_body_end(text: &str, from: usize, budget: &mut ScanBudget) -> Option<usize> {
    let limit = budget.limit(text, from);
    let bytes = &text.as_bytes()[..limit];
    let mut depth = 0usize;
    let mut seen_parameters = false;
    let mut body_started = false;
    let mut at = from;
    let mut end = None;
    while at < bytes.len() {
        match bytes[at] {
            quote @ (b'"' | b'\'' | b'`') => at = skip_string(bytes, at, quote),
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at = bytes[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |n| at + n)
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = bytes[at + 2..]
                    .windows(2)
                    .position(|pair| pair == b"*/")
                    .map_or(bytes.len(), |n| at + n + 4)
            }
            b'(' | b'[' => depth += 1,
            b')' | b']' => match depth.checked_sub(1) {
                Some(d) => {
                    depth = d;
                    seen_parameters |= depth == 0;
                }
                None => break,
            },
            b'{' => {
                body_started |= depth == 0 && seen_parameters;
                depth += 1;
            }
            b'}' => match depth.checked_sub(1) {
                Some(0) if body_started => {
                    end = Some(at + 1);
                    break;
                }
                Some(d) => depth = d,
                None => break,
            },
            _ => {}
        }
        at += 1;
    }
    budget.spend(from, at.min(limit));
    end
}

/// The index of the closing quote of the string starting at `at` (or the end of the text).
pub(crate) fn skip_string(bytes: &[u8], mut at: usize, quote: u8) -> usize {
    at += 1;
    while at < bytes.len() && bytes[at] != quote {
        at += if bytes[at] == b'\\' { 2 } else { 1 };
    }
    at.min(bytes.len())
}

/// Whether `at` lies in one of `ranges`, which are sorted and disjoint (as comments are):
/// a binary search, so checking every match of a file against every comment stays cheap.
pub(crate) fn in_any(ranges: &[Range<usize>], at: usize) -> bool {
    let after = ranges.partition_point(|range| range.start <= at);
    after > 0 && ranges[after - 1].contains(&at)
}

/// JavaScript or TypeScript text with its comments, found once for all the readers of one
/// file (env reads, requests, imports, server functions, console calls, callbacks).
pub struct JsText<'t> {
    pub text: &'t str,
    comments: std::cell::OnceCell<Vec<Range<usize>>>,
}

impl<'t> JsText<'t> {
    pub fn new(text: &'t str) -> Self {
        JsText {
            text,
            comments: std::cell::OnceCell::new(),
        }
    }

    /// The byte ranges of its comments ([`comment_ranges`]), sorted.
    pub fn comments(&self) -> &[Range<usize>] {
        self.comments.get_or_init(|| comment_ranges(self.text))
    }
}

/// Byte ranges of `//` and `/* */` comments, skipping over string and template literals.
/// Regex literals are not recognized; a `//` inside one can only hide a read, never invent one.
pub(crate) fn comment_ranges(text: &str) -> Vec<Range<usize>> {
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
        let names: Vec<_> = env_reads(&JsText::new(text))
            .into_iter()
            .map(|r| r.variable)
            .collect();
        assert_eq!(names, ["VITE_KEY", "GATE_SECRET_KEY", "Z"]);
    }

    #[test]
    fn imports() {
        let text = "import { A } from \"./a\";\nimport type { B } from '../lib/b';\nimport 'react';\nimport \"./side-effect.css\";\nconst c = await import(\"@/c\");\n// import { d } from './d';\nexport { e } from \"~/e\";";
        assert_eq!(
            local_imports(&JsText::new(text)),
            ["./a", "../lib/b", "./side-effect.css", "@/c", "~/e"]
        );
    }

    #[test]
    fn js_requests() {
        let text = "const GATE_API = \"https://gate-api.0bit.app/v1\";\n// fetch(\"https://x\")\nawait fetch(`${GATE_API}/gate_sessions`, { method: \"POST\", headers: { \"Idempotency-Key\": key } });\nawait fetch(`${GATE_API}/customers`, { // no idempotency-key yet\n method: \"POST\", headers: {} });\naxios.get(`${GATE_API}/gate_sessions/${id}`);\nawait fetch(\"/api/checkout\", { method: \"POST\", headers: gateHeaders() });\n";
        let JsRequests { requests, consts } = requests(&JsText::new(text));
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
        let ranges = server_function_ranges(&JsText::new(text));
        assert_eq!(ranges.len(), 2);
        assert!(text[ranges[0].clone()].ends_with("} };\n}"));
        assert!(text[ranges[1].clone()].starts_with("export async function loader"));
        assert!(text[ranges[1].clone()].ends_with("json(\"{\"); }"));
        let page = text.find("function Page").unwrap();
        assert!(!ranges.iter().any(|r| r.contains(&page)));
    }
    #[test]
    fn options_are_read_inside_each_call() {
        let text = "fetch(\"https://a/x\");\nfetch(\"https://a/y\", { method: \"POST\", headers: { 'Idempotency-Key': k } });\nfetch(\"https://a/z\", { headers });\n";
        let requests = requests(&JsText::new(text)).requests;
        let read: Vec<_> = requests
            .iter()
            .map(|r| (r.method.as_deref(), r.headers.len(), r.opaque_headers))
            .collect();
        assert_eq!(
            read,
            [
                (Some("GET"), 0, false),
                (Some("POST"), 1, false),
                (Some("GET"), 0, true)
            ]
        );
    }

    #[test]
    fn a_spent_budget_reads_calls_as_unclosed() {
        let text = "fetch(\"x\", { a: 1 })";
        assert_eq!(
            function_call_end(text, 5, &mut ScanBudget::for_text(text)),
            Some(text.len())
        );
        assert_eq!(function_call_end(text, 5, &mut ScanBudget(3)), None);
        assert_eq!(
            function_body_end(text, 0, &mut ScanBudget::for_text(text)),
            None,
            "no parameters, no body"
        );
    }

    #[test]
    fn comment_ranges_are_searched() {
        let text = "a // b\nc /* d */ e";
        let comments = comment_ranges(text);
        let inside: Vec<bool> = (0..text.len()).map(|at| in_any(&comments, at)).collect();
        let expected: Vec<bool> = (0..text.len())
            .map(|at| (2..6).contains(&at) || (9..16).contains(&at))
            .collect();
        assert_eq!(inside, expected);
    }

    /// Found by fuzzing: an unclosed call followed by multi-byte text used to be cut at a
    /// byte offset inside a character.
    #[test]
    fn unclosed_calls_before_multibyte_text() {
        for pad in 0..4 {
            let text = format!(
                "fetch(\"https://gate-api.0bit.app/v1/gate_sessions\", {}{}",
                "x".repeat(pad),
                "é€".repeat(3000)
            );
            let requests = requests(&JsText::new(&text)).requests;
            assert_eq!(requests.len(), 1);
        }
    }
}
