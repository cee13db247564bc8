//! The scanned repository is hostile input (CI runs launchlint on strangers' pull requests).
//! Each test plants what an attacker would commit and checks that the binary neither runs
//! the repository's code, nor reads outside it, nor prints a secret in full, nor lets its text
//! forge output, nor hangs on special files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod support;
use support::{text, write};

/// A run that takes longer than this is a hang.
const HANG: Duration = Duration::from_secs(60);

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cargo-launchlint"));
    command
        .env_remove("CARGO_TERM_COLOR")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Runs `command`, failing the test instead of waiting forever.
fn run(mut command: Command) -> Output {
    let mut child = command.spawn().expect("the binary runs");
    // Drain both pipes while waiting, or a large report blocks the child on a full pipe.
    let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waitable") {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            panic!("launchlint did not finish within {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: stdout.join().expect("read"),
        stderr: stderr.join().expect("read"),
    }
}

fn launchlint(dir: &Path, args: &[&str]) -> Output {
    let mut command = binary();
    command.arg(dir).args(args);
    run(command)
}

const SERVER_MANIFEST: &str = "[package]\nname = \"shop\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.7\"\n\n[workspace]\n";

/// A realistic live key, different for each `n`, so a leak can be traced to its place.
fn live_key(n: u32) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut state = 0x9e37_79b9_u32.wrapping_mul(n + 1);
    let tail: String = (0..24)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            ALPHABET[state as usize % ALPHABET.len()] as char
        })
        .collect();
    format!("sk_live_{tail}")
}

fn marker_script(dir: &Path, marker: &Path) -> PathBuf {
    let script = dir.join("tools/run.sh");
    write(
        dir,
        "tools/run.sh",
        format!(
            "#!/bin/sh\necho ran \"$0\" \"$@\" >> '{}'\nexit 1\n",
            marker.display()
        ),
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    script
}

/// A toolchain file and a cargo config that would run the repository's script if anything
/// resolved them from the tree.
#[test]
fn no_code_from_the_repository_runs() {
    let outside = tempfile::tempdir().expect("temp dir");
    let marker = outside.path().join("MARKER");
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "Cargo.toml", SERVER_MANIFEST);
    write(root, "src/main.rs", "fn main() {}\n");
    let script = marker_script(root, &marker);
    let bin = root.join("toolchain/bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    for tool in ["cargo", "rustc"] {
        std::fs::copy(&script, bin.join(tool)).expect("copy");
    }
    write(
        root,
        ".cargo/config.toml",
        format!(
            "[build]\nrustc = \"{0}\"\nrustc-wrapper = \"{0}\"\n[target.x86_64-unknown-linux-gnu]\nrunner = \"{0}\"\n",
            script.display()
        ),
    );
    let toolchains = [
        (
            "rust-toolchain.toml",
            format!(
                "[toolchain]\npath = \"{}\"\n",
                root.join("toolchain").display()
            ),
        ),
        // The legacy file name, with a path too.
        (
            "rust-toolchain",
            format!("{}\n", root.join("toolchain").display()),
        ),
        // An unknown channel would make rustup try to download it.
        (
            "rust-toolchain.toml",
            "[toolchain]\nchannel = \"nightly-2099-01-01\"\n".to_string(),
        ),
    ];
    for (file, toolchain) in toolchains {
        let _ = std::fs::remove_file(root.join("rust-toolchain"));
        let _ = std::fs::remove_file(root.join("rust-toolchain.toml"));
        write(root, file, &toolchain);
        for through_rustup in [false, true] {
            let mut command = binary();
            command.arg(root).current_dir(root);
            if through_rustup {
                // Run directly from a shell, as the CI recipe does: no `$CARGO`, and no
                // toolchain pinned by a cargo that started us, so rustup would resolve one.
                for variable in [
                    "CARGO",
                    "RUSTUP_TOOLCHAIN",
                    "RUSTUP_TOOLCHAIN_SOURCE",
                    "RUSTUP_AUTO_INSTALL",
                ] {
                    command.env_remove(variable);
                }
            }
            let output = run(command);
            assert!(!marker.exists(), "the repository's script ran: {toolchain}");
            assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
            // Our own cargo answered: the tree's toolchain was not even consulted.
            assert!(
                !text(&output.stderr).contains("not used"),
                "{}",
                text(&output.stderr)
            );
        }
    }
}

