//! Origins and 0Bit hosts, as plain facts: where code, env and config use an origin or
//! return URL (an allowed origin, an embed origin, a redirect target), where CORS allows any
//! origin, and where a file mentions a 0Bit host.

use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use crate::extract::gate::Gate;

/// One use of an origin or URL as an allowed origin or redirect target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginUse {
    /// The value as written (`https://shop.example.com/return`, `*`).
    pub value: String,
    pub span: Range<usize>,
    /// `CorsLayer::permissive()`, `AllowOrigin::any()`, `*`: any origin.
    pub wildcard: bool,
    pub role: OriginRole,
    /// The key it is the value of, with the sections and parent keys it sits under, `.`-joined
    /// and as written: `stripe.success_url`, `CHECKOUT_RETURN_URL` (empty in Rust).
    pub key: String,
}

/// What an origin is used as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginRole {
    /// Allowed to call the server: a CORS layer, an `allowed_origins` list.
    Cors,
    /// Allowed to host an embed: `embed_origin`.
    Embed,
    /// Where a payment sends the buyer back: `return_url`, `cancel_url`, `success_url`,
    /// `redirect_url`.
    Redirect,
}

/// What a field, key or variable of this name holds, when it holds an origin or redirect
/// target.
pub fn origin_role(name: &str) -> Option<OriginRole> {
    // Every role's key holds `url` or `origin`: most names (a field, a method) are turned
    // away here without building the lower-cased copy below.
    if !squeezed_contains(name, b"url") && !squeezed_contains(name, b"origin") {
        return None;
    }
    let lower = name.to_ascii_lowercase().replace(['-', '_'], "");
    let has = |keys: &[&str]| keys.iter().any(|key| lower.contains(key));
    if has(&["returnurl", "cancelurl", "successurl", "redirecturl"]) {
        Some(OriginRole::Redirect)
    } else if has(&["embedorigin"]) {
        Some(OriginRole::Embed)
    } else if has(&["allowedorigin", "corsorigin"]) || lower == "origin" || lower == "origins" {
        Some(OriginRole::Cors)
    } else {
        None
    }
}

/// Whether `name`, lower-cased and without `-` and `_`, contains `needle` (lower-case ASCII,
/// at most 8 bytes). One pass, keeping the last bytes read.
fn squeezed_contains(name: &str, needle: &[u8]) -> bool {
    let mut last = [0u8; 8];
    let mut read = 0;
    for byte in name.bytes().filter(|b| !matches!(b, b'-' | b'_')) {
        last.copy_within(1.., 0);
        last[7] = byte.to_ascii_lowercase();
        read += 1;
        if read >= needle.len() && last[8 - needle.len()..] == *needle {
            return true;
        }
    }
    false
}

/// `scheme://host[:port]` of a URL, lower-cased, default ports dropped; `None` if not a URL.
pub fn origin_of(value: &str) -> Option<String> {
    let (scheme, rest) = value.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let authority = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let authority = authority.rsplit('@').next().unwrap_or("");
    let authority = match (scheme.as_str(), authority.rsplit_once(':')) {
        ("https", Some((host, "443"))) | ("http", Some((host, "80"))) => host.to_string(),
        _ => authority.to_string(),
    };
    (!authority.is_empty()).then(|| format!("{scheme}://{authority}"))
}

/// Tunnel services: hosts that forward to whoever runs the tunnel.
const TUNNEL_SUFFIXES: [&str; 10] = [
    ".ngrok.io",
    ".ngrok-free.app",
    ".ngrok.app",
    ".ngrok.dev",
    ".trycloudflare.com",
    ".loca.lt",
    ".localtunnel.me",
    ".serveo.net",
    ".localhost.run",
    ".devtunnels.ms",
];

/// What kind of address an origin or URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Address {
    /// `*`, `https://*.shop.com`, `*.shop.com`.
    Wildcard,
    /// `localhost`, `127.0.0.1`, `0.0.0.0`, `[::1]`, `*.localhost`.
    Local,
    /// A tunnel service (ngrok, Cloudflare quick tunnels, localtunnel, …).
    Tunnel,
    /// Any other `http://` host.
    PlainHttp,
    /// Any other `https://` host.
    Https,
}

