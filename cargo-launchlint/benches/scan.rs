//! Scan speed against its floor. Generates a large merchant workspace (many crates of
//! realistic server and client Rust, a minified bundle, env files), then prints:
//!
//! - the floor: reading and parsing every Rust file once with syn, on one core and on all;
//! - a full `cargo-launchlint` run of the release binary on the same tree (median of runs).
//!
//! The goal is a full scan close to the parse floor. Figures only: no assertion on time.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const CRATES: usize = 40;
const FILES_PER_CRATE: usize = 25;
const RUNS: usize = 5;

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let (rust_files, rust_bytes) = generate(root);
    println!(
        "workspace: {CRATES} crates, {rust_files} Rust files, {:.1} MiB of Rust",
        rust_bytes as f64 / 1048576.0
    );

    let paths: Vec<_> = walk_rs(root);
    let parse_one = |path: &Path| {
        let text = std::fs::read_to_string(path).expect("generated file reads");
        syn::parse_file(&text).expect("generated file parses");
    };
    let single = median(|| paths.iter().for_each(|p| parse_one(p)));
    let parallel = median(|| {
        std::thread::scope(|scope| {
            for chunk in paths.chunks(paths.len().div_ceil(2)) {
                scope.spawn(move || chunk.iter().for_each(|p| parse_one(p)));
            }
        })
    });
    let binary = env!("CARGO_BIN_EXE_cargo-launchlint");
    let scan = median(|| {
        let output = Command::new(binary)
            .arg(root)
            .args(["--format", "short"])
            .output()
            .expect("runs");
        assert!(
            output.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    });
    println!(
        "floor, read + syn parse, 1 thread:   {:>8.1} ms",
        ms(single)
    );
    println!(
        "floor, read + syn parse, 2 threads:  {:>8.1} ms",
        ms(parallel)
    );
    println!("cargo-launchlint full scan:          {:>8.1} ms", ms(scan));
    println!(
        "full scan / 2-thread parse floor:    {:>8.2}x",
        scan.as_secs_f64() / parallel.as_secs_f64()
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn median(mut run: impl FnMut()) -> Duration {
    run(); // warm the page cache
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[RUNS / 2]
}

fn walk_rs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("readable")
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk_rs(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// Writes the workspace; returns the number and total size of Rust files.
fn generate(root: &Path) -> (usize, usize) {
    let members: Vec<String> = (0..CRATES).map(|i| format!("\"crates/c{i}\"")).collect();
    write(
        root,
        "Cargo.toml",
        &format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    );
    write(
        root,
        ".env.production",
        "OBIT_SECRET_KEY=\nVITE_OBIT_PUBLISHABLE_KEY=pk_live_51NzQ8vLr3TgHk2Wm9XpA7bCd\n",
    );
    let bundle: String = (0..2000)
        .map(|i| format!("function f{i}(a){{return fetch('/api/{i}',{{body:a}})}}"))
        .collect();
    write(root, "frontend/dist/assets/index.js", &bundle);
    let (mut count, mut bytes) = (0, 0);
    for c in 0..CRATES {
        let client = c % 4 == 0;
        let dependency = if client {
            "yew = { version = \"0.21\", features = [\"csr\"] }"
        } else {
            "axum = \"0.7\""
        };
        let dir = format!("crates/c{c}");
        write(root, &format!("{dir}/Cargo.toml"), &format!("[package]\nname = \"c{c}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{dependency}\n"));
        let mods: String = (0..FILES_PER_CRATE)
            .map(|f| format!("pub mod m{f};\n"))
            .collect();
        write(root, &format!("{dir}/src/lib.rs"), &mods);
        for f in 0..FILES_PER_CRATE {
            let text = module(c, f);
            bytes += text.len();
            count += 1;
            write(root, &format!("{dir}/src/m{f}.rs"), &text);
        }
    }
    (count, bytes)
}

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// About 300 lines of ordinary service code.
fn module(c: usize, f: usize) -> String {
    let mut text = format!(
        "//! Orders module {c}.{f}.\nuse std::collections::HashMap;\nuse serde::{{Deserialize, Serialize}};\n\nconst BASE_URL: &str = \"https://gate-api.0bit.app/v1\";\n\n"
    );
    for i in 0..12 {
        text.push_str(&format!(
            r#"#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Order{i} {{
    pub id: String,
    pub amount: String,
    pub currency: String,
    pub metadata: HashMap<String, String>,
}}

impl Order{i} {{
    pub fn new(id: &str) -> Self {{
        Self {{ id: id.to_string(), amount: "10.00".into(), currency: "EUR".into(), metadata: HashMap::new() }}
    }}

    pub fn describe(&self) -> String {{
        match self.currency.as_str() {{
            "EUR" => format!("{{}} EUR for {{}}", self.amount, self.id),
            "USD" => format!("${{}} for {{}}", self.amount, self.id),
            other => format!("{{}} {{}} for {{}}", self.amount, other, self.id),
        }}
    }}

    pub async fn submit(&self, client: &reqwest::Client) -> Result<(), reqwest::Error> {{
        let key = std::env::var("OBIT_SECRET_KEY").unwrap_or_default();
        client
            .post(format!("{{BASE_URL}}/gate_sessions"))
            .bearer_auth(key)
            .header("Idempotency-Key", self.id.clone())
            .json(self)
            .send()
            .await?
            .error_for_status()?;
        Ok(())
    }}
}}

"#
        ));
    }
    text.push_str("#[cfg(test)]\nmod tests {\n    #[test]\n    fn builds() {\n        let _ = super::Order0::new(\"o_1\");\n    }\n}\n");
    text
}
