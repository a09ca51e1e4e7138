//! The TOML scenario file, as serde structures. Every table rejects unknown fields, so a typo
//! is an error rather than a silently ignored setting.

use std::path::PathBuf;

use serde::Deserialize;

use crate::units::{SimTime, parse_rate, parse_time};

/// A time: a string with an ns-3 unit (`"10ms"`, `"2s"`) or a number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeValue(pub SimTime);

impl<'de> Deserialize<'de> for TimeValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Float(f64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(s) => Ok(TimeValue(s.saturating_mul(crate::units::NANOS_PER_SEC))),
            Raw::Float(s) => parse_time(&s.to_string())
                .map(TimeValue)
                .map_err(serde::de::Error::custom),
            Raw::Text(t) => parse_time(&t)
                .map(TimeValue)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// A data rate: a string with an ns-3 unit (`"10Mbps"`) or a number of bits per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateValue(pub u64);

impl<'de> Deserialize<'de> for RateValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(b) => Ok(RateValue(b.max(1))),
            Raw::Text(t) => parse_rate(&t)
                .map(RateValue)
                .map_err(serde::de::Error::custom),
        }
    }
}

/// One node selector or a list of them. A selector is a node name, a pattern with `*`
/// (`"leaf*"`), `"@all"`, `"@leaves"` (nodes with one link), or `"@sweep:N"` (on a generated
/// grid: the first N nodes of row 0, column 0, row 1, column 1, ...).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Selectors {
    /// One selector.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl Selectors {
    /// The selectors as a list.
    pub fn list(&self) -> Vec<&str> {
        match self {
            Selectors::One(s) => vec![s.as_str()],
            Selectors::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

/// The whole scenario file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioConfig {
    /// Label used in reports (default: the file name).
    pub name: Option<String>,
    /// Simulated time to run.
    pub duration: TimeValue,
    /// Seed of every random choice (default 1).
    #[serde(default = "one")]
    pub seed: u64,
    /// The network.
    pub topology: TopologyConfig,
    /// Forwarder defaults.
    #[serde(default)]
    pub forwarder: ForwarderDefaults,
    /// Per-node forwarder settings.
    #[serde(default, rename = "node")]
    pub nodes: Vec<NodeOverride>,
    /// Routing.
    #[serde(default)]
    pub routing: RoutingConfig,
    /// Static routes.
    #[serde(default, rename = "route")]
    pub routes: Vec<RouteConfig>,
    /// Strategy choices.
    #[serde(default, rename = "strategy")]
    pub strategies: Vec<StrategyConfig>,
    /// Applications.
    #[serde(default, rename = "app")]
    pub apps: Vec<AppConfig>,
    /// Scheduled link changes.
    #[serde(default, rename = "event")]
    pub events: Vec<EventConfig>,
    /// Tracing and plots.
    #[serde(default)]
    pub trace: TraceSection,
    /// Run the scenario once per value of one parameter.
    pub sweep: Option<SweepConfig>,
}

fn one() -> u64 {
    1
}

fn yes() -> bool {
    true
}

/// `[topology]`: a file in ndnSIM's format, or a generator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopologyConfig {
    /// ndnSIM annotated topology file, relative to the scenario file.
    pub file: Option<PathBuf>,
    /// A generated topology.
    pub generator: Option<GeneratorConfig>,
    /// Link properties for generated links, and for columns a file leaves out.
    #[serde(default)]
    pub links: LinkDefaults,
    /// Changes to individual links.
    #[serde(default, rename = "link")]
    pub link_overrides: Vec<LinkOverride>,
    /// Multi-access links.
    #[serde(default, rename = "broadcast")]
    pub broadcasts: Vec<BroadcastConfig>,
}

