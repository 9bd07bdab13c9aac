//! The analysis engine (work in progress).
pub mod diagnostic;
pub mod error;
pub mod index;
pub mod load;
pub mod parse;
pub use diagnostic::Diagnostic;
