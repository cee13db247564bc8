//! What one Rust file says about where its code runs, read with `syn` once.
//!
//! The result is plain data: byte ranges of items behind a server-only or test gate, byte
//! ranges of string literals (inside macro bodies too), `env!`/`option_env!` reads and
//! out-of-line `mod` declarations with their gates, so module gating can be resolved across
//! files later. The syn tree is dropped before this function returns.

pub mod calls;
pub mod webhooks;

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
    /// The same, cut into sorted disjoint pieces, each with the gate of the last region
    /// (in source order) that holds it: see [`RustFacts::index_regions`].
    pieces: Vec<(Range<usize>, Gate)>,
    /// String literal tokens, in source order.
    literals: Vec<Range<usize>>,
    pub env_macros: Vec<EnvMacro>,
    pub includes: Vec<Include>,
    pub mod_decls: Vec<ModDecl>,
    /// HTTP requests, string consts, struct field values and serialized structs.
    pub calls: crate::extract::rust::calls::CallFacts,
    /// Webhook-related facts of functions and types.
    pub webhooks: crate::extract::rust::webhooks::WebhookFacts,
}

impl RustFacts {
    /// The gate at `offset`: the innermost gated region holding it (the last one, in source
    /// order). A binary search over the pieces, so a file of thousands of gated items and
    /// thousands of keys costs no more than its size.
    pub fn gate_at(&self, offset: usize) -> Gate {
        let after = self
            .pieces
            .partition_point(|(range, _)| range.start <= offset);
        after
            .checked_sub(1)
            .map(|at| &self.pieces[at])
            .filter(|(range, _)| range.contains(&offset))
            .map_or_else(Gate::default, |(_, gate)| *gate)
    }

    /// Cuts the regions into the pieces [`RustFacts::gate_at`] searches: a sweep over their
    /// starts and ends, keeping the regions open at each point.
    fn index_regions(&mut self) {
        let mut events: Vec<(usize, bool, usize)> = Vec::with_capacity(2 * self.regions.len());
        for (index, (range, _)) in self.regions.iter().enumerate() {
            if range.start < range.end {
                events.push((range.start, true, index));
                events.push((range.end, false, index));
            }
        }
        events.sort_unstable();
        let mut open = std::collections::BTreeSet::new();
        let mut at = 0;
        while at < events.len() {
            let position = events[at].0;
            while let Some(&(_, starts, index)) = events.get(at).filter(|e| e.0 == position) {
                if starts {
                    open.insert(index);
                } else {
                    open.remove(&index);
                }
                at += 1;
            }
            if let (Some(&last), Some(&(next, _, _))) = (open.last(), events.get(at)) {
                self.pieces.push((position..next, self.regions[last].1));
            }
        }
    }

    /// True when `offset` is inside a string literal, i.e. compiled into the program rather
    /// than sitting in a comment.
    pub fn in_literal(&self, offset: usize) -> bool {
        let at = self.literals.partition_point(|range| range.start <= offset);
        at > 0 && self.literals[at - 1].contains(&offset)
    }
}

/// Why a Rust file was not read with syn: it is then scanned as text only.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotParsed {
    /// syn rejected it: the error's message and byte range.
    Syntax { message: String, span: Range<usize> },
    /// Over [`MAX_PARSE_BYTES`].
    TooLarge,
    /// Nests or chains deeper than syn can be given safely (see [`depth`]); `offset` is where
    /// the limit was crossed.
    TooDeep { offset: usize },
}

/// Rust files above this size are not parsed: nothing hand-written is this big, and syn
/// builds a tree several times the size of its text.
pub const MAX_PARSE_BYTES: usize = 4 * 1024 * 1024;

