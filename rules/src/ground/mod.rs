pub mod finding;
pub mod source;
