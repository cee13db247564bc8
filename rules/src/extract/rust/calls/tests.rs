//! The scanner on small Rust files, read through the real per-file analysis.

use super::*;
use crate::extract::request::{CallFacts, KeyOrigin, Request};
use crate::project::model::{Environment, ProjectModel};

/// The request facts of `source` as `src/lib.rs` of a live project.
fn facts(source: &str) -> CallFacts {
    let model = ProjectModel::new(Environment::Live);
    crate::extract::analyze::analyze_file(&model, "src/lib.rs", source.as_bytes()).calls
}

fn requests(source: &str) -> Vec<Request> {
    facts(source).requests
}

fn text(value: &str) -> Piece {
    Piece::Text(value.into())
}

#[test]
fn locals_follow_blocks() {
    let shadowed = r#"fn f() { let u = "https://a/1"; { let u = "https://b/2"; g(u); } client.post(u).send(); }"#;
    assert_eq!(requests(shadowed)[0].url, [text("https://a/1")]);
    let assigned =
        r#"fn f() { let u = "https://a/1"; { u = "https://b/2"; } client.post(u).send(); }"#;
    assert_eq!(requests(assigned)[0].url, [text("https://b/2")]);
}

#[test]
fn header_maps_grow_in_place() {
    let source = r#"fn f() { let mut h = HeaderMap::new(); h.insert("idempotency-key", Uuid::new_v4()); h.insert("x-a", v); client.post("https://a/1").headers(h).send(); }"#;
    let headers = &requests(source)[0].headers;
    assert_eq!(headers.len(), 2);
    assert!(matches!(headers[0].key, KeyOrigin::Fresh { .. }));
}

#[test]
fn templates_are_bounded() {
    assert_eq!(
        bounded(vec![Piece::Text("a".repeat(MAX_TEMPLATE_TEXT))]).len(),
        1
    );
    assert_eq!(
        bounded(vec![Piece::Text("a".repeat(MAX_TEMPLATE_TEXT + 1))]),
        [Piece::Unknown]
    );
    assert_eq!(
        bounded(vec![Piece::Unknown; MAX_TEMPLATE_PIECES + 1]),
        [Piece::Unknown]
    );
}
