pub mod finding;
pub mod source;
pub mod syntax;
pub mod text;
