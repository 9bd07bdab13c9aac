//! Helpers for this crate's own unit tests: catching a stub's panic
//! message, and running a future to completion.
//!
//! Plain std (`catch_unwind`, `std::task::Wake`), so the tests need no
//! async runtime.

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

/// Runs `future` on this thread until it completes.
pub(crate) fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};
    use std::thread::{self, Thread};

    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(output) => return output,
            Poll::Pending => thread::park(),
        }
    }
}
