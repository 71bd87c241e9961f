//! `google.protobuf.Timestamp`, with the proto3 JSON form the spec asks for:
//! RFC 3339 in UTC with a `Z`, and 0, 3, 6 or 9 fractional digits on output;
//! any offset accepted on input.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use prost::{Message, Name};
use serde::{Deserialize, Serialize};

/// A point in time: seconds and nanoseconds since the Unix epoch, UTC.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Message)]
#[prost(skip_debug)]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z; may be negative.
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Nanoseconds within the second, 0 to 999,999,999.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

impl Name for Timestamp {
    const NAME: &'static str = "Timestamp";
    const PACKAGE: &'static str = "google.protobuf";
}

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range the spec allows.
const MIN_SECONDS: i64 = -62_135_596_800;
const MAX_SECONDS: i64 = 253_402_300_799;

/// A timestamp text that is not RFC 3339 or lies outside years 1 to 9999.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError(String);

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid timestamp: {}", self.0)
    }
}

impl std::error::Error for TimestampError {}

impl Timestamp {
    /// The current time.
    pub fn now() -> Self {
        SystemTime::now().into()
    }

    /// Parses RFC 3339, e.g. `2026-03-01T09:30:00.25Z` or `2026-03-01T10:30:00+01:00`.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        let err = |why: &str| TimestampError(format!("{text:?}: {why}"));
        let b = text.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(err("expected YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM)"));
        }
        let num = |range: std::ops::Range<usize>| -> Result<i64, TimestampError> {
            let digits = &text[range];
            if !digits.bytes().all(|c| c.is_ascii_digit()) {
                return Err(err("expected digits"));
            }
            digits.parse().map_err(|_| err("expected digits"))
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(err("no such date"));
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(err("no such time of day"));
        }
        let mut rest = &text[19..];
        let mut nanos = 0i64;
        if let Some(fraction) = rest.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 9 {
                return Err(err("1 to 9 fractional digits expected"));
            }
            nanos = fraction[..digits]
                .parse::<i64>()
                .map_err(|_| err("bad fraction"))?
                * 10i64.pow(9 - digits as u32);
            rest = &fraction[digits..];
        }
        let offset = match rest.as_bytes() {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let digits = [*h1, *h2, *m1, *m2];
                if !digits.iter().all(u8::is_ascii_digit) {
                    return Err(err("bad offset"));
                }
                let h = i64::from(digits[0] - b'0') * 10 + i64::from(digits[1] - b'0');
                let m = i64::from(digits[2] - b'0') * 10 + i64::from(digits[3] - b'0');
                if h > 23 || m > 59 {
                    return Err(err("bad offset"));
                }
                let minutes = h * 60 + m;
                if *sign == b'+' {
                    minutes * 60
                } else {
                    -minutes * 60
                }
            }
            _ => return Err(err("expected Z or an offset like +01:00")),
        };
        let seconds =
            days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
                - offset;
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
            return Err(err("outside years 0001 to 9999"));
        }
        Ok(Timestamp {
            seconds,
            nanos: nanos as i32,
        })
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC: `2026-03-01T09:30:00Z`, `2026-03-01T09:30:00.250Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
        let nanos = self.nanos;
        if nanos != 0 {
            if nanos % 1_000_000 == 0 {
                write!(f, ".{:03}", nanos / 1_000_000)?;
            } else if nanos % 1_000 == 0 {
                write!(f, ".{:06}", nanos / 1_000)?;
            } else {
                write!(f, ".{nanos:09}")?;
            }
        }
        f.write_str("Z")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

impl From<SystemTime> for Timestamp {
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp {
                seconds: d.as_secs() as i64,
                nanos: d.subsec_nanos() as i32,
            },
            Err(e) => {
                let d = e.duration();
                let (mut seconds, mut nanos) = (-(d.as_secs() as i64), -(d.subsec_nanos() as i32));
                if nanos < 0 {
                    seconds -= 1;
                    nanos += 1_000_000_000;
                }
                Timestamp { seconds, nanos }
            }
        }
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> Self {
        let nanos = Duration::from_nanos(t.nanos.clamp(0, 999_999_999) as u64);
        if t.seconds >= 0 {
            UNIX_EPOCH + Duration::from_secs(t.seconds as u64) + nanos
        } else {
            UNIX_EPOCH - Duration::from_secs(t.seconds.unsigned_abs()) + nanos
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&self.seconds)
            || !(0..1_000_000_000).contains(&self.nanos)
        {
            return Err(serde::ser::Error::custom(format!(
                "timestamp out of range: {} s, {} ns",
                self.seconds, self.nanos
            )));
        }
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (eras of 400 years).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_with_canonical_fractions() {
        let cases = [
            (0, 0, "1970-01-01T00:00:00Z"),
            (1_772_445_600, 250_000_000, "2026-03-02T10:00:00.250Z"),
            (1_772_445_600, 250_000, "2026-03-02T10:00:00.000250Z"),
            (1_772_445_600, 1, "2026-03-02T10:00:00.000000001Z"),
            (-1, 0, "1969-12-31T23:59:59Z"),
            (MIN_SECONDS, 0, "0001-01-01T00:00:00Z"),
            (MAX_SECONDS, 999_999_999, "9999-12-31T23:59:59.999999999Z"),
            (951_782_400, 0, "2000-02-29T00:00:00Z"),
        ];
        for (seconds, nanos, text) in cases {
            let t = Timestamp { seconds, nanos };
            assert_eq!(t.to_string(), text);
            assert_eq!(Timestamp::parse(text).unwrap(), t, "{text}");
        }
    }

    #[test]
    fn parses_offsets_and_rejects_nonsense() {
        let utc = Timestamp::parse("2026-03-01T09:30:00Z").unwrap();
        assert_eq!(Timestamp::parse("2026-03-01T10:30:00+01:00").unwrap(), utc);
        assert_eq!(Timestamp::parse("2026-03-01T04:00:00-05:30").unwrap(), utc);
        for bad in [
            "",
            "2026-03-01",
            "2026-03-01T09:30:00",
            "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-03-01T24:00:00Z",
            "2026-03-01T09:30:00.Z",
            "2026-03-01T09:30:00.1234567890Z",
            "2026-03-01T09:30:00+1:00",
            "20x6-03-01T09:30:00Z",
            "2026-03-01T09:30:00Zjunk",
            "0000-12-31T23:59:59Z",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn system_time_round_trip() {
        let t = Timestamp {
            seconds: -5,
            nanos: 250,
        };
        assert_eq!(Timestamp::from(SystemTime::from(t)), t);
        let now = Timestamp::now();
        assert_eq!(Timestamp::from(SystemTime::from(now)), now);
    }

    #[test]
    fn out_of_range_does_not_serialize() {
        let t = Timestamp {
            seconds: MAX_SECONDS + 1,
            nanos: 0,
        };
        assert!(serde_json::to_string(&t).is_err());
        let t = Timestamp {
            seconds: 0,
            nanos: -1,
        };
        assert!(serde_json::to_string(&t).is_err());
    }
}
