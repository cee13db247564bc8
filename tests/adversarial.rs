//! The scanned repository is hostile input. These tests feed the analysis the shapes that
//! used to overflow the stack or take quadratic time (see `benches/adversarial.rs` for the
//! figures) and check what comes out: the right notes, and every planted key still found.
//! They check results only, never times.

use launchlint_rules::extract::file::{FileAnalysis, NoteKind};
use launchlint_rules::extract::rust::depth;
use launchlint_rules::pipeline as analysis;
use launchlint_rules::project::model::{Environment, ProjectModel};
use launchlint_rules::rules::Levels;

const KEY: &str = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";

/// A secret key that is not a placeholder, distinct for each `i`.
fn key(i: usize) -> String {
    format!("sk_live_{i:08}Qm2LkVb8RtYx3Nw")
}

fn analyze(path: &str, text: &str) -> FileAnalysis {
    let model = ProjectModel::new(Environment::Live);
    analysis::analyze_file(&model, path, text.as_bytes())
}

/// The rule ids of the findings a whole check makes of one file.
fn check(file: FileAnalysis) -> Vec<&'static str> {
    let model = ProjectModel::new(Environment::Live);
    let mut files = vec![file];
    let outcome = analysis::check(&model, &mut files, &Levels::default());
    outcome.findings.iter().map(|f| f.rule).collect()
}

fn has_key(file: &FileAnalysis, key: &str) -> bool {
    let tail = &key[key.len() - 4..];
    file.credentials
        .iter()
        .any(|hit| hit.credential.redacted == format!("sk_live_…{tail}"))
}

/// `count` copies of `open`, then `middle`, then `count` copies of `close`.
fn nest(count: usize, open: &str, middle: &str, close: &str) -> String {
    format!("{}{middle}{}", open.repeat(count), close.repeat(count))
}

const LEVELS: usize = 100_000;

/// Each shape at 100,000 levels: too deep for syn, reported as such, still scanned for keys.
#[test]
fn deep_rust_is_scanned_as_text() {
    let shapes = [
        (
            "parentheses",
            format!("fn f() -> i32 {{ {} }}", nest(LEVELS, "(", "1", ")")),
        ),
        ("blocks", format!("fn f() {}", nest(LEVELS, "{", "", "}"))),
        (
            "closures",
            format!("fn f() {{ let c = {}1; }}", "|| ".repeat(LEVELS)),
        ),
        (
            "closures with parameters",
            format!("fn f() {{ let c = {}1; }}", "|a, b| ".repeat(LEVELS)),
        ),
        (
            "types",
            format!("type T = {};", nest(LEVELS, "Vec<", "u8", ">")),
        ),
        (
            "generics with commas",
            format!("type T = {};", nest(LEVELS, "HashMap<u8, ", "u8", ">")),
        ),
        ("references", format!("type T = {}u8;", "&".repeat(LEVELS))),
        (
            "sum",
            format!("fn f() -> i32 {{ {}1 }}", "1 + ".repeat(LEVELS)),
        ),
        (
            "negations",
            format!("fn f() -> bool {{ {}x }}", "!".repeat(LEVELS)),
        ),
        (
            "method chain",
            format!("fn f() {{ x{}; }}", ".a()".repeat(LEVELS)),
        ),
        (
            "else-if chain",
            format!("fn f() {{ if a {{}}{} }}", " else if a {}".repeat(LEVELS)),
        ),
        (
            "blocks in a sum",
            format!("fn f() {{ let x = {}1; }}", "{0} + ".repeat(LEVELS)),
        ),
        ("modules", nest(LEVELS, "mod a { ", "", "}")),
        (
            "attribute value",
            format!("#[doc = {}x]\nfn f() {{}}", "!".repeat(LEVELS)),
        ),
    ];
    for (name, body) in shapes {
        let text = format!("const KEY: &str = \"{KEY}\";\n{body}\n");
        let file = analyze("src/lib.rs", &text);
        assert!(
            file.notes.iter().any(|n| n.kind == NoteKind::Unparsed
                && n.message.contains("nests too deeply to parse safely")),
            "{name}: {:?}",
            file.notes
        );
        assert!(has_key(&file, KEY), "{name}: the key is still found");
        assert!(
            check(file).contains(&"hardcoded-secret-key"),
            "{name}: and reported"
        );
    }
}

