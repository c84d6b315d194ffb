//! Wall-clock helpers: RFC 3339 UTC timestamps, time-sortable unique ids, relative ages.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Now as `2026-11-26T10:00:00.123Z`.
pub fn now_rfc3339() -> String {
    format_rfc3339(SystemTime::now())
}

/// A time as RFC 3339 UTC with milliseconds.
pub fn format_rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, dd) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{dd:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// Parse what `format_rfc3339` writes (UTC, `Z`, optional fraction). None if it is not that.
pub fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || !s.ends_with('Z') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let frac = s.get(19..s.len() - 1).unwrap_or("");
    let millis = match frac.strip_prefix('.') {
        Some(f) if !f.is_empty() => format!("{f:0<3}").get(..3)?.parse::<u64>().ok()?,
        _ => 0,
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec;
    Some(
        UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?) + Duration::from_millis(millis),
    )
}

/// "3s ago", "5m ago", "2h ago", "4d ago" for a timestamp; "?" when unreadable.
pub fn age(ts: &str) -> String {
    let Some(t) = parse_rfc3339(ts) else {
        return "?".into();
    };
    let s = SystemTime::now()
        .duration_since(t)
        .unwrap_or(Duration::ZERO)
        .as_secs();
    match s {
        0..60 => format!("{s}s ago"),
        60..3600 => format!("{}m ago", s / 60),
        3600..86_400 => format!("{}h ago", s / 3600),
        _ => format!("{}d ago", s / 86_400),
    }
}

/// A calendar date and time of day (in UTC or the local zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    /// 1-12.
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// `t` in UTC.
pub fn utc(t: SystemTime) -> Civil {
    let secs = unix_secs(t);
    // rem_euclid by a positive divisor is in 0..86_400, so it fits a u32.
    let (days, rem) = (
        secs.div_euclid(86_400),
        u32::try_from(secs.rem_euclid(86_400)).unwrap_or(0),
    );
    let (year, month, day) = civil_from_days(days);
    Civil {
        year,
        month,
        day,
        hour: rem / 3600,
        minute: rem % 3600 / 60,
        second: rem % 60,
    }
}

/// `t` in the local time zone, as the C library sees it (it honours `TZ`); UTC if that fails.
pub fn local(t: SystemTime) -> Civil {
    // time_t is 64 bits on every platform sb builds for (Linux, macOS).
    let secs = unix_secs(t) as libc::time_t;
    // SAFETY: `tm` is plain old data (integers and, on glibc, a pointer that localtime_r sets);
    // all-zero is a valid value for it.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the duration of the call and do not alias;
    // localtime_r is the re-entrant form and writes only into `tm`.
    let ok = unsafe { !libc::localtime_r(&raw const secs, &raw mut tm).is_null() };
    if !ok {
        return utc(t);
    }
    Civil {
        year: i64::from(tm.tm_year) + 1900,
        month: u32::try_from(tm.tm_mon + 1).unwrap_or(1),
        day: u32::try_from(tm.tm_mday).unwrap_or(1),
        hour: u32::try_from(tm.tm_hour).unwrap_or(0),
        minute: u32::try_from(tm.tm_min).unwrap_or(0),
        second: u32::try_from(tm.tm_sec).unwrap_or(0),
    }
}

fn unix_secs(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A message time for people: `HH:MM:SS` on the day of `now`, `Mon DD HH:MM` on another day of
/// the same year, `Mon DD YYYY HH:MM` in another year; in the local zone unless `in_utc`.
pub fn short_time(t: SystemTime, now: SystemTime, in_utc: bool) -> String {
    let conv = if in_utc { utc } else { local };
    let (c, today) = (conv(t), conv(now));
    let mon = MONTHS[(c.month as usize).clamp(1, 12) - 1];
    if (c.year, c.month, c.day) == (today.year, today.month, today.day) {
        format!("{:02}:{:02}:{:02}", c.hour, c.minute, c.second)
    } else if c.year == today.year {
        format!("{mon} {:02} {:02}:{:02}", c.day, c.hour, c.minute)
    } else {
        format!(
            "{mon} {:02} {} {:02}:{:02}",
            c.day, c.year, c.hour, c.minute
        )
    }
}

/// A unique id that sorts by creation time: nanoseconds, pid and a per-process counter, in hex.
pub fn new_id() -> String {
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_nanos();
    let seq = SEQ.fetch_add(1, Ordering::Relaxed) & 0xffff;
    format!(
        "{:016x}{:06x}{seq:04x}",
        u64::try_from(nanos).unwrap_or(u64::MAX),
        std::process::id() & 0xff_ffff
    )
}

// Howard Hinnant's civil-calendar algorithms.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // doy is in 0..366 and mp in 0..12, so d is 1..=31 and m is 1..=12.
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        let t = UNIX_EPOCH + Duration::from_millis(1_795_687_200_123);
        let s = format_rfc3339(t);
        assert_eq!(s, "2026-11-26T10:00:00.123Z");
        assert_eq!(parse_rfc3339(&s), Some(t));
        assert_eq!(format_rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            parse_rfc3339("2024-02-29T23:59:59Z")
                .map(format_rfc3339)
                .as_deref(),
            Some("2024-02-29T23:59:59.000Z")
        );
        assert_eq!(parse_rfc3339("garbage"), None);
    }

    #[test]
    fn short_time_shows_the_date_when_not_today() {
        let at = |s: &str| parse_rfc3339(s).unwrap();
        let now = at("2026-11-28T12:00:00Z");
        assert_eq!(
            short_time(at("2026-11-28T10:00:00Z"), now, true),
            "10:00:00"
        );
        assert_eq!(
            short_time(at("2026-11-01T10:00:00Z"), now, true),
            "Nov 01 10:00"
        );
        assert_eq!(
            short_time(at("2026-11-27T23:59:59Z"), now, true),
            "Nov 27 23:59"
        );
        assert_eq!(
            short_time(at("2025-12-31T08:05:00Z"), now, true),
            "Dec 31 2025 08:05"
        );
        assert_eq!(utc(at("2024-02-29T23:59:58Z")).day, 29);
    }

    #[test]
    fn ids_are_unique_and_sorted() {
        let ids: Vec<String> = (0..1000).map(|_| new_id()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 1000);
        assert_eq!(ids.len(), 1000);
    }
}
