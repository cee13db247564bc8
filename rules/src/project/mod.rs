pub mod contract;
pub mod model;
