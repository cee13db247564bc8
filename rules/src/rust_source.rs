//! What one Rust file says about where its code runs, read with `syn` once.
//!
//! The result is plain data: byte ranges of items behind a server-only or test gate, byte
//! ranges of string literals (inside macro bodies too), `env!`/`option_env!` reads and
//! out-of-line `mod` declarations with their gates, so module gating can be resolved across
//! files later. The syn tree is dropped before this function returns.

use std::ops::Range;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::visit::{self, Visit};
use syn::{Attribute, Meta};

/// The gates in force at a point of a file (or inherited by a whole file from its `mod`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gate {
    /// Behind `#[server]`, `#[cfg(feature = "ssr")]`, `#[cfg(not(target_arch = "wasm32"))]`, …
    pub server: bool,
    /// Behind `#[cfg(test)]`, `#[test]`, `#[tokio::test]`, …
    pub test: bool,
}

impl Gate {
    pub fn or(self, other: Gate) -> Gate {
        Gate {
            server: self.server || other.server,
            test: self.test || other.test,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvMacro {
    pub span: Range<usize>,
    /// `env` or `option_env`.
    pub macro_name: String,
    pub variable: String,
    pub gate: Gate,
}

/// `include_str!("…")` or `include_bytes!("…")`: the file is compiled into the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Include {
    pub span: Range<usize>,
    /// As written, relative to the including file's folder.
    pub path: String,
    pub gate: Gate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModDecl {
    pub name: String,
    /// `#[path = "…"]`
    pub path: Option<String>,
    pub gate: Gate,
}

#[derive(Clone, Debug, Default)]
pub struct RustFacts {
    /// Gated regions, in source order; nested regions carry their parents' gates.
    regions: Vec<(Range<usize>, Gate)>,
    /// String literal tokens, in source order.
    literals: Vec<Range<usize>>,
    pub env_macros: Vec<EnvMacro>,
    pub includes: Vec<Include>,
    pub mod_decls: Vec<ModDecl>,
    /// HTTP requests, string consts, struct field values and serialized structs.
    pub calls: crate::calls::CallFacts,
    /// Webhook-related facts of functions and types.
    pub webhooks: crate::webhooks::WebhookFacts,
}

impl RustFacts {
    /// The gate at `offset`: the innermost gated region holding it.
    pub fn gate_at(&self, offset: usize) -> Gate {
        self.regions
            .iter()
            .filter(|(range, _)| range.contains(&offset))
            .map(|(_, gate)| *gate)
            .next_back()
            .unwrap_or_default()
    }

    /// True when `offset` is inside a string literal, i.e. compiled into the program rather
    /// than sitting in a comment.
    pub fn in_literal(&self, offset: usize) -> bool {
        let at = self.literals.partition_point(|range| range.start <= offset);
        at > 0 && self.literals[at - 1].contains(&offset)
    }
}

/// Parses `text` and extracts its facts, or returns the parse error's message and byte range.
/// `operations` are the method names of generated 0Bit clients (`create_session`).
pub fn analyze(text: &str, operations: &[String]) -> Result<RustFacts, (String, Range<usize>)> {
    // Literal spans and macro bodies only matter to files that hold a credential, an env
    // read or an embed; gated regions also to files that name a 0Bit host. Most files need
    // only their `mod` declarations, requests and webhooks.
    let detailed = crate::credential::may_contain(text.as_bytes())
        || text.contains("env!")
        || text.contains("include_");
    let regions = detailed || text.contains(".0bit.app");
    collect(text, detailed, regions, operations)
}

fn collect(
    text: &str,
    detailed: bool,
    regions: bool,
    operations: &[String],
) -> Result<RustFacts, (String, Range<usize>)> {
    let file = syn::parse_file(text).map_err(|error| {
        let span = error.span().byte_range();
        (error.to_string(), span)
    })?;
    let mut collector = Collector {
        facts: RustFacts::default(),
        gates: vec![Gate::default()],
        detailed,
        regions,
        operations,
        next_scope: 0,
    };
    collector.visit_file(&file);
    let mut facts = collector.facts;
    facts.literals.sort_by_key(|range| range.start);
    Ok(facts)
}

struct Collector<'o> {
    facts: RustFacts,
    gates: Vec<Gate>,
    /// Walk function bodies for literals, macro bodies and gated statements.
    detailed: bool,
    /// Record the byte ranges of gated items.
    regions: bool,
    operations: &'o [String],
    /// Loop and retry scopes get ids unique within the file.
    next_scope: usize,
}

impl Collector<'_> {
    fn current(&self) -> Gate {
        *self
            .gates
            .last()
            .expect("the gate stack starts with the file's gate")
    }

    /// Runs `inner` with the gates of `attrs` pushed, recording the gated region.
    /// `span` is only computed for gated items of files that need regions: `Spanned`
    /// re-prints the item to find it.
    fn gated(
        &mut self,
        attrs: &[Attribute],
        span: impl FnOnce() -> Span,
        inner: impl FnOnce(&mut Self),
    ) {
        let own = gate_of(attrs);
        if own == Gate::default() {
            return inner(self);
        }
        let gate = self.current().or(own);
        if !self.regions {
            self.gates.push(gate);
            inner(self);
            self.gates.pop();
            return;
        }
        let span = span();
        // Attributes sit before the item's own span; the region starts at the first one.
        let start = attrs.first().map_or(span.byte_range().start, |a| {
            a.pound_token.span.byte_range().start
        });
        self.facts
            .regions
            .push((start..span.byte_range().end, gate));
        self.gates.push(gate);
        inner(self);
        self.gates.pop();
    }

    /// Literals, `env!` reads and `cfg`-gated blocks inside macro tokens, which syn leaves
    /// unparsed. `cfg_if! { if #[cfg(a)] { … } else if #[cfg(b)] { … } else { … } }` gates each
    /// block: a branch runs when its own predicate holds and every earlier one failed.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut chain: Vec<Meta> = Vec::new();
        let mut at = 0;
        while at < trees.len() {
            match (&trees[at], trees.get(at + 1), trees.get(at + 2)) {
                (
                    TokenTree::Punct(pound),
                    Some(TokenTree::Group(attr)),
                    Some(TokenTree::Group(block)),
                ) if pound.as_char() == '#'
                    && attr.delimiter() == Delimiter::Bracket
                    && block.delimiter() == Delimiter::Brace =>
                {
                    let predicate =
                        syn::parse2::<Meta>(attr.stream())
                            .ok()
                            .and_then(|meta| match meta {
                                Meta::List(list) if list.path.is_ident("cfg") => {
                                    list.parse_args::<Meta>().ok()
                                }
                                _ => None,
                            });
                    self.scan_block(block, branch_gate(predicate.as_ref(), &chain));
                    chain.extend(predicate);
                    at += 3;
                    continue;
                }
                (TokenTree::Ident(word), Some(TokenTree::Group(block)), _)
                    if word == "else"
                        && block.delimiter() == Delimiter::Brace
                        && !chain.is_empty() =>
                {
                    self.scan_block(block, branch_gate(None, &chain));
                    chain.clear();
                    at += 2;
                    continue;
                }
                (TokenTree::Ident(word), _, _) if word == "if" || word == "else" => {}
                (TokenTree::Literal(literal), _, _) => {
                    chain.clear();
                    self.facts.literals.push(literal.span().byte_range())
                }
                (TokenTree::Group(group), _, _) => {
                    chain.clear();
                    self.scan_tokens(group.stream())
                }
                (
                    TokenTree::Ident(ident),
                    Some(TokenTree::Punct(bang)),
                    Some(TokenTree::Group(args)),
                ) if bang.as_char() == '!' => {
                    chain.clear();
                    // `env!("X")` nested inside another macro's tokens.
                    let span = ident.span().byte_range().start..args.span().byte_range().end;
                    self.macro_call(&ident.to_string(), args.stream(), span);
                }
                _ => chain.clear(),
            }
            at += 1;
        }
    }