/// A topology generator.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum GeneratorConfig {
    /// `n0 - n1 - ... `.
    Line {
        /// Number of nodes.
        nodes: usize,
    },
    /// `rows x cols` grid, nodes `n{row}_{col}`.
    Grid {
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
    },
    /// Complete tree, root `t0`.
    Tree {
        /// Levels below the root.
        depth: usize,
        /// Children per node.
        fanout: usize,
    },
    /// Connected random graph.
    Random {
        /// Number of nodes.
        nodes: usize,
        /// Number of links (at least `nodes - 1`).
        links: usize,
        /// Seed of the graph (default: the scenario seed).
        seed: Option<u64>,
    },
}

impl GeneratorConfig {
    /// Number of nodes the generator makes, `None` when it does not fit a `usize`.
    pub fn node_count(&self) -> Option<usize> {
        match *self {
            GeneratorConfig::Line { nodes } | GeneratorConfig::Random { nodes, .. } => Some(nodes),
            GeneratorConfig::Grid { rows, cols } => rows.checked_mul(cols),
            GeneratorConfig::Tree { depth, fanout } => {
                // 1 + fanout + fanout^2 + ... + fanout^depth
                let (mut total, mut level) = (1usize, 1usize);
                for _ in 0..depth {
                    level = level.checked_mul(fanout)?;
                    if level == 0 {
                        break;
                    }
                    total = total.checked_add(level)?;
                }
                Some(total)
            }
        }
    }
}

/// Link properties; each one left out keeps its default.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkDefaults {
    /// Bandwidth (default 10Mbps).
    pub bandwidth: Option<RateValue>,
    /// One-way delay (default 10ms).
    pub delay: Option<TimeValue>,
    /// Drop-tail queue in packets (default 20).
    pub queue: Option<usize>,
    /// Routing metric (default 1).
    pub metric: Option<u64>,
    /// Loss probability (default 0).
    pub loss: Option<f64>,
    /// MTU in bytes (default none: no fragmentation).
    pub mtu: Option<usize>,
    /// Congestion marking (default off): frames sent while more than a quarter of the queue is
    /// occupied get an NDNLPv2 CongestionMark at NFD's rate.
    pub congestion_marking: Option<bool>,
}

/// `[[topology.link]]`: change the links between two nodes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkOverride {
    /// The two end nodes.
    pub between: [String; 2],
    /// Bandwidth.
    pub bandwidth: Option<RateValue>,
    /// Delay.
    pub delay: Option<TimeValue>,
    /// Queue.
    pub queue: Option<usize>,
    /// Metric.
    pub metric: Option<u64>,
    /// Loss probability.
    pub loss: Option<f64>,
    /// MTU.
    pub mtu: Option<usize>,
    /// Congestion marking.
    pub congestion_marking: Option<bool>,
}

/// `[[topology.broadcast]]`: a multi-access link.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BroadcastConfig {
    /// Member nodes.
    pub nodes: Selectors,
    /// Bandwidth.
    pub bandwidth: Option<RateValue>,
    /// Delay.
    pub delay: Option<TimeValue>,
    /// Queue.
    pub queue: Option<usize>,
    /// Metric.
    pub metric: Option<u64>,
    /// Loss probability.
    pub loss: Option<f64>,
    /// MTU.
    pub mtu: Option<usize>,
    /// Congestion marking.
    pub congestion_marking: Option<bool>,
}

/// `[forwarder]`: settings of every node's core.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForwarderDefaults {
    /// Content store capacity in packets, LRU (0: no caching). Default 65536 (NFD's).
    #[serde(default = "default_cs")]
    pub cs_size: usize,
    /// Strategy of the root namespace: `best-route`, `multicast`, `asf`, `random`,
    /// `self-learning` or `access`, with parameters as NFD takes them.
    #[serde(default = "default_strategy")]
    pub strategy: String,
    /// Timer handling: `lazy` (default) or `exact` (see `TimerMode`).
    #[serde(default = "default_timers")]
    pub timers: String,
}

fn default_cs() -> usize {
    65_536
}

fn default_strategy() -> String {
    "best-route".into()
}

fn default_timers() -> String {
    "lazy".into()
}

impl Default for ForwarderDefaults {
    fn default() -> Self {
        ForwarderDefaults {
            cs_size: default_cs(),
            strategy: default_strategy(),
            timers: default_timers(),
        }
    }
}

