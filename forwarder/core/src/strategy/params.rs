//! Strategy instances with parameters, named as NFD names them: the strategy's name and version,
//! then one generic component `key~value` per parameter, as in
//! `/localhost/nfd/strategy/asf/v=5/probing-interval~30000/max-timeouts~5`.
//!
//! best-route and multicast take the retransmission suppression parameters
//! (`retx-suppression-initial` and `retx-suppression-max` in milliseconds,
//! `retx-suppression-multiplier`); asf takes those and `probing-interval` (milliseconds, at
//! least 1000) and `max-timeouts`; random, self-learning and access take none. A value that
//! is not a number, out of range, or a key the strategy does not know makes the name invalid,
//! rather than being ignored.

use std::time::Duration;

use ndn::Name;

use super::{STRATEGY_PREFIX, StrategyKind};

/// Retransmission suppression with exponential back-off (NFD's RetxSuppressionExponential).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetxSuppression {
    /// First suppression interval.
    pub initial: Duration,
    /// Largest suppression interval.
    pub max: Duration,
    /// Growth of the interval per forwarded retransmission (at least 1).
    pub multiplier: f64,
}

impl Default for RetxSuppression {
    fn default() -> Self {
        RetxSuppression {
            initial: Duration::from_millis(10),
            max: Duration::from_millis(250),
            multiplier: 2.0,
        }
    }
}

impl RetxSuppression {
    /// The interval after `interval`: multiplied, at most `max`.
    pub fn grow(&self, interval: Duration) -> Duration {
        Duration::try_from_secs_f64(interval.as_secs_f64() * self.multiplier)
            .unwrap_or(self.max)
            .min(self.max)
    }
}

/// The parameters of a strategy instance (defaults where the name gives none).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StrategyParams {
    /// Retransmission suppression.
    pub retx: RetxSuppression,
    /// ASF: how often a prefix's other next hops are probed.
    pub probing_interval: Duration,
    /// ASF: consecutive timeouts after which a face ranks below unmeasured ones.
    pub max_timeouts: u32,
    /// The keys the name gave, as bits in [`KEYS`] order, so the instance name lists them again.
    given: u8,
}

impl Default for StrategyParams {
    fn default() -> Self {
        StrategyParams {
            retx: RetxSuppression::default(),
            probing_interval: Duration::from_secs(60),
            max_timeouts: 3,
            given: 0,
        }
    }
}

const RETX_INITIAL: &str = "retx-suppression-initial";
const RETX_MAX: &str = "retx-suppression-max";
const RETX_MULTIPLIER: &str = "retx-suppression-multiplier";
const PROBING_INTERVAL: &str = "probing-interval";
const MAX_TIMEOUTS: &str = "max-timeouts";
/// Every parameter key, in the order instance names list them.
const KEYS: [&str; 5] = [
    RETX_INITIAL,
    RETX_MAX,
    RETX_MULTIPLIER,
    PROBING_INTERVAL,
    MAX_TIMEOUTS,
];
/// ASF's smallest probing interval (NFD's).
const MIN_PROBING_INTERVAL: Duration = Duration::from_secs(1);

/// A strategy and its parameters: what a strategy choice holds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Strategy {
    /// Which strategy.
    pub kind: StrategyKind,
    /// Its parameters.
    pub params: StrategyParams,
}

impl From<StrategyKind> for Strategy {
    fn from(kind: StrategyKind) -> Self {
        Strategy {
            kind,
            params: StrategyParams::default(),
        }
    }
}

/// Why a strategy name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StrategyError {
    /// No such strategy, or not this version (NFD answers 404).
    #[error("strategy not registered")]
    NotRegistered,
    /// The parameters are not valid for the strategy (NFD answers 409).
    #[error("error instantiating strategy: {0}")]
    BadParameters(String),
}

impl Strategy {
    /// The strategy a name designates: `/localhost/nfd/strategy/<name>`, then optionally a
    /// version (`v=N`, or the older marker form `%FD%0N`), then parameters. As in NFD, a
    /// version asks for that version or a later one: this forwarder's, unless the version
    /// asked for is later than it.
    pub fn from_name(name: &Name) -> Result<Strategy, StrategyError> {
        let prefix = Name::from_uri(STRATEGY_PREFIX).map_err(|_| StrategyError::NotRegistered)?;
        if !prefix.is_prefix_of(name) {
            return Err(StrategyError::NotRegistered);
        }
        let short = name.get(prefix.len()).ok_or(StrategyError::NotRegistered)?;
        let kind = StrategyKind::ALL
            .into_iter()
            .find(|k| short.value() == k.short_name().as_bytes())
            .ok_or(StrategyError::NotRegistered)?;
        let mut next = prefix.len() + 1;
        if let Some(c) = name.get(next)
            && let Some(v) = c.as_version().or_else(|| c.as_version_marker())
        {
            if v > kind.version() {
                return Err(StrategyError::NotRegistered);
            }
            next += 1;
        }
        let mut params = StrategyParams::default();
        for i in next..name.len() {
            let Some(c) = name.get(i) else { break };
            let text = std::str::from_utf8(c.value())
                .ok()
                .filter(|_| c.is_generic());
            let Some((key, value)) = text.and_then(|t| t.split_once('~')) else {
                return Err(bad("parameters must be generic components key~value"));
            };
            params.set(kind, key, value)?;
        }
        params.validate()?;
        Ok(Strategy { kind, params })
    }