#[test]
fn a_hanging_cargo_is_cut_off() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "Cargo.toml", SERVER_MANIFEST);
    write(root, "src/main.rs", "fn main() {}\n");
    let tools = tempfile::tempdir().expect("temp dir");
    write(tools.path(), "cargo", "#!/bin/sh\nsleep 30\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            tools.path().join("cargo"),
            std::fs::Permissions::from_mode(0o755),
        )
        .expect("chmod");
    }
    let mut command = binary();
    command
        .arg(root)
        .env("CARGO", tools.path().join("cargo"))
        .env("LAUNCHLINT_CARGO_TIMEOUT_MS", "300");
    let output = run(command);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        text(&output.stderr).contains("timed out after 300 ms"),
        "{}",
        text(&output.stderr)
    );
}

/// Every path in the config is relative to the root and stays inside it.
#[test]
fn config_paths_cannot_leave_the_project() {
    let outside = tempfile::tempdir().expect("temp dir");
    write(outside.path(), "secret.toml", "[[endpoint]]\n");
    let cases = [
        ("[contract]\nextend = [\"/etc/passwd\"]\n", "/etc/passwd"),
        (
            "[contract]\nextend = [\"../secret.toml\"]\n",
            "../secret.toml",
        ),
        (
            "[contract]\nextend = [\"contracts/link.toml\"]\n",
            "contracts/link.toml",
        ),
        (
            "[monitoring]\nalerts = [\"/var/log/alerts.yml\"]\n",
            "/var/log/alerts.yml",
        ),
        (
            "[support]\nrunbooks = [\"../../docs/**\"]\n",
            "../../docs/**",
        ),
        ("[client]\npaths = [\"linked/\"]\n", "linked/"),
        ("[ignore]\npaths = [\"/home/**\"]\n", "/home/**"),
    ];
    for (config, entry) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        write(root, "launchlint.toml", format!("# config\n{config}"));
        write(root, "src/main.rs", "fn main() {}\n");
        #[cfg(unix)]
        {
            std::fs::create_dir_all(root.join("contracts")).expect("mkdir");
            std::os::unix::fs::symlink(
                outside.path().join("secret.toml"),
                root.join("contracts/link.toml"),
            )
            .expect("symlink");
            std::os::unix::fs::symlink(outside.path(), root.join("linked")).expect("symlink");
        }
        let output = launchlint(root, &["--color", "never"]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{entry}: {stderr}");
        assert!(stderr.contains("outside the project"), "{entry}: {stderr}");
        assert!(stderr.contains("launchlint.toml:3:"), "{entry}: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn a_config_that_links_outside_is_refused() {
    let outside = tempfile::tempdir().expect("temp dir");
    write(outside.path(), "theirs.toml", "[rules]\n");
    for target in [
        outside.path().join("theirs.toml"),
        PathBuf::from("/dev/zero"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        write(dir.path(), "src/main.rs", "fn main() {}\n");
        std::os::unix::fs::symlink(&target, dir.path().join("launchlint.toml")).expect("symlink");
        let output = launchlint(dir.path(), &["--color", "never"]);
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
        assert!(text(&output.stderr).contains("leads out of the project"));
    }
    // A link that stays inside is fine.
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path(), "config/launchlint.toml", "[rules]\n");
    write(dir.path(), "src/main.rs", "fn main() {}\n");
    std::os::unix::fs::symlink("config/launchlint.toml", dir.path().join("launchlint.toml"))
        .expect("symlink");
    assert_eq!(launchlint(dir.path(), &[]).status.code(), Some(0));
}

/// FIFOs and links to devices are never opened for reading: the run neither hangs nor
/// fills memory, and cargo is not handed a tree where it would.
#[cfg(unix)]
#[test]
fn special_files_do_not_hang_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    );
    write(
        root,
        "crates/api/Cargo.toml",
        "[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(root, "crates/api/src/lib.rs", "pub fn f() {}\n");
    std::fs::create_dir_all(root.join("crates/fifo")).expect("mkdir");
    std::fs::create_dir_all(root.join("crates/zero")).expect("mkdir");
    let made = Command::new("mkfifo")
        .arg(root.join("crates/fifo/Cargo.toml"))
        .arg(root.join("config.yaml"))
        .status()
        .is_ok_and(|s| s.success());
    std::os::unix::fs::symlink("/dev/zero", root.join("crates/zero/Cargo.toml")).expect("link");
    std::os::unix::fs::symlink("/dev/zero", root.join("src.rs")).expect("link");
    std::os::unix::fs::symlink("/proc/self/environ", root.join("env.txt")).expect("link");
    let output = launchlint(root, &["--format", "short"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("not used"), "{stderr}");
    assert!(made, "mkfifo is available on this machine");
}

/// Realistic keys planted in every kind of place the output can quote; no format, stream or
/// written baseline may carry one in full.
#[test]
fn no_secret_is_printed_in_full() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let mut keys = Vec::new();
    let mut key = || {
        let key = live_key(keys.len() as u32);
        keys.push(key.clone());
        key
    };
    write(
        root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"server\", \"web\"]\nresolver = \"2\"\n",
    );
    write(root, "server/Cargo.toml", "[package]\nname = \"server\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum = \"0.7\"\nreqwest = \"0.12\"\n");
    write(root, "web/Cargo.toml", "[package]\nname = \"web\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nleptos = { version = \"0.7\", features = [\"csr\"] }\n");
    // 1-3: Rust server const, a glued neighbour on the excerpt line, a key in a comment.
    let (a, b, c) = (key(), key(), key());
    write(
        root,
        "server/src/keys.rs",
        format!(
            "// rotated: {c}\npub const GATE_KEY: &str = \"{a}\"; const OLD: &str = \"x{b}\";\n"
        ),
    );
    // 4: a request URL that carries a key (the message quotes the URL).
    let d = key();
    write(root, "server/src/main.rs", format!("mod keys;\npub async fn pay(client: reqwest::Client) {{\n    let _ = client.post(\"https://gate-api.0bit.app/v1/checkouts/{d}\").send().await;\n}}\nfn main() {{}}\n"));
    // 5: client Rust.
    let e = key();
    write(
        root,
        "web/src/lib.rs",
        format!("pub const KEY: &str = \"{e}\";\n"),
    );
    // 6-7: a minified bundle with two keys on one line, one glued to a JSON escape.
    let (f, g) = (key(), key());
    write(
        root,
        "frontend/dist/app.js",
        format!("var a=\"{f}\",b=\"\\n{g}\";{}\n", "x".repeat(400)),
    );
    // 8-9: a source map: a key in a source name and one in sourcesContent.
    let (h, i) = (key(), key());
    write(root, "frontend/dist/app.js.map", format!("{{\"version\":3,\"sources\":[\"src/{h}.ts\"],\"sourcesContent\":[\"export const k = \\\"{i}\\\";\\n\"],\"mappings\":\"\"}}"));
    // 10: wasm data.
    let j = key();
    write(
        root,
        "frontend/dist/app_bg.wasm",
        wasm_with_data(j.as_bytes()),
    );
    // 11-12: env files, one public.
    let (k, l) = (key(), key());
    write(
        root,
        ".env.production",
        format!("OBIT_SECRET_KEY={k}\nVITE_GATE_KEY={l}\n"),
    );
    // 13-14: a file and a folder named after a key.
    let (m, n) = (key(), key());
    write(
        root,
        &format!("config/{m}.toml"),
        format!("key = \"{}\"\n", key()),
    );
    write(
        root,
        &format!("{n}/notes.yaml"),
        format!("secret: {}\n", key()),
    );
    // 15-16: suppression comments whose text holds a key.
    let (o, p) = (key(), key());
    write(root, "server/src/suppressed.rs", format!("// launchlint: allow(hardcoded-secret-key) was {o}\nconst S: &str = \"{}\";\n// launchlint: allow(no-such-rule) {p}\n", key()));
    // 17: a percent-encoded key in a URL of a front-end file.
    let q = key();
    write(
        root,
        "frontend/package.json",
        "{\"dependencies\":{\"vite\":\"5\"}}",
    );
    write(
        root,
        "frontend/src/pay.ts",
        format!("export const url = \"https://shop.example.com/?k=%20{q}\";\n"),
    );
    // 18: an origin that holds a key, and a declared origin that does.
    let (r, s) = (key(), key());
    write(root, "server/src/origins.rs", format!("pub fn body() -> serde_json::Value {{\n    serde_json::json!({{ \"return_url\": \"https://{r}.example.com/done\" }})\n}}\n"));
    write(
        root,
        "launchlint.toml",
        format!("[origins]\nallowed = [\"https://{s}.example.com\"]\n"),
    );
    // 19: HTML and YAML config.
    write(
        root,
        "frontend/index.html",
        format!("<script>window.k = \"{}\"</script>\n", key()),
    );
    write(
        root,
        "config/production.yaml",
        format!("gate:\n  secret_key: {}\n", key()),
    );
    // 20: an unparsable Rust file whose name holds a key.
    let t = key();
    write(
        root,
        &format!("server/src/{t}.rs"),
        format!("fn broken( {{ \"{}\"\n", key()),
    );

    let baseline = tempfile::tempdir().expect("temp dir");
    let baseline_file = baseline.path().join("baseline.json");
    let mut outputs = Vec::new();
    for args in [
        vec!["--color", "never"],
        vec!["--color", "always"],
        vec!["--format", "short"],
        vec!["--format", "json"],
        vec!["--format", "sarif"],
        vec!["--format", "github"],
        vec!["--message-format", "json"],
        vec!["--message-format", "json-diagnostic-short"],
        vec!["--message-format", "json-render-diagnostics"],
        vec!["--write-baseline", baseline_file.to_str().expect("UTF-8")],
    ] {
        let output = launchlint(root, &args);
        assert_ne!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&output.stderr)
        );
        outputs.push((format!("{args:?} stdout"), text(&output.stdout)));
        outputs.push((format!("{args:?} stderr"), text(&output.stderr)));
    }
    outputs.push((
        "baseline".into(),
        std::fs::read_to_string(&baseline_file).expect("written"),
    ));
    // Config, contract-extension and baseline errors quote their input.
    let u = key();
    write(
        root,
        "launchlint.toml",
        format!("[launch]\nenvironment = \"{u}\"\n"),
    );
    let output = launchlint(root, &["--color", "never"]);
    assert_eq!(output.status.code(), Some(2));
    outputs.push(("config error".into(), text(&output.stderr)));
    let v = key();
    write(
        root,
        "launchlint.toml",
        "[contract]\nextend = [\"contracts/ours.toml\"]\n",
    );
    write(
        root,
        "contracts/ours.toml",
        format!("[[endpoint]]\nproduct = \"{v}\"\n"),
    );
    let output = launchlint(root, &["--color", "never"]);
    assert_eq!(output.status.code(), Some(2));
    outputs.push(("contract error".into(), text(&output.stderr)));
    std::fs::remove_file(root.join("launchlint.toml")).expect("removed");
    let w = key();
    std::fs::write(&baseline_file, format!("{{\"version\": \"{w}\"}}")).expect("written");
    let output = launchlint(
        root,
        &["--baseline", baseline_file.to_str().expect("UTF-8")],
    );
    assert_eq!(output.status.code(), Some(2));
    outputs.push(("baseline error".into(), text(&output.stderr)));

    assert!(keys.len() >= 20);
    for (place, output) in &outputs {
        for key in &keys {
            assert!(
                !output.contains(key.as_str()),
                "{place} shows {key} in full:\n{output}"
            );
        }
    }
    // The masked forms are there, so the checks above are not vacuous.
    let human = &outputs[0].1;
    assert!(human.contains(&format!("{}****", &a[..8])), "{human}");
    assert!(outputs
        .iter()
        .any(|(_, o)| o.contains(&keys[0][keys[0].len() - 4..])));
}

