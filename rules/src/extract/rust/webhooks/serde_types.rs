//! The serde types an event may be read into: `Deserialize` structs with their field names
//! as serde reads them (after `rename` and `rename_all`), and `#[serde(tag = "type")]` enums
//! with each variant's event type and payload type.

use std::ops::Range;

use proc_macro2::TokenTree;

use super::functions::Name;
use crate::extract::rust::offsets::SpanBytes;
use crate::ground::syntax::{string_value, type_name};

/// A `Deserialize` struct: its serde field names, spans and (inner) types.
#[derive(Clone, Debug, Default)]
pub struct DeStruct {
    pub name: Name,
    pub fields: Box<[DeField]>,
}

#[derive(Clone, Debug)]
pub struct DeField {
    pub name: Name,
    /// The field's name's span, as two offsets (a field of every serde struct of a large
    /// workspace is kept, hundreds of thousands).
    start: u32,
    end: u32,
    pub type_name: Option<Name>,
}

impl DeField {
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// `#[serde(tag = "type")] enum`: each variant's event type and its `data` payload type.
#[derive(Clone, Debug, Default)]
pub struct TaggedEnum {
    pub name: String,
    pub variants: Vec<TaggedVariant>,
}

/// One variant of a [`TaggedEnum`].
#[derive(Clone, Debug)]
pub struct TaggedVariant {
    /// The tag value serde matches: the `rename`, or the variant name after `rename_all`.
    pub event_type: String,
    /// The span of the `rename` literal, or of the variant name.
    pub span: Range<usize>,
    /// The type of a newtype variant's payload: `Completed(SessionData)`.
    pub payload: Option<String>,
}

/// A `Deserialize` struct or a `#[serde(tag = "type")]` enum.
pub enum SerdeType {
    Struct(DeStruct),
    Tagged(TaggedEnum),
}

/// Reads a `Deserialize` struct or `#[serde(tag = "type")]` enum; `None` for other items.
pub fn serde_type(item: &syn::Item) -> Option<SerdeType> {
    let (attrs, name) = match item {
        syn::Item::Struct(s) => (&s.attrs, s.ident.to_string()),
        syn::Item::Enum(e) => (&e.attrs, e.ident.to_string()),
        _ => return None,
    };
    let derives = attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().contains("Deserialize"))
    });
    if !derives {
        return None;
    }
    let rename_all = serde_value(attrs, "rename_all");
    match item {
        syn::Item::Struct(s) => {
            let fields = s
                .fields
                .iter()
                .filter(|f| {
                    !has_serde_flag(&f.attrs, "flatten") && !has_serde_flag(&f.attrs, "skip")
                })
                .filter_map(|f| {
                    let ident = f.ident.as_ref()?;
                    let raw = ident.to_string();
                    let raw = raw.trim_start_matches("r#");
                    let name = serde_value(&f.attrs, "rename")
                        .unwrap_or_else(|| rename(raw, rename_all.as_deref()));
                    let span = ident.span().bytes();
                    let offset = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
                    Some(DeField {
                        name: Name::from(name),
                        start: offset(span.start),
                        end: offset(span.end),
                        type_name: type_name(&f.ty).map(Name::from),
                    })
                })
                .collect::<Vec<_>>()
                .into_boxed_slice();
            Some(SerdeType::Struct(DeStruct {
                name: Name::from(name),
                fields,
            }))
        }
        syn::Item::Enum(e) if serde_value(attrs, "tag").is_some() => {
            let variants = e
                .variants
                .iter()
                .map(|v| {
                    let explicit = serde_literal(&v.attrs, "rename");
                    let (value, span) = match explicit {
                        Some((value, span)) => (value, span),
                        None => (
                            rename(&v.ident.to_string(), rename_all.as_deref()),
                            v.ident.span().bytes(),
                        ),
                    };
                    let payload = match &v.fields {
                        syn::Fields::Unnamed(f) => f.unnamed.first().and_then(|f| type_name(&f.ty)),
                        _ => None,
                    };
                    TaggedVariant {
                        event_type: value,
                        span,
                        payload,
                    }
                })
                .collect();
            Some(SerdeType::Tagged(TaggedEnum { name, variants }))
        }
        _ => None,
    }
}