/// The kind of address `value` names; `None` when it is not an `http(s)` URL or a wildcard.
pub fn address_of(value: &str) -> Option<Address> {
    let trimmed = value.trim();
    if trimmed == "*" || trimmed.contains("://*") || trimmed.starts_with("*.") {
        return Some(Address::Wildcard);
    }
    let origin = origin_of(trimmed)?;
    let host = origin
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("");
    Some(
        if matches!(host, "localhost" | "127.0.0.1" | "0.0.0.0" | "[::1]")
            || host.ends_with(".localhost")
        {
            Address::Local
        } else if TUNNEL_SUFFIXES.iter().any(|suffix| host.ends_with(suffix)) {
            Address::Tunnel
        } else if origin.starts_with("http://") {
            Address::PlainHttp
        } else {
            Address::Https
        },
    )
}

/// Whether the value is one of 0Bit's own hosts (never an origin of the merchant's).
pub fn is_0bit_url(value: &str) -> bool {
    origin_of(value)
        .is_some_and(|origin| origin.ends_with(".0bit.app") || origin.contains(".0bit.app:"))
}

/// A key of [`text_origin_uses`] and what follows it up to its `:` or `=`.
fn key_pattern() -> &'static Regex {
    static KEY: OnceLock<Regex> = OnceLock::new();
    KEY.get_or_init(|| {
        Regex::new(r#"(?i)["']?([a-z_\-]*(?:return|cancel|success|redirect)[_\-]?ur[li]s?|[a-z_\-]*(?:allowed|cors|embed)[_\-]?origins?)["']?\s*[:=]"#)
            .expect("the origin key pattern is valid")
    })
}

/// The words a key of [`text_origin_uses`] holds, as its pattern does: a return, cancel,
/// success or redirect word before `ur` (of `url`, `uri`), or an allowed, CORS or embed word
/// before `origin`, joined by nothing, `_` or `-`; in any ASCII case. The pattern's case
/// folding is Unicode's, under which the only letters that match something other than ASCII
/// are `k` (the Kelvin sign) and `s` (`ſ`): the cores have no `k`, so a line with no core and
/// no `ſ` holds no key.
fn key_cores() -> &'static AhoCorasick {
    static CORES: OnceLock<AhoCorasick> = OnceLock::new();
    CORES.get_or_init(|| {
        let joined = |words: &[&str], tail: &str| {
            words
                .iter()
                .flat_map(|word| ["", "_", "-"].map(|join| format!("{word}{join}{tail}")))
                .collect::<Vec<_>>()
        };
        let mut cores = joined(&["return", "cancel", "success", "redirect"], "ur");
        cores.extend(joined(&["allowed", "cors", "embed"], "origin"));
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(cores)
            .expect("the cores are plain text")
    })
}

/// Origin uses in a text config or front-end file: `return_url = "…"` (TOML),
/// `return_url: https://…` and `allowed_origins:` followed by `- …` items (YAML), JSON keys,
/// and `returnUrl: "…"` (JS). Every URL or `*` on the key's line counts, and so does every
/// entry of a list that the key opens (`[` or a YAML block) on the following lines.
pub fn text_origin_uses(text: &str) -> Vec<OriginUse> {
    static VALUE: OnceLock<Regex> = OnceLock::new();
    let key = key_pattern();
    // A quoted URL or `*`, or an unquoted URL (YAML).
    let value = VALUE.get_or_init(|| {
        Regex::new(r#"["'`](https?://[^"'`\s]+|\*)["'`]|(?:^|[\s\-\[,])(https?://[^"'`\s,\]]+)"#)
            .expect("the origin value pattern is valid")
    });
    // Where a core or an `ſ` starts, in order (see `key_cores`): a key's line holds one.
    // A core holds no line break, so each line holding one holds the start of a core that
    // this (non-overlapping) search reports.
    let mut marks: Vec<usize> = key_cores().find_iter(text).map(|m| m.start()).collect();
    if text.contains('\u{17f}') {
        marks.extend(text.match_indices('\u{17f}').map(|(at, _)| at));
        marks.sort_unstable();
    }
    let mut marks = marks.into_iter().peekable();
    let mut uses = Vec::new();
    let mut in_list = false;
    // The role and path of the key whose value or list is being read.
    let mut role = None;
    let mut key_path = String::new();
    let mut parents = Parents::default();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        while marks.next_if(|&at| at < line_start).is_some() {}
        // Past the last key, only the items of a list it opened can follow.
        if marks.peek().is_none() && !in_list {
            break;
        }
        let trimmed = line.trim();
        parents.read(line);
        let may_be_key = marks.peek().is_some_and(|&at| at < line_start + line.len());
        let from = match may_be_key.then(|| key.captures(line)).flatten() {
            Some(captures) => {
                let found = captures.get(0).expect("a match has a whole");
                role = origin_role(found.as_str());
                key_path = parents.path(captures.get(1).map_or("", |k| k.as_str()));
                let rest = line[found.end()..].trim();
                in_list = rest.is_empty() || (rest.starts_with('[') && !rest.contains(']'));
                Some(found.end())
            }
            None if in_list => {
                let item = trimmed.starts_with('-')
                    || trimmed.starts_with('"')
                    || trimmed.starts_with('\'');
                if trimmed.starts_with(']') || (!item && !trimmed.is_empty()) {
                    in_list = false;
                }
                item.then_some(0)
            }
            None => None,
        };
        if let (Some(from), Some(role)) = (from, role) {
            for captures in value.captures_iter(&line[from..]) {
                let matched = captures
                    .get(1)
                    .or_else(|| captures.get(2))
                    .expect("one group matches");
                let start = line_start + from + matched.start();
                uses.push(OriginUse {
                    value: matched.as_str().to_string(),
                    span: start..start + matched.len(),
                    wildcard: matched.as_str() == "*",
                    role,
                    key: key_path.clone(),
                });
            }
        }
        line_start += line.len();
    }
    uses
}

