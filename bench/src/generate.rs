//! The synthetic merchant workspace: a cargo workspace of axum and actix services, 0Bit client
//! libraries, domain crates and leptos/yew wasm front ends, with JS bundles under `dist/`,
//! `.env` files, runbooks and Prometheus alert files. Sizes follow a long-tailed spread (most
//! modules are a few hundred lines, a few run to thousands) scaled to the requested total.
//!
//! Three findings are planted, and listed in `PLANTED.md` at the root:
//! a live secret key in the storefront's built bundle (`secret-key-in-client`), a
//! `POST /v1/gate_sessions` without an `Idempotency-Key` (`missing-idempotency-key`) and a
//! webhook endpoint that never checks `Gate-Signature` (`unverified-webhook`).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::rng::Rng;
use crate::rust_code::{self, Kind, Plant};

/// What to generate. The same shape gives the same bytes.
pub struct Shape {
    pub seed: u64,
    pub crates: usize,
    pub rust_files: usize,
    pub total_bytes: usize,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum CrateKind {
    AxumService,
    ActixService,
    GateLib,
    DomainLib,
    LeptosApp,
    YewApp,
}

impl CrateKind {
    fn is_client(self) -> bool {
        matches!(self, CrateKind::LeptosApp | CrateKind::YewApp)
    }
}

/// One planned Rust file: where it goes and what it holds.
struct Planned {
    path: String,
    kind: Option<Kind>,
    weight: f64,
    plant: Plant,
}

struct Writer {
    root: PathBuf,
    dirs: HashSet<PathBuf>,
    files: usize,
    bytes: usize,
    rust_files: usize,
    rust_bytes: usize,
}

impl Writer {
    fn write(&mut self, relative: &str, text: &str) -> Result<(), String> {
        let path = self.root.join(relative);
        let parent = path.parent().expect("a file under the root").to_path_buf();
        if !self.dirs.contains(&parent) {
            std::fs::create_dir_all(&parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
            self.dirs.insert(parent);
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        self.files += 1;
        self.bytes += text.len();
        if relative.ends_with(".rs") {
            self.rust_files += 1;
            self.rust_bytes += text.len();
        }
        Ok(())
    }
}

const CRATE_QUALS: &[&str] = &[
    "harbor", "fern", "lumen", "cedar", "atlas", "orbit", "maple", "quartz", "delta", "nova",
    "tidal", "ember", "alpine", "copper", "willow", "summit", "coral", "granite", "juniper",
    "meadow", "pioneer", "saffron", "timber", "vista",
];
const CRATE_NOUNS: &[&str] = &[
    "checkout",
    "billing",
    "orders",
    "bookings",
    "payouts",
    "refunds",
    "ledger",
    "catalog",
    "rentals",
    "tickets",
    "members",
    "donations",
    "kitchen",
    "fleet",
    "lockers",
    "storefront",
    "vouchers",
    "tabs",
    "subscriptions",
    "settlements",
    "courier",
    "inventory",
];

impl Shape {
    pub fn write(&self, dir: &Path) -> Result<String, String> {
        if dir.exists()
            && std::fs::read_dir(dir)
                .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
                .next()
                .is_some()
        {
            return Err(format!("{} exists and is not empty", dir.display()));
        }
        let mut w = Writer {
            root: dir.to_path_buf(),
            dirs: HashSet::new(),
            files: 0,
            bytes: 0,
            rust_files: 0,
            rust_bytes: 0,
        };
        let mut rng = Rng::new(self.seed);
        let crates = self.crates.max(2);
        let kinds: Vec<CrateKind> = (0..crates)
            .map(|i| match i {
                // The planted findings live in the first two crates.
                0 => CrateKind::AxumService,
                1 => CrateKind::GateLib,
                _ => match rng.below(100) {
                    0..=29 => CrateKind::AxumService,
                    30..=49 => CrateKind::ActixService,
                    50..=64 => CrateKind::GateLib,
                    65..=79 => CrateKind::DomainLib,
                    80..=89 => CrateKind::LeptosApp,
                    _ => CrateKind::YewApp,
                },
            })
            .collect();
        let names = crate_names(&mut rng, &kinds);

        // Split the Rust files between crates (at least 6 each), then plan every module.
        let per_crate = split(&mut rng, self.rust_files.max(6 * crates), crates, 6);
        let mut plans: Vec<Vec<Planned>> = Vec::new();
        for (i, (&kind, &files)) in kinds.iter().zip(&per_crate).enumerate() {
            let mut crate_rng = rng.fork(i as u64);
            plans.push(plan_crate(&mut crate_rng, kind, files, i));
        }

        // Budgets: 5% bundles, about 1% the rest, the remainder Rust.
        let bundle_budget = self.total_bytes / 20;
        let rust_budget = self.total_bytes - bundle_budget - self.total_bytes / 100;
        let weight_sum: f64 = plans.iter().flatten().map(|p| p.weight).sum();

        let members: Vec<String> = names
            .iter()
            .map(|n| format!("    \"crates/{n}\","))
            .collect();
        w.write(
            "Cargo.toml",
            &format!(
                "[workspace]\nresolver = \"2\"\nmembers = [\n{}\n]\n\n[workspace.package]\nedition = \"2021\"\nversion = \"0.1.0\"\n",
                members.join("\n")
            ),
        )?;
        let evidence = format!("gs_test_{}", rng.fork(77).alnum(26));
        w.write(
            "launchlint.toml",
            &format!("[launch]\nenvironment = \"live\"\nproduct-surface = \"0gate\"\nsandbox-evidence-id = \"{evidence}\"\ncompliance-approved = true\nenabled-products = [\"0pools\"]\n"),
        )?;
        w.write(".gitignore", "/target\nnode_modules/\n.env.local\n")?;
        w.write(
            ".env.example",
            "# Copy to .env and fill in; production values come from the secret store.\nOBIT_SECRET_KEY=\nOBIT_WEBHOOK_SECRET=\nOBIT_PUBLISHABLE_KEY=\nDATABASE_URL=postgres://localhost/merchant\n",
        )?;

        let mut webhook_services = Vec::new();
        for (i, plan) in plans.iter().enumerate() {
            let name = &names[i];
            let kind = kinds[i];
            let title = title_of(name);
            let mut crate_rng = rng.fork(1000 + i as u64);
            w.write(&format!("crates/{name}/Cargo.toml"), &manifest(name, kind))?;
            let modules: Vec<&Planned> = plan.iter().filter(|p| p.kind.is_some()).collect();
            for planned in plan {
                let text = match planned.kind {
                    Some(module_kind) => {
                        let target = (planned.weight / weight_sum * rust_budget as f64) as usize;
                        rust_code::module(
                            &mut crate_rng,
                            module_kind,
                            target,
                            &title,
                            planned.plant,
                        )
                    }
                    None => entry_or_mod(&planned.path, kind, &title, &modules, i == 0),
                };
                w.write(&format!("crates/{name}/{}", planned.path), &text)?;
            }
            if matches!(kind, CrateKind::AxumService | CrateKind::ActixService) {
                if modules
                    .iter()
                    .any(|p| matches!(p.kind, Some(Kind::AxumWebhook | Kind::ActixWebhook)))
                {
                    webhook_services.push(name.clone());
                }
                if crate_rng.chance(40) {
                    let test_key = format!("sk_test_{}", crate_rng.alnum(24));
                    w.write(
                        &format!("crates/{name}/.env.development"),
                        &format!("OBIT_SECRET_KEY={test_key}\nOBIT_WEBHOOK_SECRET=whsec_test_{}\nDATABASE_URL=postgres://localhost/{}\nLISTEN_ADDR=127.0.0.1:8080\n", crate_rng.alnum(24), name.replace('-', "_")),
                    )?;
                    w.write(
                        &format!("crates/{name}/.env.production"),
                        "# Injected by the deploy pipeline from the secret store.\nOBIT_SECRET_KEY=\nOBIT_WEBHOOK_SECRET=\nLISTEN_ADDR=0.0.0.0:8080\n",
                    )?;
                }
            }
        }

        // Bundles: each wasm front end ships a trunk `dist/`, and the JS storefront a vite one.
        let clients: Vec<&String> = names
            .iter()
            .zip(&kinds)
            .filter(|(_, k)| k.is_client())
            .map(|(n, _)| n)
            .collect();
        let share = bundle_budget / (clients.len() + 2);
        for (i, name) in clients.iter().enumerate() {
            let mut bundle_rng = rng.fork(5000 + i as u64);
            let hash = bundle_rng.hex(16);
            w.write(
                &format!("crates/{name}/index.html"),
                &format!("<!DOCTYPE html>\n<html>\n  <head>\n    <link data-trunk rel=\"rust\" data-wasm-opt=\"z\" />\n    <title>{}</title>\n  </head>\n  <body></body>\n</html>\n", title_of(name)),
            )?;
            w.write(
                &format!("crates/{name}/Trunk.toml"),
                "[build]\ntarget = \"index.html\"\ndist = \"dist\"\n",
            )?;
            w.write(
                &format!("crates/{name}/dist/{name}-{hash}.js"),
                &bundle(&mut bundle_rng, share, None),
            )?;
        }
        let mut store_rng = rng.fork(9000);
        let live_key = format!("sk_live_{}", store_rng.alnum(26));
        let hash = store_rng.hex(8);
        w.write(
            "web/storefront/package.json",
            "{\n  \"name\": \"storefront\",\n  \"private\": true,\n  \"type\": \"module\",\n  \"scripts\": { \"build\": \"tsc -b && vite build\" },\n  \"dependencies\": { \"@0bit/gate-js\": \"^1.3.0\", \"react\": \"^18.3.1\" }\n}\n",
        )?;
        w.write(
            "web/storefront/src/checkout.ts",
            "import { GateEmbed } from \"@0bit/gate-js\";\n\n// The key comes from the build environment.\nconst GATE_KEY = import.meta.env.VITE_GATE_KEY as string;\n\nexport function mountCheckout(el: HTMLElement, sku: string) {\n  return GateEmbed.mount(el, { key: GATE_KEY, lineItems: [{ sku, quantity: 1 }] });\n}\n",
        )?;
        w.write(
            "web/storefront/node_modules/@0bit/gate-js/README.md",
            "Never read: node_modules is skipped.\n",
        )?;
        w.write(
            &format!("web/storefront/dist/assets/index-{hash}.js"),
            &bundle(&mut store_rng, share * 2, Some(&live_key)),
        )?;
        w.write(
            "web/storefront/dist/index.html",
            &format!("<!doctype html>\n<html><head><script type=\"module\" src=\"/assets/index-{hash}.js\"></script></head><body><div id=\"root\"></div></body></html>\n"),
        )?;

        // Operations: alert rules per webhook service, runbooks.
        let mut ops_rng = rng.fork(9100);
        for name in &webhook_services {
            w.write(
                &format!("ops/alerts/{name}.rules.yml"),
                &alerts(&mut ops_rng, name),
            )?;
        }
        for topic in [
            "webhook-backlog",
            "gate-outage",
            "refund-spike",
            "key-rotation",
            "payout-delay",
            "deploy",
        ] {
            w.write(
                &format!("docs/runbooks/{topic}.md"),
                &runbook(&mut ops_rng, topic),
            )?;
        }

        let gate_file = plans[1]
            .iter()
            .find(|p| p.plant.missing_idempotency_key)
            .map(|p| format!("crates/{}/{}", names[1], p.path))
            .expect("crate 1 has a gate client");
        let webhook_file = plans[0]
            .iter()
            .find(|p| p.plant.unverified_webhook)
            .map(|p| format!("crates/{}/{}", names[0], p.path))
            .expect("crate 0 has a webhook module");
        let planted = format!(
            "# Planted findings\n\nThis workspace is generated by `launchlint-bench generate` (seed {}). Three findings are planted:\n\n- `secret-key-in-client`: a live secret key in `web/storefront/dist/assets/index-{hash}.js`.\n- `missing-idempotency-key`: `create_session` in `{gate_file}` posts `/v1/gate_sessions` without an `Idempotency-Key`.\n- `unverified-webhook`: `handle_webhook_legacy` in `{webhook_file}` trusts its JSON body without checking `Gate-Signature` (it also fires `webhook-body-parsed-before-verification`).\n\nNothing else should be reported: `launchlint.toml` holds a complete launch record and `ops/alerts/` the three launch alerts.\n",
            self.seed
        );
        w.write("PLANTED.md", &planted)?;
        w.write(
            "README.md",
            "# Synthetic merchant workspace\n\nGenerated for cargo-launchlint's benchmark; see PLANTED.md. Not real code.\n",
        )?;

        Ok(format!(
            "wrote {}: {} crates, {} Rust files ({:.1} MiB), {} files in all ({:.1} MiB); planted findings in PLANTED.md",
            dir.display(),
            crates,
            w.rust_files,
            w.rust_bytes as f64 / 1048576.0,
            w.files,
            w.bytes as f64 / 1048576.0,
        ))
    }
}

/// Unique crate names such as `harbor-checkout-api`.
fn crate_names(rng: &mut Rng, kinds: &[CrateKind]) -> Vec<String> {
    let mut used = HashSet::new();
    kinds
        .iter()
        .map(|kind| {
            let suffix = match kind {
                CrateKind::AxumService | CrateKind::ActixService => {
                    *rng.pick(&["api", "service", "server", "worker"])
                }
                CrateKind::GateLib => *rng.pick(&["gate", "payments", "obit-client"]),
                CrateKind::DomainLib => *rng.pick(&["core", "domain", "model", "rules"]),
                CrateKind::LeptosApp | CrateKind::YewApp => {
                    *rng.pick(&["web", "ui", "widget", "app"])
                }
            };
            let base = format!(
                "{}-{}-{suffix}",
                rng.pick(CRATE_QUALS),
                rng.pick(CRATE_NOUNS)
            );
            let mut name = base.clone();
            let mut n = 2;
            while !used.insert(name.clone()) {
                name = format!("{base}-{n}");
                n += 1;
            }
            name
        })
        .collect()
}

fn title_of(name: &str) -> String {
    name.split('-')
        .take(2)
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits `total` into `parts` random parts of at least `min`.
fn split(rng: &mut Rng, total: usize, parts: usize, min: usize) -> Vec<usize> {
    let weights: Vec<f64> = (0..parts).map(|_| 0.3 + rng.unit() * 1.7).collect();
    let sum: f64 = weights.iter().sum();
    let spare = total - min * parts;
    let mut out: Vec<usize> = weights
        .iter()
        .map(|w| min + (w / sum * spare as f64) as usize)
        .collect();
    let mut short = total - out.iter().sum::<usize>();
    let mut i = 0;
    while short > 0 {
        out[i % parts] += 1;
        short -= 1;
        i += 1;
    }
    out
}

/// A long-tailed relative size: most modules small or medium, 2% very large.
fn size_weight(rng: &mut Rng) -> f64 {
    let (lo, hi) = match rng.below(100) {
        0..=44 => (1.0, 6.0),
        45..=84 => (6.0, 22.0),
        85..=97 => (22.0, 55.0),
        _ => (55.0, 140.0),
    };
    lo + rng.unit() * (hi - lo)
}

/// Every Rust file of one crate: entry file, `mod.rs` files and modules (`files` in all).
fn plan_crate(rng: &mut Rng, kind: CrateKind, files: usize, index: usize) -> Vec<Planned> {
    let entry = match kind {
        CrateKind::AxumService | CrateKind::ActixService => "src/main.rs",
        _ => "src/lib.rs",
    };
    let (group_dir, group_kind) = match kind {
        CrateKind::AxumService => ("handlers", Kind::AxumHandlers),
        CrateKind::ActixService => ("handlers", Kind::ActixHandlers),
        CrateKind::LeptosApp => ("components", Kind::Leptos),
        CrateKind::YewApp => ("components", Kind::Yew),
        CrateKind::GateLib | CrateKind::DomainLib => ("model", Kind::Models),
    };
    let mut fixed: Vec<(&str, Kind)> = match kind {
        CrateKind::AxumService => vec![("config", Kind::Config), ("gate", Kind::GateClient)],
        CrateKind::ActixService => vec![("config", Kind::Config), ("gate", Kind::GateClient)],
        CrateKind::GateLib => vec![("gate", Kind::GateClient), ("pools", Kind::PoolsClient)],
        _ => vec![],
    };
    let webhook = match kind {
        CrateKind::AxumService => (index == 0 || rng.chance(50)).then_some(Kind::AxumWebhook),
        CrateKind::ActixService => rng.chance(50).then_some(Kind::ActixWebhook),
        _ => None,
    };
    if let Some(webhook) = webhook {
        fixed.push(("webhook", webhook));
    }
    let mut plan = vec![Planned {
        path: entry.to_string(),
        kind: None,
        weight: 0.0,
        plant: Plant::default(),
    }];
    plan.push(Planned {
        path: format!("src/{group_dir}/mod.rs"),
        kind: None,
        weight: 0.0,
        plant: Plant::default(),
    });
    for (name, module_kind) in fixed {
        let plant = Plant {
            missing_idempotency_key: index == 1 && module_kind == Kind::GateClient,
            unverified_webhook: index == 0 && module_kind == Kind::AxumWebhook,
        };
        plan.push(Planned {
            path: format!("src/{name}.rs"),
            kind: Some(module_kind),
            weight: size_weight(rng),
            plant,
        });
    }
    let server = matches!(kind, CrateKind::AxumService | CrateKind::ActixService);
    if server && files > 10 {
        plan.push(Planned {
            path: "tests/flows.rs".into(),
            kind: Some(Kind::IntegrationTest),
            weight: size_weight(rng),
            plant: Plant::default(),
        });
    }
    let mut used: HashSet<String> = [
        "config",
        "gate",
        "pools",
        "webhook",
        "mod",
        "main",
        "lib",
        "handlers",
        "components",
        "model",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    while plan.len() < files {
        let noun = *rng.pick(rust_code_nouns());
        let mut name = noun.to_string();
        let mut n = 2;
        while !used.insert(name.clone()) {
            name = format!("{noun}_{n}");
            n += 1;
        }
        let roll = rng.below(100);
        let (path, module_kind) = if roll < 45 {
            (format!("src/{group_dir}/{name}.rs"), group_kind)
        } else {
            let other = match (kind, roll) {
                (CrateKind::LeptosApp | CrateKind::YewApp, 45..=79) => Kind::Models,
                (CrateKind::LeptosApp | CrateKind::YewApp, _) => Kind::Logic,
                (_, 45..=64) => Kind::Models,
                (_, 65..=79) => Kind::Logic,
                _ => Kind::Repository,
            };
            (format!("src/{name}.rs"), other)
        };
        plan.push(Planned {
            path,
            kind: Some(module_kind),
            weight: size_weight(rng),
            plant: Plant::default(),
        });
    }
    plan
}

fn rust_code_nouns() -> &'static [&'static str] {
    &[
        "orders",
        "refunds",
        "payouts",
        "invoices",
        "customers",
        "carts",
        "plans",
        "ledger",
        "settlements",
        "disputes",
        "vouchers",
        "bookings",
        "tickets",
        "shipments",
        "stores",
        "products",
        "coupons",
        "wallets",
        "transfers",
        "receipts",
        "statements",
        "fees",
        "quotes",
        "rentals",
        "memberships",
        "donations",
        "menus",
        "venues",
        "events",
        "deliveries",
        "couriers",
        "stock",
        "suppliers",
        "tenants",
        "pricing",
        "taxes",
        "reports",
        "exports",
        "audit",
        "search",
        "notifications",
        "sessions",
        "accounts",
    ]
}

/// `main.rs`/`lib.rs` (declaring the top modules and, for services, the router) or a group's
/// `mod.rs` (declaring its children).
fn entry_or_mod(
    path: &str,
    kind: CrateKind,
    title: &str,
    modules: &[&Planned],
    planted: bool,
) -> String {
    let mut out = String::new();
    if let Some(group) = path.strip_suffix("/mod.rs") {
        let _ = writeln!(out, "//! The {} of {title}.\n", &group[4..]);
        for m in modules {
            if let Some(child) = m.path.strip_prefix(&format!("{group}/")) {
                let _ = writeln!(out, "pub mod {};", child.trim_end_matches(".rs"));
            }
        }
        return out;
    }
    let _ = writeln!(out, "//! {title}.\n");
    let group = if matches!(kind, CrateKind::LeptosApp | CrateKind::YewApp) {
        "components"
    } else if matches!(kind, CrateKind::AxumService | CrateKind::ActixService) {
        "handlers"
    } else {
        "model"
    };
    let _ = writeln!(out, "pub mod {group};");
    for m in modules {
        if let Some(top) = m.path.strip_prefix("src/") {
            if !top.contains('/') {
                let _ = writeln!(out, "pub mod {};", top.trim_end_matches(".rs"));
            }
        }
    }
    let has_webhook = modules.iter().any(|m| m.path == "src/webhook.rs");
    match kind {
        CrateKind::AxumService => {
            let _ = write!(out, "\nuse std::sync::Arc;\n\nuse axum::routing::{{get, post}};\nuse axum::Router;\n\n#[derive(Clone)]\npub struct AppState {{\n    pub db: sqlx::PgPool,\n    pub signing_secret: Arc<Vec<u8>>,\n    pub gate: gate::GateClient,\n}}\n\n#[tokio::main]\nasync fn main() -> anyhow::Result<()> {{\n    tracing_subscriber::fmt::init();\n    let settings = config::Settings::from_env();\n    let db = sqlx::PgPool::connect(&settings.database_url).await?;\n    let state = AppState {{\n        db,\n        signing_secret: Arc::new(settings.signing_secret.clone()),\n        gate: gate::GateClient::new(settings.secret_key.clone()),\n    }};\n    let app = Router::new()\n        .route(\"/healthz\", get(|| async {{ \"ok\" }}))\n");
            if has_webhook {
                out.push_str("        .route(\"/webhooks/0bit\", post(webhook::handle_webhook))\n");
            }
            if planted {
                out.push_str("        .route(\"/webhooks/0bit-legacy\", post(webhook::handle_webhook_legacy))\n");
            }
            out.push_str("        .with_state(state);\n    let listener = tokio::net::TcpListener::bind(&settings.listen_addr).await?;\n    axum::serve(listener, app).await?;\n    Ok(())\n}\n");
        }
        CrateKind::ActixService => {
            out.push_str("\nuse actix_web::{web, App, HttpServer};\n\npub struct AppState {\n    pub db: sqlx::PgPool,\n    pub signing_secret: Vec<u8>,\n}\n\n#[actix_web::main]\nasync fn main() -> std::io::Result<()> {\n    let settings = config::Settings::from_env();\n    let db = sqlx::PgPool::connect_lazy(&settings.database_url).expect(\"valid database URL\");\n    let state = web::Data::new(AppState { db, signing_secret: settings.signing_secret.clone() });\n    HttpServer::new(move || {\n        App::new()\n            .app_data(state.clone())\n");
            if has_webhook {
                out.push_str("            .service(webhook::gate_webhook)\n");
            }
            out.push_str(
                "    })\n    .bind(settings.listen_addr.as_str())?\n    .run()\n    .await\n}\n",
            );
        }
        CrateKind::LeptosApp => {
            let _ = write!(out, "\nuse leptos::prelude::*;\n\n#[component]\npub fn App() -> impl IntoView {{\n    view! {{ <main><h1>\"{title}\"</h1></main> }}\n}}\n\n#[wasm_bindgen::prelude::wasm_bindgen(start)]\npub fn start() {{\n    console_error_panic_hook::set_once();\n    leptos::mount::mount_to_body(App);\n}}\n");
        }
        CrateKind::YewApp => {
            let _ = write!(out, "\nuse yew::prelude::*;\n\n#[function_component(App)]\npub fn app() -> Html {{\n    html! {{ <main><h1>{{ \"{title}\" }}</h1></main> }}\n}}\n\npub fn start() {{\n    yew::Renderer::<App>::new().render();\n}}\n");
        }
        CrateKind::GateLib | CrateKind::DomainLib => {}
    }
    out
}

fn manifest(name: &str, kind: CrateKind) -> String {
    let deps = match kind {
        CrateKind::AxumService => "anyhow = \"1\"\naxum = \"0.7\"\nhex = \"0.4\"\nhmac = \"0.12\"\nreqwest = { version = \"0.12\", default-features = false, features = [\"json\", \"rustls-tls\"] }\nserde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\nsha2 = \"0.10\"\nsqlx = { version = \"0.8\", default-features = false, features = [\"postgres\", \"runtime-tokio\"] }\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\ntracing = \"0.1\"\ntracing-subscriber = \"0.3\"\n",
        CrateKind::ActixService => "actix-web = \"4\"\nhex = \"0.4\"\nhmac = \"0.12\"\nlog = \"0.4\"\nreqwest = { version = \"0.12\", default-features = false, features = [\"json\", \"rustls-tls\"] }\nserde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\nsha2 = \"0.10\"\nsqlx = { version = \"0.8\", default-features = false, features = [\"postgres\", \"runtime-tokio\"] }\ntracing = \"0.1\"\n",
        CrateKind::GateLib => "reqwest = { version = \"0.12\", default-features = false, features = [\"json\", \"rustls-tls\"] }\nserde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n",
        CrateKind::DomainLib => "serde = { version = \"1\", features = [\"derive\"] }\nsqlx = { version = \"0.8\", default-features = false, features = [\"postgres\"] }\n",
        CrateKind::LeptosApp => "console_error_panic_hook = \"0.1\"\ngloo-net = \"0.6\"\nleptos = { version = \"0.7\", features = [\"csr\"] }\nserde = { version = \"1\", features = [\"derive\"] }\nwasm-bindgen = \"0.2\"\n",
        CrateKind::YewApp => "serde = { version = \"1\", features = [\"derive\"] }\nyew = { version = \"0.21\", features = [\"csr\"] }\n",
    };
    let lib = if kind.is_client() {
        "\n[lib]\ncrate-type = [\"cdylib\", \"rlib\"]\n"
    } else {
        ""
    };
    format!("[package]\nname = \"{name}\"\nversion.workspace = true\nedition.workspace = true\npublish = false\n{lib}\n[dependencies]\n{deps}")
}

/// A minified bundle of about `size` bytes; `live_key` plants a secret key in it.
fn bundle(rng: &mut Rng, size: usize, live_key: Option<&str>) -> String {
    let mut out = String::with_capacity(size + 1024);
    out.push_str("(function(){const r=document.createElement(\"link\").relList;if(r&&r.supports&&r.supports(\"modulepreload\"))return;})();\n");
    let mut n = 0usize;
    while out.len() < size {
        let a = rng.alnum(2);
        let noun = rng.pick(rust_code_nouns());
        let _ = write!(
            out,
            "function {a}{n}(e,t){{const n=\"/api/{noun}/\"+e;return fetch(n,{{method:\"{}\",headers:{{\"content-type\":\"application/json\"}},body:JSON.stringify(t)}}).then(r=>r.ok?r.json():Promise.reject(r.status))}}",
            if rng.chance(50) { "GET" } else { "POST" }
        );
        if n % 7 == 0 {
            let _ = write!(
                out,
                "var {a}s{n}=[{}];",
                (0..rng.range(3, 12))
                    .map(|i| format!("\"{noun}-{i}\""))
                    .collect::<Vec<_>>()
                    .join(",")
            );
        }
        if n % 40 == 39 {
            out.push('\n');
        }
        if n == 500 {
            if let Some(key) = live_key {
                let _ = write!(out, "\nconst Hn=\"{key}\";function Zn(e,t){{return Wt.mount(e,{{key:Hn,lineItems:[t]}})}}\n");
            }
        }
        n += 1;
    }
    if let Some(key) = live_key {
        if n <= 500 {
            let _ = writeln!(out, "\nconst Hn=\"{key}\";");
        }
    }
    out.push('\n');
    out
}

fn alerts(rng: &mut Rng, service: &str) -> String {
    let job = service.replace('-', "_");
    format!(
        "groups:\n  - name: {service}-0bit\n    rules:\n      - alert: ObitWebhookBacklog\n        expr: sum(rate(obit_webhook_failures_total{{job=\"{job}\"}}[5m])) > {}\n        for: 10m\n        labels:\n          severity: page\n        annotations:\n          summary: 0Bit webhook deliveries to {service} are failing\n          runbook_url: docs/runbooks/webhook-backlog.md\n      - alert: GateSessionErrorRate\n        expr: sum(rate(gate_session_create_errors_total{{job=\"{job}\"}}[5m])) / sum(rate(gate_session_create_total{{job=\"{job}\"}}[5m])) > 0.0{}\n        for: 5m\n        labels:\n          severity: ticket\n      - alert: WebhookDeadLetters\n        expr: sum(obit_webhook_dead_letters_total{{job=\"{job}\"}}) > 0\n        for: 15m\n      - alert: ReconciliationBacklog\n        expr: shop_reconciliation_pending_orders{{job=\"{job}\"}} > {}\n        for: 30m\n",
        rng.range(1, 5),
        rng.range(1, 9),
        rng.range(10, 50)
    )
}

fn runbook(rng: &mut Rng, topic: &str) -> String {
    let mut out = format!(
        "# Runbook: {}\n\n## When this fires\n\n",
        topic.replace('-', " ")
    );
    for step in 1..=rng.range(4, 12) {
        let _ = writeln!(
            out,
            "{step}. Check the `{}` dashboard for the last hour, then the deploy log; if 0Bit's status page reports an incident, note its id in the channel.",
            rng.pick(rust_code_nouns())
        );
    }
    out.push_str("\n## Keys\n\nSecret keys live in the secret store only. Rotate with `vault write obit/rotate` and never paste a key into a ticket.\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d).expect("readable") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path
                        .strip_prefix(dir)
                        .expect("under dir")
                        .to_string_lossy()
                        .into_owned();
                    out.push((rel, std::fs::read(&path).expect("reads")));
                }
            }
        }
        out.sort();
        out
    }