fn has_serde_flag(attrs: &[syn::Attribute], flag: &str) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("serde") && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().split([',', ' ']).any(|t| t == flag))
    })
}

fn serde_value(attrs: &[syn::Attribute], key: &str) -> Option<String> {
    serde_literal(attrs, key).map(|(value, _)| value)
}

/// `#[serde(key = "value")]`: the value and its span.
fn serde_literal(attrs: &[syn::Attribute], key: &str) -> Option<(String, Range<usize>)> {
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let syn::Meta::List(list) = &attr.meta else {
            continue;
        };
        let trees: Vec<TokenTree> = list.tokens.clone().into_iter().collect();
        for (at, tree) in trees.iter().enumerate() {
            if let (
                TokenTree::Ident(ident),
                Some(TokenTree::Punct(eq)),
                Some(TokenTree::Literal(value)),
            ) = (tree, trees.get(at + 1), trees.get(at + 2))
            {
                if ident == key && eq.as_char() == '=' {
                    if let Some(text) = string_value(value) {
                        return Some((text, value.span().bytes()));
                    }
                }
            }
        }
    }
    None
}

/// serde's `rename_all` for the common cases.
fn rename(name: &str, rule: Option<&str>) -> String {
    let words: Vec<String> = split_words(name);
    match rule {
        Some("snake_case") => words.join("_"),
        Some("camelCase") => words
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { w.clone() } else { capitalize(w) })
            .collect(),
        Some("PascalCase") => words.iter().map(|w| capitalize(w)).collect(),
        Some("kebab-case") => words.join("-"),
        Some("SCREAMING_SNAKE_CASE") => words.join("_").to_uppercase(),
        Some("lowercase") => name.to_lowercase(),
        Some("UPPERCASE") => name.to_uppercase(),
        _ => name.to_string(),
    }
}

fn split_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    for c in name.chars() {
        if c == '_' {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        } else if c.is_uppercase() && !current.is_empty() {
            words.push(std::mem::take(&mut current));
            current.push(c.to_ascii_lowercase());
        } else {
            current.push(c.to_ascii_lowercase());
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(source: &str) -> SerdeType {
        serde_type(&syn::parse_str(source).expect("test source parses")).expect("a serde type")
    }

    #[test]
    fn serde_renames() {
        assert_eq!(rename("createdAt", Some("snake_case")), "created_at");
        assert_eq!(rename("customer_email", Some("camelCase")), "customerEmail");
        assert_eq!(
            rename("GateSessionCompleted", Some("snake_case")),
            "gate_session_completed"
        );
        assert_eq!(rename("event_id", None), "event_id");
    }

    #[test]
    fn struct_fields_as_serde_reads_them() {
        let SerdeType::Struct(de) = read(
            r#"#[derive(Deserialize)] #[serde(rename_all = "camelCase")]
            struct Event { event_id: String, #[serde(rename = "type")] kind: String,
                #[serde(flatten)] rest: Extra, data: Option<SessionData> }"#,
        ) else {
            panic!("a struct");
        };
        let names: Vec<&str> = de.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["eventId", "type", "data"]);
        assert_eq!(de.fields[2].type_name.as_deref(), Some("SessionData"));
    }

    #[test]
    fn tagged_enum_variants() {
        let SerdeType::Tagged(tagged) = read(
            r#"#[derive(Deserialize)] #[serde(tag = "type", rename_all = "snake_case")]
            enum Event { #[serde(rename = "gate_session.completed")] Completed(SessionData), Expired }"#,
        ) else {
            panic!("an enum");
        };
        let variants: Vec<(&str, Option<&str>)> = tagged
            .variants
            .iter()
            .map(|v| (v.event_type.as_str(), v.payload.as_deref()))
            .collect();
        assert_eq!(
            variants,
            [
                ("gate_session.completed", Some("SessionData")),
                ("expired", None)
            ]
        );
    }

    #[test]
    fn other_items_are_not_serde_types() {
        for source in [
            "struct Plain { a: u8 }",
            "#[derive(Serialize)] struct Out { a: u8 }",
            "#[derive(Deserialize)] enum Untagged { A, B }",
            "fn f() {}",
        ] {
            let item = syn::parse_str(source).expect("test source parses");
            assert!(serde_type(&item).is_none(), "{source}");
        }
    }
}
