//! The launchlint config, the way a scanned repository supplies it: the input is written to
//! a scratch project root as `CONFIG_NAMES[len % 3]` (`launchlint.toml`, `.launchlint.toml`
//! or a root `Cargo.toml`, which is read for `[workspace|package.metadata.launchlint]` when it
//! mentions "launchlint") and read with `config::load(root, None)`: discovery, TOML with spans
//! (`parse_standalone` / `parse_cargo_metadata`), validation of rule ids, levels and path
//! globs, and the check that every configured path stays inside the project. A valid config
//! then goes through `config::contract` (the `[contract] extend` files, absent here) and an
//! error is rendered through miette the way `main.rs` prints it.

use cargo_launchlint::config;

pub const CONFIG_NAMES: [&str; 3] = ["launchlint.toml", ".launchlint.toml", "Cargo.toml"];

/// The whole `launchlint_config` target.
pub fn run(data: &[u8]) {
    let root = crate::reset_root();
    let name = CONFIG_NAMES[data.len() % CONFIG_NAMES.len()];
    crate::write_scratch(name, data);
    match config::load(root, None) {
        Ok(loaded) => match config::contract(root, &loaded) {
            Ok(contract) => {
                std::hint::black_box(contract);
            }
            Err(error) => crate::render_error(error.as_ref()),
        },
        Err(error) => crate::render_error(error.as_ref()),
    }
}
