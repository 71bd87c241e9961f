//! `google.protobuf.Duration`, written in proto3 JSON as seconds with an `s`
//! suffix and 0, 3, 6 or 9 fractional digits (`"1.500s"`, `"-0.000001s"`).

use std::fmt;

use prost::{Message, Name};
use serde::{Deserialize, Serialize};

/// A signed span of time, seconds and nanoseconds of the same sign.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Message)]
#[prost(skip_debug)]
pub struct Duration {
    /// Whole seconds, at most 315,576,000,000 either way (10,000 years).
    #[prost(int64, tag = "1")]
    pub seconds: i64,
    /// Nanoseconds, -999,999,999 to 999,999,999, with the sign of `seconds`.
    #[prost(int32, tag = "2")]
    pub nanos: i32,
}

impl Name for Duration {
    const NAME: &'static str = "Duration";
    const PACKAGE: &'static str = "google.protobuf";
}

const MAX_SECONDS: i64 = 315_576_000_000;

/// Why a text, or a value, is not a duration this API accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DurationError {
    /// The text is not seconds with an `s` suffix, like `"1.5s"`.
    Format {
        /// The start of the rejected text.
        text: String,
    },
    /// The text or value is beyond 315,576,000,000 seconds either way, or
    /// its nanoseconds are out of range or of the other sign.
    OutOfRange {
        /// The rejected value, as seconds and nanoseconds.
        seconds: i64,
        /// See `seconds`.
        nanos: i32,
    },
    /// The text is a duration, but one too long for any `i64` of seconds
    /// to hold, let alone the spec's range.
    TextOutOfRange {
        /// The start of the rejected text.
        text: String,
    },
    /// A negative duration has no `std::time::Duration` equivalent.
    Negative,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format { text } => write!(
                f,
                "invalid duration {text:?}: expected seconds with up to 9 fractional digits and an \"s\" suffix, such as \"1.5s\""
            ),
            Self::OutOfRange { seconds, nanos } => write!(
                f,
                "duration out of range ({seconds} s, {nanos} ns): it must be within -315576000000s to 315576000000s, with seconds and nanos of the same sign"
            ),
            Self::TextOutOfRange { text } => write!(
                f,
                "duration {text:?} out of range: it must be within -315576000000s to 315576000000s"
            ),
            Self::Negative => f.write_str("a negative duration cannot be used here"),
        }
    }
}

impl std::error::Error for DurationError {}

impl Duration {
    /// The longest duration the spec allows, about 10,000 years.
    pub const MAX: Duration = Duration {
        seconds: MAX_SECONDS,
        nanos: 999_999_999,
    };

    /// Whether the value is one the spec allows: at most 315,576,000,000
    /// seconds either way, nanoseconds within a second and of the same sign.
    /// Only such values have a JSON form.
    pub fn is_valid(&self) -> bool {
        self.seconds.unsigned_abs() <= MAX_SECONDS as u64
            && self.nanos.unsigned_abs() < 1_000_000_000
            && (self.seconds == 0 || self.nanos == 0 || (self.seconds < 0) == (self.nanos < 0))
    }

    /// Parses the JSON text form, e.g. `"3s"`, `"1.5s"`, `"-0.25s"`.
    pub fn parse(text: &str) -> Result<Self, DurationError> {
        let err = || DurationError::Format {
            text: super::timestamp::excerpt(text),
        };
        let body = text.strip_suffix('s').ok_or_else(err)?;
        let (negative, body) = match body.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, body),
        };
        let (whole, fraction) = match body.split_once('.') {
            Some((_, "")) => return Err(err()),
            Some((whole, fraction)) => (whole, fraction),
            None => (body, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(fraction) || fraction.len() > 9 {
            return Err(err());
        }
        // Leading zeros are allowed, so the length alone does not bound the
        // value: count the significant digits before parsing.
        let significant = whole.trim_start_matches('0');
        if significant.len() > 12 {
            return Err(DurationError::TextOutOfRange {
                text: super::timestamp::excerpt(text),
            });
        }
        let seconds: i64 = significant.parse().unwrap_or(0);
        let nanos: i32 = if fraction.is_empty() {
            0
        } else {
            fraction.parse::<i32>().map_err(|_| err())? * 10i32.pow(9 - fraction.len() as u32)
        };
        let d = if negative {
            Duration {
                seconds: -seconds,
                nanos: -nanos,
            }
        } else {
            Duration { seconds, nanos }
        };
        if !d.is_valid() {
            return Err(DurationError::OutOfRange {
                seconds: d.seconds,
                nanos: d.nanos,
            });
        }
        Ok(d)
    }
}

impl fmt::Display for Duration {
    /// Seconds with the fraction's digits in threes and an `s`: `1.500s`,
    /// `-0.000001s`. A width or a precision applies to the whole text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::pad_whole(f, |w| self.write_text(w))
    }
}

impl Duration {
    fn write_text(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        if self.seconds < 0 || self.nanos < 0 {
            f.write_str("-")?;
        }
        let nanos = self.nanos.unsigned_abs();
        write!(f, "{}", self.seconds.unsigned_abs())?;
        if nanos != 0 {
            if nanos.is_multiple_of(1_000_000) {
                write!(f, ".{:03}", nanos / 1_000_000)?;
            } else if nanos.is_multiple_of(1_000) {
                write!(f, ".{:06}", nanos / 1_000)?;
            } else {
                write!(f, ".{nanos:09}")?;
            }
        }
        f.write_str("s")
    }
}

impl fmt::Debug for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Duration({self})")
    }
}