    /// The instance name: the versioned strategy name and the parameters it was given.
    pub fn name(&self) -> Name {
        let mut name = self.kind.name();
        for (bit, key) in KEYS.iter().enumerate() {
            if self.params.given & (1 << bit) == 0 {
                continue;
            }
            let p = &self.params;
            let value = match *key {
                RETX_INITIAL => p.retx.initial.as_millis().to_string(),
                RETX_MAX => p.retx.max.as_millis().to_string(),
                RETX_MULTIPLIER => p.retx.multiplier.to_string(),
                PROBING_INTERVAL => p.probing_interval.as_millis().to_string(),
                _ => p.max_timeouts.to_string(),
            };
            name = name.append_generic(format!("{key}~{value}"));
        }
        name
    }
}

fn bad(text: impl Into<String>) -> StrategyError {
    StrategyError::BadParameters(text.into())
}

fn number<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, StrategyError> {
    value
        .parse()
        .map_err(|_| bad(format!("{key} must be a number, not {value:?}")))
}

impl StrategyParams {
    fn set(&mut self, kind: StrategyKind, key: &str, value: &str) -> Result<(), StrategyError> {
        let asf_only = matches!(key, PROBING_INTERVAL | MAX_TIMEOUTS);
        let Some(bit) = KEYS.iter().position(|k| *k == key) else {
            return Err(bad(format!("unknown parameter {key:?}")));
        };
        if matches!(
            kind,
            StrategyKind::Random | StrategyKind::SelfLearning | StrategyKind::Access
        ) {
            return Err(bad(format!(
                "{} does not take parameters",
                kind.short_name()
            )));
        }
        if asf_only && kind != StrategyKind::Asf {
            return Err(bad(format!("{} does not take {key:?}", kind.short_name())));
        }
        match key {
            RETX_INITIAL => self.retx.initial = Duration::from_millis(number(key, value)?),
            RETX_MAX => self.retx.max = Duration::from_millis(number(key, value)?),
            RETX_MULTIPLIER => self.retx.multiplier = number(key, value)?,
            PROBING_INTERVAL => self.probing_interval = Duration::from_millis(number(key, value)?),
            _ => self.max_timeouts = number(key, value)?,
        }
        self.given |= 1 << bit;
        Ok(())
    }