/// A minimal wasm module with one active data segment.
fn wasm_with_data(data: &[u8]) -> Vec<u8> {
    let mut segment = vec![1, 0x00, 0x41, 0x00, 0x0b];
    segment.extend(leb(data.len()));
    segment.extend_from_slice(data);
    let mut wasm = b"\0asm\x01\0\0\0".to_vec();
    wasm.extend([5, 3, 1, 0, 1]);
    wasm.push(11);
    wasm.extend(leb(segment.len()));
    wasm.extend(segment);
    wasm
}

fn leb(mut n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// A file name with a newline and a workflow command, and source lines with terminal escapes,
/// cannot forge an annotation or reach the terminal raw.
#[test]
fn output_cannot_be_forged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let key = live_key(99);
    write(root, "Cargo.toml", SERVER_MANIFEST);
    write(
        root,
        "src/main.rs",
        format!("// \u{1b}]8;;https://evil.example\u{7}click\u{1b}]8;;\u{7} \u{1b}[2J\nconst K: &str = \"{key}\"; // \u{9b}31m\r\nfn main() {{}}\n"),
    );
    #[cfg(unix)]
    write(
        root,
        "dist/x\n::error file=src/main.rs,line=1::forged\u{1b}[31m.js",
        format!("var k=\"{key}\";"),
    );
    #[cfg(unix)]
    write(root, "src/bad\n::warning::forged.rs", "fn (");
    for args in [
        vec!["--format", "github"],
        vec!["--format", "short"],
        vec!["--color", "never"],
        vec!["--format", "sarif"],
        vec!["--format", "json"],
        vec!["--message-format", "json-diagnostic-rendered-ansi"],
        vec!["--message-format", "json-render-diagnostics"],
    ] {
        let output = launchlint(root, &args);
        for (stream, bytes) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
            let out = text(bytes);
            assert!(
                !out.contains('\u{1b}') && !out.contains('\u{9b}') && !out.contains('\u{7}'),
                "{args:?} {stream} carries a control character:\n{out:?}"
            );
            for line in out.lines() {
                assert!(
                    !line.starts_with("::error file=src/main.rs,line=1")
                        && !line.starts_with("::warning::forged"),
                    "{args:?} {stream} has a forged line: {line:?}"
                );
            }
        }
        if args[1] == "github" {
            let out = text(&output.stdout);
            assert!(
                out.contains("file=dist/x\\n%3A%3Aerror"),
                "escaped, still shown: {out}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn baselines_replace_a_planted_symlink() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "Cargo.toml", SERVER_MANIFEST);
    write(
        root,
        "src/main.rs",
        format!("const K: &str = \"{}\";\nfn main() {{}}\n", live_key(7)),
    );
    let victim = root.join("victim.txt");
    std::fs::write(&victim, "do not touch").expect("written");
    let link = root.join("baseline.json");
    std::os::unix::fs::symlink(&victim, &link).expect("symlink");
    let output = launchlint(root, &["--write-baseline", link.to_str().expect("UTF-8")]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        std::fs::read_to_string(&victim).expect("read"),
        "do not touch"
    );
    let metadata = std::fs::symlink_metadata(&link).expect("exists");
    assert!(metadata.file_type().is_file());
    let output = launchlint(root, &["--baseline", link.to_str().expect("UTF-8")]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `.gitignore` decides what the walk skips, but a committed file is still read for secrets;
/// ripgrep's `.ignore` files are not honoured at all.
#[test]
fn ignore_files_cannot_hide_committed_secrets() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    if !git(root, &["init", "-q"]) {
        return;
    }
    write(root, "Cargo.toml", SERVER_MANIFEST);
    write(root, "src/main.rs", "fn main() {}\n");
    write(root, ".gitignore", "config/secrets.toml\nlocal/\n");
    write(root, ".ignore", "src/hidden.rs\n");
    write(
        root,
        "config/secrets.toml",
        format!("key = \"{}\"\n", live_key(1)),
    );
    write(
        root,
        "local/untracked.toml",
        format!("key = \"{}\"\n", live_key(2)),
    );
    write(
        root,
        "src/hidden.rs",
        format!("const K: &str = \"{}\";\n", live_key(3)),
    );
    assert!(git(root, &["add", "-A"]));
    assert!(git(root, &["add", "-f", "config/secrets.toml"]));
    let output = launchlint(root, &["--format", "short"]);
    let report = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(
        report.contains("config/secrets.toml:1:8: error[hardcoded-secret-key]"),
        "{report}"
    );
    assert!(
        report.contains("src/hidden.rs:1:18: error[hardcoded-secret-key]"),
        "{report}"
    );
    assert!(!report.contains("untracked.toml"), "{report}");
}

#[test]
fn strict_fails_on_files_not_fully_scanned() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "Cargo.toml", SERVER_MANIFEST);
    write(root, "src/main.rs", "fn main() {}\n");
    write(root, "src/broken.rs", "fn broken( {\n");
    let output = launchlint(root, &["--format", "short"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        text(&output.stdout).ends_with("; not fully scanned: 1 not parsed\n"),
        "{}",
        text(&output.stdout)
    );
    let output = launchlint(root, &["--format", "json", "--strict"]);
    assert_eq!(output.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["summary"]["unparsed"], 1);
    assert!(text(&output.stderr).contains("--strict: 1 files were not fully scanned"));
}

/// Config errors quote their input, but never more than a window of it: a config with a
/// 1 MB line, nested 100,000 deep, gives a short error and no stack overflow.
#[test]
fn config_errors_stay_short_on_huge_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    write(root, "src/main.rs", "fn main() {}\n");
    let nested = format!(
        "[launch]\nenvironment = {}{}\n",
        "[".repeat(500_000),
        "]".repeat(500_000)
    );
    write(root, "launchlint.toml", nested);
    let output = launchlint(root, &["--color", "never"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(stderr.len() < 4096, "{} bytes of error", stderr.len());
    assert!(stderr.contains("launchlint.toml:2"), "{stderr}");
}
