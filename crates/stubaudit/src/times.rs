//! [`Times`]: how often a route of a strict stub must be called, shared by
//! [`HttpStub`](crate::http::HttpStub) and [`DbStub`](crate::db::DbStub).
//!
//! Plain std; the wording of the counts is the one every stub message uses.

/// The allowed number of calls of one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Times {
    min: usize,
    max: Option<usize>,
}

impl Times {
    /// Exactly `count` calls.
    pub(crate) fn exactly(count: usize) -> Self {
        Times {
            min: count,
            max: Some(count),
        }
    }

    /// `count` calls or more.
    pub(crate) fn at_least(count: usize) -> Self {
        Times {
            min: count,
            max: None,
        }
    }

    /// Any number of calls, none included.
    pub(crate) fn any() -> Self {
        Self::at_least(0)
    }

    /// Whether a route called `calls` times may answer one more call.
    pub(crate) fn allows_another(self, calls: usize) -> bool {
        self.max.is_none_or(|max| calls < max)
    }

    /// Whether `calls` calls are enough.
    pub(crate) fn is_satisfied(self, calls: usize) -> bool {
        calls >= self.min && self.max.is_none_or(|max| calls <= max)
    }

    /// `once`, `exactly 3 times`, `at least 2 times`, `any number of times`.
    pub(crate) fn describe(self) -> String {
        match (self.min, self.max) {
            (1, Some(1)) => "once".to_owned(),
            (min, Some(max)) if min == max => format!("exactly {}", count(min)),
            (0, None) => "any number of times".to_owned(),
            (min, _) => format!("at least {}", count(min)),
        }
    }
}

/// `1 time`, `2 times`.
pub(crate) fn count(calls: usize) -> String {
    if calls == 1 {
        "1 time".to_owned()
    } else {
        format!("{calls} times")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_allows_up_to_the_count_and_needs_all_of_it() {
        let twice = Times::exactly(2);
        assert!(twice.allows_another(1));
        assert!(!twice.allows_another(2));
        assert!(!twice.is_satisfied(1));
        assert!(twice.is_satisfied(2));
        assert_eq!(twice.describe(), "exactly 2 times");
    }

    #[test]
    fn at_least_never_runs_out() {
        assert!(Times::at_least(1).allows_another(1000));
        assert!(!Times::at_least(1).is_satisfied(0));
        assert!(Times::any().is_satisfied(0));
        assert_eq!(Times::at_least(1).describe(), "at least 1 time");
        assert_eq!(Times::exactly(1).describe(), "once");
    }
}