    fn validate(&self) -> Result<(), StrategyError> {
        if self.retx.initial.is_zero() {
            return Err(bad("retx-suppression-initial must be positive"));
        }
        if !(self.retx.multiplier >= 1.0 && self.retx.multiplier.is_finite()) {
            return Err(bad("retx-suppression-multiplier must be at least 1"));
        }
        if self.retx.max < self.retx.initial {
            return Err(bad(
                "retx-suppression-max must be at least retx-suppression-initial",
            ));
        }
        if self.probing_interval < MIN_PROBING_INTERVAL {
            return Err(bad("probing-interval must be at least 1000 milliseconds"));
        }
        if self.max_timeouts == 0 {
            return Err(bad("max-timeouts must be at least 1"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(uri: &str) -> Result<Strategy, StrategyError> {
        Strategy::from_name(&Name::from_uri(uri).unwrap())
    }

    #[test]
    fn parameters_are_read_and_named_again() {
        let s =
            parse("/localhost/nfd/strategy/asf/v=5/probing-interval~30000/max-timeouts~5").unwrap();
        assert_eq!(s.kind, StrategyKind::Asf);
        assert_eq!(s.params.probing_interval, Duration::from_secs(30));
        assert_eq!(s.params.max_timeouts, 5);
        assert_eq!(s.params.retx, RetxSuppression::default());
        assert_eq!(
            s.name().to_string(),
            "/localhost/nfd/strategy/asf/v=5/probing-interval~30000/max-timeouts~5"
        );
        // without the version: this forwarder's is added, the parameters kept
        let s = parse(
            "/localhost/nfd/strategy/best-route/retx-suppression-multiplier~1.5/retx-suppression-initial~20",
        )
        .unwrap();
        assert_eq!(s.params.retx.initial, Duration::from_millis(20));
        assert_eq!(s.params.retx.multiplier, 1.5);
        assert_eq!(
            s.name().to_string(),
            "/localhost/nfd/strategy/best-route/v=5/retx-suppression-initial~20/retx-suppression-multiplier~1.5"
        );
        assert_eq!(
            Strategy::from(StrategyKind::Multicast).name(),
            StrategyKind::Multicast.name()
        );
        assert_eq!(
            parse("/localhost/nfd/strategy/multicast").unwrap(),
            StrategyKind::Multicast.into()
        );
    }

    /// A version asks for that version or a later one, as in NFD (older configurations name
    /// earlier versions), written as `v=N` or in the older marker form `%FD%0N`.
    #[test]
    fn earlier_and_marker_versions_name_this_forwarders_strategy() {
        for (uri, instance) in [
            (
                "/localhost/nfd/strategy/multicast/%FD%03",
                "/localhost/nfd/strategy/multicast/v=4",
            ),
            (
                "/localhost/nfd/strategy/asf/%FD%05/probing-interval~30000",
                "/localhost/nfd/strategy/asf/v=5/probing-interval~30000",
            ),
            (
                "/localhost/nfd/strategy/asf/v=1/probing-interval~5000",
                "/localhost/nfd/strategy/asf/v=5/probing-interval~5000",
            ),
            (
                "/localhost/nfd/strategy/best-route/%FD%01",
                "/localhost/nfd/strategy/best-route/v=5",
            ),
        ] {
            let s = parse(uri).unwrap_or_else(|e| panic!("{uri}: {e}"));
            assert_eq!(s.name().to_string(), instance, "{uri}");
        }
    }

    #[test]
    fn bad_parameters_are_refused_not_ignored() {
        for (uri, why) in [
            (
                "/localhost/nfd/strategy/asf/v=5/probing-interval~500",
                "at least 1000",
            ),
            (
                "/localhost/nfd/strategy/asf/v=5/probing-interval~soon",
                "must be a number",
            ),
            (
                "/localhost/nfd/strategy/asf/v=5/max-timeouts~0",
                "at least 1",
            ),
            (
                "/localhost/nfd/strategy/asf/v=5/probe-interval~5000",
                "unknown parameter",
            ),
            (
                "/localhost/nfd/strategy/asf/v=5/probing-interval",
                "key~value",
            ),
            (
                "/localhost/nfd/strategy/best-route/v=5/probing-interval~5000",
                "does not take",
            ),
            (
                "/localhost/nfd/strategy/random/v=1/retx-suppression-initial~20",
                "random does not take",
            ),
            (
                "/localhost/nfd/strategy/access/v=1/retx-suppression-initial~20",
                "access does not take",
            ),
            (
                "/localhost/nfd/strategy/best-route/retx-suppression-initial~0",
                "positive",
            ),
            (
                "/localhost/nfd/strategy/best-route/retx-suppression-multiplier~0.5",
                "at least 1",
            ),
            (
                "/localhost/nfd/strategy/best-route/retx-suppression-multiplier~NaN",
                "at least 1",
            ),
            (
                "/localhost/nfd/strategy/multicast/retx-suppression-initial~300/retx-suppression-max~200",
                "at least retx-suppression-initial",
            ),
        ] {
            match parse(uri) {
                Err(StrategyError::BadParameters(text)) => {
                    assert!(text.contains(why), "{uri}: {text}")
                }
                other => panic!("{uri}: {other:?}"),
            }
        }
        for uri in [
            "/localhost/nfd/strategy/fastest",
            "/localhost/nfd/strategy/asf/v=6/probing-interval~5000",
            "/localhost/nfd/strategy/multicast/%FD%05",
            "/localhost/nfd/other/asf",
        ] {
            assert_eq!(parse(uri), Err(StrategyError::NotRegistered), "{uri}");
        }
    }

    #[test]
    fn the_suppression_interval_grows_to_its_bound_without_overflow() {
        let r = RetxSuppression {
            initial: Duration::from_millis(10),
            max: Duration::from_secs(u64::MAX / 2),
            multiplier: 1e300,
        };
        assert_eq!(r.grow(Duration::from_secs(1)), r.max);
        let r = RetxSuppression::default();
        assert_eq!(r.grow(Duration::from_millis(10)), Duration::from_millis(20));
        assert_eq!(
            r.grow(Duration::from_millis(200)),
            Duration::from_millis(250)
        );
    }
}
