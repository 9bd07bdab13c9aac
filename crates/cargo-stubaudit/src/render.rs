//! Renderers: one per `--message-format`, each reading the engine's one
//! report model and nothing else.

pub mod human;
pub mod json;
