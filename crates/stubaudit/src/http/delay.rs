//! [`Delay`]: a future that is ready after a duration, for the response
//! delay of [`HttpStub`](super::HttpStub)'s async side.
//!
//! Plain std: a timer thread sleeps and wakes the last waker, so the future
//! works on any executor and the crate needs no runtime.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

/// Ready once `deadline` has passed.
pub(crate) struct Delay {
    deadline: Instant,
    /// The waker the timer thread wakes; `None` until first polled.
    waker: Option<Arc<Mutex<Waker>>>,
}

impl Delay {
    pub(crate) fn new(duration: Duration) -> Self {
        Delay {
            deadline: Instant::now() + duration,
            waker: None,
        }
    }
}

impl Future for Delay {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        let now = Instant::now();
        if now >= self.deadline {
            return Poll::Ready(());
        }
        match &self.waker {
            Some(waker) => {
                // The executor may hand a different waker on each poll.
                waker
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone_from(context.waker());
            }
            None => {
                let waker = Arc::new(Mutex::new(context.waker().clone()));
                let timer = waker.clone();
                let remaining = self.deadline - now;
                thread::spawn(move || {
                    thread::sleep(remaining);
                    timer
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .wake_by_ref();
                });
                self.waker = Some(waker);
            }
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::block_on;

    #[test]
    fn a_delay_is_pending_until_its_deadline_then_ready() {
        let started = Instant::now();
        let mut delay = std::pin::pin!(Delay::new(Duration::from_millis(30)));
        let first = delay.as_mut().poll(&mut Context::from_waker(Waker::noop()));
        assert!(first.is_pending());
        block_on(delay);
        assert!(started.elapsed() >= Duration::from_millis(30));
    }
}