impl TryFrom<Duration> for std::time::Duration {
    type Error = DurationError;
    /// Negative or malformed durations have no `std` equivalent.
    fn try_from(d: Duration) -> Result<Self, Self::Error> {
        if !d.is_valid() {
            return Err(DurationError::OutOfRange {
                seconds: d.seconds,
                nanos: d.nanos,
            });
        }
        if d.seconds < 0 || d.nanos < 0 {
            return Err(DurationError::Negative);
        }
        Ok(std::time::Duration::new(d.seconds as u64, d.nanos as u32))
    }
}

impl From<std::time::Duration> for Duration {
    /// Saturates at [`Duration::MAX`], the largest duration the spec allows.
    fn from(d: std::time::Duration) -> Self {
        if d.as_secs() > MAX_SECONDS as u64 {
            return Duration::MAX;
        }
        Duration {
            seconds: d.as_secs() as i64,
            nanos: d.subsec_nanos() as i32,
        }
    }
}

impl Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !self.is_valid() {
            return Err(serde::ser::Error::custom(DurationError::OutOfRange {
                seconds: self.seconds,
                nanos: self.nanos,
            }));
        }
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Duration::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_too_long_for_any_seconds_is_quoted_in_its_error() {
        for text in [
            "99999999999999999999s",
            "-1234567890123s",
            "0001234567890123.5s",
        ] {
            let error = Duration::parse(text).unwrap_err();
            assert_eq!(
                error,
                DurationError::TextOutOfRange {
                    text: text.to_string()
                }
            );
            assert!(error.to_string().contains(text), "{error}");
        }
        // Twelve significant digits still parse, and are judged by value.
        assert!(matches!(
            Duration::parse("999999999999s"),
            Err(DurationError::OutOfRange {
                seconds: 999_999_999_999,
                ..
            })
        ));
    }

    #[test]
    fn a_width_and_a_precision_apply_to_the_whole_text() {
        let d = Duration {
            seconds: -1,
            nanos: -500_000_000,
        };
        let text = "-1.500s";
        assert_eq!(
            format!("[{d:>10}|{d:<9}|{d:.3}|{d:^11.5}]"),
            format!("[{text:>10}|{text:<9}|{text:.3}|{text:^11.5}]")
        );
        assert_eq!(format!("{d}"), "-1.500s");
    }

    #[test]
    fn text_forms() {
        for (seconds, nanos, text) in [
            (0, 0, "0s"),
            (3, 0, "3s"),
            (1, 500_000_000, "1.500s"),
            (0, -1_000, "-0.000001s"),
            (-2, -1, "-2.000000001s"),
            (MAX_SECONDS, 0, "315576000000s"),
        ] {
            let d = Duration { seconds, nanos };
            assert_eq!(d.to_string(), text);
            assert_eq!(Duration::parse(text).unwrap(), d, "{text}");
        }
        assert_eq!(
            Duration::parse("1.5s").unwrap(),
            Duration {
                seconds: 1,
                nanos: 500_000_000
            }
        );
        for bad in [
            "",
            "s",
            "1",
            "1.s",
            ".5s",
            "1.0000000001s",
            "-s",
            "1ms",
            "315576000001s",
            "+1s",
        ] {
            assert!(Duration::parse(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn the_extreme_values_of_the_fields_are_errors_not_panics() {
        for (seconds, nanos) in [
            (i64::MIN, 0),
            (i64::MAX, 0),
            (0, i32::MIN),
            (0, i32::MAX),
            (i64::MIN, i32::MIN),
        ] {
            let d = Duration { seconds, nanos };
            assert!(!d.is_valid());
            assert!(serde_json::to_string(&d).is_err(), "{d:?}");
            assert!(matches!(
                std::time::Duration::try_from(d),
                Err(DurationError::OutOfRange { .. })
            ));
        }
    }

    #[test]
    fn a_std_duration_beyond_the_range_saturates_at_the_maximum() {
        assert_eq!(Duration::from(std::time::Duration::MAX), Duration::MAX);
        assert_eq!(
            Duration::from(std::time::Duration::new(315_576_000_001, 5)),
            Duration::MAX
        );
        assert_eq!(
            serde_json::to_string(&Duration::from(std::time::Duration::MAX)).unwrap(),
            "\"315576000000.999999999s\""
        );
    }

    #[test]
    fn leading_zeros_and_multi_byte_text_parse_or_fail_cleanly() {
        assert_eq!(
            Duration::parse("0000000000000000000000003.5s").unwrap(),
            Duration {
                seconds: 3,
                nanos: 500_000_000
            }
        );
        assert!(matches!(
            Duration::parse("18446744073709551615s"),
            Err(DurationError::TextOutOfRange { .. })
        ));
        for bad in [
            "1\u{20ac}s",
            "\u{20ac}s",
            "1.\u{20ac}s",
            "1.5\u{20ac}",
            "-\u{e9}s",
        ] {
            assert!(
                matches!(Duration::parse(bad), Err(DurationError::Format { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn mixed_signs_do_not_serialize() {
        assert!(
            serde_json::to_string(&Duration {
                seconds: 1,
                nanos: -1
            })
            .is_err()
        );
        let std: std::time::Duration = Duration {
            seconds: 2,
            nanos: 5,
        }
        .try_into()
        .unwrap();
        assert_eq!(std, std::time::Duration::new(2, 5));
        assert!(
            std::time::Duration::try_from(Duration {
                seconds: -1,
                nanos: 0
            })
            .is_err()
        );
    }
}
