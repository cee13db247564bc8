//! Where syn nodes end, and their attributes: the extent of a gated region.

use proc_macro2::Span;
use syn::Attribute;

use crate::extract::rust::offsets::SpanBytes;

pub(super) trait DelimiterSpan {
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
pub(super) fn item_end(item: &syn::Item) -> usize {
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

pub(super) fn impl_item_end(item: &syn::ImplItem) -> usize {
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

pub(super) fn trait_item_end(item: &syn::TraitItem) -> usize {
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

pub(super) fn stmt_end(stmt: &syn::Stmt) -> usize {
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
    semi.span.bytes().end
}

fn brace_end(brace: &syn::token::Brace) -> usize {
    brace.span.close().bytes().end
}

fn macro_end(mac: &syn::Macro) -> usize {
    mac.delimiter_span().bytes().end
}

/// `end`, or where `Spanned` says the node ends when `end` is unknown (0: no such token, or
/// one that was not parsed from the file).
fn or_spanned(end: usize, node: &impl syn::spanned::Spanned) -> usize {
    if end > 0 {
        end
    } else {
        node.span().bytes().end
    }
}

pub(super) fn item_attrs(item: &syn::Item) -> &[Attribute] {
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
