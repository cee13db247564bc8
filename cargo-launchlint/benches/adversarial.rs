//! The scanned repository is hostile input. This benchmark builds, in memory, one input of
//! about 1 MiB for each shape that has made a per-file analyzer recurse without bound or do
//! quadratic work (deep nesting, long operator chains, thousands of keys, comments, calls,
//! suppressions and gated modules), runs it through `analysis::analyze_file` (and, where
//! findings follow, a whole-project `analysis::check`), and prints the median time of a few
//! runs. Figures only: nothing here asserts on time.
//!
//! `cargo bench -p cargo-launchlint --bench adversarial [-- NAME… [--size BYTES]]` runs the
//! cases whose name contains one of the NAMEs, at the given size.

use std::time::{Duration, Instant};

use launchlint_rules::extract::file::FileAnalysis;
use launchlint_rules::pipeline as analysis;
use launchlint_rules::project::model::{Environment, ProjectModel};
use launchlint_rules::rules::Levels;

/// The scan's workers run with this stack (see `scan.rs`); so does every case here.
const STACK_BYTES: usize = 64 * 1024 * 1024;

/// A secret key that is not a placeholder, distinct for each `i`.
fn key(i: usize) -> String {
    format!("sk_live_{i:08}Qm2LkVb8RtYx3Nw")
}

/// `unit` repeated until `head + units + tail` is about `size` bytes.
fn fill(size: usize, head: &str, unit: &str, tail: &str) -> String {
    let count = size.saturating_sub(head.len() + tail.len()) / unit.len().max(1);
    let mut out = String::with_capacity(size + unit.len());
    out.push_str(head);
    for _ in 0..count {
        out.push_str(unit);
    }
    out.push_str(tail);
    out
}

/// `unit(0)`, `unit(1)`, … until the text is at least `size` bytes: units that differ.
fn numbered(size: usize, unit: impl Fn(usize) -> String) -> String {
    let mut out = String::with_capacity(size);
    let mut i = 0;
    while out.len() < size {
        out.push_str(&unit(i));
        i += 1;
    }
    out
}

/// `open` `count` times, `middle`, then `close` `count` times, sized to `size`.
fn nest(size: usize, head: &str, open: &str, middle: &str, close: &str, tail: &str) -> String {
    let count =
        size.saturating_sub(head.len() + middle.len() + tail.len()) / (open.len() + close.len());
    format!(
        "{head}{}{middle}{}{tail}",
        open.repeat(count),
        close.repeat(count)
    )
}

fn rust_head() -> String {
    format!("const KEY: &str = \"{}\";\n", key(0))
}

type Generator = fn(usize) -> Vec<u8>;

