//! A URL or header-name template resolved to text: consts (preferring the same file's),
//! struct fields and parameters substituted, `Url::join` applied, with the literal each
//! piece of text came from.

use std::ops::Range;

use super::{LiteralAt, PackageIndex, RUNTIME};
use crate::extract::file::FileAnalysis;
use crate::extract::request::{Piece, Template};

/// Pieces one URL or header name may resolve to. Consts naming consts can multiply a
/// template at each level (`concat!(A, A, A)`), to sizes no memory holds; real URLs are a
/// handful of pieces. Past this, the rest of a template is a runtime value.
const MAX_RESOLVED_PIECES: usize = 256;
/// Consts naming consts (or fields, or parameters) are followed this deep.
const MAX_DEPTH: usize = 8;

/// Where a template is written, for resolving its names.
pub(super) struct Substitution<'s, 'a> {
    pub(super) file: &'a FileAnalysis,
    /// The literal the template's text is written in, when one is.
    pub(super) literal: Option<Range<usize>>,
    /// The arguments a helper is called with, when the template is in that helper; else
    /// parameters resolve to their first known value in the package.
    pub(super) arguments: Option<&'s Vec<Template>>,
    /// The function the template is in, whose parameters `Piece::Param` names.
    pub(super) function: &'s str,
}

/// A piece of resolved text and the literal it came from.
pub(super) struct ResolvedPiece<'a> {
    pub(super) text: String,
    pub(super) source: Option<LiteralAt<'a>>,
}

impl ResolvedPiece<'_> {
    fn runtime() -> Self {
        ResolvedPiece {
            text: RUNTIME.to_string(),
            source: None,
        }
    }
}

pub(super) type Resolved<'a> = Vec<ResolvedPiece<'a>>;

/// Substitutes consts, fields and parameters, up to [`MAX_DEPTH`] (consts may refer to
/// consts) and [`MAX_RESOLVED_PIECES`] pieces in all. Unknown pieces become [`RUNTIME`].
pub(super) fn resolve_template<'a>(
    index: &PackageIndex<'a>,
    at: Substitution<'_, 'a>,
    template: &Template,
) -> Resolved<'a> {
    let mut budget = MAX_RESOLVED_PIECES;
    substitute(index, &at, template, 0, &mut budget)
}

/// A const, field or parameter's value, which is resolved with no arguments of its own.
fn value_in<'a>(
    file: &'a FileAnalysis,
    literal: Option<Range<usize>>,
) -> Substitution<'static, 'a> {
    Substitution {
        file,
        literal,
        arguments: None,
        function: "",
    }
}

fn substitute<'a>(
    index: &PackageIndex<'a>,
    at: &Substitution<'_, 'a>,
    template: &Template,
    depth: usize,
    budget: &mut usize,
) -> Resolved<'a> {
    let mut out: Resolved<'a> = Vec::new();
    let single_literal = template
        .iter()
        .filter(|p| matches!(p, Piece::Text(_)))
        .count()
        == 1;
    for piece in template {
        if *budget == 0 {
            out.push(ResolvedPiece::runtime());
            break;
        }
        *budget -= 1;
        match piece {
            Piece::Text(text) => {
                let source = at
                    .literal
                    .clone()
                    .filter(|_| single_literal || text.contains('/'))
                    .map(|span| LiteralAt {
                        file: at.file,
                        span,
                    });
                out.push(ResolvedPiece {
                    text: text.clone(),
                    source,
                });
            }
            _ if depth > MAX_DEPTH => out.push(ResolvedPiece::runtime()),
            Piece::Const(name) => match index.consts.get(name.as_str()).and_then(|found| {
                // Prefer the definition in the same file.
                found
                    .iter()
                    .find(|c| c.file.path == at.file.path)
                    .or_else(|| found.first())
            }) {
                Some(constant) => out.extend(substitute(
                    index,
                    &value_in(constant.file, constant.fact.literal.clone()),
                    &constant.fact.value,
                    depth + 1,
                    budget,
                )),
                None => out.push(ResolvedPiece::runtime()),
            },
            Piece::Field(name) => match index.fields.get(name.as_str()) {
                Some(value) => out.extend(substitute(
                    index,
                    &value_in(at.file, None),
                    value,
                    depth + 1,
                    budget,
                )),
                None => out.push(ResolvedPiece::runtime()),
            },
            Piece::Param(position) => {
                let value = match at.arguments {
                    Some(args) => args.get(*position),
                    None => index
                        .call_args
                        .get(at.function)
                        .and_then(|known| known.get(*position).copied().flatten()),
                };
                match value {
                    Some(value) => out.extend(substitute(
                        index,
                        &value_in(at.file, None),
                        value,
                        depth + 1,
                        budget,
                    )),
                    None => out.push(ResolvedPiece::runtime()),
                }
            }
            Piece::Unknown => out.push(ResolvedPiece::runtime()),
            Piece::Join => url_join(&mut out),
        }
    }
    out
}

/// `Url::join` on what is resolved so far: keep the base up to its last `/` (after the host),
/// so `https://h/v1/` + `x` is `https://h/v1/x` and `https://h/v1` + `x` is `https://h/x`.
fn url_join(out: &mut Resolved<'_>) {
    let text: String = out.iter().map(|piece| piece.text.as_str()).collect();
    let host_start = text.find("://").map_or(0, |at| at + 3);
    let keep = match text[host_start..].rfind('/') {
        Some(at) => host_start + at + 1,
        None => {
            out.push(ResolvedPiece {
                text: "/".to_string(),
                source: None,
            });
            return;
        }
    };
    let mut length = 0;
    for piece in out.iter_mut() {
        let end = length + piece.text.len();
        if end > keep {
            let cut = crate::ground::source::floor_char_boundary(
                &piece.text,
                keep.saturating_sub(length),
            );
            piece.text.truncate(cut);
        }
        length = end;
    }
    out.retain(|piece| !piece.text.is_empty());
}

/// An absolute URL's host and path, and the literal that holds the path.
pub(super) struct SplitUrl<'a> {
    pub(super) host: String,
    pub(super) path: String,
    pub(super) path_literal: Option<LiteralAt<'a>>,
}

/// Host, path and the literal holding the path, of a resolved absolute URL.
pub(super) fn split_url<'a>(url: &Resolved<'a>) -> Option<SplitUrl<'a>> {
    let text: String = url.iter().map(|piece| piece.text.as_str()).collect();
    let after_scheme = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))?;
    let host_end = after_scheme.find('/').unwrap_or(after_scheme.len());
    let host = after_scheme[..host_end].split(':').next().unwrap_or("");
    if host.contains(RUNTIME) {
        return None;
    }
    let path = after_scheme[host_end..].to_string();
    // The literal that wrote the last part of the path.
    let path_literal = url
        .iter()
        .rev()
        .find(|piece| piece.source.is_some() && piece.text.contains('/'))
        .and_then(|piece| piece.source.clone());
    Some(SplitUrl {
        host: host.to_string(),
        path,
        path_literal,
    })
}