/// `[[node]]`: settings of some nodes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeOverride {
    /// Which nodes.
    pub nodes: Selectors,
    /// Content store capacity.
    pub cs_size: Option<usize>,
    /// Root strategy.
    pub strategy: Option<String>,
    /// Network regions of these nodes (NFD's `tables.network_region`): routing announces the
    /// names from them, and a hinted Interest that reaches them loses its ForwardingHint.
    pub network_regions: Option<Vec<String>>,
}

/// `[routing]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingConfig {
    /// `shortest` (default), `all` (every next hop with its cost) or `none` (static routes
    /// only).
    #[serde(default = "default_routing")]
    pub mode: String,
}

fn default_routing() -> String {
    "shortest".into()
}

impl Default for RoutingConfig {
    fn default() -> Self {
        RoutingConfig {
            mode: default_routing(),
        }
    }
}

/// `[[route]]`: a static route.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    /// Nodes that get the route.
    pub nodes: Selectors,
    /// Name prefix.
    pub prefix: String,
    /// Neighbour to send to.
    pub via: String,
    /// Cost (default 1).
    #[serde(default = "one")]
    pub cost: u64,
}

/// `[[strategy]]`: a strategy for a namespace.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyConfig {
    /// Namespace.
    pub prefix: String,
    /// `best-route`, `multicast` or `asf`.
    pub strategy: String,
    /// Nodes (default all).
    pub nodes: Option<Selectors>,
}

/// How consumers space Interests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RandomizeConfig {
    /// Evenly.
    #[default]
    None,
    /// Uniform on [0, 2/frequency].
    Uniform,
    /// Exponential with mean 1/frequency.
    Exponential,
}

/// `[[app]]`: applications of one kind on some nodes.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum AppConfig {
    /// ndnSIM's ConsumerCbr.
    ConsumerCbr(CbrConfig),
    /// ndnSIM's ConsumerZipfMandelbrot.
    ConsumerZipf(ZipfConfig),
    /// Window consumer: ndnget's segment fetcher.
    ConsumerWindow(WindowConfig),
    /// ndnSIM's Producer.
    Producer(ProducerSection),
    /// Segmented producer: ndnput's segment publisher.
    Publisher(PublisherSection),
}

/// `kind = "consumer-cbr"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CbrConfig {
    /// Nodes (one consumer on each).
    pub nodes: Selectors,
    /// Name prefix.
    pub prefix: String,
    /// Interests per second.
    pub frequency: f64,
    /// Spacing.
    #[serde(default)]
    pub randomize: RandomizeConfig,
    /// InterestLifetime (default 2s).
    pub lifetime: Option<TimeValue>,
    /// Start (default 0).
    pub start: Option<TimeValue>,
    /// Stop (default: end of run).
    pub stop: Option<TimeValue>,
    /// Highest sequence number.
    pub max_seq: Option<u64>,
    /// ForwardingHint delegations to put in every Interest.
    pub forwarding_hint: Option<Vec<String>>,
}

/// `kind = "consumer-zipf"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZipfConfig {
    /// Nodes.
    pub nodes: Selectors,
    /// Name prefix.
    pub prefix: String,
    /// Interests per second.
    pub frequency: f64,
    /// Spacing.
    #[serde(default)]
    pub randomize: RandomizeConfig,
    /// Number of contents (default 100, as ndnSIM).
    #[serde(default = "default_catalogue")]
    pub catalogue: u64,
    /// q (default 0.7, as ndnSIM).
    #[serde(default = "default_zipf")]
    pub q: f64,
    /// s (default 0.7, as ndnSIM).
    #[serde(default = "default_zipf")]
    pub s: f64,
    /// InterestLifetime.
    pub lifetime: Option<TimeValue>,
    /// Start.
    pub start: Option<TimeValue>,
    /// Stop.
    pub stop: Option<TimeValue>,
    /// ForwardingHint delegations to put in every Interest.
    pub forwarding_hint: Option<Vec<String>>,
}

fn default_catalogue() -> u64 {
    100
}

