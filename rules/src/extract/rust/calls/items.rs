//! Items outside function bodies that requests use: string consts (URL bases) and structs
//! that derive `Serialize` (bodies).

use syn::Expr;

use super::locals::Value;
use super::scanner::FunctionScanner;
use crate::extract::request::{CallFacts, ConstString, FloatField, SerializedStruct};
use crate::extract::rust::offsets::SpanBytes;
use crate::ground::syntax::type_name;

/// A `const`/`static` string item.
pub fn const_string(name: &str, expr: &Expr) -> Option<ConstString> {
    let mut facts = CallFacts::default();
    let mut next_scope = 0;
    let mut scanner = FunctionScanner::outside_functions(&mut facts, &mut next_scope);
    match scanner.expr(expr) {
        Value::Str(value, literal) => Some(ConstString {
            name: name.to_string(),
            value,
            literal,
        }),
        _ => None,
    }
}

/// A struct deriving `Serialize`, with its fields of float type.
pub fn serialized_struct(item: &syn::ItemStruct) -> Option<SerializedStruct> {
    let derives_serialize = item.attrs.iter().any(|attr| {
        attr.path().is_ident("derive") && meta_tokens(&attr.meta).contains("Serialize")
    });
    if !derives_serialize {
        return None;
    }
    let float_fields = item
        .fields
        .iter()
        .filter_map(|field| {
            let ident = field.ident.as_ref()?;
            let is_float = matches!(type_name(&field.ty).as_deref(), Some("f32" | "f64"));
            is_float.then(|| FloatField {
                name: ident.to_string(),
                span: ident.span().bytes(),
            })
        })
        .collect();
    Some(SerializedStruct {
        name: item.ident.to_string().into(),
        float_fields,
    })
}

/// The tokens of `#[derive(..)]`-style attribute lists, as text.
fn meta_tokens(meta: &syn::Meta) -> String {
    match meta {
        syn::Meta::List(list) => list.tokens.to_string(),
        _ => String::new(),
    }
}
