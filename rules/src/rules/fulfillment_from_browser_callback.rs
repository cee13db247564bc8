use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use super::declare_rule;
use crate::extract::evidence::{names_0bit, names_other_provider, SIGN_IN_WORDS};
use crate::extract::file::{FileAnalysis, HitContext};
use crate::extract::request::{Piece, Request};
use crate::extract::rust::handlers::WriteKind;
use crate::extract::rust::webhooks::{Call, FnFacts};
use crate::ground::text::identifier_words as words;
use crate::link::facts::Facts;
use crate::link::modules::imported;
use crate::link::requests::ResolvedRequest;
use crate::link::routes::{handlers_of, packages_with_0bit, Found};
use crate::link::webhooks::InFile;
use crate::project::model::{FileKind, Side};
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds fulfilment that trusts the browser. On the server: a handler of a return URL or
    /// client-callback route (a path with the word `return`, `success`, `callback`,
    /// `complete` or `confirm`, in axum, actix, rocket, warp, poem or salvo) that fulfils
    /// before it reads the session from the 0Bit API. In the browser: the 0Bit embed's
    /// `onSuccess` or `onClose` callback (JS/TS, JSX, Vue `@success`, Svelte `on:success`,
    /// and client-side Rust functions named `on_success`/`handle_success`) that calls a
    /// fulfilment endpoint (`POST` to a path like `/fulfil`, `/orders/{id}/paid`, `/ship`).
    ///
    /// Fulfilment is what the code does, in the handler or up to three calls deep in its
    /// package: a state field set to a fulfilled value (`order.status = OrderStatus::Paid`,
    /// `status: Set("shipped")`, diesel `.set(status.eq(..))`, `paid: true`), an SQL
    /// `UPDATE … SET` naming `paid`/`fulfilled`/`shipped`/`credited`/`released`/`delivered`
    /// or adding to a balance, an `INSERT INTO` shipments, fulfilments, credits or
    /// entitlements, or a call of a function named for it (`fulfil_order`, `mark_paid`,
    /// `ship_order`, `credit_wallet`, `release_funds`, `complete_order`). Reading the
    /// session is a `GET /v1/gate_sessions/{id}` (or a transaction or pay-in retrieve,
    /// through the request facts: consts, helpers and generated clients included), or a call
    /// named like one (`retrieve_session`, `fetch_payment_status`); it counts when it comes
    /// first in source order.
    ///
    /// For precision on monorepos, a route is judged only in a project that integrates 0Bit,
    /// when its path names 0Bit or its package shows 0Bit evidence or calls the 0Bit API, and
    /// when neither its path nor what it calls names another payment provider (a Stripe
    /// `success_url` page that retrieves its checkout session is Stripe's business) or
    /// sign-in (`/oauth/callback`, `/auth/callback`, `/login/callback`). A browser callback
    /// is judged in a file that shows 0Bit evidence (the `@0bit/*` embed, a `gsec_`
    /// secret, a 0Bit host) or imports a local module that does; Rust callbacks in a client
    /// package with 0Bit evidence. Test, example and documentation code is not judged.
    ///
    /// ## Why is this bad?
    /// A return URL or `onSuccess` only says the customer's browser came back: anyone can
    /// open `/checkout/return?order=42` or call your `/paid` endpoint, and a session that
    /// looked done in the browser can still fail, expire or be cancelled. 0Bit's launch
    /// gate says "do not launch on browser success alone": fulfil only on a verified
    /// `gate_session.completed` webhook (deduplicated by event id), or after retrieving the
    /// session from the API and checking its `status`.
    ///
    /// ## Example
    /// ```rust,ignore
    /// // server/src/checkout.rs
    /// # use axum::{extract::{Query, State}, response::Redirect, routing::get, Router};
    /// # const GATE_API: &str = "https://gate-api.0bit.app/v1";
    /// pub fn routes() -> Router<App> {
    ///     Router::new().route("/checkout/return", get(checkout_return))
    /// }
    ///
    /// async fn checkout_return(State(app): State<App>, Query(back): Query<Back>) -> Redirect {
    ///     sqlx::query!("UPDATE orders SET status = 'paid' WHERE id = $1", back.order_id)
    ///         .execute(&app.db)
    ///         .await;
    ///     Redirect::to("/thanks")
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// // server/src/checkout.rs
    /// # use axum::{extract::{Query, State}, response::Redirect, routing::get, Router};
    /// # const GATE_API: &str = "https://gate-api.0bit.app/v1";
    /// # pub fn routes() -> Router<App> {
    /// #     Router::new().route("/checkout/return", get(checkout_return))
    /// # }
    /// async fn checkout_return(State(app): State<App>, Query(back): Query<Back>) -> Redirect {
    ///     // Ask 0Bit, not the browser (or leave fulfilment to the verified webhook).
    ///     let url = format!("{GATE_API}/gate_sessions/{}", back.session_id);
    ///     let session: GateSession = app.http.get(url).bearer_auth(&app.key).send().await?.json().await?;
    ///     if session.status == "completed" {
    ///         sqlx::query!("UPDATE orders SET status = 'paid' WHERE id = $1", back.order_id)
    ///             .execute(&app.db)
    ///             .await;
    ///     }
    ///     Redirect::to("/thanks")
    /// }
    /// ```
    pub static FULFILLMENT_FROM_BROWSER_CALLBACK = {
        id: "fulfillment-from-browser-callback",
        default: Warn,
        area: "Fulfilment",
        live_only: false,
        summary: "fulfilment on the browser's return, before the API confirms it",
        precision: Low,
        check: Facts(check),
    }
}

