pub mod facts;
pub mod modules;
pub mod requests;
pub mod webhooks;
