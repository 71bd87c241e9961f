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

/// Why a text is not a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimestampErrorKind {
    /// The text is not shaped `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM)`.
    Format,
    /// The date does not exist (month 13, February 30, ...).
    NoSuchDate,
    /// The time of day does not exist (hour 24, minute 60, ...).
    NoSuchTime,
    /// The fraction of a second has no digits or more than 9.
    Fraction,
    /// The UTC offset is not `Z` or `+HH:MM` / `-HH:MM` with a real time.
    Offset,
    /// The instant lies outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
    OutOfRange,
    /// A lowercase `t` or `z`: RFC 3339 allows them, but a request read
    /// strictly is refused for them, as Google's parsers refuse them.
    Lowercase,
}

impl fmt::Display for TimestampErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Format => {
                "expected an RFC 3339 date-time such as \"2026-03-01T09:30:00Z\" or \"2026-03-01T10:30:00.5+01:00\""
            }
            Self::NoSuchDate => "no such date",
            Self::NoSuchTime => "no such time of day",
            Self::Fraction => "the fraction of a second must have 1 to 9 digits",
            Self::Offset => "expected \"Z\" or a UTC offset such as \"+01:00\"",
            Self::OutOfRange => "outside the range 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z",
            Self::Lowercase => "the \"T\" and the \"Z\" must be capital letters",
        })
    }
}

/// A timestamp text that is not RFC 3339 or lies outside years 1 to 9999.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    /// The start of the rejected text, cut short so an error message stays short.
    text: String,
    kind: TimestampErrorKind,
}

impl TimestampError {
    fn new(text: &str, kind: TimestampErrorKind) -> Self {
        TimestampError {
            text: excerpt(text),
            kind,
        }
    }

    /// What is wrong with the text.
    pub fn kind(&self) -> TimestampErrorKind {
        self.kind
    }
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid timestamp {:?}: {}", self.text, self.kind)
    }
}

impl std::error::Error for TimestampError {}

/// The first characters of a rejected text: enough to recognise it, never
/// a megabyte of it in a log line. Cuts only at a character boundary.
pub(super) fn excerpt(text: &str) -> String {
    const MAX_CHARS: usize = 64;
    match text.char_indices().nth(MAX_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

/// The value of ASCII decimal digits, or `None` if any byte is not one.
/// Works on bytes so that no multi-byte character can split a slice.
fn digits(bytes: &[u8]) -> Option<i64> {
    if bytes.is_empty() || bytes.len() > 18 {
        return None;
    }
    bytes.iter().try_fold(0i64, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
    })
}

impl Timestamp {
    /// The earliest timestamp the spec allows, 0001-01-01T00:00:00Z.
    pub const MIN: Timestamp = Timestamp {
        seconds: MIN_SECONDS,
        nanos: 0,
    };

    /// The latest timestamp the spec allows, 9999-12-31T23:59:59.999999999Z.
    pub const MAX: Timestamp = Timestamp {
        seconds: MAX_SECONDS,
        nanos: 999_999_999,
    };

    /// The current time.
    pub fn now() -> Self {
        SystemTime::now().into()
    }

    /// Whether the value is one the spec allows: years 1 to 9999 and
    /// nanoseconds 0 to 999,999,999. Only such values have a JSON form.
    pub fn is_valid(&self) -> bool {
        (MIN_SECONDS..=MAX_SECONDS).contains(&self.seconds)
            && (0..1_000_000_000).contains(&self.nanos)
    }

    /// This instant moved `by` later, or [`Timestamp::MAX`] if that is
    /// past the end of year 9999.
    pub fn saturating_add(self, by: Duration) -> Self {
        let nanos = i64::from(self.nanos.clamp(0, 999_999_999)) + i64::from(by.subsec_nanos());
        let seconds = i64::try_from(by.as_secs())
            .ok()
            .and_then(|s| self.seconds.checked_add(s))
            .and_then(|s| s.checked_add(nanos / 1_000_000_000));
        match seconds {
            Some(seconds) if seconds <= MAX_SECONDS => Timestamp {
                seconds,
                nanos: (nanos % 1_000_000_000) as i32,
            },
            _ => Timestamp::MAX,
        }
    }

    /// Parses RFC 3339, e.g. `2026-03-01T09:30:00.25Z` or `2026-03-01T10:30:00+01:00`.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        use TimestampErrorKind as Kind;
        let err = |kind| TimestampError::new(text, kind);
        let b = text.as_bytes();
        if b.len() < 20
            || b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b't')
            || b[13] != b':'
            || b[16] != b':'
        {
            return Err(err(Kind::Format));
        }
        let num =
            |range: std::ops::Range<usize>| digits(&b[range]).ok_or_else(|| err(Kind::Format));
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return Err(err(Kind::NoSuchDate));
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(err(Kind::NoSuchTime));
        }
        let mut rest = &b[19..];
        let mut nanos = 0i64;
        if let Some((b'.', fraction)) = rest.split_first() {
            let count = fraction.iter().take_while(|c| c.is_ascii_digit()).count();
            if count == 0 || count > 9 {
                return Err(err(Kind::Fraction));
            }
            let value = digits(&fraction[..count]).ok_or_else(|| err(Kind::Fraction))?;
            nanos = value * 10i64.pow(9 - count as u32);
            rest = &fraction[count..];
        }
        let offset = match rest {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let h = digits(&[*h1, *h2]).ok_or_else(|| err(Kind::Offset))?;
                let m = digits(&[*m1, *m2]).ok_or_else(|| err(Kind::Offset))?;
                if h > 23 || m > 59 {
                    return Err(err(Kind::Offset));
                }
                let minutes = h * 60 + m;
                if *sign == b'+' {
                    minutes * 60
                } else {
                    -minutes * 60
                }
            }
            _ => return Err(err(Kind::Offset)),
        };
        let seconds =
            days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second
                - offset;
        if !(MIN_SECONDS..=MAX_SECONDS).contains(&seconds) {
            return Err(err(Kind::OutOfRange));
        }
        Ok(Timestamp {
            seconds,
            nanos: nanos as i32,
        })
    }
}

