//! External globs bring names (DESIGN "Truth rules"): a path or type that
//! nothing in the workspace explains, written in a module with glob imports
//! of other crates (`use std::fs::*;`), may come from one of them; it is
//! read through the first glob under which the I/O catalog knows it.

use super::Graph;
use crate::index::PathSegments;

/// Names every module sees without an import (the std prelude and the
/// primitive types): never taken to come from a glob.
const PRELUDE: &[&str] = &[
    "String",
    "Vec",
    "Box",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "ToString",
    "ToOwned",
    "Default",
    "Clone",
    "Copy",
    "Iterator",
    "IntoIterator",
    "Extend",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Debug",
    "drop",
    "str",
    "bool",
    "char",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f32",
    "f64",
    "Self",
    "self",
    "super",
    "crate",
    "format",
    "vec",
];

impl Graph {
    /// `path` written in `module` that nothing explains (`resolved` is the
    /// path as written, no workspace item, not the prelude, not a crate
    /// name) read through the module's glob imports of other crates: the
    /// first glob under which it is an I/O path (`use std::fs::*;` then
    /// `write(..)`). Only I/O is recognised this way: an unexplained name
    /// may come from any glob, and only the catalog makes the guess count.
    pub(crate) fn through_external_glob(
        &self,
        module: &[String],
        path: &[String],
        resolved: &[String],
    ) -> Option<PathSegments> {
        let first = path.first()?;
        let unexplained = resolved == path
            && !self.resolver.is_first_party(path)
            && (path.len() == 1 || first.starts_with(char::is_uppercase))
            && !PRELUDE.contains(&first.as_str());
        if !unexplained {
            return None;
        }
        self.resolver
            .external_globs(module)
            .into_iter()
            .map(|mut glob| {
                glob.extend(path.iter().cloned());
                glob
            })
            .find(|candidate| self.catalog.sink(candidate).is_some())
    }
}