/// The sections and parent keys a line of TOML or YAML sits under: the last `[section]`
/// header, and the `key:` lines of smaller indent above it.
#[derive(Default)]
struct Parents {
    section: String,
    /// `(indent, key)` of the open YAML mappings, outermost first.
    keys: Vec<(usize, String)>,
}

impl Parents {
    fn read(&mut self, line: &str) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return;
        }
        let indent = line.len() - line.trim_start().len();
        self.keys.retain(|(open, _)| *open < indent);
        if let Some(header) = trimmed.strip_prefix('[').filter(|_| trimmed.ends_with(']')) {
            self.section = header.trim_matches(['[', ']']).trim().to_string();
            self.keys.clear();
        } else if let Some(key) = trimmed.strip_suffix(':') {
            self.keys
                .push((indent, key.trim_matches(['"', '\'']).to_string()));
        }
    }

    /// `key` under the open section and keys.
    fn path(&self, key: &str) -> String {
        let mut path: Vec<&str> = Vec::new();
        if !self.section.is_empty() {
            path.push(&self.section);
        }
        path.extend(self.keys.iter().map(|(_, k)| k.as_str()));
        path.push(key);
        path.join(".")
    }
}

/// A mention of a `*.0bit.app` host in any text, with the span of its whole URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostMention {
    pub host: String,
    pub span: Range<usize>,
    /// The Rust gates at the mention (none outside Rust).
    pub gate: Gate,
}