#[test]
fn huge_rust_is_scanned_as_text() {
    let mut text = format!("const KEY: &str = \"{KEY}\";\n");
    while text.len() <= 4 << 20 {
        text.push_str("fn f() { let x = 1; }\n");
    }
    let file = analyze("src/lib.rs", &text);
    assert_eq!(
        file.notes.iter().map(|n| n.kind).collect::<Vec<_>>(),
        [NoteKind::TooLarge]
    );
    assert!(has_key(&file, KEY));
}

/// Macro bodies, which syn keeps as tokens, do not count towards the chain: a long view
/// template is ordinary code.
#[test]
fn long_macro_bodies_are_parsed() {
    let view = "<div class=\"row\"> <span> \"text\" </span> </div> ".repeat(2_000);
    let text = format!(
        "const KEY: &str = \"{KEY}\";\nfn page() -> impl IntoView {{ view! {{ {view} }} }}\n"
    );
    let file = analyze("src/lib.rs", &text);
    assert!(file.notes.is_empty(), "{:?}", file.notes);
    assert!(has_key(&file, KEY));
}

/// Files right at the limits: each shape grown until one more level would be refused.
fn at_limits() -> Vec<(&'static str, String)> {
    type Shape = fn(usize) -> String;
    let shapes: [(&str, Shape); 10] = [
        ("references", |n| format!("type T = {}u8;", "&".repeat(n))),
        ("boxed closures", |n| {
            format!("type T = {};", nest(n, "Box<dyn Fn() -> ", "u8", ">"))
        }),
        ("function pointers", |n| {
            format!("type T = {}u8;", "fn() -> ".repeat(n))
        }),
        ("generics", |n| {
            format!("type T = {};", nest(n, "HashMap<u8, ", "u8", ">"))
        }),
        ("closures", |n| {
            format!("fn f() {{ let c = {}1; }}", "|a, b| ".repeat(n))
        }),
        ("negations in parentheses", |n| {
            format!("fn f() {{ let x = {}; }}", nest(n, "(!", "x", ")"))
        }),
        ("blocks", |n| {
            format!("fn f() {}", nest(n, "{ let x = 1; ", "", "}"))
        }),
        ("modules holding types", |n| {
            let inner = format!("type T = {}u8;", "&".repeat(n));
            nest(150, "#[cfg(feature = \"ssr\")] mod a { ", &inner, "}")
        }),
        ("else-if chain", |n| {
            format!("fn f() {{ if a {{}}{} }}", " else if a {}".repeat(n))
        }),
        ("method chain", |n| {
            format!("fn f() {{ x{}; }}", ".a(1)".repeat(n))
        }),
    ];
    shapes
        .into_iter()
        .map(|(name, shape)| {
            let fits = |n: usize| {
                depth::too_deep(&format!("const KEY: &str = \"{KEY}\";\n{}", shape(n))).is_none()
            };
            let (mut low, mut high) = (0, 1);
            while fits(high) {
                (low, high) = (high, high * 2);
            }
            while high - low > 1 {
                let mid = (low + high) / 2;
                if fits(mid) {
                    low = mid
                } else {
                    high = mid
                }
            }
            (
                name,
                format!("const KEY: &str = \"{KEY}\";\n{}", shape(low)),
            )
        })
        .collect()
}

/// A debug build spends up to ten times the stack of a release build on each level: files
/// at the limits need up to 27 MiB of stack there, under 3 MiB in release. So they get the
/// scan workers' 64 MiB in a debug build, and a main thread's 8 MiB in a release one
/// (`cargo test --release`).
#[test]
fn files_at_the_limits_parse() {
    let stack = if cfg!(debug_assertions) { 64 } else { 8 };
    let files = at_limits();
    std::thread::Builder::new()
        .stack_size(stack * 1024 * 1024)
        .spawn(move || {
            for (name, text) in files {
                let file = analyze("src/lib.rs", &text);
                assert!(file.notes.is_empty(), "{name}: {:?}", file.notes);
                assert!(has_key(&file, KEY), "{name}");
            }
        })
        .expect("spawns")
        .join()
        .expect("every file at the limits parses");
}

