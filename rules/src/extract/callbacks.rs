//! The success and close callbacks of browser code, as plain data: where each is given
//! (`onSuccess: (..) => {..}`, `onSuccess({ txId }) {..}`, JSX `onSuccess={..}`, Svelte
//! `on:success={..}`, Vue `@success="..."`) and the code that runs in it: its own body, the
//! body of a local function it names (`onSuccess: handleSuccess`), and the bodies of local
//! functions it calls, one call deep. The callback names are the 0Bit embed's
//! (`onSuccess`, `onClose`; see the contract); what the code in them does is read from the
//! file's requests by the rules.

use std::collections::hash_map::Entry;
use std::ops::Range;
use std::sync::OnceLock;

use foldhash::HashMap;
use regex::Regex;

use crate::extract::js::{in_any, skip_string, JsText};
use crate::extract::word_boundaries::unicode_matches;

/// A callback given to a component or an embed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Callback {
    /// As written: `onSuccess`, `on:success`, `@success`.
    pub name: String,
    pub span: Range<usize>,
    /// The code that runs when it is called: its body, and the bodies of the local
    /// functions it names or calls.
    pub body: Vec<Range<usize>>,
}

/// How far a callback's code is read.
const MAX_BODY: usize = 8000;
/// Local functions followed from one callback.
const MAX_FOLLOWED: usize = 8;
/// Callbacks read per file. An embed takes two; a hostile file of nothing but callbacks
/// would otherwise have each read up to [`MAX_BODY`] bytes.
const MAX_CALLBACKS: usize = 256;
/// Names looked up per file for their definitions: each lookup compiles a pattern and
/// searches the whole file, and a hostile file could call a new name in every callback
/// (3,000 callbacks of two new names each took 4 s in 220 KB).
const MAX_LOOKUPS: usize = 64;

/// Words that are not calls of local functions.
const KEYWORDS: [&str; 12] = [
    "if", "for", "while", "switch", "catch", "function", "return", "await", "typeof", "new",
    "async", "fetch",
];

/// Where a callback is given; `(?-u:\b)` for `\b` (see [`unicode_matches`]).
pub(crate) const CALLBACK_PATTERN: &str = r#"(?:(?-u:\b)(onSuccess|onClose|on_success)\s*(:|=|\()|(on:success|on:close|@success|@close|v-on:success)\s*=)"#;

/// Whether a match of [`CALLBACK_PATTERN`] took its branch that starts with a boundary.
pub(crate) fn callback_bounded(captures: &regex::Captures) -> bool {
    captures.get(1).is_some()
}

/// Where the local function `escaped` (a name, regex-escaped) is defined; `(?-u:\b)` for
/// `\b` (see [`unicode_matches`]).
pub(crate) fn definition_pattern(escaped: &str) -> String {
    format!(
        r#"(?:(?-u:\b)function\s+{escaped}\s*\(|(?-u:\b)(?:const|let|var)\s+{escaped}\s*=|(?m)^\s*(?:async\s+)?{escaped}\s*\([^)]*\)\s*\{{)"#
    )
}

pub fn js_callbacks(js: &JsText) -> Vec<Callback> {
    let text = js.text;
    static NAME: OnceLock<Regex> = OnceLock::new();
    let name =
        NAME.get_or_init(|| Regex::new(CALLBACK_PATTERN).expect("the callback pattern is valid"));
    if !text.contains("uccess") && !text.contains("lose") {
        return Vec::new();
    }
    let comments = js.comments();
    let mut found = Vec::new();
    let mut definitions: HashMap<String, Option<Range<usize>>> = HashMap::default();
    for captures in unicode_matches(name, text, callback_bounded) {
        if found.len() >= MAX_CALLBACKS {
            break;
        }
        let Some(written) = captures.get(1).or_else(|| captures.get(3)) else {
            continue;
        };
        if in_any(comments, written.start()) {
            continue;
        }
        let whole = captures.get(0).expect("the whole match");
        let opener = captures.get(2).map_or("=", |m| m.as_str());
        let from = match opener {
            "(" => whole.end() - 1,
            _ => whole.end(),
        };
        let Some(body) = body(text, from, opener) else {
            continue;
        };
        let mut ranges = vec![body.clone()];
        let mut followed = 0;
        for callee in called_names(&text[body.clone()])
            .into_iter()
            .take(2 * MAX_FOLLOWED)
        {
            if followed >= MAX_FOLLOWED {
                break;
            }
            let lookups = definitions.len();
            let definition = match definitions.entry(callee) {
                Entry::Occupied(known) => known.get().clone(),
                Entry::Vacant(_) if lookups >= MAX_LOOKUPS => None,
                Entry::Vacant(new) => {
                    let found = definition(text, new.key());
                    new.insert(found).clone()
                }
            };
            if let Some(definition) = definition {
                if !ranges
                    .iter()
                    .any(|r| r.start <= definition.start && definition.end <= r.end)
                {
                    ranges.push(definition);
                    followed += 1;
                }
            }
        }
        found.push(Callback {
            name: written.as_str().to_string(),
            span: written.range(),
            body: ranges,
        });
    }
    found
}

/// The callback's code after its name: a JSX/Svelte `{..}`, a Vue `".."`, a method's
/// `(..) {..}`, or an object property's value up to the next `,` or closing bracket.
fn body(text: &str, from: usize, opener: &str) -> Option<Range<usize>> {
    let bytes = text.as_bytes();
    let mut start = from;
    while start < bytes.len() && bytes[start].is_ascii_whitespace() {
        start += 1;
    }
    match (opener, bytes.get(start)?) {
        ("=", b'{') => Some(start..balanced_end(bytes, start)?),
        ("=", quote @ (b'"' | b'\'')) => Some(start + 1..skip_string(bytes, start, *quote)),
        ("(", b'(') => {
            let params = balanced_end(bytes, start)?;
            let mut open = params;
            while open < bytes.len() && bytes[open].is_ascii_whitespace() {
                open += 1;
            }
            (bytes.get(open) == Some(&b'{')).then_some(())?;
            Some(start..balanced_end(bytes, open)?)
        }
        (":", _) => Some(start..value_end(bytes, start)),
        _ => None,
    }
}