/// The fraction of a second as written, and its number of digits: Google
/// writes 0, 3, 6 or 9, the fewest that keep the value.
fn fraction_digits(nanos: i32) -> (i64, usize) {
    match i64::from(nanos) {
        0 => (0, 0),
        n if n % 1_000_000 == 0 => (n / 1_000_000, 3),
        n if n % 1_000 == 0 => (n / 1_000, 6),
        n => (n, 9),
    }
}

/// The RFC 3339 text of a valid timestamp, held on the stack: JSON writes
/// one for every time in a message, and going through the formatting
/// machinery digit group by digit group cost several times this.
struct Rfc3339 {
    bytes: [u8; 30],
    len: usize,
}

impl Rfc3339 {
    /// `None` outside years 1 to 9999 or for nanoseconds out of range.
    fn of(timestamp: &Timestamp) -> Option<Rfc3339> {
        if !timestamp.is_valid() {
            return None;
        }
        let days = timestamp.seconds.div_euclid(86_400);
        let secs = timestamp.seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let mut text = Rfc3339 {
            bytes: *b"0000-00-00T00:00:00.000000000Z",
            len: 19,
        };
        text.digits(0, year, 4);
        text.digits(5, month, 2);
        text.digits(8, day, 2);
        text.digits(11, secs / 3600, 2);
        text.digits(14, secs / 60 % 60, 2);
        text.digits(17, secs % 60, 2);
        let (fraction, width) = fraction_digits(timestamp.nanos);
        if width > 0 {
            text.digits(20, fraction, width);
            text.len = 20 + width;
        }
        text.bytes[text.len] = b'Z';
        text.len += 1;
        Some(text)
    }

    /// Writes `value` as `width` decimal digits from `at`, zero-padded.
    fn digits(&mut self, at: usize, mut value: i64, width: usize) {
        for slot in self.bytes[at..at + width].iter_mut().rev() {
            *slot = b'0' + (value % 10) as u8;
            value /= 10;
        }
    }

    fn as_str(&self) -> &str {
        // Only ASCII digits and punctuation were written.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC: `2026-03-01T09:30:00Z`, `2026-03-01T09:30:00.250Z`.
    /// A width or a precision applies to the whole text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(text) = Rfc3339::of(self) {
            return f.pad(text.as_str());
        }
        super::pad_whole(f, |w| self.write_out_of_range(w))
    }
}