/// The text of every credential found, as it stands in the file.
fn found(file: &FileAnalysis, text: &str) -> Vec<String> {
    file.credentials
        .iter()
        .map(|hit| text[hit.credential.span.clone()].to_string())
        .collect()
}

/// `count` distinct keys, in order.
fn keys(count: usize) -> Vec<String> {
    (0..count).map(key).collect()
}

/// Sizes here are small enough for a debug build; the bench runs the same shapes at 1 MiB.
const COUNT: usize = 4_000;

#[test]
fn keys_joined_by_equals_signs() {
    let keys = keys(COUNT);
    let text = keys.join("=");
    let file = analyze("dist/app.js", &text);
    assert_eq!(found(&file, &text), keys);
    assert!(file
        .credentials
        .iter()
        .all(|hit| !hit.credential.placeholder));

    let text = format!("GATE_SECRET={}\n", keys.join("="));
    let file = analyze(".env", &text);
    assert_eq!(found(&file, &text), keys);
    assert!(file
        .credentials
        .iter()
        .all(|hit| hit.context.variable.as_deref() == Some("GATE_SECRET")));
}

#[test]
fn env_files_of_many_lines() {
    let text: String = (0..COUNT)
        .map(|i| format!("# key {i}\nGATE_SECRET_{i}={}\n", key(i)))
        .collect();
    let file = analyze(".env", &text);
    assert_eq!(found(&file, &text), keys(COUNT));
    for (i, hit) in file.credentials.iter().enumerate() {
        assert_eq!(
            hit.context.variable.as_deref(),
            Some(format!("GATE_SECRET_{i}").as_str())
        );
    }
}

#[test]
fn source_maps_full_of_escaped_keys() {
    // Every key after a `\n` escape; every other one with an escaped letter inside.
    let mut content = String::new();
    for (i, key) in keys(COUNT).iter().enumerate() {
        if i % 2 == 0 {
            content.push_str(&format!("\\nconst k{i} = \\\"{key}\\\";"));
        } else {
            content.push_str(&format!(
                "\\nconst k{i} = \\\"{}\\u0041{}\\\";",
                &key[..12],
                &key[12..]
            ));
        }
    }
    let text = format!(
        "{{\"version\":3,\"sources\":[\"src/keys.js\"],\"sourcesContent\":[\"{content}\"],\"mappings\":\"\"}}"
    );
    let file = analyze("dist/app.js.map", &text);
    assert_eq!(file.credentials.len(), COUNT);
    for (i, (hit, key)) in file.credentials.iter().zip(keys(COUNT)).enumerate() {
        // Each points at where the key is written in the map, escapes and all.
        let written = &text[hit.credential.span.clone()];
        let decoded: String = serde_json::from_str(&format!("\"{written}\"")).unwrap();
        let expected = if i % 2 == 0 {
            key.clone()
        } else {
            format!("{}A{}", &key[..12], &key[12..])
        };
        assert_eq!(decoded, expected);
        assert_eq!(
            hit.context.origin.as_deref(),
            Some(format!("`src/keys.js` line {}", i + 2).as_str())
        );
    }
}

#[test]
fn js_files_of_many_comments_reads_and_imports() {
    let text = "// note\nconst a = process.env.VITE_A;\n// process.env.NOT_READ\n/* c */ import { b } from \"./b\";\n".repeat(COUNT);
    let file = analyze("web/src/app.js", &text);
    assert_eq!(file.env_reads.len(), COUNT);
    assert!(file.env_reads.iter().all(|read| read.variable == "VITE_A"));
    assert_eq!(file.imports, vec!["./b".to_string(); COUNT]);
}

