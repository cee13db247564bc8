//! Named lists of three or more short codes (letters, digits, `-`), as plain data: a Rust `const`/`static` whose value holds an
//! array of string literals (`&["US", "GB"]`, `[&str; 3]`, `vec![..]`, `HashSet::from([..])`,
//! `LazyLock::new(|| ..)` around one), and a JavaScript/TypeScript `const`/`let` assigned an
//! array literal of strings (`['US', 'GB']`, `new Set([..])`, `Object.freeze([..])`). Which
//! names and values gate availability is for the rules to decide.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use syn::visit::{self, Visit};

use crate::extract::gate::Gate;
use crate::extract::rust::offsets::SpanBytes;
use crate::extract::word_boundaries::unicode_matches;

/// A named list whose items are all short string literals.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedList {
    pub name: String,
    /// The name as written: findings point here.
    pub span: Range<usize>,
    pub values: Vec<String>,
    /// Gates of the Rust item (test, server); default elsewhere.
    pub gate: Gate,
}

/// Items longer than this are not codes of any kind: the list is not recorded.
const MAX_ITEM: usize = 8;
/// Lists shorter than this are not recorded: a default and a fallback are not a list of
/// codes.
const MIN_ITEMS: usize = 3;
/// Lists longer than this are read up to here.
const MAX_ITEMS: usize = 400;

