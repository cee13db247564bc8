//! Where code at a point runs: behind a server-only gate, behind a test gate. Rust reads
//! gates from attributes and `cfg`s (`extract::rust::cfg`); JS from server-only functions.

/// The gates in force at a point of a file (or inherited by a whole file from its `mod`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gate {
    /// Behind `#[server]`, `#[cfg(feature = "ssr")]`, `#[cfg(not(target_arch = "wasm32"))]`, …
    pub server: bool,
    /// Behind `#[cfg(test)]`, `#[test]`, `#[tokio::test]`, …
    pub test: bool,
}

impl Gate {
    pub fn or(self, other: Gate) -> Gate {
        Gate {
            server: self.server || other.server,
            test: self.test || other.test,
        }
    }
}