/// Name, path, what is built, and whether a whole-project check is worth timing too.
const CASES: &[(&str, &str, Generator, bool)] = &[
    (
        "rust-deep-parens",
        "src/lib.rs",
        |n| {
            nest(
                n,
                &format!("{}fn f() -> i32 {{ ", rust_head()),
                "(",
                "1",
                ")",
                " }\n",
            )
            .into()
        },
        false,
    ),
    (
        "rust-deep-blocks",
        "src/lib.rs",
        |n| nest(n, &format!("{}fn f() ", rust_head()), "{", "", "}", "\n").into(),
        false,
    ),
    (
        "rust-closures",
        "src/lib.rs",
        |n| {
            fill(
                n,
                &format!("{}fn f() {{ let c = ", rust_head()),
                "|| ",
                "1; }\n",
            )
            .into()
        },
        false,
    ),
    (
        "rust-deep-types",
        "src/lib.rs",
        |n| {
            nest(
                n,
                &format!("{}type T = ", rust_head()),
                "Vec<",
                "u8",
                ">",
                ";\n",
            )
            .into()
        },
        false,
    ),
    (
        "rust-long-sum",
        "src/lib.rs",
        |n| {
            fill(
                n,
                &format!("{}fn f() -> i32 {{ ", rust_head()),
                "1 + ",
                "1 }\n",
            )
            .into()
        },
        false,
    ),
    (
        "rust-unary-chain",
        "src/lib.rs",
        |n| {
            fill(
                n,
                &format!("{}fn f() -> bool {{ ", rust_head()),
                "!",
                "x }\n",
            )
            .into()
        },
        false,
    ),
    (
        "rust-method-chain",
        "src/lib.rs",
        |n| fill(n, &format!("{}fn f() {{ x", rust_head()), ".a()", "; }\n").into(),
        false,
    ),
    (
        "rust-else-if-chain",
        "src/lib.rs",
        |n| {
            fill(
                n,
                &format!("{}fn f() {{ if a {{}}", rust_head()),
                " else if a {}",
                " }\n",
            )
            .into()
        },
        false,
    ),
    (
        "rust-nested-gated-mods",
        "src/lib.rs",
        |n| {
            // Groups of 100 nested modules, alternately server- and test-gated, each with a key.
            let mut group = String::new();
            for depth in 0..100 {
                let gate = if depth % 2 == 0 {
                    "feature = \"ssr\""
                } else {
                    "test"
                };
                group.push_str(&format!(
                    "#[cfg({gate})] mod m{depth} {{ const K: &str = \"{}\";\n",
                    key(depth)
                ));
            }
            group.push_str(&"}".repeat(100));
            group.push('\n');
            fill(n, "", &group, "").into()
        },
        true,
    ),
    (
        "rust-many-gated-fns",
        "src/lib.rs",
        |n| {
            fill(
                n,
                "",
                &format!(
                    "#[cfg(feature = \"ssr\")]\nfn f() {{ let k = \"{}\"; }}\n",
                    key(7)
                ),
                "",
            )
            .into()
        },
        true,
    ),
    (
        "rust-field-chains",
        "src/lib.rs",
        |n| {
            let statement = format!("let x = event{};\n", ".id".repeat(1500));
            fill(n, "fn handle(event: Event) {\n", &statement, "}\n").into()
        },
        false,
    ),
    (
        "rust-field-id-chains",
        "src/lib.rs",
        |n| {
            let statement = format!("let x = event{};\n", ".id".repeat(450));
            fill(n, "fn handle(event: Event) {\n", &statement, "}\n").into()
        },
        false,
    ),
    (
        "rust-get-chains",
        "src/lib.rs",
        |n| {
            let statement = format!("let x = event{};\n", ".get(\"data\")".repeat(300));
            fill(n, "fn handle(event: Value) {\n", &statement, "}\n").into()
        },
        false,
    ),
    (
        "rust-index-chains",
        "src/lib.rs",
        |n| {
            let statement = format!("let x = event[0]{};\n", "[\"data\"]".repeat(900));
            fill(n, "fn handle(event: Value) {\n", &statement, "}\n").into()
        },
        false,
    ),
    (
        "rust-eq-method-chains",
        "src/lib.rs",
        |n| {
            let statement = format!("let x = signature{};\n", ".eq(a)".repeat(300));
            fill(n, "fn handle(signature: &str) {\n", &statement, "}\n").into()
        },
        false,
    ),
    (
        "rust-nested-eq",
        "src/lib.rs",
        |n| {
            let inner = format!("[{}]", "signature, ".repeat(n / 12));
            format!(
                "fn handle() {{ let x = {}{inner}{}; }}\n",
                "(".repeat(200),
                " == signature)".repeat(200)
            )
            .into()
        },
        false,
    ),
    (
        "rust-nested-format",
        "src/lib.rs",
        |n| {
            let inner = format!("\"/{}\"", "a".repeat(n / 2));
            format!(
                "fn f() {{ client.post({}{inner}{}).send(); }}\n",
                "format!(\"/{}\", ".repeat(200),
                ")".repeat(200)
            )
            .into()
        },
        false,
    ),
    (
        "rust-nested-cors",
        "src/lib.rs",
        |n| {
            let inner = format!("[{}]", "\"https://a.example.com\", ".repeat(n / 30));
            format!(
                "fn f() {{ let c = {}{inner}{}; }}\n",
                "CorsLayer::new().allow_origin(AllowOrigin::list(".repeat(60),
                "))".repeat(60)
            )
            .into()
        },
        false,
    ),
    (
        "rust-header-inserts",
        "src/lib.rs",
        |n| {
            fill(n, "fn f() { let mut h = HeaderMap::new();\n", " h.insert(\"x-a\", v);\n", " client.post(\"https://gate-api.0bit.app/v1/gate_sessions\").headers(h).send(); }\n").into()
        },
        true,
    ),
    (
        "rust-json-body-reused",
        "src/lib.rs",
        |n| {
            let body = format!(
                "let j = json!({{ {} }});\n",
                "\"amount\": 1.5, ".repeat(2000)
            );
            fill(
                n,
                &format!("fn f() {{\n{body}"),
                " client.post(\"https://gate-api.0bit.app/v1/gate_sessions\").json(j).send();\n",
                "}\n",
            )
            .into()
        },
        true,
    ),
    (
        "rust-const-fanout",
        "src/lib.rs",
        |_| {
            // Each const names the next eight times: resolving the first is 8^levels pieces.
            let mut out = String::new();
            for level in 0..40 {
                let next = vec![format!("C{}", level + 1); 8].join(", ");
                out.push_str(&format!("const C{level}: &str = concat!({next});\n"));
            }
            out.push_str("const C40: &str = \"https://gate-api.0bit.app/v1\";\n");
            out.push_str("fn f() { client.post(C0).send(); }\n");
            out.into()
        },
        true,
    ),
    (
        "rust-webhook-fanout",
        "src/lib.rs",
        |n| {
            // A handler calling 300 functions that all call each other.
            let calls: String = (0..300).map(|i| format!("f{i}(); ")).collect();
            let mut out = format!("async fn handle(headers: HeaderMap) {{ headers.get(\"gate-signature\"); {calls} }}\n");
            let mut i = 0;
            while out.len() < n {
                out.push_str(&format!("fn f{i}() {{ {calls} }}\n"));
                i += 1;
            }
            out.into()
        },
        true,
    ),
    (
        "rust-nested-routes",
        "src/lib.rs",
        |n| {
            let inner = format!("[{}]", "post(h), ".repeat(n / 9));
            format!(
                "fn app() {{ let r = {}{inner}{}; }}\n",
                "x.route(\"/webhooks\", ".repeat(120),
                ")".repeat(120)
            )
            .into()
        },
        true,
    ),
    (
        "rust-deep-block-names",
        "src/lib.rs",
        |n| {
            let body = "g(a); ".repeat(n / 6);
            let open = "{ let a = 1; ".repeat(250);
            format!("fn f() {open}{body}{}\n", "}".repeat(250)).into()
        },
        false,
    ),
    (
        "rust-cfg-if-chain",
        "src/lib.rs",
        |n| {
            let branch = "else if #[cfg(feature = \"ssr\")] { const A: &str = \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"; } ";
            fill(n, "cfg_if::cfg_if! { if #[cfg(test)] {} ", branch, "}\n").into()
        },
        false,
    ),
    (
        "rust-nested-cfg",
        "src/lib.rs",
        |n| {
            let inner = "feature = \"a\", ".repeat(n / 16 / 64);
            let attr = format!(
                "#[cfg({}{inner}{})]\nfn f() {{}}\n",
                "all(".repeat(200),
                ")".repeat(200)
            );
            fill(n, "", &attr, "").into()
        },
        false,
    ),
    (
        "rust-return-types",
        "src/lib.rs",
        |n| {
            let item = format!(
                "fn f() -> {}u8{} {{ g() }}\n",
                "Vec<".repeat(300),
                ">".repeat(300)
            );
            fill(n, "", &item, "").into()
        },
        false,
    ),
    (
        "rust-string-doubling",
        "src/lib.rs",
        |_| {
            let mut body = String::from("fn f() {\n let a0 = \"https://gate-api.0bit.app/\";\n");
            for i in 1..64 {
                body.push_str(&format!(" let a{i} = a{} + a{};\n", i - 1, i - 1));
            }
            body.push_str(" client.post(a63).send();\n}\n");
            body.into()
        },
        true,
    ),
    (
        "rust-big-literal-reused",
        "src/lib.rs",
        |n| {
            let head = format!("fn f() {{\n let a = \"{}\";\n", "x".repeat(n / 2));
            fill(n, &head, " g(a);\n", "}\n").into()
        },
        true,
    ),
    (
        "rust-too-large",
        "src/lib.rs",
        |_| fill(5 << 20, &rust_head(), "fn f() { let x = 1; }\n", "").into(),
        false,
    ),
    (
        "js-unclosed-server-fns",
        "web/src/app.js",
        |n| fill(n, "", "export function loader(a) { ", "").into(),
        false,
    ),
    (
        "js-server-fns-with-reads",
        "web/app/routes/index.js",
        |n| {
            fill(
                n,
                "",
                "export async function loader() { return process.env.GATE_SECRET; }\n",
                "",
            )
            .into()
        },
        false,
    ),
    (
        "js-many-server-fns",
        "web/src/app.js",
        |n| {
            fill(
                n,
                "",
                "export async function loader({ params }) { return params; }\n",
                "",
            )
            .into()
        },
        false,
    ),
    (
        "js-unclosed-fetch",
        "dist/app.js",
        |n| fill(n, "", "fetch(\"https://gate-api.0bit.app/v1/x\", { ", "").into(),
        true,
    ),
    (
        "js-many-fetch",
        "dist/app.js",
        |n| {
            fill(
                n,
                "",
                "fetch(\"https://gate-api.0bit.app/v1/gate_sessions\", { method: \"POST\" });\n",
                "",
            )
            .into()
        },
        true,
    ),
    (
        "js-comments-env-reads",
        "web/src/app.js",
        |n| fill(n, "", "// note\nconst a = process.env.VITE_A;\n", "").into(),
        false,
    ),
    (
        "js-comments-imports",
        "web/src/app.js",
        |n| fill(n, "", "/* c */ import { a } from \"./a\";\n", "").into(),
        false,
    ),
    (
        "js-callbacks-of-new-names",
        "dist/app.js",
        |n| {
            numbered(n, |i| {
                format!("ramp.mount('#g', {{ onSuccess: () => {{ paid{i}(); }} }});\nfunction paid{i}() {{}}\n")
            })
            .into()
        },
        false,
    ),
    (
        "js-keys-joined",
        "dist/app.js",
        |n| {
            let mut out = String::new();
            let mut i = 0;
            while out.len() < n {
                out.push_str(&key(i));
                out.push('=');
                i += 1;
            }
            out.into_bytes()
        },
        true,
    ),
    (
        "env-keys-joined",
        ".env",
        |n| {
            let mut out = String::from("SECRET=");
            let mut i = 0;
            while out.len() < n {
                out.push_str(&key(i));
                out.push('=');
                i += 1;
            }
            out.into_bytes()
        },
        true,
    ),
    (
        "env-many-lines",
        ".env",
        |n| {
            let mut out = String::new();
            let mut i = 0;
            while out.len() < n {
                out.push_str(&format!("GATE_SECRET_{i}={}\n", key(i)));
                i += 1;
            }
            out.into_bytes()
        },
        true,
    ),
    (
        "sourcemap-escaped-keys",
        "dist/app.js.map",
        |n| {
            // Distinct keys, each after a `\n` escape, half with an escaped letter in the middle.
            let mut content = String::new();
            let mut i = 0;
            while content.len() < n {
                let k = key(i);
                if i % 2 == 0 {
                    content.push_str(&format!("\\nconst k{i} = \\\"{k}\\\";"));
                } else {
                    content.push_str(&format!(
                        "\\nconst k{i} = \\\"{}\\u0041{}\\\";",
                        &k[..12],
                        &k[12..]
                    ));
                }
                i += 1;
            }
            format!("{{\"version\":3,\"sources\":[\"src/a.js\"],\"sourcesContent\":[\"{content}\"],\"mappings\":\"\"}}").into_bytes()
        },
        true,
    ),
    (
        "suppressions",
        "dist/app.js",
        |n| {
            numbered(n, |i| {
                format!(
                    "// launchlint: allow(secret-key-in-client) rotated\nconst k = \"{}\";\n",
                    key(i)
                )
            })
            .into_bytes()
        },
        true,
    ),
    (
        "origins-and-hosts",
        "config/app.yaml",
        |n| {
            fill(n, "", "return_url: \"https://shop.example.com/r\"\nbase: https://gate-api.0bit.app/v1/x\n", "").into()
        },
        true,
    ),
    (
        "minified-one-line-keys",
        "dist/app.js",
        |n| {
            let mut out = String::new();
            let mut i = 0;
            while out.len() < n {
                out.push_str(&format!("var k{i}=\"{}\";", key(i)));
                i += 1;
            }
            out.into_bytes()
        },
        true,
    ),
    (
        "wasm-strings",
        "dist/app_bg.wasm",
        |n| {
            let mut out = b"\0asm\x01\0\0\0".to_vec();
            let mut i = 0;
            while out.len() < n {
                out.extend_from_slice(key(i).as_bytes());
                out.push(0);
                i += 1;
            }
            out
        },
        true,
    ),
];

