//! Generated workspaces for `cargo xtask bench`, in the shapes that stress
//! the audit: `flat` (traits, adapters, services, mocks and tests, no
//! globs; linear growth in lines) and `prelude` (a glob prelude `depth`
//! levels deep that every module imports, a glob cycle and a diamond, the
//! shapes that made the old resolver exponential). A generator only finds
//! what it generates: the bench runs on real workspaces too.

use anyhow::Result;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Writes (once) the `flat` workspace of about `lines` lines.
pub fn flat(root: &Path, lines: usize) -> Result<PathBuf> {
    let dir = root.join("target/bench").join(format!("flat-{lines}"));
    let crates = 8;
    let files_per_crate = (lines / (crates * MODULE_LINES)).max(1);
    write_workspace(&dir, crates, |c, src| {
        let mut lib = String::new();
        for f in 0..files_per_crate {
            let _ = writeln!(lib, "pub mod m{f};");
            std::fs::write(src.join(format!("m{f}.rs")), module_source(c, f, ""))?;
        }
        std::fs::write(src.join("lib.rs"), lib)?;
        Ok(())
    })
}

/// Writes (once) the `prelude` workspace: `modules` modules per crate,
/// each importing a prelude that re-exports `depth` nested glob levels, a
/// glob cycle (`cycle_a` ↔ `cycle_b`) and a diamond (two paths to `base`).
pub fn prelude(root: &Path, modules: usize, depth: usize) -> Result<PathBuf> {
    let dir = root
        .join("target/bench")
        .join(format!("prelude-{modules}x{depth}"));
    write_workspace(&dir, 4, |c, src| {
        let mut lib = String::new();
        let _ = writeln!(
            lib,
            "pub mod prelude;\npub mod base;\npub mod left;\npub mod right;"
        );
        let _ = writeln!(lib, "pub mod cycle_a;\npub mod cycle_b;");
        for level in 0..depth {
            let _ = writeln!(lib, "pub mod level{level};");
            let next = if level + 1 < depth {
                format!("pub use crate::level{}::*;\n", level + 1)
            } else {
                "pub use crate::left::*;\npub use crate::right::*;\n".to_string()
            };
            std::fs::write(
                src.join(format!("level{level}.rs")),
                format!("//! Prelude level {level}.\n{next}pub struct Level{level}Marker;\n"),
            )?;
        }
        std::fs::write(
            src.join("prelude.rs"),
            "//! The prelude every module globs.\npub use crate::level0::*;\npub use crate::cycle_a::*;\n",
        )?;
        std::fs::write(
            src.join("base.rs"),
            "//! The diamond's base.\npub trait BaseStore {\n    fn get(&self, key: &str) -> Option<String>;\n}\n",
        )?;
        for side in ["left", "right"] {
            std::fs::write(
                src.join(format!("{side}.rs")),
                format!("//! One side of the diamond.\npub use crate::base::*;\npub struct {side}Side;\n"),
            )?;
        }
        std::fs::write(
            src.join("cycle_a.rs"),
            "//! A glob cycle, one side.\npub use crate::cycle_b::*;\npub struct CycleA;\n",
        )?;
        std::fs::write(
            src.join("cycle_b.rs"),
            "//! A glob cycle, other side.\npub use crate::cycle_a::*;\npub struct CycleB;\n",
        )?;
        for f in 0..modules {
            let _ = writeln!(lib, "pub mod m{f};");
            std::fs::write(
                src.join(format!("m{f}.rs")),
                module_source(c, f, "use crate::prelude::*;\n"),
            )?;
        }
        std::fs::write(src.join("lib.rs"), lib)?;
        Ok(())
    })
}

/// Writes `Cargo.toml` and `crates` members (each filled by `fill`) into
/// `dir`, unless it is already there; returns the manifest.
fn write_workspace(
    dir: &Path,
    crates: usize,
    mut fill: impl FnMut(usize, &Path) -> Result<()>,
) -> Result<PathBuf> {
    let manifest = dir.join("Cargo.toml");
    if manifest.is_file() {
        return Ok(manifest);
    }
    let members: Vec<String> = (0..crates).map(|c| format!("\"crate{c}\"")).collect();
    std::fs::create_dir_all(dir)?;
    for c in 0..crates {
        let src = dir.join(format!("crate{c}")).join("src");
        std::fs::create_dir_all(&src)?;
        std::fs::write(
            dir.join(format!("crate{c}")).join("Cargo.toml"),
            format!("[package]\nname = \"crate{c}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        )?;
        fill(c, &src)?;
    }
    std::fs::write(
        &manifest,
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )?;
    Ok(manifest)
}

/// Lines in one generated module.
const MODULE_LINES: usize = 120;

/// One generated module: a boundary-like trait, its adapter over std::fs, a
/// service trait above it with real logic, and tests that mock both.
fn module_source(c: usize, f: usize, imports: &str) -> String {
    let mut text = format!(
        r#"//! Generated module {c}.{f}.
use std::collections::HashMap;
{imports}
#[cfg_attr(test, mockall::automock)]
pub trait Store{f} {{
    fn load(&self, key: &str) -> Result<String, String>;
}}

pub struct FsStore{f} {{
    root: std::path::PathBuf,
}}

impl Store{f} for FsStore{f} {{
    fn load(&self, key: &str) -> Result<String, String> {{
        std::fs::read_to_string(self.root.join(key)).map_err(|error| error.to_string())
    }}
}}

#[cfg_attr(test, mockall::automock)]
pub trait Catalog{f} {{
    fn price(&self, item: &str) -> Result<u64, String>;
}}

pub struct StoreCatalog{f}<S: Store{f}> {{
    store: S,
    cache: HashMap<String, u64>,
}}

impl<S: Store{f}> Catalog{f} for StoreCatalog{f}<S> {{
    fn price(&self, item: &str) -> Result<u64, String> {{
        if let Some(price) = self.cache.get(item) {{
            return Ok(*price);
        }}
        let text = self.store.load(item)?;
        parse_price{f}(&text)
    }}
}}

fn parse_price{f}(text: &str) -> Result<u64, String> {{
    let mut total = 0u64;
    for (index, part) in text.split(',').enumerate() {{
        let value: u64 = part.trim().parse().map_err(|_| format!("bad part {{index}}"))?;
        total = total.saturating_add(value);
    }}
    Ok(total)
}}
"#
    );
    for extra in 0..4 {
        let _ = write!(
            text,
            r#"
/// Helper {extra}.
pub fn helper{f}_{extra}(values: &[u64]) -> u64 {{
    let mut sum = 0;
    for value in values {{
        if value % 2 == 0 {{
            sum += value * {extra};
        }} else {{
            sum += value;
        }}
    }}
    sum
}}
"#
        );
    }
    let _ = write!(
        text,
        r#"
#[cfg(test)]
mod tests {{
    use super::*;

    #[test]
    fn prices_from_store() {{
        let mut store = MockStore{f}::new();
        store.expect_load().returning(|_| Ok("1, 2".to_string()));
        let catalog = StoreCatalog{f} {{ store, cache: HashMap::new() }};
        assert_eq!(catalog.price("x"), Ok(3));
    }}

    #[test]
    fn mocked_catalog() {{
        let mut catalog = MockCatalog{f}::new();
        catalog.expect_price().returning(|_| Ok(3));
        assert_eq!(catalog.price("x"), Ok(3));
    }}
}}
"#
    );
    text
}