    fn scan_block(&mut self, block: &proc_macro2::Group, own: Gate) {
        let gate = self.current().or(own);
        if gate != self.current() {
            self.facts.regions.push((block.span().byte_range(), gate));
        }
        self.gates.push(gate);
        self.scan_tokens(block.stream());
        self.gates.pop();
    }

    /// Requests in functions, string consts and serialized structs (see `calls`).
    fn scan_for_requests(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Fn(function) => {
                let name = function.sig.ident.to_string();
                let gate = self.current();
                crate::webhooks::function_facts(
                    &mut self.facts.webhooks,
                    &function.sig.ident,
                    &function.attrs,
                    &function.sig,
                    &function.block,
                    gate.test,
                );
                crate::calls::FunctionScanner::scan(
                    &mut self.facts.calls,
                    self.operations,
                    &mut self.next_scope,
                    gate,
                    &name,
                    &function.sig,
                    &function.block,
                );
            }
            syn::Item::Const(item) => {
                self.facts.calls.consts.extend(crate::calls::const_string(
                    &item.ident.to_string(),
                    &item.expr,
                ));
            }
            syn::Item::Static(item) => {
                self.facts.calls.consts.extend(crate::calls::const_string(
                    &item.ident.to_string(),
                    &item.expr,
                ));
            }
            syn::Item::Struct(struct_item) => {
                self.facts
                    .calls
                    .structs
                    .extend(crate::calls::serialized_struct(struct_item));
                crate::webhooks::type_facts(&mut self.facts.webhooks, item);
            }
            syn::Item::Enum(_) => crate::webhooks::type_facts(&mut self.facts.webhooks, item),
            _ => {}
        }
    }

    /// `env!`/`option_env!` reads and `include_str!`/`include_bytes!` embeds.
    fn macro_call(&mut self, name: &str, args: TokenStream, span: Range<usize>) {
        if !matches!(name, "env" | "option_env" | "include_str" | "include_bytes") {
            return;
        }
        let Some(TokenTree::Literal(literal)) = args.into_iter().next() else {
            return;
        };
        let Ok(syn::Lit::Str(argument)) = syn::parse_str::<syn::Lit>(&literal.to_string()) else {
            return;
        };
        let gate = self.current();
        if name.starts_with("include") {
            self.facts.includes.push(Include {
                span,
                path: argument.value(),
                gate,
            });
        } else {
            self.facts.env_macros.push(EnvMacro {
                span,
                macro_name: name.to_string(),
                variable: argument.value(),
                gate,
            });
        }
    }
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let functions_before = self.facts.webhooks.functions.len();
        let attrs = item_attrs(item);
        self.gated(
            attrs,
            || syn::spanned::Spanned::span(item),
            |this| {
                this.scan_for_requests(item);
                if let syn::Item::Mod(module) = item {
                    if module.content.is_none() {
                        let path = module.attrs.iter().find_map(|attr| match &attr.meta {
                            Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                                syn::Expr::Lit(syn::ExprLit {
                                    lit: syn::Lit::Str(s),
                                    ..
                                }) => Some(s.value()),
                                _ => None,
                            },
                            _ => None,
                        });
                        let gate = this.current();
                        this.facts.mod_decls.push(ModDecl {
                            name: module.ident.to_string(),
                            path,
                            gate,
                        });
                    }
                }
                visit::visit_item(this, item)
            },
        );
        // Request guards (`impl FromRequest for DeliveryHeaders`) that read the signature.
        if let syn::Item::Impl(implementation) = item {
            crate::webhooks::guard_impl(&mut self.facts.webhooks, implementation, functions_before);
        }
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        if let syn::ImplItem::Fn(method) = item {
            let gate = self.current().or(gate_of(&method.attrs));
            crate::webhooks::function_facts(
                &mut self.facts.webhooks,
                &method.sig.ident,
                &method.attrs,
                &method.sig,
                &method.block,
                gate.test,
            );
            let name = method.sig.ident.to_string();
            crate::calls::FunctionScanner::scan(
                &mut self.facts.calls,
                self.operations,
                &mut self.next_scope,
                gate,
                &name,
                &method.sig,
                &method.block,
            );
        }
        let attrs: &[Attribute] = match item {
            syn::ImplItem::Const(i) => &i.attrs,
            syn::ImplItem::Fn(i) => &i.attrs,
            syn::ImplItem::Type(i) => &i.attrs,
            syn::ImplItem::Macro(i) => &i.attrs,
            _ => &[],
        };
        self.gated(
            attrs,
            || syn::spanned::Spanned::span(item),
            |this| visit::visit_impl_item(this, item),
        );
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        let attrs: &[Attribute] = match item {
            syn::TraitItem::Const(i) => &i.attrs,
            syn::TraitItem::Fn(i) => &i.attrs,
            syn::TraitItem::Type(i) => &i.attrs,
            syn::TraitItem::Macro(i) => &i.attrs,
            _ => &[],
        };
        self.gated(
            attrs,
            || syn::spanned::Spanned::span(item),
            |this| visit::visit_trait_item(this, item),
        );
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        let attrs: &[Attribute] = match stmt {
            syn::Stmt::Local(local) => &local.attrs,
            syn::Stmt::Macro(mac) => &mac.attrs,
            _ => &[],
        };
        self.gated(
            attrs,
            || syn::spanned::Spanned::span(stmt),
            |this| visit::visit_stmt(this, stmt),
        );
    }

    // Function bodies matter to this walk only for literals, macros and gated statements,
    // which only detailed files need; requests and webhooks read bodies on their own.
    fn visit_block(&mut self, block: &'ast syn::Block) {
        if self.detailed {
            visit::visit_block(self, block);
        }
    }

    // Attribute arguments (`#[server(endpoint = "…")]`, doc comments) are not program values.
    fn visit_attribute(&mut self, _: &'ast Attribute) {}

    fn visit_lit(&mut self, literal: &'ast syn::Lit) {
        if self.detailed
            && matches!(
                literal,
                syn::Lit::Str(_) | syn::Lit::ByteStr(_) | syn::Lit::CStr(_)
            )
        {
            self.facts.literals.push(literal.span().byte_range());
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if !self.detailed {
            return;
        }
        if let Some(last) = mac.path.segments.last() {
            let span = mac
                .path
                .segments
                .first()
                .map_or(last.ident.span(), |s| s.ident.span());
            let end = mac.delimiter_span().byte_range().end;
            self.macro_call(
                &last.ident.to_string(),
                mac.tokens.clone(),
                span.byte_range().start..end,
            );
        }
        self.scan_tokens(mac.tokens.clone());
    }
}

trait DelimiterSpan {
    fn delimiter_span(&self) -> Span;
}

impl DelimiterSpan for syn::Macro {
    fn delimiter_span(&self) -> Span {
        match &self.delimiter {
            syn::MacroDelimiter::Paren(p) => p.span.join(),
            syn::MacroDelimiter::Brace(b) => b.span.join(),
            syn::MacroDelimiter::Bracket(b) => b.span.join(),
        }
    }
}

fn item_attrs(item: &syn::Item) -> &[Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// The identifiers of a path: `serde_json::from_slice` → `["serde_json", "from_slice"]`.
pub(crate) fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// The last identifier of a path (`from_slice`), or `""`.
pub(crate) fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// The last segment of a type, through references, `Option`, `Vec`, `Box` and `Arc`:
/// `&Option<CreateSession>` → `CreateSession`.
pub(crate) fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => type_name(&r.elem),
        syn::Type::Path(p) => {
            let last = p.path.segments.last()?;
            let name = last.ident.to_string();
            if matches!(name.as_str(), "Option" | "Vec" | "Box" | "Arc") {
                if let syn::PathArguments::AngleBracketed(args) = &last.arguments {
                    return args.args.iter().find_map(|arg| match arg {
                        syn::GenericArgument::Type(t) => type_name(t),
                        _ => None,
                    });
                }
            }
            Some(name)
        }
        _ => None,
    }
}

