//! `#[stubaudit::boundary]`: marks a trait as an I/O boundary.
//!
//! The attribute changes nothing at run time: it returns the trait as written.
//! `cargo stubaudit` reads it from the source and treats the trait as a
//! boundary (height 0). `#[boundary(mock)]` also adds
//! `#[cfg_attr(test, mockall::automock)]`, so the crate's own tests get a
//! `MockTrait`.

use proc_macro::TokenStream;
use quote::quote;
use syn::parse_macro_input;

/// Marks a trait as an I/O boundary for `cargo stubaudit`; `mock` also
/// derives a mockall mock under `cfg(test)`.
#[proc_macro_attribute]
pub fn boundary(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args = proc_macro2::TokenStream::from(attr);
    let item_trait = parse_macro_input!(item as syn::ItemTrait);
    let wants_mock = match parse_args(args) {
        Ok(wants_mock) => wants_mock,
        Err(error) => return error.to_compile_error().into(),
    };
    let mock = wants_mock.then(|| quote! { #[cfg_attr(test, mockall::automock)] });
    quote! { #mock #item_trait }.into()
}

/// Accepts no arguments or exactly `mock`.
fn parse_args(args: proc_macro2::TokenStream) -> syn::Result<bool> {
    if args.is_empty() {
        return Ok(false);
    }
    let ident: syn::Ident = syn::parse2(args)?;
    if ident == "mock" {
        Ok(true)
    } else {
        Err(syn::Error::new(
            ident.span(),
            "expected `mock` or no argument: `#[boundary]` or `#[boundary(mock)]`",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_nothing_or_mock_only() {
        assert_eq!(parse_args(quote! {}).ok(), Some(false));
        assert_eq!(parse_args(quote! { mock }).ok(), Some(true));
        let error = parse_args(quote! { mocks }).expect_err("a typo is an error");
        assert!(
            error.to_string().contains("expected `mock` or no argument"),
            "{error}"
        );
    }
}
