//! Quantities as ns-3 and ndnSIM write them: data rates (`10Mbps`, `1Gbps`, `500kbps`) and
//! times (`10ms`, `2s`, `150us`). Simulated time is kept as integer nanoseconds.

use std::fmt;

/// Simulated time in nanoseconds since the start of the run.
pub type SimTime = u64;

/// Nanoseconds in one second.
pub const NANOS_PER_SEC: u64 = 1_000_000_000;

/// A unit could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnitError {
    /// The number part is missing or not a number.
    #[error("`{text}` is not a {what}: expected a number followed by a unit, e.g. {example}")]
    BadNumber {
        /// The text given.
        text: String,
        /// What was expected ("data rate", "time").
        what: &'static str,
        /// An example of a valid value.
        example: &'static str,
    },
    /// The unit is not known.
    #[error("`{text}`: unknown {what} unit `{unit}` (known: {known})")]
    UnknownUnit {
        /// The text given.
        text: String,
        /// What was expected.
        what: &'static str,
        /// The unit part.
        unit: String,
        /// The accepted units.
        known: &'static str,
    },
}

fn split_number(text: &str) -> (&str, &str) {
    let t = text.trim();
    let end = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == 'e' || *c == 'E' || *c == '-'))
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    // an `e` directly followed by a letter is the start of a unit, not an exponent
    let (mut num, mut unit) = t.split_at(end);
    if num.ends_with(['e', 'E']) {
        num = &num[..num.len() - 1];
        unit = &t[num.len()..];
    }
    (num, unit.trim())
}

/// 2^64: rates and times at or above it do not fit the `u64` they are kept in.
const U64_LIMIT: f64 = 18_446_744_073_709_551_616.0;

/// Parse an ns-3 data rate into bits per second: `bps`, `kbps`/`Kbps`, `Mbps`, `Gbps` (powers
/// of 1000), the same with `b/s`, and byte rates `Bps`, `KBps`, `MBps`, `GBps`, `KiBps`,
/// `MiBps`, `GiBps`. A bare number is bits per second (at least 1, below 2^64).
pub fn parse_rate(text: &str) -> Result<u64, UnitError> {
    const KNOWN: &str =
        "bps, kbps, Mbps, Gbps, b/s, kb/s, Mb/s, Gb/s, Bps, KBps, MBps, GBps, KiBps, MiBps, GiBps";
    let (num, unit) = split_number(text);
    let value: f64 = num.parse().map_err(|_| UnitError::BadNumber {
        text: text.to_string(),
        what: "data rate",
        example: "`10Mbps`",
    })?;
    let factor: f64 = match unit {
        "" | "bps" | "b/s" => 1.0,
        "kbps" | "Kbps" | "kb/s" | "Kb/s" => 1e3,
        "Mbps" | "mbps" | "Mb/s" => 1e6,
        "Gbps" | "gbps" | "Gb/s" => 1e9,
        "Bps" | "B/s" => 8.0,
        "KBps" | "kBps" | "KB/s" | "kB/s" => 8e3,
        "MBps" | "MB/s" => 8e6,
        "GBps" | "GB/s" => 8e9,
        "KiBps" | "KiB/s" => 8.0 * 1024.0,
        "MiBps" | "MiB/s" => 8.0 * 1024.0 * 1024.0,
        "GiBps" | "GiB/s" => 8.0 * 1024.0 * 1024.0 * 1024.0,
        _ => {
            return Err(UnitError::UnknownUnit {
                text: text.to_string(),
                what: "data rate",
                unit: unit.to_string(),
                known: KNOWN,
            });
        }
    };
    let bps = value * factor;
    // below 2^64 bps, so that the rate is kept exactly as rounded, never capped
    if !(bps.is_finite() && (1.0..U64_LIMIT).contains(&bps)) {
        return Err(UnitError::BadNumber {
            text: text.to_string(),
            what: "data rate",
            example: "`10Mbps` (at least 1 bps, below 2^64 bps)",
        });
    }
    Ok(bps.round() as u64)
}

