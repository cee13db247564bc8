//! What one Rust file says about where its code runs, read with `syn` once.
//!
//! The result is plain data: byte ranges of items behind a server-only or test gate, byte
//! ranges of string literals (inside macro bodies too), `env!`/`option_env!` reads and
//! out-of-line `mod` declarations with their gates, so module gating can be resolved across
//! files later. The syn tree is dropped before this function returns.

pub mod calls;
mod cfg;
mod collect;
pub mod depth;
mod documentation;
pub mod handlers;
mod logs;
pub(crate) mod offsets;
mod spans;
pub mod webhooks;

use std::ops::Range;

use crate::extract::gate::Gate;

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
    /// Literals that document rather than run, in source order: doc comments, attribute
    /// arguments (but not clap's `default_value`), clap `about`/`help` texts.
    documentation: Vec<Range<usize>>,
    pub env_macros: Vec<EnvMacro>,
    pub includes: Vec<Include>,
    pub mod_decls: Vec<ModDecl>,
    /// HTTP requests, string consts, struct field values and serialized structs.
    pub calls: crate::extract::rust::calls::CallFacts,
    /// Webhook-related facts of functions and types.
    pub webhooks: crate::extract::rust::webhooks::WebhookFacts,
    /// Logging and printing macro calls (`println!`, `tracing::info!`, …).
    pub logs: Vec<crate::extract::logs::LogCall>,
    /// Routes of every path, and the state functions write.
    pub handlers: crate::extract::rust::handlers::HandlerFacts,
    /// `const`/`static` lists of short strings.
    pub lists: Vec<crate::extract::lists::NamedList>,
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

impl RustFacts {
    /// True when `offset` is inside a doc comment, an attribute's argument or a help text.
    pub fn in_documentation(&self, offset: usize) -> bool {
        let at = self
            .documentation
            .partition_point(|range| range.start <= offset);
        at > 0 && self.documentation[at - 1].contains(&offset)
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

/// Text without any of these holds no logging or printing macro call worth walking
/// function bodies for.
const LOG_MARKS: [&str; 8] = [
    "print", "dbg!", "info", "warn", "error", "debug", "trace", "event!",
];

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
    let logs = LOG_MARKS.iter().any(|mark| text.contains(mark));
    let facts = collect::collect(text, detailed, regions, logs, operations);
    // proc-macro2 keeps a copy of every parsed text for its spans, per thread, until told
    // otherwise; the facts hold byte ranges only, so this file's copy can go now.
    proc_macro2::extra::invalidate_current_thread_spans();
    facts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate_of_marker(source: &str, marker: &str) -> Gate {
        let facts = collect::collect(source, true, true, true, &[]).expect("test source parses");
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
        let facts = collect::collect(source, true, true, true, &[]).unwrap();
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
        let facts = collect::collect(source, true, true, true, &[]).unwrap();
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
        let facts = collect::collect(source, true, true, true, &[]).unwrap();
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
    fn documentation_places() {
        let source = r#"
            //! Crate docs "A"
            /// Item docs "B"
            /** Block docs "C" */
            #[derive(Parser)]
            #[command(about = "D", after_help = concat!("E", "x"))]
            struct Cli {
                #[arg(long, help = "F", default_value = "G")]
                key: String,
                #[schema(example = json!({"key": "H"}))]
                other: String,
            }
            fn f() -> Command {
                let v = "I";
                Command::new("J").about("K").arg(Arg::new("k").long_help("L"))
            }
            lazy_static! {
                /// in a macro "M"
                static ref N: &str = "N";
            }
            fn schema(obj: &mut SchemaObject) {
                obj.extensions.insert("example".to_string(), Value::String("O".to_string()));
                obj.extensions.insert("pattern".to_string(), Value::String("P".to_string()));
            }
        "#;
        let facts = collect::collect(source, true, true, true, &[]).unwrap();
        let at = |marker: &str| source.find(marker).expect("marker present");
        for marker in [
            "\"A\"", "\"B\"", "\"C\"", "\"D\"", "\"E\"", "\"F\"", "\"H\"", "\"K\"", "\"L\"",
            "\"M\"", "\"O\"",
        ] {
            assert!(facts.in_documentation(at(marker)), "{marker}");
        }
        for marker in ["\"G\"", "\"I\"", "\"J\"", "\"N\"", "\"P\""] {
            assert!(!facts.in_documentation(at(marker)), "{marker}");
            assert!(facts.in_literal(at(marker)), "{marker} is a value");
        }
        assert!(
            !facts.in_literal(at("\"M\"")),
            "a doc comment in a macro is not a value"
        );
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
        let facts = collect::collect(source, true, true, true, &[]).unwrap();
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