fn default_zipf() -> f64 {
    0.7
}

/// `kind = "consumer-window"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowConfig {
    /// Nodes.
    pub nodes: Selectors,
    /// The object name, versioned or not (then the version is discovered).
    pub prefix: String,
    /// `cubic` (default, as ndnget), `aimd` or `fixed`.
    #[serde(default = "default_pipeline")]
    pub pipeline: String,
    /// Window of the fixed pipeline (default 1).
    pub window: Option<usize>,
    /// Initial window of AIMD and CUBIC (default 2).
    pub init_cwnd: Option<f64>,
    /// InterestLifetime (default 4s, as ndnget).
    pub lifetime: Option<TimeValue>,
    /// Retransmissions per segment (default 15; negative for no limit).
    pub max_retries: Option<i64>,
    /// ForwardingHint delegations on every Interest, discovery included (as ndnget
    /// `--fwhint`).
    pub forwarding_hint: Option<Vec<String>>,
    /// Start.
    pub start: Option<TimeValue>,
    /// Stop.
    pub stop: Option<TimeValue>,
}

fn default_pipeline() -> String {
    "cubic".into()
}

/// `kind = "publisher"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublisherSection {
    /// Nodes.
    pub nodes: Selectors,
    /// Object name (without version).
    pub prefix: String,
    /// Object size in bytes.
    pub size: u64,
    /// Content bytes per segment (default 8000, as ndnput).
    pub segment_size: Option<usize>,
    /// FreshnessPeriod of segments (default 10s).
    pub freshness: Option<TimeValue>,
    /// Version number (default 1).
    pub version: Option<u64>,
    /// `digest-sha256` (default), `hmac-sha256` or `ed25519`.
    #[serde(default = "default_signature")]
    pub signature: String,
}

/// `kind = "producer"`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSection {
    /// Nodes.
    pub nodes: Selectors,
    /// Prefix served.
    pub prefix: String,
    /// Content bytes per Data (default 1024).
    #[serde(default = "default_payload")]
    pub payload_size: usize,
    /// FreshnessPeriod (default: none).
    pub freshness: Option<TimeValue>,
    /// `digest-sha256` (default), `hmac-sha256` or `ed25519`.
    #[serde(default = "default_signature")]
    pub signature: String,
}

fn default_payload() -> usize {
    1024
}

fn default_signature() -> String {
    "digest-sha256".into()
}

/// `[[event]]`: bring a link up or down.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventConfig {
    /// When.
    pub at: TimeValue,
    /// The two end nodes of the link.
    pub link: [String; 2],
    /// `up` or `down`.
    pub state: String,
}

/// `[trace]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceSection {
    /// Sampling interval (default 1s).
    pub interval: Option<TimeValue>,
    /// Write rate.csv (default true).
    #[serde(default = "yes")]
    pub rate: bool,
    /// Write cs.csv (default true).
    #[serde(default = "yes")]
    pub cs: bool,
    /// Write app-delay.csv (default true).
    #[serde(default = "yes")]
    pub app_delay: bool,
    /// Write drops.csv (default true).
    #[serde(default = "yes")]
    pub drops: bool,
    /// Draw SVG plots (default true).
    #[serde(default = "yes")]
    pub plots: bool,
}

impl Default for TraceSection {
    fn default() -> Self {
        TraceSection {
            interval: None,
            rate: true,
            cs: true,
            app_delay: true,
            drops: true,
            plots: true,
        }
    }
}

/// A value of a swept parameter.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum SweepValue {
    /// A number.
    Int(u64),
    /// A word.
    Text(String),
}

impl std::fmt::Display for SweepValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SweepValue::Int(i) => write!(f, "{i}"),
            SweepValue::Text(t) => f.write_str(t),
        }
    }
}

/// `[sweep]`: run once per value.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepConfig {
    /// `cs_size`, `strategy` (the root strategy of every node) or `congestion_marking`
    /// (`"off"`/`"on"`, every link's).
    pub parameter: String,
    /// Values.
    pub values: Vec<SweepValue>,
}