impl Timestamp {
    /// The text of a timestamp outside the range Google writes: the same
    /// form, years past 9999 in full.
    fn write_out_of_range(&self, f: &mut dyn fmt::Write) -> fmt::Result {
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
        let (fraction, width) = fraction_digits(self.nanos);
        if width > 0 {
            write!(f, ".{fraction:0width$}")?;
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
    /// Saturates at the ends of the range a `SystemTime` can hold; values
    /// outside years 1 to 9999 convert but have no JSON form.
    fn from(t: SystemTime) -> Self {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp {
                seconds: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
                nanos: d.subsec_nanos() as i32,
            },
            Err(e) => {
                let d = e.duration();
                let back = 0i64.checked_sub_unsigned(d.as_secs()).unwrap_or(i64::MIN);
                match d.subsec_nanos() {
                    0 => Timestamp {
                        seconds: back,
                        nanos: 0,
                    },
                    // One second further back, then forward by the rest.
                    n => Timestamp {
                        seconds: back.saturating_sub(1),
                        nanos: 1_000_000_000 - n as i32,
                    },
                }
            }
        }
    }
}

impl From<Timestamp> for SystemTime {
    /// Clamps to years 1 to 9999 first, so any value converts without
    /// overflowing the platform's clock type.
    fn from(t: Timestamp) -> Self {
        let seconds = t.seconds.clamp(MIN_SECONDS, MAX_SECONDS);
        let nanos = Duration::from_nanos(t.nanos.clamp(0, 999_999_999) as u64);
        let shift = |secs: u64| {
            let whole = Duration::from_secs(secs);
            if seconds >= 0 {
                UNIX_EPOCH.checked_add(whole)
            } else {
                UNIX_EPOCH.checked_sub(whole)
            }
        };
        if let Some(time) = shift(seconds.unsigned_abs()).and_then(|m| m.checked_add(nanos)) {
            return time;
        }
        // The platform's clock cannot reach that far (its range is its
        // own): saturate at the furthest whole second it can.
        let (mut reachable, mut unreachable) = (0u64, seconds.unsigned_abs());
        while unreachable - reachable > 1 {
            let mid = reachable + (unreachable - reachable) / 2;
            if shift(mid).is_some() {
                reachable = mid;
            } else {
                unreachable = mid;
            }
        }
        shift(reachable).unwrap_or(UNIX_EPOCH)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Only a valid timestamp has a text.
        match Rfc3339::of(self) {
            Some(text) => serializer.serialize_str(text.as_str()),
            None => Err(serde::ser::Error::custom(format!(
                "timestamp out of range: {} s, {} ns",
                self.seconds, self.nanos
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        let timestamp = Timestamp::parse(&text).map_err(serde::de::Error::custom)?;
        // Parsed, so byte 10 is the T and the last byte the Z of a UTC time.
        let lowercase = text.as_bytes()[10] == b't' || text.ends_with('z');
        if lowercase && crate::json::is_strict() {
            return Err(serde::de::Error::custom(TimestampError::new(
                &text,
                TimestampErrorKind::Lowercase,
            )));
        }
        Ok(timestamp)
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
    use proptest::strategy::Strategy as _;

    use super::*;

    #[test]
    fn a_width_and_a_precision_apply_to_the_whole_text() {
        // In the range Google writes, and past it (year 10000).
        for (t, text) in [
            (
                Timestamp {
                    seconds: 0,
                    nanos: 250_000_000,
                },
                "1970-01-01T00:00:00.250Z",
            ),
            (
                Timestamp {
                    seconds: 253_402_300_800,
                    nanos: 0,
                },
                "10000-01-01T00:00:00Z",
            ),
        ] {
            assert_eq!(t.to_string(), text);
            assert_eq!(
                format!("[{t:>30}|{t:.10}|{t:^32.4}]"),
                format!("[{text:>30}|{text:.10}|{text:^32.4}]")
            );
        }
    }

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

    proptest::proptest! {
        /// The stack writer and the formatter say the same of every valid
        /// timestamp, and what they write parses back to it.
        #[test]
        fn the_fast_text_is_the_formatted_text(
            seconds in MIN_SECONDS..=MAX_SECONDS,
            nanos in proptest::prop_oneof![
                proptest::strategy::Just(0),
                (0..1000i32).prop_map(|n| n * 1_000_000),
                (0..1_000_000i32).prop_map(|n| n * 1_000),
                0..1_000_000_000i32,
            ],
        ) {
            let t = Timestamp { seconds, nanos };
            let fast = Rfc3339::of(&t).expect("a valid timestamp");
            let days = seconds.div_euclid(86_400);
            let secs = seconds.rem_euclid(86_400);
            let (year, month, day) = civil_from_days(days);
            let mut slow = format!(
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
                secs / 3600,
                secs / 60 % 60,
                secs % 60
            );
            if nanos != 0 {
                if nanos % 1_000_000 == 0 {
                    slow += &format!(".{:03}", nanos / 1_000_000);
                } else if nanos % 1_000 == 0 {
                    slow += &format!(".{:06}", nanos / 1_000);
                } else {
                    slow += &format!(".{nanos:09}");
                }
            }
            slow.push('Z');
            proptest::prop_assert_eq!(fast.as_str(), slow.as_str());
            proptest::prop_assert_eq!(serde_json::to_string(&t).unwrap(), format!("\"{slow}\""));
            proptest::prop_assert_eq!(Timestamp::parse(&slow).unwrap(), t);
        }
    }

    #[test]
    fn an_out_of_range_timestamp_still_displays() {
        let t = Timestamp {
            seconds: MAX_SECONDS + 86_400 * 366,
            nanos: 0,
        };
        assert!(Rfc3339::of(&t).is_none());
        assert_eq!(t.to_string(), "10000-12-31T23:59:59Z");
        assert!(serde_json::to_string(&t).is_err());
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
    fn multi_byte_characters_are_an_error_not_a_panic() {
        for bad in [
            "2026-03-01T09:30:0\u{20ac}Z",
            "\u{20ac}026-03-01T09:30:00Z",
            "2026-0\u{e9}-01T09:30:00Z",
            "2026-03-01T09:30:00.\u{20ac}Z",
            "2026-03-01T09:30:00.5\u{20ac}",
            "2026-03-01T09:30:00+0\u{e9}:00",
            "2026-03-01T09:30:00\u{1f600}",
        ] {
            let err = Timestamp::parse(bad).unwrap_err();
            assert!(err.to_string().starts_with("invalid timestamp"), "{err}");
        }
    }

    #[test]
    fn each_defect_has_its_own_kind() {
        let kind = |text: &str| Timestamp::parse(text).unwrap_err().kind();
        assert_eq!(kind("2026-03-01"), TimestampErrorKind::Format);
        assert_eq!(kind("2026-02-30T00:00:00Z"), TimestampErrorKind::NoSuchDate);
        assert_eq!(kind("2026-03-01T24:00:00Z"), TimestampErrorKind::NoSuchTime);
        assert_eq!(kind("2026-03-01T09:30:00.Z"), TimestampErrorKind::Fraction);
        assert_eq!(
            kind("2026-03-01T09:30:00+24:00"),
            TimestampErrorKind::Offset
        );
        assert_eq!(
            kind("0001-01-01T00:00:00+00:01"),
            TimestampErrorKind::OutOfRange
        );
    }

    #[test]
    fn a_huge_input_is_cut_short_in_the_error() {
        let text = "\u{20ac}".repeat(100_000);
        let message = Timestamp::parse(&text).unwrap_err().to_string();
        assert!(message.len() < 400, "{} bytes", message.len());
    }

    #[test]
    fn the_earliest_system_time_converts_without_overflow() {
        // The furthest past a 64-bit clock holds: 2^63 seconds before the
        // epoch, and half a second more so the nanoseconds must borrow.
        let far = UNIX_EPOCH
            .checked_sub(Duration::from_secs(1 << 63))
            .or_else(|| UNIX_EPOCH.checked_sub(Duration::from_secs(1 << 40)))
            .unwrap();
        let t = Timestamp::from(far);
        assert!(t.seconds < MIN_SECONDS && !t.is_valid());
        if let Some(earlier) = UNIX_EPOCH.checked_sub(Duration::new((1 << 63) - 1, 500_000_000)) {
            let t = Timestamp::from(earlier);
            assert_eq!((t.seconds, t.nanos), (i64::MIN, 500_000_000));
        }
        // And back: clamped to year 1.
        assert_eq!(Timestamp::from(SystemTime::from(t)), Timestamp::MIN);
        let late = Timestamp {
            seconds: i64::MAX,
            nanos: i32::MAX,
        };
        assert_eq!(
            Timestamp::from(SystemTime::from(late)),
            Timestamp {
                seconds: MAX_SECONDS,
                nanos: 999_999_999
            }
        );
    }

    #[test]
    fn saturating_add_stops_at_the_end_of_year_9999() {
        let t = Timestamp::parse("2026-03-01T09:30:00.75Z").unwrap();
        assert_eq!(
            t.saturating_add(Duration::from_millis(500)),
            Timestamp::parse("2026-03-01T09:30:01.25Z").unwrap()
        );
        assert_eq!(t.saturating_add(Duration::MAX), Timestamp::MAX);
        assert_eq!(
            Timestamp::MAX.saturating_add(Duration::from_nanos(1)),
            Timestamp::MAX
        );
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