/// The gates that an item's own attributes put it behind.
fn gate_of(attrs: &[Attribute]) -> Gate {
    let mut gate = Gate::default();
    for attr in attrs {
        let path = attr.path();
        let last = path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if path.is_ident("cfg") {
            if let Ok(predicate) = attr.parse_args::<Meta>() {
                gate = gate.or(cfg_gate(&predicate));
            }
        } else if last == "server" && path.segments.len() <= 2 {
            // leptos `#[server]`, dioxus `#[server]`, `#[leptos::server]`.
            gate.server = true;
        } else if last == "test" || last == "bench" {
            // `#[test]`, `#[tokio::test]`, `#[actix_web::test]`, `#[wasm_bindgen_test]` is below.
            gate.test = true;
        } else if last == "wasm_bindgen_test" {
            gate.test = true;
        }
    }
    gate
}

/// The gates of one `cfg_if!` branch: its own predicate holds and every earlier one failed.
fn branch_gate(own: Option<&Meta>, earlier: &[Meta]) -> Gate {
    let earlier_holds = |build: &Build| earlier.iter().any(|p| eval_cfg(p, build) == Some(true));
    let own = own.map(cfg_gate).unwrap_or_default();
    Gate {
        server: own.server || earlier_holds(&CLIENT_BUILD),
        test: own.test || earlier_holds(&RELEASE_BUILD),
    }
}

