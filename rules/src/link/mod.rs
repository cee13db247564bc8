pub mod alerts;
pub mod facts;
pub mod launch;
pub mod modules;
pub mod origins;
pub mod requests;
pub mod routes;
#[cfg(test)]
pub(crate) mod test_support;
pub mod webhooks;
