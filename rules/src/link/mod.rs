pub mod alerts;
pub mod facts;
pub mod launch;
pub mod modules;
pub mod origins;
pub mod requests;
#[cfg(test)]
pub(crate) mod test_support;
pub mod webhooks;