fn main() {
    let mut names = Vec::new();
    let mut size = 1 << 20;
    let mut runs = 3;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bench" => {}
            "--size" => {
                size = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--size takes a number of bytes")
            }
            "--runs" => {
                runs = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--runs takes a number")
            }
            name => names.push(name.to_string()),
        }
    }
    println!(
        "{:<26} {:>9} {:>12} {:>12} {:>10}  notes",
        "input", "bytes", "analyze ms", "check ms", "syn ms"
    );
    for (name, path, generate, check) in CASES {
        if !names.is_empty() && !names.iter().any(|n| name.contains(n.as_str())) {
            continue;
        }
        let (name, path, generate, check) = (*name, *path, *generate, *check);
        let line = std::thread::Builder::new()
            .stack_size(STACK_BYTES)
            .spawn(move || run_case(name, path, generate(size), check, runs))
            .expect("spawns a bench thread")
            .join()
            .expect("the case runs");
        println!("{line}");
    }
}

fn run_case(name: &str, path: &str, bytes: Vec<u8>, check: bool, runs: usize) -> String {
    let model = ProjectModel::new(Environment::Live);
    let mut last: Option<FileAnalysis> = None;
    let analyze = median(runs, || {
        last = Some(analysis::analyze_file(&model, path, &bytes))
    });
    let analysis = last.expect("ran at least once");
    let check_time = check.then(|| {
        median(runs, || {
            let mut files = vec![analysis.clone()];
            analysis::check(&model, &mut files, &Levels::default());
        })
    });
    let notes: Vec<String> = analysis
        .notes
        .iter()
        .map(|n| format!("{:?}", n.kind))
        .collect();
    // The floor for Rust: syn's parse alone (only of files the analysis parsed too, so it is
    // known to be safe to hand to syn).
    let floor = (path.ends_with(".rs") && analysis.notes.is_empty()).then(|| {
        let text = String::from_utf8_lossy(&bytes);
        median(runs, || {
            let _ = syn::parse_file(&text);
        })
    });
    format!(
        "{name:<26} {:>9} {:>12.1} {:>12} {:>10}  {} keys; {}",
        bytes.len(),
        ms(analyze),
        check_time.map_or("-".to_string(), |t| format!("{:.1}", ms(t))),
        floor.map_or("-".to_string(), |t| format!("{:.1}", ms(t))),
        analysis.credentials.len(),
        if notes.is_empty() {
            "no notes".to_string()
        } else {
            notes.join(", ")
        }
    )
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn median(runs: usize, mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..runs.max(1))
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}
