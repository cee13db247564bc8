//! Small helpers over syn's paths and types, shared by every Rust extractor.

/// The identifiers of a path: `serde_json::from_slice` → `["serde_json", "from_slice"]`.
pub fn path_segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// The last identifier of a path (`from_slice`), or `""`.
pub fn last_segment(path: &syn::Path) -> String {
    path.segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default()
}

/// The last segment of a type, through references, `Option`, `Vec`, `Box` and `Arc`:
/// `&Option<CreateSession>` → `CreateSession`.
pub fn type_name(ty: &syn::Type) -> Option<String> {
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

/// The value of a string literal token (`"a\n"`, `r#"b"#`), or `None` for another literal.
/// Read from the token itself: parsing its text again would make proc-macro2 register a new
/// source file for every literal of every macro body.
pub fn string_value(literal: &proc_macro2::Literal) -> Option<String> {
    match syn::Lit::new(literal.clone()) {
        syn::Lit::Str(string) => Some(string.value()),
        _ => None,
    }
}
