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

/// Where `work` panicked (`file:line`), as the panic hook saw it.
///
/// The hook is process-wide: this installs, once, one that records the
/// location for the panicking thread and then runs the previous hook, so
/// other tests running at the same time are unaffected.
pub(crate) fn panic_location(work: impl FnOnce()) -> Option<String> {
    use std::cell::RefCell;
    use std::sync::Once;

    thread_local! {
        static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
    }
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let location = info
                .location()
                .map(|location| format!("{}:{}", location.file(), location.line()));
            LOCATION.with(|slot| *slot.borrow_mut() = location);
            previous(info);
        }));
    });
    LOCATION.with(|slot| *slot.borrow_mut() = None);
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    LOCATION.with(|slot| slot.borrow_mut().take())
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
