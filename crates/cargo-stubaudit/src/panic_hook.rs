//! What a panic looks like: a bug in cargo-stubaudit, never the user's
//! fault. One line naming the version and where it broke, and where to
//! report it; then exit 101 (rustc and cargo do the same), whichever thread
//! panicked, so a panic on a worker thread cannot pass unnoticed.

/// Where bugs are reported.
pub const ISSUES: &str = "https://github.com/stubaudit/stubaudit/issues";

/// Installs the hook. Only `main` calls it: in-process callers of
/// [`crate::run`] keep their own.
pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        let message = message(info.payload(), info.location());
        eprintln!("{message}");
        std::process::exit(101);
    }));
}

/// The line printed for a panic with `payload` at `location`.
pub fn message(
    payload: &(dyn std::any::Any + Send),
    location: Option<&std::panic::Location<'_>>,
) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic");
    let place = location.map_or_else(String::new, |at| format!(" at {}:{}", at.file(), at.line()));
    format!(
        "error: cargo-stubaudit {} crashed{place}: {what}; this is a bug, please report it at {ISSUES} with the command you ran",
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_version_and_asks_for_a_report() {
        let payload: Box<dyn std::any::Any + Send> = Box::new("index out of bounds");
        let text = message(payload.as_ref(), None);
        assert_eq!(
            text,
            format!(
                "error: cargo-stubaudit {} crashed: index out of bounds; this is a bug, please report it at {ISSUES} with the command you ran",
                env!("CARGO_PKG_VERSION")
            )
        );
        assert_eq!(text.lines().count(), 1);
    }
}
