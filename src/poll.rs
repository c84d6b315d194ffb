//! The one waiting loop: call a step every `interval` until it gives an answer or the time is up.
//! The decisions themselves (confirmed? taken? ready?) are plain functions the steps call, tested
//! without tmux; this module owns only the clock.

use std::time::{Duration, Instant};

/// What one step of a wait found.
#[derive(Debug)]
pub enum Step<T> {
    /// The answer: stop waiting.
    Done(T),
    /// Not yet: look again after the interval (unless the time is up).
    Again,
}

/// The outcome of a bounded wait.
#[derive(Debug, PartialEq, Eq)]
pub enum Waited<T> {
    Done(T),
    /// The time ran out; the step was called at least once, the last time at or after the end.
    TimedOut,
}

/// Call `step` now and then every `interval` until it returns `Done` or an error, for at most
/// `timeout` (the last call happens at the deadline, so a timeout of zero is one look).
pub fn poll_until<T, E>(
    timeout: Duration,
    interval: Duration,
    mut step: impl FnMut() -> Result<Step<T>, E>,
) -> Result<Waited<T>, E> {
    let start = Instant::now();
    let interval = interval.max(Duration::from_millis(1));
    loop {
        if let Step::Done(v) = step()? {
            return Ok(Waited::Done(v));
        }
        let left = timeout.saturating_sub(start.elapsed());
        if left.is_zero() {
            return Ok(Waited::TimedOut);
        }
        std::thread::sleep(interval.min(left));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_at_the_first_answer() {
        let mut n = 0;
        let r: Result<_, ()> = poll_until(Duration::from_secs(5), Duration::from_millis(1), || {
            n += 1;
            Ok(if n == 3 { Step::Done(n) } else { Step::Again })
        });
        assert_eq!(r, Ok(Waited::Done(3)));
    }

    #[test]
    fn times_out_after_looking_at_least_once_and_at_the_end() {
        let mut n = 0;
        let start = Instant::now();
        let r: Result<Waited<()>, ()> =
            poll_until(Duration::from_millis(50), Duration::from_millis(20), || {
                n += 1;
                Ok(Step::Again)
            });
        assert_eq!(r, Ok(Waited::TimedOut));
        assert!(start.elapsed() >= Duration::from_millis(50));
        assert!((2..=5).contains(&n), "{n} looks");
        let mut once = 0;
        let _: Result<Waited<()>, ()> = poll_until(Duration::ZERO, Duration::from_secs(1), || {
            once += 1;
            Ok(Step::Again)
        });
        assert_eq!(once, 1);
    }

    #[test]
    fn an_error_ends_the_wait() {
        let r: Result<Waited<()>, &str> =
            poll_until(Duration::from_secs(5), Duration::from_millis(1), || {
                Err("gone")
            });
        assert_eq!(r, Err("gone"));
    }
}
