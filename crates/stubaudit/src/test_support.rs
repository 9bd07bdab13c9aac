//! Helpers for this crate's own unit tests: catching a stub's panic message.
//!
//! Plain std (`catch_unwind`).

/// The panic message of `work`, with source locations masked.
pub(crate) fn panic_message(work: impl FnOnce()) -> String {
    let payload =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).expect_err("the stub panics");
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
        })
        .unwrap_or_default();
    let mut masked = String::new();
    for (index, part) in message.split("(defined at ").enumerate() {
        if index == 0 {
            masked.push_str(part);
        } else {
            let rest = part.split_once(')').map_or("", |(_, rest)| rest);
            masked.push_str("(defined at [location])");
            masked.push_str(rest);
        }
    }
    masked
}