/// Parse an ns-3 time into nanoseconds: `s`, `ms`, `us`, `ns`, `min`, `h`. A bare number is
/// seconds, as in ns-3. Not negative, and below 2^64 ns (about 584 years).
pub fn parse_time(text: &str) -> Result<SimTime, UnitError> {
    const KNOWN: &str = "h, min, s, ms, us, ns";
    let (num, unit) = split_number(text);
    let value: f64 = num.parse().map_err(|_| UnitError::BadNumber {
        text: text.to_string(),
        what: "time",
        example: "`10ms`",
    })?;
    let factor: f64 = match unit {
        "" | "s" => 1e9,
        "ms" => 1e6,
        "us" => 1e3,
        "ns" => 1.0,
        "min" => 60e9,
        "h" => 3600e9,
        _ => {
            return Err(UnitError::UnknownUnit {
                text: text.to_string(),
                what: "time",
                unit: unit.to_string(),
                known: KNOWN,
            });
        }
    };
    let ns = value * factor;
    if !(ns.is_finite() && (0.0..U64_LIMIT).contains(&ns)) {
        return Err(UnitError::BadNumber {
            text: text.to_string(),
            what: "time",
            example: "`10ms` (not negative, and less than 2^64 ns, about 584 years)",
        });
    }
    Ok(ns.round() as u64)
}

/// Time to put `bytes` on a link of `bps` bits per second, rounded up to a whole nanosecond.
pub fn serialization_time(bytes: usize, bps: u64) -> SimTime {
    let bits = bytes as u128 * 8 * u128::from(NANOS_PER_SEC);
    bits.div_ceil(u128::from(bps.max(1))) as u64
}

/// A rate shown the way ns-3 writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate(pub u64);

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        if b >= 1_000_000_000 && b.is_multiple_of(1_000_000_000) {
            write!(f, "{}Gbps", b / 1_000_000_000)
        } else if b >= 1_000_000 && b.is_multiple_of(1_000_000) {
            write!(f, "{}Mbps", b / 1_000_000)
        } else if b >= 1000 && b.is_multiple_of(1000) {
            write!(f, "{}kbps", b / 1000)
        } else {
            write!(f, "{b}bps")
        }
    }
}

/// A time shown the way ns-3 writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time(pub SimTime);

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        if t == 0 {
            write!(f, "0s")
        } else if t.is_multiple_of(NANOS_PER_SEC) {
            write!(f, "{}s", t / NANOS_PER_SEC)
        } else if t.is_multiple_of(1_000_000) {
            write!(f, "{}ms", t / 1_000_000)
        } else if t.is_multiple_of(1000) {
            write!(f, "{}us", t / 1000)
        } else {
            write!(f, "{t}ns")
        }
    }
}

/// Seconds as a float, for reports.
pub fn secs(t: SimTime) -> f64 {
    t as f64 / NANOS_PER_SEC as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates() {
        assert_eq!(parse_rate("10Mbps"), Ok(10_000_000));
        assert_eq!(parse_rate("1Gbps"), Ok(1_000_000_000));
        assert_eq!(parse_rate("500kbps"), Ok(500_000));
        assert_eq!(parse_rate("1.5Mb/s"), Ok(1_500_000));
        assert_eq!(parse_rate("1KBps"), Ok(8000));
        assert_eq!(parse_rate("1KiBps"), Ok(8192));
        assert_eq!(parse_rate("64000"), Ok(64_000));
        assert!(parse_rate("18000000000Gbps").is_ok());
        assert!(parse_rate("19000000000Gbps").is_err());
        assert!(parse_rate("inf").is_err());
        assert!(matches!(
            parse_rate("10Mbit"),
            Err(UnitError::UnknownUnit { .. })
        ));
        assert!(matches!(
            parse_rate("fast"),
            Err(UnitError::BadNumber { .. })
        ));
        assert!(parse_rate("0bps").is_err());
        assert_eq!(Rate(10_000_000).to_string(), "10Mbps");
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("10ms"), Ok(10_000_000));
        assert_eq!(parse_time("2s"), Ok(2_000_000_000));
        assert_eq!(parse_time("150us"), Ok(150_000));
        assert_eq!(parse_time("7ns"), Ok(7));
        assert_eq!(parse_time("1.5"), Ok(1_500_000_000));
        assert_eq!(parse_time("1min"), Ok(60_000_000_000));
        assert!(parse_time("-1s").is_err());
        assert!(parse_time("1 fortnight").is_err());
        // beyond what a u64 of nanoseconds holds: an error, not a silently capped time
        assert!(parse_time("600000h").is_ok());
        assert!(parse_time("6000000h").is_err());
        assert!(parse_time("1e300s").is_err());
        assert!(parse_time("nan").is_err());
        assert_eq!(Time(10_000_000).to_string(), "10ms");
    }

    #[test]
    fn serialization() {
        // 1000 bytes at 1 Mbit/s: 8 ms
        assert_eq!(serialization_time(1000, 1_000_000), 8_000_000);
        // rounded up
        assert_eq!(serialization_time(1, 3_000_000_000), 3);
    }
}
