//! Handles carry I/O (DESIGN "Truth rules"): a call into code the audit
//! cannot read (another crate's fn, a method a derive or macro wrote) that
//! is handed a value whose type comes from an I/O crate is an I/O call
//! (`Entity::delete_by_id(id).exec(&self.pool)`, `query.first(&mut conn)`).
//! Calls that only move a handle (into a collection, a channel) are not.

use super::edges::NOT_FOLLOWED;
use super::receivers::ImplAt;
use super::{Graph, ReceiverType};
use crate::index::{FnItem, PathSegments, Position};
use crate::sinks::SinkKind;

/// Calls that move a value rather than use it (into a collection, a
/// channel, a slot): handing them an I/O handle is no I/O.
pub(crate) const HANDLE_NEUTRAL: &[&str] = &[
    "push",
    "push_back",
    "push_front",
    "insert",
    "extend",
    "append",
    "send",
    "try_send",
    "blocking_send",
    "replace",
    "take",
    "swap",
    "set",
    "get_or_insert",
    "or_insert",
    "store",
    "spawn",
    "forget",
    "ptr_eq",
    "downgrade",
    "strong_count",
    "map",
    "and_then",
    "unwrap_or",
    "ok_or",
];

/// A path of the standard library: its code is known, and none of it
/// takes a handle to do I/O the handle's own methods would not show.
fn is_std(path: &[String]) -> bool {
    matches!(
        path.first().map(String::as_str),
        Some("std" | "core" | "alloc")
    )
}

impl Graph {
    /// A call of `path` lands in code the audit cannot read: another
    /// crate's fn (not the standard library's), or a first-party path with
    /// no fn behind it (made by a derive or another macro).
    pub(crate) fn path_unread(&self, fn_item: &FnItem, path: &PathSegments) -> bool {
        let Some(last) = path.last() else {
            return false;
        };
        if last.starts_with(char::is_uppercase)
            || NOT_FOLLOWED.contains(&last.as_str())
            || HANDLE_NEUTRAL.contains(&last.as_str())
            || path.first().is_some_and(|first| first == "Self")
        {
            return false;
        }
        let resolved = self.resolver.resolve(&fn_item.module, path);
        if !self.resolver.is_first_party(&resolved) {
            return !is_std(&resolved);
        }
        if self.free_fns.contains_key(&resolved.join("::")) {
            return false;
        }
        let owner_key = resolved[..resolved.len() - 1].join("::");
        !(self.traits.contains_key(&owner_key) || self.method_of(&owner_key, last).is_some())
    }

    /// A first-party type path with no type behind it: made by a derive or
    /// another macro (`entity::ActiveModel`).
    pub(crate) fn is_macro_made(&self, receiver: &ReceiverType) -> bool {
        match receiver {
            ReceiverType::Type(type_key) => {
                !self.types.contains_key(type_key)
                    && self.resolver.is_first_party(&[type_key
                        .split("::")
                        .next()
                        .unwrap_or("")
                        .to_string()])
            }
            _ => false,
        }
    }

    /// A method `name` on `receiver` lands in code the audit cannot read.
    pub(crate) fn method_unread(&self, receiver: &ReceiverType, name: &str) -> bool {
        match receiver {
            ReceiverType::Type(type_key) => {
                self.method_of(type_key, name).is_none()
                    && self.deref_target(type_key).is_none()
                    && !is_std(&[type_key.split("::").next().unwrap_or("").to_string()])
            }
            ReceiverType::Traits(trait_keys) => trait_keys.iter().all(|trait_key| {
                self.declaring_trait(trait_key, name, 0).is_none()
                    && !is_std(&[trait_key.split("::").next().unwrap_or("").to_string()])
            }),
            ReceiverType::Unknown => true,
        }
    }

    /// The I/O an argument of the call at `at` carries: a value whose type
    /// (or seam) belongs to an I/O crate (DESIGN "Handles carry I/O").
    pub(crate) fn handle_sink(
        &self,
        fn_item: &FnItem,
        at: Position,
        (self_key, self_trait, impl_at): (Option<&str>, Option<&str>, ImplAt),
    ) -> Option<SinkKind> {
        fn_item.args_at(at).iter().find_map(|argument| {
            let ty = self.receiver_type_in(fn_item, argument, at, self_key, self_trait, impl_at);
            let keys = match ty {
                ReceiverType::Type(type_key) => vec![type_key],
                ReceiverType::Traits(trait_keys) => trait_keys,
                ReceiverType::Unknown => Vec::new(),
            };
            keys.iter().find_map(|key| {
                let path: PathSegments = key.split("::").map(String::from).collect();
                if self.resolver.is_first_party(&path) {
                    return None;
                }
                self.catalog.sink(&path)
            })
        })
    }
}