/// Whether every item is a short code: at most [`MAX_ITEM`] letters, digits and `-`.
fn short(values: &[String]) -> bool {
    values.len() >= MIN_ITEMS
        && values.iter().all(|v| {
            v.len() <= MAX_ITEM && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// The list a Rust `const`/`static` holds, if its value holds an array of string literals.
pub fn rust_item(name: &syn::Ident, expr: &syn::Expr, gate: Gate) -> Option<NamedList> {
    struct First(Option<Vec<String>>);
    impl<'ast> Visit<'ast> for First {
        fn visit_expr(&mut self, expr: &'ast syn::Expr) {
            if self.0.is_none() {
                visit::visit_expr(self, expr);
            }
        }
        fn visit_expr_array(&mut self, array: &'ast syn::ExprArray) {
            self.0 = strings(array.elems.iter());
            if self.0.is_none() {
                visit::visit_expr_array(self, array);
            }
        }
        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            if mac.path.is_ident("vec") && self.0.is_none() {
                let parser =
                    syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
                if let Ok(items) = mac.parse_body_with(parser) {
                    self.0 = strings(items.iter());
                }
            }
        }
    }
    let mut first = First(None);
    first.visit_expr(expr);
    let values = first.0.filter(|v| short(v))?;
    Some(NamedList {
        name: name.to_string(),
        span: name.span().bytes(),
        values,
        gate,
    })
}

/// The values of string literals (through `&`), or `None` when an item is anything else.
fn strings<'e>(items: impl Iterator<Item = &'e syn::Expr>) -> Option<Vec<String>> {
    let mut values = Vec::new();
    for item in items.take(MAX_ITEMS) {
        let mut item = item;
        while let syn::Expr::Reference(r) = item {
            item = &r.expr;
        }
        match item {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => values.push(s.value()),
            _ => return None,
        }
    }
    (!values.is_empty()).then_some(values)
}

/// Where a JavaScript list starts; `(?-u:\b)` for `\b` (see [`unicode_matches`]).
pub(crate) const JS_LIST_PATTERN: &str = r#"(?-u:\b)(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=\n;]{1,80})?=\s*(?:new\s+Set\s*(?:<[^>\n]{0,40}>)?\s*\(\s*|Object\.freeze\s*\(\s*)?\["#;

/// Lists in JavaScript or TypeScript: `const NAME = ['a', 'b']`, with an optional type
/// annotation, `new Set(..)` or `Object.freeze(..)` around the array.
pub fn js_lists(text: &str) -> Vec<NamedList> {
    static START: OnceLock<Regex> = OnceLock::new();
    let start =
        START.get_or_init(|| Regex::new(JS_LIST_PATTERN).expect("the JS list pattern is valid"));
    if !text.contains('[') {
        return Vec::new();
    }
    let mut lists = Vec::new();
    for captures in unicode_matches(start, text, |_| true) {
        let (Some(whole), Some(name)) = (captures.get(0), captures.get(1)) else {
            continue;
        };
        if let Some(values) = js_string_items(&text[whole.end()..]).filter(|v| short(v)) {
            lists.push(NamedList {
                name: name.as_str().to_string(),
                span: name.range(),
                values,
                gate: Gate::default(),
            });
        }
    }
    lists
}

/// The string items of an array literal whose `[` was just read, up to its `]`; `None` when
/// an item is not a plain string literal.
fn js_string_items(rest: &str) -> Option<Vec<String>> {
    let bytes = rest.as_bytes();
    let mut values = Vec::new();
    let mut at = 0;
    loop {
        loop {
            while at < bytes.len() && (bytes[at].is_ascii_whitespace() || bytes[at] == b',') {
                at += 1;
            }
            // Comments between items: `'FR', // France`.
            if rest[at..].starts_with("//") {
                at += rest[at..].find('\n').unwrap_or(rest.len() - at);
            } else if rest[at..].starts_with("/*") {
                at += rest[at..].find("*/").map_or(rest.len() - at, |end| end + 2);
            } else {
                break;
            }
        }
        match bytes.get(at)? {
            b']' => return (!values.is_empty()).then_some(values),
            quote @ (b'"' | b'\'' | b'`') => {
                let end = rest[at + 1..].find(*quote as char)? + at + 1;
                let value = &rest[at + 1..end];
                if value.contains(['\n', '\\', '$']) || values.len() >= MAX_ITEMS {
                    return None;
                }
                values.push(value.to_string());
                at = end + 1;
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rust(source: &str) -> Vec<(String, Vec<String>)> {
        let file = syn::parse_file(source).expect("test source parses");
        file.items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Const(c) => rust_item(&c.ident, &c.expr, Gate::default()),
                syn::Item::Static(s) => rust_item(&s.ident, &s.expr, Gate::default()),
                _ => None,
            })
            .map(|l| (l.name, l.values))
            .collect()
    }

    fn list(name: &str, values: &[&str]) -> (String, Vec<String>) {
        (
            name.to_string(),
            values.iter().map(|v| v.to_string()).collect(),
        )
    }

    #[test]
    fn rust_lists() {
        let source = r#"
            const A: &[&str] = &["US", "GB", "DE"];
            static B: [&str; 3] = ["FR", "IT", "ES"];
            static C: LazyLock<HashSet<&str>> = LazyLock::new(|| HashSet::from(["ES", "PT", "AD"]));
            static D: LazyLock<Vec<&str>> = LazyLock::new(|| vec!["NL", "BE", "LU"]);
            const E: &[u32] = &[1, 2];
            const F: &str = "US";
            const G: &[&str] = &["a very long string indeed", "b"];
            const H: &[(&str, u8)] = &[("US", 1)];
        "#;
        assert_eq!(
            rust(source),
            [
                list("A", &["US", "GB", "DE"]),
                list("B", &["FR", "IT", "ES"]),
                list("C", &["ES", "PT", "AD"]),
                list("D", &["NL", "BE", "LU"]),
            ]
        );
    }

    #[test]
    fn js_lists_found() {
        let text = r#"
            export const SUPPORTED_COUNTRIES = ['US', 'GB', "DE"];
            const ENABLED_MARKETS: readonly string[] = [
              'FR', // France
              'IT',
              'ES',
            ] as const;
            const ALLOWED_REGIONS = new Set(['US', 'CA', 'MX']);
            const TWO = ['US', 'CA'];
            const MIXED = ['US', someValue];
            const EMPTY = [];
            let t = `${x}`;
        "#;
        let found: Vec<_> = js_lists(text)
            .into_iter()
            .map(|l| (l.name, l.values))
            .collect();
        assert_eq!(
            found,
            [
                list("SUPPORTED_COUNTRIES", &["US", "GB", "DE"]),
                list("ENABLED_MARKETS", &["FR", "IT", "ES"]),
                list("ALLOWED_REGIONS", &["US", "CA", "MX"]),
            ]
        );
    }
}