#[test]
fn js_files_of_many_calls() {
    let call = "fetch(\"https://gate-api.0bit.app/v1/gate_sessions\", { method: \"POST\", headers: { \"Idempotency-Key\": key } });\n";
    let file = analyze("dist/app.js", &call.repeat(COUNT));
    let requests = &file.calls.requests;
    assert_eq!(requests.len(), COUNT);
    assert!(requests
        .iter()
        .all(|r| r.method.as_deref() == Some("POST") && r.headers.len() == 1 && !r.opaque_headers));

    // Calls that never close: each still read, within the scan's budget or not.
    let file = analyze(
        "dist/app.js",
        &"fetch(\"https://gate-api.0bit.app/v1/x\", { ".repeat(COUNT * 4),
    );
    assert_eq!(file.calls.requests.len(), COUNT * 4);
}

#[test]
fn js_files_of_many_unclosed_server_functions() {
    let text = format!(
        "export async function loader() {{ return process.env.GATE_SECRET; }}\n{}\nprocess.env.VITE_LATE;\n",
        "export function loader(a) { ".repeat(COUNT * 4)
    );
    let file = analyze("web/app/routes/index.js", &text);
    let gates: Vec<(&str, bool)> = file
        .env_reads
        .iter()
        .map(|read| (read.variable.as_str(), read.context.gate.server))
        .collect();
    assert_eq!(gates, [("GATE_SECRET", true), ("VITE_LATE", false)]);
}

#[test]
fn many_suppressions() {
    let count = 500;
    let text: String = (0..count)
        .map(|i| {
            format!(
                "// launchlint: allow(secret-key-in-client) rotated\nconst k{i} = \"{}\";\n",
                key(i)
            )
        })
        .collect();
    let file = analyze("dist/app.js", &text);
    assert_eq!(file.suppressions.len(), count);
    let model = ProjectModel::new(Environment::Live);
    let outcome = analysis::check(&model, &mut [file], &Levels::default());
    assert_eq!(outcome.suppressed, count);
    assert!(!outcome
        .findings
        .iter()
        .any(|f| f.rule == "secret-key-in-client"));
}

#[test]
fn many_origins_and_hosts() {
    let text = "return_url: \"https://shop.example.com/r\"\nbase: https://gate-api.0bit.app/v1/x\n"
        .repeat(COUNT);
    let file = analyze("config/app.yaml", &text);
    assert_eq!(file.origins.len(), COUNT);
    assert_eq!(file.hosts.len(), COUNT);
}

/// Nested gated modules, each holding a key: every key gets the gates of all its modules.
#[test]
fn nested_gated_modules() {
    let mut text = String::new();
    for group in 0..20 {
        for depth in 0..50 {
            let gate = if depth % 2 == 0 {
                "feature = \"ssr\""
            } else {
                "test"
            };
            text.push_str(&format!(
                "#[cfg({gate})] mod m{depth} {{ const K: &str = \"{}\";\n",
                key(group * 50 + depth)
            ));
        }
        text.push_str(&"}".repeat(50));
        text.push_str(&format!(
            "\nconst OPEN{group}: &str = \"{}\";\n",
            key(9_000 + group)
        ));
    }
    let file = analyze("src/lib.rs", &text);
    assert!(file.notes.is_empty(), "{:?}", file.notes);
    assert_eq!(file.credentials.len(), 20 * 51);
    for (at, hit) in file.credentials.iter().enumerate() {
        let depth = at % 51;
        let gate = hit.context.gate;
        if depth == 50 {
            assert!(!gate.server && !gate.test, "ungated key {at}");
        } else {
            assert!(
                gate.server && gate.test == (depth > 0),
                "key {at}: {gate:?}"
            );
        }
    }
}

/// `cfg_if!` chains of thousands of branches: each branch's gates are those of its own
/// predicate and of the branches before it.
#[test]
fn long_cfg_if_chains() {
    let mut text =
        String::from("cfg_if::cfg_if! { if #[cfg(feature = \"hydrate\")] { const A: &str = \"");
    text.push_str(&key(0));
    text.push_str("\"; } ");
    for i in 1..COUNT {
        text.push_str(&format!(
            "else if #[cfg(feature = \"x{i}\")] {{ const A: &str = \"{}\"; }} ",
            key(i)
        ));
    }
    text.push_str("}\n");
    let file = analyze("src/lib.rs", &text);
    assert!(file.notes.is_empty(), "{:?}", file.notes);
    let server: Vec<bool> = file
        .credentials
        .iter()
        .map(|h| h.context.gate.server)
        .collect();
    // The first branch runs in the browser build; so no later one does.
    assert_eq!(server.len(), COUNT);
    assert!(!server[0] && server[1..].iter().all(|s| *s));
}

