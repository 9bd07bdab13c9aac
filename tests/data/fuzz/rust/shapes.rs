//! Seed: the shapes that once broke the audit, at harmless sizes.
#![allow(dead_code)]
#[cfg_attr(test, mockall::automock)]
pub trait Store { fn load(&self, key: &str) -> Result<Vec<u8>, std::io::Error>; }
pub struct Fs { root: std::path::PathBuf }
impl Store for Fs {
    fn load(&self, key: &str) -> Result<Vec<u8>, std::io::Error> {
        std::fs::read(self.root.join(key).with_extension("bin"))
    }
}
type Deep = Vec<Vec<Option<Box<Vec<u8>>>>>;
fn chain(b: Builder) -> Builder { b.a().b().c().d(1 + 2 * (3 - -4)).e(&&&x).f(|| || 1) }
fn nested() { { { { if a { } else if b { } else { match x { _ => ((((1)))) } } } } } }
mod m { mod n { mod o { pub fn p() -> fn() -> fn() -> u8 { todo!() } } } }
macro_rules! m { ($x:expr) => { $x }; }
fn mac() { m!(m!(m!(assert_eq!(format!("{}", 1), r#"1"#)))); }
#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn t() { let mut s = MockStore::new(); s.expect_load().returning(|_| Ok(Vec::new())); }
}