pub fn host_mentions(text: &str) -> Vec<HostMention> {
    if !text.contains(".0bit.app") {
        return Vec::new();
    }
    static URL: OnceLock<Regex> = OnceLock::new();
    let url = URL.get_or_init(|| {
        Regex::new(r"(?:https?://)?([a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)*\.0bit\.app)(?::[0-9]+)?[^\s'`<>)\]}]*")
            .expect("the host pattern is valid")
    });
    url.captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let host = c.get(1)?.as_str().to_string();
            let end = whole.start() + whole.as_str().trim_end_matches(['"', ',', ';', '.']).len();
            Some(HostMention {
                host,
                span: whole.start()..end,
                gate: Gate::default(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_normalize() {
        assert_eq!(
            origin_of("https://Shop.Example.com:443/return?x=1").as_deref(),
            Some("https://shop.example.com")
        );
        assert_eq!(
            origin_of("http://localhost:3000/").as_deref(),
            Some("http://localhost:3000")
        );
        assert_eq!(origin_of("/return"), None);
    }

    #[test]
    fn addresses() {
        for (value, address) in [
            (
                "https://abc123.ngrok-free.app/return",
                Some(Address::Tunnel),
            ),
            ("http://shop.example.com", Some(Address::PlainHttp)),
            ("http://localhost:3000", Some(Address::Local)),
            ("https://*.example.com", Some(Address::Wildcard)),
            ("*", Some(Address::Wildcard)),
            ("https://shop.example.com/return", Some(Address::Https)),
            ("ftp://shop.example.com", None),
        ] {
            assert_eq!(address_of(value), address, "{value}");
        }
    }

    #[test]
    fn text_uses() {
        let text = "[checkout]\nreturn_url = \"https://shop.example.com/done\"\nname = \"https://x.example.com\"\nallowed_origins: [\"https://a.example.com\", \"*\"]\nconst c = { returnUrl: `https://b.example.com/r` };\n";
        let values: Vec<_> = text_origin_uses(text)
            .into_iter()
            .map(|u| u.value)
            .collect();
        assert_eq!(
            text_origin_uses(text)[0].key,
            "checkout.return_url",
            "the section is part of the key"
        );
        let yaml = "payments:\n  stripe:\n    success_url: https://shop.example.com/ok\n  gate:\n    return_url: https://shop.example.com/r\n";
        let keys: Vec<_> = text_origin_uses(yaml).into_iter().map(|u| u.key).collect();
        assert_eq!(
            keys,
            ["payments.stripe.success_url", "payments.gate.return_url"]
        );
        assert_eq!(
            values,
            [
                "https://shop.example.com/done",
                "https://a.example.com",
                "*",
                "https://b.example.com/r"
            ]
        );
        assert_eq!(origin_role("RETURN_URL"), Some(OriginRole::Redirect));
        assert_eq!(origin_role("allowedOrigins"), Some(OriginRole::Cors));
        assert_eq!(origin_role("KIOSK_EMBED_ORIGIN"), Some(OriginRole::Embed));
        assert_eq!(origin_role("API_URL"), None);
        assert_eq!(origin_role("redirect_uri"), None);
        assert_eq!(origin_role("return-U_R_L"), Some(OriginRole::Redirect));
        assert_eq!(origin_role("cors_ORI_gins"), Some(OriginRole::Cors));
        assert_eq!(origin_role("client"), None);
    }

    #[test]
    fn key_cores_hold_every_key() {
        // Every spelling of a key the pattern matches holds a core, in any ASCII case.
        for word in [
            "return", "cancel", "success", "redirect", "allowed", "cors", "embed",
        ] {
            for join in ["", "_", "-"] {
                for tail in ["url", "uri", "urls", "origin", "origins"] {
                    for key in [
                        format!("{word}{join}{tail}"),
                        format!("app_{word}{join}{tail}").to_ascii_uppercase(),
                        format!("\"{word}{join}{tail}\"").replace('r', "R"),
                    ] {
                        let text = format!("{key}: \"https://shop.example.com/a\"\n");
                        let found = !text_origin_uses(&text).is_empty();
                        let roled = origin_role(&format!("{key}:")).is_some();
                        assert_eq!(found, roled, "{key}");
                        if found {
                            assert!(key_cores().is_match(&key), "{key}");
                            let not_ascii = format!("# caf\u{e9}\n{text}");
                            assert!(!text_origin_uses(&not_ascii).is_empty(), "{key}");
                        }
                        // Case variants the pattern folds to its letters: `ſ` for `s`, and
                        // the Kelvin sign, which the cores lack.
                        for variant in [key.replacen('s', "\u{17f}", 1), format!("k\u{212a}{key}")]
                        {
                            if key_pattern().is_match(&format!("{variant}:")) {
                                let marked =
                                    key_cores().is_match(&variant) || variant.contains('\u{17f}');
                                assert!(marked, "{variant}");
                            }
                        }
                    }
                }
            }
        }
        // The items of a list the last key opens are read after it.
        let yaml = "name: shop\ncors:\n  allowed_origins:\n    - https://a.example.com\n    - '*'\nother: https://x.example.com\n";
        let values: Vec<_> = text_origin_uses(yaml)
            .into_iter()
            .map(|u| u.value)
            .collect();
        assert_eq!(values, ["https://a.example.com", "*"]);
        // Lines with a URL but no key are turned away before the pattern.
        assert!(text_origin_uses("api_url = \"https://a.example.com\"\norigin: x\n").is_empty());
    }

    #[test]
    fn hosts() {
        let text = "BASE=https://base-gate-api.0bit.app/v1\nlet u = \"https://gate-api-sandbox.0bit.app/v1/gate_sessions\";";
        let hosts: Vec<_> = host_mentions(text)
            .into_iter()
            .map(|m| (m.host, text[m.span].to_string()))
            .collect();
        assert_eq!(
            hosts[0],
            (
                "base-gate-api.0bit.app".into(),
                "https://base-gate-api.0bit.app/v1".into()
            )
        );
        assert_eq!(
            hosts[1].1,
            "https://gate-api-sandbox.0bit.app/v1/gate_sessions"
        );
    }
}
