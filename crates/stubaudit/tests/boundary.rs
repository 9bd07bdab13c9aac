//! `#[stubaudit::boundary]` as a user crate writes it: the trait is unchanged,
//! and `mock` derives a mockall mock for the tests.

/// A user's own thin boundary over the clock.
#[stubaudit::boundary(mock)]
pub trait Clock {
    /// Seconds since the epoch.
    fn now(&self) -> u64;
}

/// A boundary without a mock.
#[stubaudit::boundary]
pub trait Mailer {
    /// Sends one mail.
    fn send(&self, to: &str) -> bool;
}

struct Inbox;

impl Mailer for Inbox {
    fn send(&self, to: &str) -> bool {
        to.contains('@')
    }
}

fn expiry(clock: &dyn Clock) -> u64 {
    clock.now() + 3600
}

#[test]
fn boundary_mock_derives_a_mockall_mock() {
    let mut clock = MockClock::new();
    clock.expect_now().times(1).return_const(1_000_u64);
    assert_eq!(expiry(&clock), 4_600);
}

#[test]
fn boundary_leaves_the_trait_as_written() {
    let mailer: &dyn Mailer = &Inbox;
    assert!(mailer.send("ada@example.com"));
    assert!(!mailer.send("nobody"));
}