/// The end (exclusive) of the bracket group opening at `open`, skipping strings.
fn balanced_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = open;
    while at < bytes.len() && at - open < MAX_BODY {
        match bytes[at] {
            quote @ (b'"' | b'\'' | b'`') => at = skip_string(bytes, at, quote),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
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

/// The end of an expression starting at `start`: the first `,` or `;` outside brackets, or
/// the bracket that closes around it.
fn value_end(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut at = start;
    while at < bytes.len() && at - start < MAX_BODY {
        match bytes[at] {
            quote @ (b'"' | b'\'' | b'`') => at = skip_string(bytes, at, quote),
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth == 0 => return at,
            b')' | b']' | b'}' => depth -= 1,
            b',' | b';' if depth == 0 => return at,
            _ => {}
        }
        at += 1;
    }
    at.min(bytes.len())
}

/// Names the code calls (`markPaid(..)`), or names on their own (`handleSuccess`), first
/// seen first.
fn called_names(code: &str) -> Vec<String> {
    static CALL: OnceLock<Regex> = OnceLock::new();
    let call = CALL.get_or_init(|| {
        Regex::new(r#"(?:^|[^\w$.])([A-Za-z_$][\w$]*)\s*\("#).expect("the call pattern is valid")
    });
    let trimmed = code.trim().trim_matches(['{', '}']).trim();
    let mut names: Vec<String> = Vec::new();
    if !trimmed.is_empty()
        && trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
    {
        names.push(trimmed.to_string());
    }
    for captures in call.captures_iter(code) {
        let name = &captures[1];
        if !KEYWORDS.contains(&name) && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// The body of the local function `name`: `function name(..) {..}`, `const name = ..`, or
/// a method `name(..) {..}`.
fn definition(text: &str, name: &str) -> Option<Range<usize>> {
    let pattern = Regex::new(&definition_pattern(&regex::escape(name))).ok()?;
    // The line-start branch follows a line break or nothing, never a word character, so
    // every match counts as bounded.
    let found = unicode_matches(&pattern, text, |_| true).next()?.get(0)?;
    let bytes = text.as_bytes();
    if found.as_str().trim_end().ends_with('=') {
        return Some(found.end()..value_end(bytes, found.end()));
    }
    // From the parameters to the end of the body.
    let open = text[found.start()..].find('(')? + found.start();
    let params = balanced_end(bytes, open)?;
    let brace = text[params..].find('{')? + params;
    Some(found.start()..balanced_end(bytes, brace)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(text: &str) -> Vec<(String, Vec<String>)> {
        js_callbacks(&JsText::new(text))
            .into_iter()
            .map(|c| {
                let texts = c.body.iter().map(|r| text[r.clone()].to_string()).collect();
                (c.name, texts)
            })
            .collect()
    }

    #[test]
    fn a_file_of_callbacks_is_read_within_bounds() {
        // Every callback calls a function of its own, defined after it.
        let text: String = (0..300)
            .map(|i| format!("ramp.mount('#g', {{ onSuccess: () => {{ paid{i}(); }} }});\nfunction paid{i}() {{ go({i}); }}\n"))
            .collect();
        let found = bodies(&text);
        assert_eq!(found.len(), MAX_CALLBACKS);
        let followed = found.iter().filter(|(_, bodies)| bodies.len() == 2).count();
        assert_eq!(followed, MAX_LOOKUPS);
        assert!(found[0].1[1].starts_with("function paid0()"));
    }

    #[test]
    fn object_property_and_method_callbacks() {
        let text = "await ramp.mount('#gate', {\n  onSuccess: async ({ sessionId }) => { await fetch(`/api/orders/${id}/paid`, { method: 'POST' }); },\n  onError: (e) => console.error(e),\n});\nramp.mount('#g', { onSuccess({ txId }) { show(txId); }, onClose() {} });\nfunction show(t) { alert(t); }\n";
        let found = bodies(text);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].0, "onSuccess");
        assert!(found[0].1[0].contains("/paid") && !found[0].1[0].contains("onError"));
        assert_eq!(found[1].1[0], "({ txId }) { show(txId); }");
        assert_eq!(found[1].1[1], "function show(t) { alert(t); }");
        assert_eq!(found[2].0, "onClose");
    }

    #[test]
    fn jsx_svelte_and_vue_callbacks_and_named_handlers() {
        let text = "<GateOnRamp clientSecret={s} onSuccess={handleSuccess} onError={e => log(e)} />\nconst handleSuccess = async () => { await axios.post('/api/fulfil', {}) };\n<gate-embed on:success={() => markPaid(order)} />\n<gate-embed @success=\"markPaid(order)\" />\nasync function markPaid(o) { await fetch('/api/orders/1/paid', { method: 'POST' }) }\n// onSuccess: ignored in a comment\n";
        let found = bodies(text);
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["onSuccess", "on:success", "@success"]);
        assert_eq!(found[0].1[0], "{handleSuccess}");
        assert!(found[0].1[1].contains("/api/fulfil"));
        assert!(found[1].1[1].contains("/paid"));
        assert_eq!(found[2].1[0], "markPaid(order)");
        assert!(found[2].1[1].contains("/paid"));
    }
}