const SERVER_HELP: &str = "a return URL only says the customer came back: fulfil from the verified `gate_session.completed` webhook, or retrieve the session first (`GET /v1/gate_sessions/{id}`) and fulfil only when its `status` is `completed`";
const CLIENT_HELP: &str = "treat `onSuccess` as UX only (show a pending state): let the server fulfil from the verified `gate_session.completed` webhook, or after it retrieves the session from the 0Bit API";

/// Words of a route path (or their starts) that make it a return URL or callback route.
const CALLBACK_PATH_WORDS: [&str; 5] = ["return", "succe", "callback", "complet", "confirm"];
/// Values of a state field (and words of SQL, also as `paid_at`) that mark an order fulfilled.
const FULFILLED_VALUES: [&str; 9] = [
    "paid",
    "fulfilled",
    "fulfiled",
    "shipped",
    "credited",
    "released",
    "delivered",
    "succeeded",
    "settled",
];
/// Tables an `INSERT` into fulfils.
const FULFILMENT_TABLE_WORDS: [&str; 5] =
    ["shipment", "fulfil", "credit", "entitlement", "license"];
/// 0Bit operations that read a session's state.
const STATE_READS: [&str; 4] = [
    "retrieveSession",
    "retrieveTransaction",
    "listTransactions",
    "retrievePayIn",
];
/// Verbs and objects of call names that read a payment's state.
const READ_VERBS: [&str; 11] = [
    "retrieve", "fetch", "get", "load", "lookup", "read", "sync", "poll", "refresh", "verify",
    "check",
];
const READ_OBJECTS: [&str; 4] = ["session", "transaction", "payment", "status"];
/// Words of endpoint paths that fulfil (besides any word starting `fulfil`).
const FULFIL_PATH_WORDS: [&str; 8] = [
    "paid", "ship", "shipment", "credit", "credits", "release", "deliver", "unlock",
];

/// Whether a route path is a return URL or client-callback route, and not a sign-in one.
fn is_callback_route(path: &str) -> bool {
    let words = words(path);
    let has = |set: &[&str]| words.iter().any(|w| set.contains(&w.as_str()));
    let callback = words
        .iter()
        .any(|w| CALLBACK_PATH_WORDS.iter().any(|c| w.starts_with(c)) && w != "returns");
    callback && !has(&SIGN_IN_WORDS)
}

