pub mod facts;
pub mod modules;
pub mod requests;
pub mod routes;
#[cfg(test)]
pub(crate) mod test_support;
pub mod webhooks;
