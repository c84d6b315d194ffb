//! Durations, in one place for the CLI and the MCP server: the defaults of every waiting option
//! (as the text the CLI shows), the parser of `500ms`/`30s`/`10m`/`1h`, and the check of a number
//! of seconds given to an MCP tool. Both front ends validate the same way, so they cannot drift.

use crate::error::{Result, SbError};
use std::time::Duration;

/// `sb wait` / MCP `wait_for`: how long to wait, and how often to look.
pub const WAIT_TIMEOUT: &str = "10m";
pub const WAIT_INTERVAL: &str = "500ms";
/// `send --when-ready` without a value / MCP `when_ready_s`.
pub const WHEN_READY: &str = "10m";
/// `send --confirm` without a value / MCP `confirm_s`.
pub const CONFIRM: &str = "30s";
/// `sb watch --interval`, `--stall-after`.
pub const WATCH_INTERVAL: &str = "1s";
pub const STALL_AFTER: &str = "15m";
/// `send --queue --ttl` / MCP `ttl_s`: how long a queued message may wait.
pub const QUEUE_TTL: &str = "1h";
/// `sb watch --flag-unseen`: a message typed but not seen taken after this long is flagged.
pub const FLAG_UNSEEN: &str = "5m";

/// The longest duration accepted anywhere (about 31 years): beyond it is a mistake.
const MAX_SECS: f64 = 1e9;

/// `500ms`, `30s`, `10m`, `1h`, or a bare number of seconds.
pub fn parse_duration(s: &str) -> std::result::Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration {s:?}: use e.g. 500ms, 30s, 10m, 1h"))?;
    let secs = match unit {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" => n * 60.0,
        "h" => n * 3600.0,
        _ => return Err(format!("invalid duration unit in {s:?}: use ms, s, m or h")),
    };
    if !secs.is_finite() || !(0.0..=MAX_SECS).contains(&secs) {
        return Err(format!("invalid duration {s:?}"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// One of the default texts above, as a duration.
pub fn default(text: &str) -> Duration {
    // The defaults are constants checked by a test; a zero fallback is never reached.
    parse_duration(text).unwrap_or_default()
}

/// A number of seconds from an MCP tool's arguments, checked as the CLI checks a duration:
/// negative, NaN, infinite or absurdly large values are a usage error naming the field.
pub fn seconds(field: &str, s: f64) -> Result<Duration> {
    if s.is_finite() && (0.0..=MAX_SECS).contains(&s) {
        Ok(Duration::from_secs_f64(s))
    } else {
        Err(SbError::Usage(format!(
            "invalid {field} {s}: give a number of seconds from 0 to {MAX_SECS}"
        )))
    }
}

/// An optional number of seconds, or the default text.
pub fn seconds_or(field: &str, s: Option<f64>, default_text: &str) -> Result<Duration> {
    s.map_or_else(|| Ok(default(default_text)), |s| seconds(field, s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_parses() {
        for d in [
            WAIT_TIMEOUT,
            WAIT_INTERVAL,
            WHEN_READY,
            CONFIRM,
            WATCH_INTERVAL,
            STALL_AFTER,
            QUEUE_TTL,
            FLAG_UNSEEN,
        ] {
            assert!(parse_duration(d).is_ok_and(|d| !d.is_zero()), "{d}");
        }
        assert_eq!(default(WAIT_TIMEOUT), Duration::from_secs(600));
        assert_eq!(default(CONFIRM), Duration::from_secs(30));
    }

    #[test]
    fn durations_and_seconds_are_checked_alike() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("5x").is_err());
        assert_eq!(seconds("t", 1.5).unwrap(), Duration::from_millis(1500));
        for bad in [-1.0, f64::NAN, f64::INFINITY, 2e9] {
            let e = seconds("timeout_s", bad).unwrap_err();
            assert_eq!(e.exit_code(), 2);
            assert!(e.to_string().contains("timeout_s"));
        }
        assert_eq!(
            seconds_or("t", None, CONFIRM).unwrap(),
            Duration::from_secs(30)
        );
    }
}