    const SMALL: Shape = Shape {
        seed: 3,
        crates: 12,
        rust_files: 160,
        total_bytes: 2 << 20,
    };

    #[test]
    fn same_seed_same_bytes_and_the_requested_shape() {
        let (a, b) = (
            tempfile::tempdir().expect("tmp"),
            tempfile::tempdir().expect("tmp"),
        );
        SMALL.write(a.path()).expect("generates");
        SMALL.write(b.path()).expect("generates");
        let files = snapshot(a.path());
        assert!(files == snapshot(b.path()), "same seed, different output");

        let rust: Vec<_> = files.iter().filter(|(p, _)| p.ends_with(".rs")).collect();
        assert_eq!(rust.len(), SMALL.rust_files);
        let crates = files
            .iter()
            .filter(|(p, _)| p.starts_with("crates/") && p.ends_with("/Cargo.toml"))
            .count();
        assert_eq!(crates, SMALL.crates);
        let total: usize = files.iter().map(|(_, t)| t.len()).sum();
        assert!(
            total > SMALL.total_bytes * 9 / 10 && total < SMALL.total_bytes * 12 / 10,
            "{total} bytes"
        );
        for (path, text) in &rust {
            let text = std::str::from_utf8(text).expect("utf-8");
            if let Err(error) = syn::parse_file(text) {
                panic!("{path} does not parse: {error}");
            }
        }
        let sizes: Vec<usize> = rust.iter().map(|(_, t)| t.len()).collect();
        assert!(
            sizes.iter().max() > Some(&(sizes.iter().sum::<usize>() / sizes.len() * 3)),
            "sizes vary"
        );

        // The planted findings are where PLANTED.md says.
        let text_of = |p: &str| {
            files
                .iter()
                .find(|(q, _)| q == p)
                .map(|(_, t)| String::from_utf8_lossy(t).into_owned())
        };
        let planted = text_of("PLANTED.md").expect("PLANTED.md");
        let bundles: Vec<_> = files
            .iter()
            .filter(|(p, _)| p.starts_with("web/storefront/dist/assets/"))
            .collect();
        assert_eq!(bundles.len(), 1);
        assert!(String::from_utf8_lossy(&bundles[0].1).contains("\"sk_live_"));
        assert!(planted.contains(&bundles[0].0));
        assert!(files.iter().any(|(p, t)| p.ends_with(".rs")
            && String::from_utf8_lossy(t).contains("handle_webhook_legacy")));
    }

    #[test]
    fn a_different_seed_gives_different_code() {
        let (a, b) = (
            tempfile::tempdir().expect("tmp"),
            tempfile::tempdir().expect("tmp"),
        );
        SMALL.write(a.path()).expect("generates");
        Shape { seed: 4, ..SMALL }
            .write(b.path())
            .expect("generates");
        assert!(snapshot(a.path()) != snapshot(b.path()));
    }

    #[test]
    fn refuses_a_non_empty_directory() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("keep.txt"), "mine").expect("writes");
        assert!(SMALL.write(dir.path()).is_err());
    }
}
