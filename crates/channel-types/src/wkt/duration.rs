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

impl Duration {
    fn is_valid(&self) -> bool {
        self.seconds.abs() <= MAX_SECONDS
            && self.nanos.abs() < 1_000_000_000
            && (self.seconds == 0 || self.nanos == 0 || (self.seconds < 0) == (self.nanos < 0))
    }

    /// Parses the JSON text form, e.g. `"3s"`, `"1.5s"`, `"-0.25s"`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let err = || {
            format!("invalid duration {text:?}: expected seconds with an 's' suffix, like \"1.5s\"")
        };
        let body = text.strip_suffix('s').ok_or_else(err)?;
        let (negative, body) = match body.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, body),
        };
        let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || whole.len() > 12 {
            return Err(err());
        }
        if fraction.len() > 9
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || (body.contains('.') && fraction.is_empty())
        {
            return Err(err());
        }
        let seconds: i64 = whole.parse().map_err(|_| err())?;
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
            return Err(format!("duration {text:?} is out of range"));
        }
        Ok(d)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
    type Error = String;
    /// Negative or malformed durations have no `std` equivalent.
    fn try_from(d: Duration) -> Result<Self, Self::Error> {
        if !d.is_valid() || d.seconds < 0 || d.nanos < 0 {
            return Err(format!("{d:?} is negative or malformed"));
        }
        Ok(std::time::Duration::new(d.seconds as u64, d.nanos as u32))
    }
}

impl From<std::time::Duration> for Duration {
    /// Saturates at the largest duration the type allows.
    fn from(d: std::time::Duration) -> Self {
        let seconds = d.as_secs().min(MAX_SECONDS as u64) as i64;
        Duration {
            seconds,
            nanos: d.subsec_nanos() as i32,
        }
    }
}

impl Serialize for Duration {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if !self.is_valid() {
            return Err(serde::ser::Error::custom(format!(
                "duration out of range: {} s, {} ns",
                self.seconds, self.nanos
            )));
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