/// What a call named `name` does, by its name alone.
fn step_by_name(name: &str) -> Option<Step> {
    let words = words(name);
    let (first, second) = (
        words.first().map_or("", String::as_str),
        words.get(1).map_or("", String::as_str),
    );
    let any = |set: &[&str]| words.iter().any(|w| set.contains(&w.as_str()));
    let fulfils = words.iter().any(|w| w.starts_with("fulfil"))
        || (matches!(first, "mark" | "set" | "flag")
            && any(&["paid", "fulfilled", "shipped", "delivered"]))
        || (first == "ship"
            && matches!(
                second,
                "" | "order" | "orders" | "items" | "goods" | "product"
            ))
        || (first == "credit"
            && matches!(
                second,
                "" | "wallet" | "account" | "balance" | "user" | "customer" | "points"
            ))
        || (first == "deliver"
            && matches!(
                second,
                "" | "order" | "goods" | "items" | "product" | "download"
            ))
        || (first == "add" && matches!(second, "credit" | "credits"))
        || (first == "release"
            && matches!(second, "order" | "funds" | "goods" | "escrow" | "items"))
        || (first == "complete" && matches!(second, "order" | "purchase" | "payment"))
        || (first == "grant" && matches!(second, "access" | "entitlement" | "license" | "credits"));
    if fulfils {
        return Some(Step::Fulfil(format!("calls `{name}`")));
    }
    let read_object = words
        .iter()
        .any(|w| READ_OBJECTS.iter().any(|o| w.starts_with(o)));
    (READ_VERBS.contains(&first) && read_object).then_some(Step::Read)
}

