use super::declare_rule;
use crate::extract::file::HitContext;
use crate::link::facts::Facts;
use crate::project::contract::Product;
use crate::project::model::Declared;
use crate::rules::Context;

declare_rule! {
    /// ## What it does
    /// Finds uses of 0Bit surfaces that are not open for live launch: 0Base hosts
    /// (`base-api-sandbox.0bit.app`, `base-gate-api.0bit.app`), any 0Link surface, and 0Pools
    /// hosts when `[launch] enabled-products` does not list `"0pools"`; and
    /// `product-surface = "0base_review"` or `"0link_review"` in `[launch]`. Each URL is one
    /// finding. Live scope only.
    ///
    /// ## Why is this bad?
    /// 0Base and 0Link are review-only: their endpoints are deliberately unpublished and not
    /// available to live traffic. 0Pools is gated early access: calls fail with `403` until
    /// the account is approved.
    ///
    /// ## Example
    /// ```rust,ignore
    /// const BASE_API: &str = "https://base-gate-api.0bit.app/v1";
    /// ```
    ///
    /// Use instead:
    /// ```rust,ignore
    /// // Launch on 0Gate; 0Base stays out of live code until the account is approved.
    /// const GATE_API: &str = "https://gate-api.0bit.app/v1";
    /// ```
    ///
    /// ## Configuration
    /// `[launch] enabled-products = ["0pools"]` once your account is approved for 0Pools;
    /// `product-surface = "0gate"` names the surface the launch is for.
    pub static REVIEW_ONLY_PRODUCT = {
        id: "review-only-product",
        default: Deny,
        area: "Product boundary",
        live_only: true,
        summary: "use of a 0Bit product surface that is not open for live launch",
        precision: High,
        check: Facts(check),
    }
}

fn check(facts: &Facts, cx: &mut Context) {
    let launch = &facts.model.launch;
    let pools_enabled = launch.enabled_products.iter().any(|p| p == "0pools");
    for file in facts.files {
        for mention in &file.hosts {
            let place = file.place(&HitContext {
                gate: mention.gate,
                compiled: true,
                ..HitContext::default()
            });
            if !place.live || place.test_code {
                continue;
            }
            let product = facts.model.contract.host(&mention.host).map(|h| h.product);
            let (message, help) = match product {
                Some(Product::Base) => (
                    format!("`{}` is a 0Base host: 0Base is review-only", mention.host),
                    "0Base endpoints are unpublished and not open to live traffic: launch on 0Gate, and keep 0Base behind a sandbox flag until 0Bit approves it".to_string(),
                ),
                None if mention.host.contains("link") => (
                    format!("`{}` is a 0Link surface: 0Link is review-only", mention.host),
                    "0Link routing is in review and not open to live traffic".to_string(),
                ),
                Some(Product::Pools) if !pools_enabled => (
                    format!("`{}` is a 0Pools host, and 0Pools is not in `[launch] enabled-products`", mention.host),
                    "0Pools is gated early access: once your account is approved, add `enabled-products = [\"0pools\"]` to `[launch]`".to_string(),
                ),
                _ => continue,
            };
            cx.report(
                &REVIEW_ONLY_PRODUCT,
                file.draft(mention.span.clone(), message, help, mention.host.clone()),
            );
        }
    }
    let Some(Declared {
        value: surface,
        span,
    }) = &launch.product_surface
    else {
        return;
    };
    if surface == "0base_review" || surface == "0link_review" {
        let message = format!("product surface `{surface}` is review-only and cannot launch");
        let help = "launch on `0gate` (or `0pools_approved` once approved); review-only surfaces stay in sandbox";
        if let Some(draft) = launch.draft(span.clone(), message, help.into(), surface.clone()) {
            cx.report(&REVIEW_ONLY_PRODUCT, draft);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{check_in, lines, model};

    fn reported(enabled: &[&str], path: &str, text: &str) -> Vec<String> {
        let model =
            model(|m| m.launch.enabled_products = enabled.iter().map(|p| p.to_string()).collect());
        lines(&check_in(model, &REVIEW_ONLY_PRODUCT, &[(path, text)]))
    }

    #[test]
    fn review_only_and_unapproved_surfaces_are_reported() {
        for (enabled, text) in [
            (
                &[][..],
                "const BASE: &str = \"https://base-gate-api.0bit.app/v1\";\n",
            ),
            (
                &[],
                "const BASE: &str = \"https://base-api-sandbox.0bit.app/v1\";\n",
            ),
            (
                &[],
                "const POOLS: &str = \"https://pools-api.0bit.app/v1\";\n",
            ),
        ] {
            assert_eq!(
                reported(enabled, "server/src/main.rs", text).len(),
                1,
                "{text}"
            );
        }
    }

    #[test]
    fn open_surfaces_approved_products_and_tests_are_not() {
        for (enabled, path, text) in [
            (
                &[][..],
                "server/src/main.rs",
                "const GATE: &str = \"https://gate-api.0bit.app/v1\";\n",
            ),
            (
                &["0pools"],
                "server/src/main.rs",
                "const POOLS: &str = \"https://pools-api.0bit.app/v1\";\n",
            ),
            (
                &[],
                "server/tests/base.rs",
                "const BASE: &str = \"https://base-gate-api.0bit.app/v1\";\n",
            ),
        ] {
            assert_eq!(
                reported(enabled, path, text),
                Vec::<String>::new(),
                "{text}"
            );
        }
    }
}
