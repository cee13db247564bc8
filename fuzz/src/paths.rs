//! The paths each per-file target analyzes its input as: `PATHS[input.len() % PATHS.len()]`.

/// Rust sources (syn parse, gates, env reads, includes, HTTP calls, webhook handlers) in server, client, shared, unpackaged and test files.
pub const RUST: &[&str] = &[
    "server/src/main.rs",
    "web/src/lib.rs",
    "app/src/lib.rs",
    "src/main.rs",
    "server/src/webhooks.rs",
    "app/src/app.rs",
    "server/tests/checkout.rs",
    "web/build.rs",
];

/// Front-end files (.ts/.tsx/.js/.svelte/.vue/.astro/.html/templates): env reads, fetch calls, imports, directives, server functions.
pub const JS: &[&str] = &[
    "web/src/main.ts",
    "shop/app/checkout/page.tsx",
    "shop/pages/checkout.tsx",
    "shop/pages/api/session.ts",
    "site/src/routes/+page.svelte",
    "site/src/routes/api/+server.ts",
    "web/index.html",
    "dist/assets/index.js",
    "web/src/App.vue",
    "site/src/pages/index.astro",
    "templates/checkout.hbs",
    "api/src/server.js",
    "shop/middleware.ts",
    "web/src/checkout.test.ts",
];

/// Env files: assignments, public prefixes, origin lists, secrets.
pub const ENV: &[&str] = &[
    ".env",
    ".env.production",
    "web/.env",
    "shop/.env.local",
    ".env.development",
];

/// TOML, YAML and JSON files read as "other" text: secrets, origins, hosts, suppressions.
pub const CONFIG_FILES: &[&str] = &[
    "config/production.toml",
    "config/app.yaml",
    "config/app.json",
    "docker-compose.yml",
    "web/dist/config.json",
];

/// Docs and runbooks (runbook classification, secrets, host mentions).
pub const MARKDOWN: &[&str] = &[
    "docs/runbook.md",
    "README.md",
    "support/RUNBOOK.txt",
];

/// Source maps: sourcesContent extraction and secrets pointed back into the map.
pub const SOURCE_MAP: &[&str] = &[
    "dist/app.js.map",
    "web/dist/assets/index.js.map",
    "server/target/app.js.map",
];

/// WebAssembly binaries: data-segment string extraction and secret scan.
pub const WASM: &[&str] = &[
    "pkg/app_bg.wasm",
    "web/dist/app_bg.wasm",
];