#[test]
fn long_chains_in_webhook_code() {
    let text = format!(
        "fn handle(signature: &str, event: Event) {{\n let a = signature{};\n let b = event{};\n let c = event{};\n}}\n",
        ".eq(x)".repeat(200),
        ".id".repeat(300),
        ".get(\"data\")".repeat(300),
    );
    let file = analyze("src/lib.rs", &text);
    assert!(file.notes.is_empty(), "{:?}", file.notes);
    let handle = &file.webhooks.functions[0];
    assert_eq!(handle.rare().comparisons.len(), 200);
    assert!(handle.reads_event_id);
    // Key paths are followed a bounded number of steps: the short ones are all read.
    assert!(handle
        .rare()
        .value_paths
        .iter()
        .any(|path| path.keys == ["data"]));
}

#[test]
fn templates_do_not_grow_without_bound() {
    // Doubling a URL 63 times would hold 2^63 pieces.
    let mut text = String::from("fn f() {\n let a0 = \"https://gate-api.0bit.app/\";\n");
    for i in 1..64 {
        text.push_str(&format!(" let a{i} = a{} + a{};\n", i - 1, i - 1));
    }
    text.push_str(" client.post(a63).send();\n client.post(a1).send();\n}\n");
    // A long literal passed to thousands of calls, a header map filled thousands of times.
    text.push_str(&format!(
        "fn g() {{\n let a = \"{}\";\n{} let mut h = HeaderMap::new();\n{} client.post(\"https://gate-api.0bit.app/v1/x\").headers(h).send();\n}}\n",
        "x".repeat(100_000),
        " h2(a);\n".repeat(COUNT),
        " h.insert(\"x-a\", v);\n".repeat(COUNT),
    ));
    let file = analyze("src/lib.rs", &text);
    assert!(file.notes.is_empty(), "{:?}", file.notes);
    let requests = &file.calls.requests;
    assert_eq!(requests.len(), 3);
    // Past its bound, a template is unknown at runtime, and stays small.
    let url = &requests[0].url;
    assert!(
        url.len() <= 32
            && url
                .iter()
                .all(|p| *p == launchlint_rules::extract::request::Piece::Unknown)
    );
    assert_eq!(requests[1].url.len(), 2, "a short template is kept whole");
    assert_eq!(requests[2].headers.len(), 64);
    // One call per function is enough to know its arguments.
    assert!(
        file.calls
            .call_args
            .iter()
            .filter(|c| c.function == "h2")
            .count()
            <= 1
    );
}

#[test]
fn consts_naming_consts_resolve_within_a_budget() {
    let mut text = String::new();
    for level in 0..40 {
        let next = vec![format!("C{}", level + 1); 8].join(", ");
        text.push_str(&format!("const C{level}: &str = concat!({next});\n"));
    }
    text.push_str("const C40: &str = \"https://gate-api.0bit.app/v1\";\n");
    text.push_str("fn f() { client.post(C0).send(); }\n");
    let file = analyze("src/lib.rs", &text);
    // 8^40 pieces would not fit in any memory; the check completes.
    check(file);
}

#[test]
fn js_files_of_many_server_functions() {
    let text = format!(
        "{}export default function Page() {{ return process.env.VITE_PAGE; }}\n",
        "export async function loader() { return process.env.GATE_SECRET; }\n".repeat(COUNT)
    );
    let file = analyze("web/app/routes/index.js", &text);
    let server: Vec<bool> = file
        .env_reads
        .iter()
        .map(|read| read.context.gate.server)
        .collect();
    assert_eq!(server.len(), COUNT + 1);
    assert!(server[..COUNT].iter().all(|s| *s) && !server[COUNT]);
}
