//! The one syn walk over a Rust file: gated regions, literals, macro reads and embeds,
//! `mod` declarations, and each function and type handed to the request and webhook
//! extractors.

use std::ops::Range;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::visit::{self, Visit};
use syn::{Attribute, Meta};

use super::cfg::{branch_gate, gate_of, CfgChain};
use super::documentation::{self, COMPILED_ATTRIBUTE_KEYS};
use super::spans::{impl_item_end, item_attrs, item_end, stmt_end, trait_item_end, DelimiterSpan};
use super::{depth, EnvMacro, Include, ModDecl, NotParsed, RustFacts, MAX_PARSE_BYTES};
use crate::extract::gate::Gate;
use crate::extract::rust::offsets::SpanBytes;

pub(super) fn collect(
    text: &str,
    detailed: bool,
    regions: bool,
    logs: bool,
    operations: &[String],
) -> Result<RustFacts, NotParsed> {
    // syn and the walks below recurse on the tree, so its depth is stack: check it first.
    if text.len() > MAX_PARSE_BYTES {
        return Err(NotParsed::TooLarge);
    }
    if let Some(offset) = depth::too_deep(text) {
        return Err(NotParsed::TooDeep { offset });
    }
    let _lines = super::offsets::FileLines::of(text);
    let file = syn::parse_file(text).map_err(|error| NotParsed::Syntax {
        message: error.to_string(),
        span: error.span().bytes(),
    })?;
    let mut collector = Collector {
        facts: RustFacts::default(),
        gates: vec![Gate::default()],
        detailed,
        regions,
        logs,
        params: Vec::new(),
        operations,
        next_scope: 0,
    };
    collector.visit_file(&file);
    let mut facts = collector.facts;
    facts.literals.sort_by_key(|range| range.start);
    facts.documentation.sort_by_key(|range| range.start);
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
    /// Read logging and printing macros (walking function bodies for them).
    logs: bool,
    /// The parameters of the functions being walked, innermost last.
    params: Vec<super::logs::Params>,
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
            .map_or(end, |a| a.pound_token.span.bytes().start);
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
                // An attribute (a doc comment is `#[doc = "…"]`) inside macro tokens: its
                // arguments document, they are not program values.
                (TokenTree::Punct(pound), Some(TokenTree::Group(attr)), _)
                    if pound.as_char() == '#' && attr.delimiter() == Delimiter::Bracket =>
                {
                    chain = CfgChain::default();
                    self.attribute_tokens(attr.stream());
                    at += 2;
                    continue;
                }
                (
                    TokenTree::Punct(pound),
                    Some(TokenTree::Punct(bang)),
                    Some(TokenTree::Group(attr)),
                ) if pound.as_char() == '#'
                    && bang.as_char() == '!'
                    && attr.delimiter() == Delimiter::Bracket =>
                {
                    chain = CfgChain::default();
                    self.attribute_tokens(attr.stream());
                    at += 3;
                    continue;
                }
                (TokenTree::Ident(word), _, _) if word == "if" || word == "else" => {}
                (TokenTree::Literal(literal), _, _) => {
                    chain = CfgChain::default();
                    self.facts.literals.push(literal.span().bytes())
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
                    let span = ident.span().bytes().start..args.span().bytes().end;
                    self.macro_call(&ident.to_string(), args.stream(), span);
                }
                _ => chain = CfgChain::default(),
            }
            at += 1;
        }
    }

    /// The literals of an attribute's tokens are documentation, except the values of clap's
    /// `default_value*` arguments, which the program uses.
    fn attribute_tokens(&mut self, tokens: TokenStream) {
        let mut pending = vec![tokens.into_iter()];
        // The last two tokens: `default_value` `=` before a literal makes it a value.
        let mut key: Option<String> = None;
        let mut equals = false;
        while let Some(trees) = pending.last_mut() {
            let Some(tree) = trees.next() else {
                pending.pop();
                continue;
            };
            match tree {
                TokenTree::Literal(literal) => {
                    let span = literal.span().bytes();
                    let value = equals
                        && key
                            .as_deref()
                            .is_some_and(|k| COMPILED_ATTRIBUTE_KEYS.contains(&k));
                    if value {
                        self.facts.literals.push(span);
                    } else {
                        self.facts.documentation.push(span);
                    }
                    key = None;
                    equals = false;
                }
                TokenTree::Ident(ident) => {
                    key = Some(ident.to_string());
                    equals = false;
                }
                TokenTree::Punct(punct) if punct.as_char() == '=' && key.is_some() => {
                    equals = true;
                }
                TokenTree::Group(group) => {
                    key = None;
                    equals = false;
                    pending.push(group.stream().into_iter());
                }
                TokenTree::Punct(_) => {
                    key = None;
                    equals = false;
                }
            }
        }
    }

    fn scan_block(&mut self, block: &proc_macro2::Group, own: Gate) {
        let gate = self.current().or(own);
        if gate != self.current() {
            self.facts.regions.push((block.span().bytes(), gate));
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
                    &mut self.facts.handlers,
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
                let gate = self.current();
                self.facts.lists.extend(crate::extract::lists::rust_item(
                    &item.ident,
                    &item.expr,
                    gate,
                ));
                self.facts
                    .calls
                    .consts
                    .extend(crate::extract::rust::calls::const_string(
                        &item.ident.to_string(),
                        &item.expr,
                    ));
            }
            syn::Item::Static(item) => {
                let gate = self.current();
                self.facts.lists.extend(crate::extract::lists::rust_item(
                    &item.ident,
                    &item.expr,
                    gate,
                ));
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
        let Some(argument) = crate::ground::syntax::string_value(&literal) else {
            return;
        };
        let gate = self.current();
        if name.starts_with("include") {
            self.facts.includes.push(Include {
                span,
                path: argument,
                gate,
            });
        } else {
            self.facts.env_macros.push(EnvMacro {
                span,
                macro_name: name.to_string(),
                variable: argument,
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
                if let (true, syn::Item::Fn(function)) = (this.logs, item) {
                    this.params.push(super::logs::params(&function.sig));
                    visit::visit_item(this, item);
                    this.params.pop();
                } else {
                    visit::visit_item(this, item)
                }
            },
        );
        // Request guards (`impl FromRequest for DeliveryHeaders`) that read the signature.
        if let syn::Item::Impl(implementation) = item {
            crate::extract::rust::webhooks::impl_facts(
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
                &mut self.facts.handlers,
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
        let params = match item {
            syn::ImplItem::Fn(method) if self.logs => Some(super::logs::params(&method.sig)),
            _ => None,
        };
        let pushed = params.is_some();
        self.params.extend(params);
        self.gated(
            attrs,
            || impl_item_end(item),
            |this| visit::visit_impl_item(this, item),
        );
        if pushed {
            self.params.pop();
        }
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
    // which only detailed files need, and for logging macros; requests and webhooks read
    // bodies on their own.
    fn visit_block(&mut self, block: &'ast syn::Block) {
        if self.detailed || self.logs {
            visit::visit_block(self, block);
        }
    }

    // Attribute arguments (`#[server(endpoint = "…")]`, doc comments) are not program values:
    // they document (`#[schema(example = "…")]`, `#[arg(help = "…")]`).
    fn visit_attribute(&mut self, attr: &'ast Attribute) {
        if !self.detailed {
            return;
        }
        match &attr.meta {
            Meta::Path(_) => {}
            Meta::List(list) => self.attribute_tokens(list.tokens.clone()),
            Meta::NameValue(pair) => match &pair.value {
                syn::Expr::Lit(literal) => {
                    let compiled = pair.path.get_ident().is_some_and(|key| {
                        COMPILED_ATTRIBUTE_KEYS.contains(&key.to_string().as_str())
                    });
                    let span = literal.lit.span().bytes();
                    if compiled {
                        self.facts.literals.push(span);
                    } else {
                        self.facts.documentation.push(span);
                    }
                }
                syn::Expr::Macro(call) => self.attribute_tokens(call.mac.tokens.clone()),
                _ => {}
            },
        }
    }

    // clap's builder texts (`Command::new("x").about("…")`, `Arg::new("k").help("…")`) are
    // read by people, not by the program.
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if self.detailed {
            self.facts
                .documentation
                .extend(documentation::in_method_call(call));
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_lit(&mut self, literal: &'ast syn::Lit) {
        if self.detailed
            && matches!(
                literal,
                syn::Lit::Str(_) | syn::Lit::ByteStr(_) | syn::Lit::CStr(_)
            )
        {
            self.facts.literals.push(literal.span().bytes());
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if self.logs {
            let params = self.params.last().map_or(&[][..], Vec::as_slice);
            let call = super::logs::log_call(mac, self.current(), params);
            self.facts.logs.extend(call);
        }
        if !self.detailed {
            return;
        }
        if let Some(last) = mac.path.segments.last() {
            let span = mac
                .path
                .segments
                .first()
                .map_or(last.ident.span(), |s| s.ident.span());
            let end = mac.delimiter_span().bytes().end;
            self.macro_call(
                &last.ident.to_string(),
                mac.tokens.clone(),
                span.bytes().start..end,
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
