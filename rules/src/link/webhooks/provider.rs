//! Whose webhooks a handler takes (spec §2, "0Bit evidence"). The webhook rules judge 0Bit
//! handlers only: a team's Stripe, Svix or GitHub handlers are not this gate's business,
//! except for `timing-unsafe-signature-compare`, which judges every signature check.

use crate::extract::rust::webhooks::{Call, FnFacts};
use crate::link::webhooks::{Handler, InFile, WebhookModel};

/// Signature headers of other providers' schemes, lower case: Stripe, Svix and Standard
/// Webhooks, GitHub, PayPal.
const OTHER_SIGNATURE_HEADERS: [&str; 5] = [
    "stripe-signature",
    "svix-signature",
    "webhook-signature",
    "x-hub-signature",
    "paypal-transmission-sig",
];

/// SDK paths whose `construct_event` verifies another provider's deliveries.
const OTHER_SDKS: [&str; 2] = ["stripe", "svix"];

impl Handler<'_> {
    /// The handler, what it reaches or its request guards show another provider's signature
    /// scheme: its header, or its SDK's `construct_event`.
    pub fn shows_other_scheme(&self) -> bool {
        self.mentions_header(|literal| {
            let lower = literal.to_ascii_lowercase();
            OTHER_SIGNATURE_HEADERS.iter().any(|h| lower.contains(h))
        }) || self.any(|f| f.calls.iter().any(is_other_sdk_call))
    }

    /// The handler sits on a route naming 0Bit, or it or what it reaches holds 0Bit evidence.
    pub fn shows_0bit(&self) -> bool {
        self.route
            .as_deref()
            .is_some_and(crate::extract::evidence::names_0bit)
            || self.reach.iter().any(InFile::shows_0bit)
            || self
                .guards
                .iter()
                .flat_map(|g| &g.header_mentions)
                .map(|h| h.literal.as_str())
                .chain(self.filter_headers.iter().copied())
                .any(crate::extract::evidence::is_0bit_header_name)
    }

    fn on_webhook_route(&self) -> bool {
        self.route
            .as_deref()
            .is_some_and(|route| route.to_ascii_lowercase().contains("webhook"))
            || self.function.rare().webhook_route.is_some()
    }
}

impl InFile<'_, FnFacts> {
    /// The function holds 0Bit evidence (a `Gate-Signature` header name, a 0Bit event type).
    pub fn shows_0bit(&self) -> bool {
        self.file
            .evidence
            .iter()
            .any(|e| within(&self.item.span(), &e.span))
    }
}

fn within(outer: &std::ops::Range<usize>, inner: &std::ops::Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

fn is_other_sdk_call(call: &Call) -> bool {
    call.name() == "construct_event"
        && call.written_path().is_some_and(|path| {
            let lower = path.to_ascii_lowercase();
            OTHER_SDKS.iter().any(|sdk| lower.contains(sdk))
        })
}

impl<'a> WebhookModel<'a> {
    /// Keeps in `handlers` the 0Bit handlers: those that show no other provider's scheme and
    /// either show 0Bit evidence themselves, or sit on a `webhook` route of a project that
    /// integrates 0Bit and whose only webhook provider in evidence is 0Bit. The rest move to
    /// `other_handlers`.
    pub fn keep_0bit_handlers(&mut self, integrates_0bit: bool) {
        let only_0bit = integrates_0bit && !self.handlers.iter().any(Handler::shows_other_scheme);
        let (zero_bit, other): (Vec<Handler<'a>>, Vec<Handler<'a>>) =
            std::mem::take(&mut self.handlers)
                .into_iter()
                .partition(|h| {
                    !h.shows_other_scheme()
                        && (h.shows_0bit() || (only_0bit && h.on_webhook_route()))
                });
        self.handlers = zero_bit;
        self.other_handlers = other;
    }

    /// Whether `function` is reached by a 0Bit handler.
    pub fn reached_by_0bit_handler(&self, function: &FnFacts) -> bool {
        self.handlers.iter().any(|h| h.reaches(function))
    }

    /// Whether `function` is reached by a handler of another provider.
    pub fn reached_by_other_handler(&self, function: &FnFacts) -> bool {
        self.other_handlers.iter().any(|h| h.reaches(function))
    }
}
