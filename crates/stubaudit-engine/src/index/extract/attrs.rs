//! Attributes that matter to the index: `cfg(test)`, `#[test]` and its
//! relatives, mocking crates' attributes (`automock`, `#[double]`, faux,
//! mry, `#[stubaudit::boundary]`, also under `cfg_attr`) and `#[path]`.
//! Read from `syn`'s attribute tree; only the token text of an attribute's
//! arguments is looked at, never a doc comment's.

/// Whether an attribute is a mocking crate's (`#[faux::create]`,
/// `#[faux::methods]`, `#[mry::mry]`, or one under `cfg_attr`). Doc comments
/// are never stringified.
pub(super) fn is_crate_attr(attr: &syn::Attribute, krate: &str) -> bool {
    let path = attr.meta.path();
    if path
        .segments
        .first()
        .is_some_and(|segment| segment.ident == krate)
    {
        return true;
    }
    path.is_ident("cfg_attr") && attr_tokens(attr).contains(krate)
}

pub(super) fn attr_tokens(attr: &syn::Attribute) -> String {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.to_string(),
        syn::Meta::NameValue(name_value) => {
            let syn::Expr::Lit(lit) = &name_value.value else {
                return String::new();
            };
            match &lit.lit {
                syn::Lit::Str(text) => text.value(),
                _ => String::new(),
            }
        }
        syn::Meta::Path(_) => String::new(),
    }
}

/// `#[name]`, `#[crate::name]`, or `#[cfg_attr(…, name)]`.
pub(super) fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.meta.path();
        if path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == name)
        {
            return true;
        }
        path.is_ident("cfg_attr")
            && attr_tokens(attr)
                .split(|c: char| !c.is_alphanumeric() && c != '_')
                .any(|word| word == name)
    })
}

/// Module names that, by convention, hold test support even when compiled
/// unconditionally (`pub mod test { pub mod double; }`).
pub(super) const TEST_MODULES: &[&str] = &[
    "test",
    "tests",
    "testing",
    "test_utils",
    "test_util",
    "test_helpers",
    "test_support",
    "testutils",
    "mocks",
    "fakes",
    "doubles",
    "double",
    "stubs",
];

/// Feature names that, by convention, gate test-support code.
pub(super) const TEST_FEATURES: &[&str] = &[
    "test-support",
    "test-utils",
    "test-util",
    "testing",
    "test",
    "mock",
    "mocks",
    "mocking",
    "fakes",
];

/// Test-only code: `#[cfg(test)]`, `#[cfg(all(test, …))]`,
/// `#[cfg(any(test, feature = "mock"))]`, `#[cfg(feature = "test-support")]`.
/// `not(test)` does not count.
pub(super) fn has_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        if !attr.path().is_ident("cfg") {
            return false;
        }
        let tokens = attr_tokens(attr).replace(' ', "");
        if tokens.contains("not(") {
            return false;
        }
        let words: Vec<&str> = tokens
            .split(|c: char| !c.is_alphanumeric() && c != '_')
            .collect();
        let test_feature = TEST_FEATURES
            .iter()
            .any(|feature| tokens.contains(&format!("feature=\"{feature}\"")));
        if tokens.starts_with("any(") {
            // Every alternative must be test-only.
            let alternatives = tokens.trim_start_matches("any(").trim_end_matches(')');
            return alternatives.split(',').all(|alternative| {
                alternative == "test"
                    || TEST_FEATURES
                        .iter()
                        .any(|feature| alternative == format!("feature=\"{feature}\""))
            });
        }
        words.contains(&"test") || test_feature
    })
}

/// `#[test]`, `#[tokio::test]`, `#[rstest]`, `#[test_case(…)]` and the like.
pub(super) fn is_test_attribute(attr: &syn::Attribute) -> bool {
    let Some(last) = attr.path().segments.last() else {
        return false;
    };
    matches!(
        last.ident.to_string().as_str(),
        "test" | "rstest" | "test_case" | "quickcheck" | "proptest" | "wasm_bindgen_test"
    )
}

pub(super) fn path_attribute(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|attr| {
        if !attr.path().is_ident("path") {
            return None;
        }
        let syn::Meta::NameValue(name_value) = &attr.meta else {
            return None;
        };
        match &name_value.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(text),
                ..
            }) => Some(text.value()),
            _ => None,
        }
    })
}