/// Whether a state write fulfils, in words for the message.
fn fulfilling_write(kind: &WriteKind) -> Option<String> {
    match kind {
        WriteKind::Field { field, value } => {
            let value_lower = value.to_ascii_lowercase();
            let field_words = words(field);
            let state_field = field_words.iter().any(|w| w == "status" || w == "state");
            let flag = value == "true"
                && field_words
                    .iter()
                    .any(|w| ["paid", "fulfilled", "shipped", "delivered"].contains(&w.as_str()));
            ((state_field && FULFILLED_VALUES.contains(&value_lower.as_str())) || flag)
                .then(|| format!("sets `{field}` to `{value}`"))
        }
        WriteKind::Sql(sql) => {
            let tokens: Vec<&str> = sql
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .filter(|t| !t.is_empty())
                .collect();
            let fulfilled = |t: &&str| {
                FULFILLED_VALUES
                    .iter()
                    .any(|v| t == v || t.strip_prefix(v).is_some_and(|r| r.starts_with('_')))
            };
            let fulfils = if sql.starts_with("update ") {
                tokens.iter().any(fulfilled) || sql.contains("balance = balance +")
            } else {
                tokens
                    .get(2)
                    .is_some_and(|table| FULFILMENT_TABLE_WORDS.iter().any(|w| table.contains(w)))
            };
            let shown: String = sql.chars().take(60).collect();
            let ellipsis = if shown.len() < sql.len() { "…" } else { "" };
            fulfils.then(|| format!("runs `{shown}{ellipsis}`"))
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    /// Reads the session's state from the 0Bit API.
    Read,
    /// Fulfils, in these words.
    Fulfil(String),
}

fn address<T>(item: &T) -> usize {
    item as *const T as usize
}

/// Whether a 0Bit request reads a session's state.
fn reads_state(request: &ResolvedRequest) -> bool {
    request
        .endpoint
        .is_some_and(|e| STATE_READS.contains(&e.operation.as_str()))
}

fn check(facts: &Facts, cx: &mut Context) {
    if !facts.integrates_0bit() {
        return;
    }
    let with_0bit = packages_with_0bit(facts.model, facts.files, &facts.requests);
    check_routes(facts, cx, &with_0bit);
    check_browser_callbacks(facts, cx, &with_0bit);
}

fn check_routes(facts: &Facts, cx: &mut Context, with_0bit: &BTreeSet<&str>) {
    let routes = handlers_of(facts.model, facts.files, is_callback_route);
    let mut reads: HashMap<usize, Vec<Range<usize>>> = HashMap::new();
    for request in facts.requests.iter().filter(|r| reads_state(r)) {
        reads
            .entry(address(request.file))
            .or_default()
            .push(request.span.clone());
    }
    // What a function does itself: its reads of the session, its fulfilling writes.
    let own = |function: InFile<'_, FnFacts>| {
        let mut steps: Vec<(Range<usize>, Step)> = Vec::new();
        for span in reads.get(&address(function.file)).into_iter().flatten() {
            if function.item.span().contains(&span.start) {
                steps.push((span.clone(), Step::Read));
            }
        }
        for write in &function.file.handlers.writes {
            if write.function == function.item.name_span() {
                if let Some(what) = fulfilling_write(&write.kind) {
                    steps.push((write.span.clone(), Step::Fulfil(what)));
                }
            }
        }
        steps
    };
    // A method on a receiver of unknown type (`app.gate.session(id)`) reads the session
    // when a function of that name does: reads found loosely only ever silence the rule.
    let readers: BTreeSet<&str> = facts
        .webhooks
        .functions()
        .filter(|f| {
            let spans = reads.get(&address(f.file)).into_iter().flatten();
            spans
                .into_iter()
                .any(|at| f.item.span().contains(&at.start))
        })
        .map(|f| f.item.name.as_str())
        .collect();
    let by_name = |call: &Call| match call.written_path().is_none() && call.on_type().is_none() {
        true if readers.contains(call.name().as_str()) => Some(Step::Read),
        _ => step_by_name(&call.name()),
    };
    for handler in &routes.handlers {
        let place = handler.file.place(&HitContext {
            compiled: true,
            ..HitContext::default()
        });
        if !place.live || place.test_code || names_other_provider(&handler.route.path) {
            continue;
        }
        let of_0bit =
            names_0bit(&handler.route.path) || with_0bit.contains(routes.package_dir(handler));
        let other_provider = routes.reach(handler).iter().any(|f| {
            f.item.calls.iter().any(|c| {
                names_other_provider(c.path())
                    || c.on_type().as_deref().is_some_and(names_other_provider)
            })
        });
        if !of_0bit || other_provider {
            continue;
        }
        let Some(Found {
            span,
            value: Step::Fulfil(what),
            through,
        }) = routes.first_in_reach(handler, &own, &by_name)
        else {
            continue;
        };
        let what = match through.first() {
            Some(call) => format!("calls `{call}`, which {what}"),
            None => what,
        };
        let message = format!(
            "{} {what} without first reading the session from the 0Bit API",
            handler.describe()
        );
        let evidence = format!("{} {}", handler.function.name, handler.route.path);
        // The handler's file keeps its lines when its facts may be reported; otherwise the
        // route that registers it is where the finding goes.
        let draft = if handler.file.lines.is_kept() {
            handler
                .file
                .draft(span, message, SERVER_HELP.into(), evidence)
        } else {
            let at = handler.route.span.clone();
            handler
                .route_file
                .draft(at, message, SERVER_HELP.into(), evidence)
        };
        cx.report(&FULFILLMENT_FROM_BROWSER_CALLBACK, draft);
    }
}

/// Whether a request writes to a fulfilment endpoint of the project's own API.
fn calls_fulfilment_endpoint(request: &Request) -> bool {
    let writes = matches!(request.method.as_deref(), Some("POST" | "PUT" | "PATCH"));
    let url_text: String = request
        .url
        .iter()
        .filter_map(|p| match p {
            Piece::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    let fulfils = |w: &String| w.starts_with("fulfil") || FULFIL_PATH_WORDS.contains(&w.as_str());
    writes && !url_text.contains("0bit.") && words(&request.url_path()).iter().any(fulfils)
}

/// Whether a client-side Rust function is a success callback: `on_success`,
/// `handle_payment_success`.
fn is_success_function(name: &str) -> bool {
    let words = words(name);
    matches!(words.first().map(String::as_str), Some("on" | "handle"))
        && words.iter().any(|w| w == "success")
}

/// Whether a front-end file shows 0Bit evidence, or imports a local module that does.
fn shows_0bit(facts: &Facts, file: &FileAnalysis) -> bool {
    !file.evidence.is_empty()
        || imported(facts.model, facts.files, file)
            .iter()
            .any(|module| !module.evidence.is_empty())
}

fn check_browser_callbacks(facts: &Facts, cx: &mut Context, with_0bit: &BTreeSet<&str>) {
    for file in facts.files {
        let place = file.place(&HitContext {
            compiled: true,
            ..HitContext::default()
        });
        if !place.live || place.test_code {
            continue;
        }
        if file.class.kind == FileKind::FrontEnd && !file.callbacks.is_empty() {
            if !shows_0bit(facts, file) {
                continue;
            }
            for callback in &file.callbacks {
                for request in file.calls.requests.iter().filter(|r| {
                    callback.body.iter().any(|b| b.contains(&r.span.start))
                        && calls_fulfilment_endpoint(r)
                }) {
                    report_client(cx, file, request, &callback.name);
                }
            }
        }
        if file.class.kind == FileKind::Rust {
            let package = facts
                .model
                .package_of(&file.path)
                .map_or("", |p| p.dir.as_str());
            if !with_0bit.contains(package) {
                continue;
            }
            for request in &file.calls.requests {
                let side = file
                    .place(&HitContext {
                        gate: request.gate,
                        compiled: true,
                        ..HitContext::default()
                    })
                    .side;
                if side == Side::Client
                    && is_success_function(&request.function)
                    && calls_fulfilment_endpoint(request)
                {
                    report_client(cx, file, request, &request.function);
                }
            }
        }
    }
}

fn report_client(cx: &mut Context, file: &FileAnalysis, request: &Request, callback: &str) {
    let method = request.method.as_deref().unwrap_or("POST");
    let path = request.url_path();
    let message = format!(
        "the 0Bit embed's `{callback}` callback calls `{method} {path}`, a fulfilment endpoint"
    );
    let evidence = format!("{callback} {method} {path}");
    let draft = file.draft(request.span.clone(), message, CLIENT_HELP.into(), evidence);
    cx.report(&FULFILLMENT_FROM_BROWSER_CALLBACK, draft);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{check as run, lines};

    const EVIDENCE: (&str, &str) = (
        "server/src/gate.rs",
        r#"pub const GATE_API: &str = "https://gate-api.0bit.app/v1";"#,
    );

    fn found(files: &[(&str, &str)]) -> Vec<String> {
        let mut all = vec![EVIDENCE];
        all.extend_from_slice(files);
        lines(&run(&FULFILLMENT_FROM_BROWSER_CALLBACK, &all))
    }

    fn server(body: &str) -> Vec<String> {
        let router = format!(
            "fn app() -> Router {{ Router::new().route(\"/checkout/return\", get(back)) }}\n{body}\n"
        );
        found(&[("server/src/main.rs", &router)])
    }

    #[test]
    fn names_and_routes() {
        let fulfil = |name| matches!(step_by_name(name), Some(Step::Fulfil(_)));
        let names = "fulfil_order mark_paid ship_order credit_wallet release_funds complete_order";
        assert!(names.split(' ').all(fulfil), "{names}");
        let names = "is_paid release shipping_cost credit_card_form update send fetch_session";
        assert!(!names.split(' ').any(fulfil), "{names}");
        let names = "retrieve_session fetch_payment_status get_gate_session";
        assert!(names
            .split(' ')
            .all(|n| step_by_name(n) == Some(Step::Read)));
        let paths =
            "/checkout/return /pay/success /orders/{id}/complete /gate/callback /confirmPayment";
        assert!(paths.split(' ').all(is_callback_route), "{paths}");
        let paths = "/oauth/callback /auth/github/callback /returns /orders /login/callback";
        assert!(!paths.split(' ').any(is_callback_route), "{paths}");
    }

    #[test]
    fn fulfilment_before_reading_the_session() {
        let fail = [
            r#"async fn back(State(db): State<Db>, Query(q): Query<Back>) { sqlx::query!("UPDATE orders SET status = 'paid' WHERE id = $1", q.order).execute(&db).await; }"#,
            r#"async fn back(Query(q): Query<Back>) { let mut order = load(q.order); order.status = OrderStatus::Paid; save(order); }"#,
            r#"async fn back(Query(q): Query<Back>) { orders::mark_paid(&q.order).await; }"#,
            r#"async fn back(Query(q): Query<Back>) { settle(&q.order).await; }
            async fn settle(id: &str) { diesel::update(orders).set(status.eq("shipped")).execute(c); }"#,
            r#"async fn back(Query(q): Query<Back>) { fulfil(&q.order).await; retrieve_session(&q.session).await; }"#,
        ];
        for body in fail {
            assert_eq!(server(body), ["server/src/main.rs:2"], "{body}");
        }
        let pass = [
            // Reads the session first: by URL, through a helper, by name.
            r#"async fn back(State(app): State<App>, Query(q): Query<Back>) {
                let url = format!("{}/gate_sessions/{}", crate::gate::GATE_API, q.session);
                let s: Session = app.http.get(url).send().await?.json().await?;
                if s.status == "completed" { orders::mark_paid(&q.order).await; } }"#,
            r#"async fn back(Query(q): Query<Back>) { let s = gate::retrieve_session(&q.session).await?; orders::mark_paid(&q.order).await; }"#,
            // Only shows a page, or reads the order the webhook marked paid.
            r#"async fn back(Query(q): Query<Back>) -> Html<String> { let o = orders::find(&q.order).await; Html(render(o)) }"#,
            r#"async fn back(Query(q): Query<Back>) { let o = Order { status: "pending".into() }; }"#,
            // Another provider's success page.
            r#"async fn back(Query(q): Query<Back>) { let s = stripe::CheckoutSession::retrieve(&client, &q.id, &[]).await?; mark_paid(&q.order).await; }"#,
            r#"async fn back(Query(q): Query<Back>) { let s = StripeClient::new(); mark_paid(&q.order).await; }"#,
        ];
        for body in pass {
            assert!(server(body).is_empty(), "{body}");
        }
    }

    #[test]
    fn sign_in_callbacks_tests_and_projects_without_0bit() {
        let oauth = r#"fn app() -> Router { Router::new().route("/oauth/callback", get(back)) }
            async fn back(Query(q): Query<Code>) { grant_access(&q.code).await; }"#;
        assert!(found(&[("server/src/main.rs", oauth)]).is_empty());
        let body = r#"fn app() -> Router { Router::new().route("/checkout/return", get(back)) }
            async fn back(Query(q): Query<Back>) { mark_paid(&q.order).await; }"#;
        assert!(found(&[("server/tests/return.rs", body)]).is_empty());
        let alone = lines(&run(
            &FULFILLMENT_FROM_BROWSER_CALLBACK,
            &[("server/src/main.rs", body)],
        ));
        assert!(alone.is_empty());
    }

    #[test]
    fn actix_rocket_warp_and_salvo_handlers() {
        let sources = [
            r#"#[get("/checkout/success")]
            async fn success(q: web::Query<Back>) -> HttpResponse { ship_order(&q.order).await; HttpResponse::Ok().finish() }"#,
            r#"fn routes() { let r = warp::path!("pay" / "complete").and(warp::query()).and_then(done); }
            async fn done(q: Back) -> Result<impl Reply, Rejection> { credit_wallet(&q.user, q.amount).await; Ok(warp::reply()) }"#,
            r#"fn router() -> Router { Router::with_path("checkout/confirm").get(confirm) }
            #[handler] async fn confirm(req: &mut Request) { sqlx::query("UPDATE wallets SET balance = balance + $1").execute(&db).await; }"#,
        ];
        for source in sources {
            let found = found(&[("server/src/routes.rs", source)]);
            assert_eq!(found, ["server/src/routes.rs:2"], "{source}");
        }
    }

    #[test]
    fn browser_callbacks() {
        let js = "import { GateRamp } from '@0bit/gate/browser';\nawait ramp.mount('#gate', {\n  onSuccess: async ({ sessionId }) => {\n    await fetch(`/api/orders/${orderId}/paid`, { method: 'POST' });\n  },\n  onError: () => fetch('/api/orders/1/ship', { method: 'POST' }),\n});\n";
        assert_eq!(
            found(&[("web/src/checkout.ts", js)]),
            ["web/src/checkout.ts:4"]
        );
        // Showing a pending state, or polling the server, is fine.
        let fine = "import { GateRamp } from '@0bit/gate/browser';\nramp.mount('#gate', { onSuccess: () => fetch('/api/orders/1/status'), onClose: () => router.push('/pending') });\n";
        assert!(found(&[("web/src/checkout.ts", fine)]).is_empty());
        // A callback of something else in a file without 0Bit evidence.
        let other = "useMutation({ onSuccess: () => axios.post('/api/orders/1/ship') });\n";
        assert!(found(&[("web/src/admin.ts", other)]).is_empty());
        // The embed is imported from a local module.
        let wrapper = ("web/src/gate.ts", "export * from '@0bit/gate/browser';\n");
        let page = "import { GateRamp } from './gate';\nramp.mount('#g', { onSuccess() { axios.post('/api/fulfil', {}); } });\n";
        assert_eq!(
            found(&[wrapper, ("web/src/page.ts", page)]),
            ["web/src/page.ts:2"]
        );
        // Client-side Rust.
        let rust = r#"async fn on_success(order: String) { Request::post(&format!("/api/orders/{order}/paid")).send().await; }
            const EMBED: &str = "https://gate.0bit.app";"#;
        assert_eq!(found(&[("web/src/lib.rs", rust)]), ["web/src/lib.rs:1"]);
    }
}
