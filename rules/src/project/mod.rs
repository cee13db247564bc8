pub mod contract;
pub mod files;
pub mod front_end;
pub mod model;
pub mod package;