/// The gates a `cfg` predicate puts code behind. A server-only gate is one that is off in the
/// browser build (hydrate/csr features on, ssr/server off, target wasm32); a test gate is off
/// in a release build.
fn cfg_gate(predicate: &Meta) -> Gate {
    Gate {
        server: eval_cfg(predicate, &CLIENT_BUILD) == Some(false),
        test: eval_cfg(predicate, &RELEASE_BUILD) == Some(false),
    }
}

/// What is known of one build configuration, for evaluating `cfg` predicates.
struct Build {
    /// Features known to be on (`Some(true)`) or off (`Some(false)`); others are unknown.
    feature: fn(&str) -> Option<bool>,
    test: Option<bool>,
    wasm32: Option<bool>,
}

/// The browser build of a full-stack crate.
const CLIENT_BUILD: Build = Build {
    feature: |name| match name {
        "ssr" | "server" => Some(false),
        "hydrate" | "csr" | "web" => Some(true),
        _ => None,
    },
    test: Some(false),
    wasm32: Some(true),
};

/// A production build, either side.
const RELEASE_BUILD: Build = Build {
    feature: |_| None,
    test: Some(false),
    wasm32: None,
};

/// Three-valued evaluation of a `cfg` predicate: `None` when it depends on unknowns.
fn eval_cfg(meta: &Meta, build: &Build) -> Option<bool> {
    match meta {
        Meta::Path(path) if path.is_ident("test") => build.test,
        Meta::NameValue(nv) => {
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(value),
                ..
            }) = &nv.value
            else {
                return None;
            };
            if nv.path.is_ident("feature") {
                (build.feature)(&value.value())
            } else if nv.path.is_ident("target_arch") || nv.path.is_ident("target_family") {
                let wasm = matches!(value.value().as_str(), "wasm32" | "wasm");
                build.wasm32.map(|is_wasm| is_wasm == wasm)
            } else {
                None
            }
        }
        Meta::List(list) => {
            let args = list
                .parse_args_with(
                    syn::punctuated::Punctuated::<Meta, syn::Token![,]>::parse_terminated,
                )
                .ok()?;
            let values: Vec<Option<bool>> = args.iter().map(|m| eval_cfg(m, build)).collect();
            if list.path.is_ident("not") {
                values.first().copied().flatten().map(|v| !v)
            } else if list.path.is_ident("all") {
                if values.contains(&Some(false)) {
                    Some(false)
                } else if values.iter().all(|v| *v == Some(true)) {
                    Some(true)
                } else {
                    None
                }
            } else if list.path.is_ident("any") {
                if values.contains(&Some(true)) {
                    Some(true)
                } else if values.iter().all(|v| *v == Some(false)) {
                    Some(false)
                } else {
                    None
                }
            } else {
                None
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate_of_marker(source: &str, marker: &str) -> Gate {
        let facts = collect(source, true, true, &[]).expect("test source parses");
        facts.gate_at(source.find(marker).expect("marker present"))
    }

    #[test]
    fn server_gates() {
        let source = r#"
            #[server(CreateSession, "/api")]
            pub async fn create() -> Result<(), ServerFnError> { let k = "A"; Ok(()) }
            #[cfg(feature = "ssr")]
            mod backend { fn f() { let k = "B"; } }
            #[cfg(not(target_arch = "wasm32"))]
            fn native() { let k = "C"; }
            #[cfg(all(feature = "ssr", not(feature = "hydrate")))]
            fn both() { let k = "D"; }
            #[cfg(any(feature = "ssr", feature = "other"))]
            fn maybe() { let k = "E"; }
            #[component]
            fn view() { let k = "F"; }
        "#;
        for (marker, server) in [
            ("\"A\"", true),
            ("\"B\"", true),
            ("\"C\"", true),
            ("\"D\"", true),
            ("\"E\"", false),
            ("\"F\"", false),
        ] {
            assert_eq!(gate_of_marker(source, marker).server, server, "{marker}");
        }
    }

    #[test]
    fn cfg_if_blocks() {
        let source = r#"
            cfg_if::cfg_if! {
                if #[cfg(feature = "ssr")] {
                    const K: &str = "A";
                    fn f() { let _ = env!("SECRET"); }
                } else {
                    const K: &str = "B";
                }
            }
        "#;
        assert!(gate_of_marker(source, "\"A\"").server);
        assert!(!gate_of_marker(source, "\"B\"").server);
        let facts = collect(source, true, true, &[]).unwrap();
        assert!(facts.env_macros[0].gate.server);
        assert!(facts.in_literal(source.find("\"A\"").unwrap()));

        let source = r#"
            cfg_if::cfg_if! {
                if #[cfg(target_arch = "wasm32")] { const K: &str = "A"; }
                else if #[cfg(test)] { const K: &str = "B"; }
                else { const K: &str = "C"; }
            }
        "#;
        assert!(!gate_of_marker(source, "\"A\"").server);
        assert!(
            gate_of_marker(source, "\"B\"").server,
            "not wasm32 is native"
        );
        assert!(gate_of_marker(source, "\"C\"").server);
        assert!(!gate_of_marker(source, "\"C\"").test);
    }

    #[test]
    fn files_without_secrets_still_report_gated_mods() {
        let facts = analyze("#[cfg(feature = \"ssr\")]\nmod server;\nmod shared;\n", &[]).unwrap();
        assert!(facts.mod_decls[0].gate.server);
        assert!(!facts.mod_decls[1].gate.server);
    }

    #[test]
    fn includes() {
        let source = r#"const CONFIG: &str = include_str!("../config/app.toml");"#;
        let facts = collect(source, true, true, &[]).unwrap();
        assert_eq!(facts.includes[0].path, "../config/app.toml");
    }

    #[test]
    fn test_gates_and_literals() {
        let source = r#"
            // comment "sk"
            fn live() { println!("{}", "X"); }
            #[cfg(test)]
            mod tests { #[test] fn t() { let k = "Y"; } }
            #[tokio::test]
            async fn t2() { let k = "Z"; }
        "#;
        let facts = collect(source, true, true, &[]).unwrap();
        assert!(
            facts.in_literal(source.find("\"X\"").unwrap()),
            "macro tokens count"
        );
        assert!(
            !facts.in_literal(source.find("\"sk\"").unwrap()),
            "comments do not"
        );
        assert!(gate_of_marker(source, "\"Y\"").test);
        assert!(gate_of_marker(source, "\"Z\"").test);
        assert!(!gate_of_marker(source, "\"X\"").test);
    }

    #[test]
    fn env_macros_and_mods() {
        let source = r#"
            const A: &str = env!("GATE_SECRET_KEY");
            fn f() { let b = format!("{}", option_env!("WEBHOOK_SECRET").unwrap_or("")); }
            #[cfg(feature = "ssr")]
            mod server;
            #[path = "other.rs"] mod shared;
        "#;
        let facts = collect(source, true, true, &[]).unwrap();
        let names: Vec<_> = facts
            .env_macros
            .iter()
            .map(|m| m.variable.as_str())
            .collect();
        assert_eq!(names, ["GATE_SECRET_KEY", "WEBHOOK_SECRET"]);
        assert_eq!(
            &source[facts.env_macros[0].span.clone()],
            r#"env!("GATE_SECRET_KEY")"#
        );
        assert!(facts.mod_decls[0].gate.server);
        assert_eq!(facts.mod_decls[1].path.as_deref(), Some("other.rs"));
    }
}