/// Parses `text` and extracts its facts, or says why it was not parsed. `operations` are the
/// method names of generated 0Bit clients (`create_session`).
pub fn analyze(text: &str, operations: &[String]) -> Result<RustFacts, NotParsed> {
    // Literal spans and macro bodies only matter to files that hold a credential, an env
    // read or an embed; gated regions also to files that name a 0Bit host. Most files need
    // only their `mod` declarations, requests and webhooks.
    let detailed = crate::extract::credential::may_contain(text.as_bytes())
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
) -> Result<RustFacts, NotParsed> {
    // syn and the walks below recurse on the tree, so its depth is stack: check it first.
    if text.len() > MAX_PARSE_BYTES {
        return Err(NotParsed::TooLarge);
    }
    if let Some(offset) = depth::too_deep(text) {
        return Err(NotParsed::TooDeep { offset });
    }
    let file = syn::parse_file(text).map_err(|error| NotParsed::Syntax {
        message: error.to_string(),
        span: error.span().byte_range(),
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
    facts.index_regions();
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

    /// Runs `inner` with the gates of `attrs` pushed, recording the gated region, which
    /// ends at `end` (only computed for gated items of files that need regions).
    fn gated(
        &mut self,
        attrs: &[Attribute],
        end: impl FnOnce() -> usize,
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
        let end = end();
        // A gate comes from an attribute, and the region starts at the first one.
        let start = attrs
            .first()
            .map_or(end, |a| a.pound_token.span.byte_range().start);
        self.facts.regions.push((start..end, gate));
        self.gates.push(gate);
        inner(self);
        self.gates.pop();
    }

    /// Literals, `env!` reads and `cfg`-gated blocks inside macro tokens, which syn leaves
    /// unparsed. `cfg_if! { if #[cfg(a)] { … } else if #[cfg(b)] { … } else { … } }` gates each
    /// block: a branch runs when its own predicate holds and every earlier one failed.
    fn scan_tokens(&mut self, tokens: TokenStream) {
        let trees: Vec<TokenTree> = tokens.into_iter().collect();
        let mut chain = CfgChain::default();
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
                    // Macro bodies are exempt from the depth check (see `depth`), so only
                    // a predicate of predicate size is parsed.
                    let predicate = at_most_tokens(attr.stream(), MAX_PREDICATE_TOKENS)
                        .then(|| syn::parse2::<Meta>(attr.stream()).ok())
                        .flatten()
                        .and_then(|meta| match meta {
                            Meta::List(list) if list.path.is_ident("cfg") => {
                                list.parse_args::<Meta>().ok()
                            }
                            _ => None,
                        });
                    self.scan_block(block, branch_gate(predicate.as_ref(), &chain));
                    chain.push(predicate.as_ref());
                    at += 3;
                    continue;
                }
                (TokenTree::Ident(word), Some(TokenTree::Group(block)), _)
                    if word == "else"
                        && block.delimiter() == Delimiter::Brace
                        && chain.predicates > 0 =>
                {
                    self.scan_block(block, branch_gate(None, &chain));
                    chain = CfgChain::default();
                    at += 2;
                    continue;
                }
                (TokenTree::Ident(word), _, _) if word == "if" || word == "else" => {}
                (TokenTree::Literal(literal), _, _) => {
                    chain = CfgChain::default();
                    self.facts.literals.push(literal.span().byte_range())
                }
                (TokenTree::Group(group), _, _) => {
                    chain = CfgChain::default();
                    self.scan_tokens(group.stream())
                }
                (
                    TokenTree::Ident(ident),
                    Some(TokenTree::Punct(bang)),
                    Some(TokenTree::Group(args)),
                ) if bang.as_char() == '!' => {
                    chain = CfgChain::default();
                    // `env!("X")` nested inside another macro's tokens.
                    let span = ident.span().byte_range().start..args.span().byte_range().end;
                    self.macro_call(&ident.to_string(), args.stream(), span);
                }
                _ => chain = CfgChain::default(),
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
                crate::extract::rust::webhooks::function_facts(
                    &mut self.facts.webhooks,
                    &function.sig.ident,
                    &function.attrs,
                    &function.sig,
                    &function.block,
                    gate.test,
                );
                crate::extract::rust::calls::FunctionScanner::scan(
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
                self.facts
                    .calls
                    .consts
                    .extend(crate::extract::rust::calls::const_string(
                        &item.ident.to_string(),
                        &item.expr,
                    ));
            }
            syn::Item::Static(item) => {
                self.facts
                    .calls
                    .consts
                    .extend(crate::extract::rust::calls::const_string(
                        &item.ident.to_string(),
                        &item.expr,
                    ));
            }
            syn::Item::Struct(struct_item) => {
                self.facts
                    .calls
                    .structs
                    .extend(crate::extract::rust::calls::serialized_struct(struct_item));
                crate::extract::rust::webhooks::type_facts(&mut self.facts.webhooks, item);
            }
            syn::Item::Enum(_) => {
                crate::extract::rust::webhooks::type_facts(&mut self.facts.webhooks, item)
            }
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
            || item_end(item),
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
            crate::extract::rust::webhooks::guard_impl(
                &mut self.facts.webhooks,
                implementation,
                functions_before,
            );
        }
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        if let syn::ImplItem::Fn(method) = item {
            let gate = self.current().or(gate_of(&method.attrs));
            crate::extract::rust::webhooks::function_facts(
                &mut self.facts.webhooks,
                &method.sig.ident,
                &method.attrs,
                &method.sig,
                &method.block,
                gate.test,
            );
            let name = method.sig.ident.to_string();
            crate::extract::rust::calls::FunctionScanner::scan(
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
            || impl_item_end(item),
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
            || trait_item_end(item),
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
            || stmt_end(stmt),
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

/// A `cfg` predicate is a handful of tokens; `cfg_if!` branches with more are not read.
const MAX_PREDICATE_TOKENS: usize = 256;

/// Whether `stream` holds at most `limit` tokens, counting inside groups (without recursion:
/// groups nest as deep as the file's brackets).
fn at_most_tokens(stream: TokenStream, limit: usize) -> bool {
    let mut count = 0;
    let mut pending = vec![stream.into_iter()];
    while let Some(trees) = pending.last_mut() {
        match trees.next() {
            Some(tree) => {
                count += 1;
                if count > limit {
                    return false;
                }
                if let TokenTree::Group(group) = tree {
                    pending.push(group.stream().into_iter());
                }
            }
            None => {
                pending.pop();
            }
        }
    }
    true
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

/// Where an item ends: the end of its last token, read from the token's span. (syn's
/// `Spanned` re-prints the whole item to find it, which for nested gated modules costs the
/// size of each module once per module around it.) Shapes without such a token fall back to
/// `Spanned`.
fn item_end(item: &syn::Item) -> usize {
    use syn::{Fields, Item};
    let end = match item {
        Item::Const(i) => semi_end(&i.semi_token),
        Item::Enum(i) => brace_end(&i.brace_token),
        Item::ExternCrate(i) => semi_end(&i.semi_token),
        Item::Fn(i) => brace_end(&i.block.brace_token),
        Item::ForeignMod(i) => brace_end(&i.brace_token),
        Item::Impl(i) => brace_end(&i.brace_token),
        Item::Macro(i) => i
            .semi_token
            .as_ref()
            .map_or_else(|| macro_end(&i.mac), semi_end),
        Item::Mod(i) => match (&i.content, &i.semi) {
            (Some((brace, _)), _) => brace_end(brace),
            (None, Some(semi)) => semi_end(semi),
            (None, None) => 0,
        },
        Item::Static(i) => semi_end(&i.semi_token),
        Item::Struct(i) => match (&i.semi_token, &i.fields) {
            (Some(semi), _) => semi_end(semi),
            (None, Fields::Named(fields)) => brace_end(&fields.brace_token),
            _ => 0,
        },
        Item::Trait(i) => brace_end(&i.brace_token),
        Item::TraitAlias(i) => semi_end(&i.semi_token),
        Item::Type(i) => semi_end(&i.semi_token),
        Item::Union(i) => brace_end(&i.fields.brace_token),
        Item::Use(i) => semi_end(&i.semi_token),
        _ => 0,
    };
    or_spanned(end, item)
}

fn impl_item_end(item: &syn::ImplItem) -> usize {
    use syn::ImplItem;
    let end = match item {
        ImplItem::Const(i) => semi_end(&i.semi_token),
        ImplItem::Fn(i) => brace_end(&i.block.brace_token),
        ImplItem::Type(i) => semi_end(&i.semi_token),
        ImplItem::Macro(i) => i
            .semi_token
            .as_ref()
            .map_or_else(|| macro_end(&i.mac), semi_end),
        _ => 0,
    };
    or_spanned(end, item)
}

fn trait_item_end(item: &syn::TraitItem) -> usize {
    use syn::TraitItem;
    let end = match item {
        TraitItem::Const(i) => semi_end(&i.semi_token),
        TraitItem::Fn(i) => match (&i.default, &i.semi_token) {
            (Some(block), _) => brace_end(&block.brace_token),
            (None, Some(semi)) => semi_end(semi),
            (None, None) => 0,
        },
        TraitItem::Type(i) => semi_end(&i.semi_token),
        TraitItem::Macro(i) => i
            .semi_token
            .as_ref()
            .map_or_else(|| macro_end(&i.mac), semi_end),
        _ => 0,
    };
    or_spanned(end, item)
}

fn stmt_end(stmt: &syn::Stmt) -> usize {
    let end = match stmt {
        syn::Stmt::Local(local) => semi_end(&local.semi_token),
        syn::Stmt::Macro(mac) => mac
            .semi_token
            .as_ref()
            .map_or_else(|| macro_end(&mac.mac), semi_end),
        _ => 0,
    };
    or_spanned(end, stmt)
}

fn semi_end(semi: &syn::Token![;]) -> usize {
    semi.span.byte_range().end
}

fn brace_end(brace: &syn::token::Brace) -> usize {
    brace.span.close().byte_range().end
}

fn macro_end(mac: &syn::Macro) -> usize {
    mac.delimiter_span().byte_range().end
}

/// `end`, or where `Spanned` says the node ends when `end` is unknown (0: no such token, or
/// one that was not parsed from the file).
fn or_spanned(end: usize, node: &impl syn::spanned::Spanned) -> usize {
    if end > 0 {
        end
    } else {
        node.span().byte_range().end
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

/// The branches of one `cfg_if!` chain read so far: how many had a predicate, and whether
/// one of those holds in the browser build and in a release build. Two flags rather than the
/// predicates, so a chain of thousands of branches is not evaluated again at each branch.
#[derive(Default)]
struct CfgChain {
    predicates: usize,
    holds_in_client: bool,
    holds_in_release: bool,
}

impl CfgChain {
    fn push(&mut self, predicate: Option<&Meta>) {
        if let Some(predicate) = predicate {
            let [client, release] = eval_cfg(predicate);
            self.predicates += 1;
            self.holds_in_client |= client == Some(true);
            self.holds_in_release |= release == Some(true);
        }
    }
}

/// The gates of one `cfg_if!` branch: its own predicate holds and every earlier one failed.
fn branch_gate(own: Option<&Meta>, earlier: &CfgChain) -> Gate {
    let own = own.map(cfg_gate).unwrap_or_default();
    Gate {
        server: own.server || earlier.holds_in_client,
        test: own.test || earlier.holds_in_release,
    }
}

/// The gates a `cfg` predicate puts code behind. A server-only gate is one that is off in the
/// browser build (hydrate/csr features on, ssr/server off, target wasm32); a test gate is off
/// in a release build.
fn cfg_gate(predicate: &Meta) -> Gate {
    let [client, release] = eval_cfg(predicate);
    Gate {
        server: client == Some(false),
        test: release == Some(false),
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

/// The builds every predicate is evaluated for, at once (each level of a predicate parses
/// its arguments, so it is read once for both): the browser build, then a release build.
const BUILDS: [&Build; 2] = [&CLIENT_BUILD, &RELEASE_BUILD];

/// `all(any(not(…)))` is read this deep; deeper is unknown. Each level parses its own
/// arguments, nested lists included, so unbounded nesting costs its depth times its size.
const MAX_CFG_DEPTH: usize = 8;

/// Three-valued evaluation of a `cfg` predicate in each of [`BUILDS`]: `None` when it depends
/// on unknowns.
fn eval_cfg(meta: &Meta) -> [Option<bool>; 2] {
    eval_cfg_within(meta, MAX_CFG_DEPTH)
}

fn eval_cfg_within(meta: &Meta, depth: usize) -> [Option<bool>; 2] {
    match meta {
        Meta::Path(path) if path.is_ident("test") => BUILDS.map(|build| build.test),
        Meta::NameValue(nv) => {
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(value),
                ..
            }) = &nv.value
            else {
                return [None; 2];
            };
            let value = value.value();
            if nv.path.is_ident("feature") {
                BUILDS.map(|build| (build.feature)(&value))
            } else if nv.path.is_ident("target_arch") || nv.path.is_ident("target_family") {
                let wasm = matches!(value.as_str(), "wasm32" | "wasm");
                BUILDS.map(|build| build.wasm32.map(|is_wasm| is_wasm == wasm))
            } else {
                [None; 2]
            }
        }
        Meta::List(_) if depth == 0 => [None; 2],
        Meta::List(list) => {
            let Ok(args) = list.parse_args_with(
                syn::punctuated::Punctuated::<Meta, syn::Token![,]>::parse_terminated,
            ) else {
                return [None; 2];
            };
            let values: Vec<[Option<bool>; 2]> =
                args.iter().map(|m| eval_cfg_within(m, depth - 1)).collect();
            std::array::from_fn(|build| {
                let values: Vec<Option<bool>> = values.iter().map(|v| v[build]).collect();
                combine_cfg(&list.path, &values)
            })
        }
        _ => [None; 2],
    }
}

/// `not`, `all` and `any` over the values of their arguments.
fn combine_cfg(path: &syn::Path, values: &[Option<bool>]) -> Option<bool> {
    if path.is_ident("not") {
        values.first().copied().flatten().map(|v| !v)
    } else if path.is_ident("all") {
        if values.contains(&Some(false)) {
            Some(false)
        } else if values.iter().all(|v| *v == Some(true)) {
            Some(true)
        } else {
            None
        }
    } else if path.is_ident("any") {
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

/// A linear look at a Rust file's token structure before syn sees it.
///
/// syn parses recursively, and its trees are visited and dropped recursively, so the stack a
/// file needs grows with the depth of its tree. Hostile input can make that depth anything:
/// 100,000 nested parentheses, or a single expression `1 + 1 + …` of 100,000 terms, a type
/// `&&&…T`, a chain of closures `|| || … x`. This module bounds the depth with a small lexer
/// (strings, raw strings, chars and lifetimes, line and nested block comments) that tracks
/// two things:
///
/// - *nesting*: brackets `(` `[` `{` open at once;
/// - the *chain*: how many tokens precede a point without a separator between them that ends
///   a syntax node, summed over the open brackets. A separator is a `;`, a `,` (except inside
///   generics `<…>` and closure parameters `|…|`, where the nesting goes on across it), or
///   the `}` of a block that ends a statement, an item or a match arm. Within a chain, each
///   token can open at most a few tree levels, so chain and nesting bound the tree's depth.
///
/// Macro bodies are token lists, not trees, so they count for nesting only, except the
/// macros whose arguments are parsed as expressions here (`format!`, `concat!`). What else
/// is parsed of macro bodies is small and bounded on its own (`cfg_if!` predicates).
pub mod depth {
    /// Brackets open at once. Real code stays far below: the deepest of 5,700 files of
    /// published crates (syn, serde, regex, tokio and more, 72 MB) nests 45 brackets, in a
    /// test of syn's. Generated code is wide rather than deep: its arrays and matches are cut
    /// by commas.
    pub const MAX_NESTING: usize = 256;
    /// Tokens on a chain. The longest chain in the same 5,700 files is 323 tokens (an
    /// expression in syn's own parser); statements and builder chains are far shorter.
    ///
    /// Stack, measured on files at both limits at once: the costliest token (`&` in a type)
    /// takes about 2.7 KiB to parse in a release build, 27 KiB in a debug build, so a file
    /// at the limits needs under 3 MiB of stack in release (the scan's workers have 64 MiB)
    /// and under 32 MiB in a debug build.
    pub const MAX_CHAIN: usize = 1_000;

    /// The offset where `text` first nests or chains past the limits, or `None`.
    pub fn too_deep(text: &str) -> Option<usize> {
        scan(text, MAX_NESTING, MAX_CHAIN).crossed_at
    }

    /// What [`scan`] saw: the deepest nesting and longest chain, and where a limit was
    /// crossed (the scan stops there).
    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
    pub struct Depth {
        pub nesting: usize,
        pub chain: usize,
        pub crossed_at: Option<usize>,
    }

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Token<'t> {
        /// Identifiers and keywords.
        Word(&'t [u8]),
        /// Strings, chars and numbers.
        Literal,
        /// `'a`, `'static`, `'label`.
        Lifetime,
        Punct(u8),
        Open(u8),
        Close(u8),
    }

    use Token::{Close, Lifetime, Literal, Open, Punct, Word};

    /// The state of one bracket level.
    struct Frame {
        /// Tokens since the last separator at this level (a bracketed group is one token).
        run: usize,
        /// `<` not yet matched by `>`: commas inside generics do not end a run. Less-than
        /// signs count too, which only makes the scan stricter.
        angles: usize,
        /// Between the `|`s of closure parameters: commas there do not end a run.
        params: bool,
        /// Whether tokens count at this level (not inside a macro body left as tokens).
        counted: bool,
        /// A `{` right after `=>`: a match arm's block body, which ends the arm.
        arm_body: bool,
    }

    impl Frame {
        fn new(counted: bool, arm_body: bool) -> Frame {
            Frame {
                run: 0,
                angles: 0,
                params: false,
                counted,
                arm_body,
            }
        }

        fn count(&mut self, chain: &mut usize) {
            if self.counted {
                self.run += 1;
                *chain += 1;
            }
        }

        /// A separator: what follows does not nest inside what came before.
        fn end_run(&mut self, chain: &mut usize) {
            *chain -= self.run;
            self.run = 0;
        }

        /// A statement, item or arm ends: generics and closure parameters with it.
        fn end_all(&mut self, chain: &mut usize) {
            self.end_run(chain);
            self.angles = 0;
            self.params = false;
        }
    }

    /// Scans `text`, stopping where nesting passes `max_nesting` or the chain `max_chain`.
    pub fn scan(text: &str, max_nesting: usize, max_chain: usize) -> Depth {
        let mut lexer = Lexer {
            bytes: text.as_bytes(),
            at: 0,
        };
        let mut depth = Depth::default();
        let mut frames = vec![Frame::new(true, false)];
        let mut chain = 0usize;
        // The last three tokens, most recent first.
        let mut recent: [Option<Token>; 3] = [None; 3];
        // Set when a `}` closes a group: whether the enclosing run goes on is known only from
        // the next token. Holds whether the group was a match arm's body.
        let mut closed_brace: Option<bool> = None;
        while let Some((start, token)) = lexer.next_token() {
            let nesting = frames.len() - 1;
            let frame = frames
                .last_mut()
                .expect("the file's own frame is never popped");
            if let Some(arm_body) = closed_brace.take() {
                if !continues_after_block(token, arm_body) {
                    frame.end_all(&mut chain);
                }
            }
            match token {
                Open(bracket) => {
                    frame.count(&mut chain);
                    let counted = frame.counted && !opens_token_macro(&recent);
                    let arm_body =
                        bracket == b'{' && recent[..2] == [Some(Punct(b'>')), Some(Punct(b'='))];
                    frames.push(Frame::new(counted, arm_body));
                    depth.nesting = depth.nesting.max(nesting + 1);
                    if nesting + 1 > max_nesting {
                        depth.crossed_at = Some(start);
                        return depth;
                    }
                }
                Close(bracket) => {
                    // An unmatched closer is a syntax error for syn; it opens nothing.
                    if nesting > 0 {
                        let mut closed = frames.pop().expect("more than one frame");
                        closed.end_run(&mut chain);
                        if bracket == b'}' {
                            closed_brace = Some(closed.arm_body);
                        }
                    }
                }
                Punct(b';') => frame.end_all(&mut chain),
                Punct(b',') if frame.angles == 0 && !frame.params => frame.end_run(&mut chain),
                Punct(b'<') => {
                    frame.angles += 1;
                    frame.count(&mut chain);
                }
                Punct(b'>') => {
                    match recent[0] {
                        // `=>`: a match arm's pattern and guard are complete.
                        Some(Punct(b'=')) => {
                            frame.angles = 0;
                            frame.params = false;
                        }
                        // `->`
                        Some(Punct(b'-')) => {}
                        _ => frame.angles = frame.angles.saturating_sub(1),
                    }
                    frame.count(&mut chain);
                }
                Punct(b'|') => {
                    match lexer.peek() {
                        // `||` (an or, or a closure without parameters) and `|=`.
                        Some(b'|') if !frame.params => {
                            lexer.at += 1;
                            frame.count(&mut chain);
                        }
                        Some(b'=') => {}
                        _ if frame.params => frame.params = false,
                        // After an operand, `|` is an or (or separates patterns); anywhere
                        // else it opens closure parameters. Taking an or for a closure only
                        // makes the scan stricter, so only clear operands count.
                        _ => frame.params = !ends_operand(recent[0]),
                    }
                    frame.count(&mut chain);
                }
                _ => frame.count(&mut chain),
            }
            depth.chain = depth.chain.max(chain);
            if chain > max_chain {
                depth.crossed_at = Some(start);
                return depth;
            }
            recent = [Some(token), recent[0], recent[1]];
        }
        depth
    }

    /// Whether the token after a block's `}` continues the expression the block is part of.
    /// syn goes on after a block-like statement or arm body only with `.` or `?`; elsewhere
    /// a block is an operand, continued by an operator, a call, an index, `as` or `else`.
    fn continues_after_block(next: Token, arm_body: bool) -> bool {
        match next {
            Punct(b'.' | b'?') => true,
            _ if arm_body => false,
            Punct(punct) => !matches!(punct, b';' | b',' | b'#'),
            Open(bracket) => bracket != b'{',
            Word(word) => word == b"as" || word == b"else",
            Close(_) | Literal | Lifetime => false,
        }
    }

    /// Whether a bracket opened after `recent` is the body of a macro call that syn keeps as
    /// tokens: `name!(…)`, `path::name! {…}`, `macro_rules! name {…}`.
    fn opens_token_macro(recent: &[Option<Token>; 3]) -> bool {
        match recent {
            [Some(Punct(b'!')), Some(Word(name)), _] => {
                !is_keyword(name) && !matches!(*name, b"format" | b"concat")
            }
            [Some(Word(_)), Some(Punct(b'!')), Some(Word(b"macro_rules"))] => true,
            _ => false,
        }
    }

    /// A token after which `|` is an or: a name, a literal, `)`, `]` or `?`.
    fn ends_operand(token: Option<Token>) -> bool {
        match token {
            Some(Word(word)) => {
                !is_keyword(word) || matches!(word, b"self" | b"Self" | b"true" | b"false")
            }
            Some(Literal | Close(b')' | b']') | Punct(b'?')) => true,
            _ => false,
        }
    }

    fn is_keyword(word: &[u8]) -> bool {
        const KEYWORDS: [&[u8]; 51] = [
            b"as",
            b"async",
            b"await",
            b"break",
            b"const",
            b"continue",
            b"crate",
            b"dyn",
            b"else",
            b"enum",
            b"extern",
            b"false",
            b"fn",
            b"for",
            b"if",
            b"impl",
            b"in",
            b"let",
            b"loop",
            b"match",
            b"mod",
            b"move",
            b"mut",
            b"pub",
            b"ref",
            b"return",
            b"self",
            b"Self",
            b"static",
            b"struct",
            b"super",
            b"trait",
            b"true",
            b"type",
            b"unsafe",
            b"use",
            b"where",
            b"while",
            b"abstract",
            b"become",
            b"box",
            b"do",
            b"final",
            b"macro",
            b"override",
            b"priv",
            b"typeof",
            b"unsized",
            b"virtual",
            b"yield",
            b"try",
        ];
        KEYWORDS.contains(&word)
    }

    /// Splits Rust source into the tokens above, skipping whitespace and comments. It never
    /// fails: what it cannot read is a syntax error for syn, which stops parsing there.
    struct Lexer<'t> {
        bytes: &'t [u8],
        at: usize,
    }

    impl<'t> Lexer<'t> {
        fn peek(&self) -> Option<u8> {
            self.bytes.get(self.at).copied()
        }

        fn next_token(&mut self) -> Option<(usize, Token<'t>)> {
            let bytes = self.bytes;
            loop {
                let byte = *bytes.get(self.at)?;
                match (byte, bytes.get(self.at + 1)) {
                    (b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c', _) => self.at += 1,
                    (b'/', Some(b'/')) => {
                        self.at = bytes[self.at..]
                            .iter()
                            .position(|&b| b == b'\n')
                            .map_or(bytes.len(), |n| self.at + n)
                    }
                    (b'/', Some(b'*')) => self.skip_block_comment(),
                    _ => break,
                }
            }
            let start = self.at;
            let byte = bytes[start];
            let token = match byte {
                b'"' => {
                    self.at = quoted_end(bytes, start + 1, b'"');
                    Literal
                }
                b'\'' => self.quote(start),
                b'0'..=b'9' => {
                    self.at = word_end(bytes, start);
                    Literal
                }
                b'(' | b'[' | b'{' => {
                    self.at += 1;
                    Open(byte)
                }
                b')' | b']' | b'}' => {
                    self.at += 1;
                    Close(byte)
                }
                _ if is_word_byte(byte) => self.word(start),
                _ => {
                    self.at += 1;
                    Punct(byte)
                }
            };
            Some((start, token))
        }

        /// `/* … */`, which nests in Rust.
        fn skip_block_comment(&mut self) {
            let bytes = self.bytes;
            let mut depth = 0usize;
            let mut at = self.at;
            while at < bytes.len() {
                match (bytes[at], bytes.get(at + 1)) {
                    (b'/', Some(b'*')) => {
                        depth += 1;
                        at += 2;
                    }
                    (b'*', Some(b'/')) => {
                        depth -= 1;
                        at += 2;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => at += 1,
                }
            }
            self.at = at.min(bytes.len());
        }

        /// `'a'`, `'\n'` and `'\u{1F600}'` are chars; `'a` and `'static` are lifetimes.
        fn quote(&mut self, start: usize) -> Token<'t> {
            let bytes = self.bytes;
            let next = start + 1;
            match bytes.get(next) {
                Some(b'\\') => {
                    self.at = quoted_end(bytes, next, b'\'');
                    Literal
                }
                Some(&first) => {
                    let width = utf8_width(first);
                    if bytes.get(next + width) == Some(&b'\'') {
                        self.at = next + width + 1;
                        Literal
                    } else {
                        self.at = word_end(bytes, next).max(next);
                        Lifetime
                    }
                }
                None => {
                    self.at = next;
                    Punct(b'\'')
                }
            }
        }

        /// An identifier or keyword, or the prefix of a raw, byte or C string or a byte char.
        fn word(&mut self, start: usize) -> Token<'t> {
            let bytes = self.bytes;
            let end = word_end(bytes, start);
            let word = &bytes[start..end];
            match (word, bytes.get(end)) {
                (b"r" | b"br" | b"cr", Some(b'"' | b'#')) => {
                    let hashes = bytes[end..].iter().take_while(|&&b| b == b'#').count();
                    if bytes.get(end + hashes) == Some(&b'"') {
                        self.at = raw_string_end(bytes, end + hashes + 1, hashes);
                        return Literal;
                    }
                }
                (b"b" | b"c", Some(b'"')) => {
                    self.at = quoted_end(bytes, end + 1, b'"');
                    return Literal;
                }
                (b"b", Some(b'\'')) => {
                    self.at = quoted_end(bytes, end + 1, b'\'');
                    return Literal;
                }
                _ => {}
            }
            self.at = end;
            Word(word)
        }
    }

    /// Identifier bytes; any non-ASCII byte counts, which keeps a multi-byte character whole.
    fn is_word_byte(byte: u8) -> bool {
        byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
    }

    fn word_end(bytes: &[u8], from: usize) -> usize {
        bytes[from..]
            .iter()
            .position(|&b| !is_word_byte(b))
            .map_or(bytes.len(), |n| from + n)
    }

    /// The index after the `quote` that closes a literal whose body starts at `from`,
    /// skipping backslash escapes; the end of the text if it is unterminated.
    fn quoted_end(bytes: &[u8], from: usize, quote: u8) -> usize {
        let mut at = from;
        while at < bytes.len() {
            match bytes[at] {
                b'\\' => at += 2,
                byte if byte == quote => return at + 1,
                _ => at += 1,
            }
        }
        bytes.len()
    }

    /// The index after `"` and `hashes` `#`s, where a raw string whose body starts at `from`
    /// ends. Each `"` is followed by a distinct run of `#`s, so the search stays linear.
    fn raw_string_end(bytes: &[u8], from: usize, hashes: usize) -> usize {
        let mut at = from;
        while at < bytes.len() {
            if bytes[at] == b'"'
                && bytes
                    .get(at + 1..at + 1 + hashes)
                    .is_some_and(|run| run.iter().all(|&b| b == b'#'))
            {
                return at + 1 + hashes;
            }
            at += 1;
        }
        bytes.len()
    }

    /// The length of the UTF-8 sequence that `first` starts (1 for a stray continuation).
    fn utf8_width(first: u8) -> usize {
        match first {
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => 1,
        }
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
    /// The reference `gate_at`: the last region in source order that holds the offset.
    fn gate_by_filter(regions: &[(Range<usize>, Gate)], offset: usize) -> Gate {
        regions
            .iter()
            .filter(|(range, _)| range.contains(&offset))
            .map(|(_, gate)| *gate)
            .next_back()
            .unwrap_or_default()
    }

    #[test]
    fn gate_pieces_agree_with_a_scan_of_every_region() {
        let gates = [
            Gate {
                server: true,
                test: false,
            },
            Gate {
                server: false,
                test: true,
            },
            Gate {
                server: true,
                test: true,
            },
        ];
        // Nested, overlapping, touching, empty and reversed regions, in any order.
        let mut seed = 7u64;
        let mut next = |bound: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % bound
        };
        for _ in 0..50 {
            let mut facts = RustFacts::default();
            for _ in 0..next(12) {
                let (a, b) = (next(60), next(60));
                facts.regions.push((a..b, gates[next(3)]));
            }
            facts.index_regions();
            for offset in 0..64 {
                assert_eq!(
                    facts.gate_at(offset),
                    gate_by_filter(&facts.regions, offset),
                    "{:?} at {offset}",
                    facts.regions
                );
            }
        }
    }

    fn deep(text: &str) -> bool {
        depth::scan(text, 8, 16).crossed_at.is_some()
    }

    #[test]
    fn depth_skips_strings_chars_and_comments() {
        // Brackets inside literals and comments open nothing.
        for text in [
            r#"const A: &str = "((((((((((((";"#,
            r##"const A: &str = r#"((((("(((((((("#;"##,
            r#"const A: &[u8] = b"((((((((((((\"((";"#,
            "const A: char = '('; const B: char = '\\''; const C: u8 = b'[';",
            "// ((((((((((((((\nfn f() {}",
            "/* (((( /* nested ((((((( */ (((((( */ fn f() {}",
            "fn f<'a>(x: &'a str) -> &'a str { x }",
        ] {
            assert!(!deep(text), "{text}");
        }
        assert!(deep(&"(".repeat(9)), "nine open brackets");
        assert!(!deep(&format!(
            "fn f() {{ {}1{} }}",
            "(".repeat(7),
            ")".repeat(7)
        )));
    }

    #[test]
    fn depth_counts_chains_between_separators() {
        let sum = |terms: usize| format!("fn f() {{ {}1 }}", "1 + ".repeat(terms));
        assert!(!deep(&sum(5)));
        assert!(deep(&sum(9)), "a long sum");
        // Commas and semicolons end a run; so does a block that ends a statement or an arm.
        assert!(!deep(&format!(
            "const A: [u8; 64] = [{}];",
            "1, ".repeat(64)
        )));
        assert!(!deep(&format!(
            "fn f() {{ {} }}",
            "let x = 1 + 1; ".repeat(30)
        )));
        assert!(!deep(&format!("fn f() {{ {} }}", "if a {} ".repeat(30))));
        assert!(!deep(&format!(
            "fn f() {{ match x {{ {} }} }}",
            "(1, 2) => {} ".repeat(30)
        )));
        // But not inside generics or closure parameters, nor before `else` or an operator.
        assert!(deep(&format!("type T = {}u8;", "HashMap<u8, ".repeat(8))));
        assert!(deep(&format!("fn f() {{ {}1; }}", "|a, b| ".repeat(8))));
        assert!(deep(&format!(
            "fn f() {{ if a {{}} {} }}",
            "else if a {} ".repeat(8)
        )));
        assert!(deep(&format!(
            "fn f() {{ let x = {}1; }}",
            "{0} + ".repeat(8)
        )));
        // A closure after a block-like statement is a closure, not an or.
        assert!(deep(&format!(
            "fn f() {{ {{}} {}1; }}",
            "|a, b| ".repeat(8)
        )));
    }

    #[test]
    fn depth_leaves_token_macros_but_not_parsed_ones() {
        let tokens = "a b c d e f g h i j k l m n o p q r s t ";
        assert!(!deep(&format!("fn f() {{ view! {{ {tokens} }} }}")));
        assert!(!deep(&format!("macro_rules! m {{ () => {{ {tokens} }} }}")));
        assert!(deep(&format!("fn f() {{ format!(\"{{}}\", {tokens}); }}")));
        // Macro bodies still count for nesting.
        assert!(deep(&format!("fn f() {{ view! {} }}", "{".repeat(9))));
    }

    #[test]
    fn nothing_over_the_limits_reaches_syn() {
        let sum = format!("fn f() -> i32 {{ {}1 }}", "1 + ".repeat(50_000));
        // Refused where the chain passes its limit: two tokens a term.
        let refused = analyze(&sum, &[]).map(|_| ());
        assert!(
            matches!(refused, Err(NotParsed::TooDeep { offset }) if offset.abs_diff(2 * depth::MAX_CHAIN) < 32),
            "{refused:?}"
        );
        let mut large = String::new();
        while large.len() <= MAX_PARSE_BYTES {
            large.push_str("fn f() {}\n");
        }
        assert_eq!(analyze(&large, &[]).map(|_| ()), Err(NotParsed::TooLarge));
    }
}
