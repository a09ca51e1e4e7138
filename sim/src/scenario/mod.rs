//! Scenario files: a TOML file naming the topology, applications, routes, strategies, cache
//! sizes, duration and seed; turned into a ready-to-run [`Sim`].

pub mod config;

use std::path::{Path, PathBuf};

use ndn::Name;
use ndn_fw::{Strategy, StrategyError};

pub use config::ScenarioConfig;
use config::{AppConfig, GeneratorConfig, LinkDefaults, RandomizeConfig, Selectors, SweepValue};

use ndn::fetch::PipelineKind;

use crate::app::{
    App, Consumer, ConsumerConfig, Producer, ProducerConfig, PublisherConfig, Randomize,
    RequestPattern, SegmentProducer, SignatureKind, WindowConsumer, WindowConsumerConfig,
};
use crate::engine::{Control, NodeSettings, Sim, TimerMode};
use crate::topology::{BroadcastSpec, LinkParams, NodeIndex, Shape, Topology, annotated, generate};
use crate::trace::TraceConfig;
use crate::units::{NANOS_PER_SEC, SimTime};

/// A scenario could not be loaded or built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("cannot read {path}: {error}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// The TOML is invalid.
    #[error("{path}: {error}")]
    Toml {
        /// The file.
        path: PathBuf,
        /// Why.
        error: Box<toml::de::Error>,
    },
    /// The topology file is invalid.
    #[error("{path}: {error}")]
    Topology {
        /// The file.
        path: PathBuf,
        /// Why.
        error: annotated::AnnotatedError,
    },
    /// A setting is wrong.
    #[error("{0}")]
    Invalid(String),
}

/// Most nodes a generated topology may have (a hundred times the largest grid benchmarked),
/// so that a typing slip gives an error instead of exhausting memory.
pub const MAX_GENERATED_NODES: usize = 1_000_000;
/// Most links a random topology may ask for.
pub const MAX_GENERATED_LINKS: usize = 10_000_000;

fn invalid(msg: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid(msg.into())
}

/// A loaded scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The parsed file.
    pub config: ScenarioConfig,
    /// Directory relative paths are resolved against.
    pub base_dir: PathBuf,
    /// Label for reports.
    pub label: String,
}

/// A scenario made into a simulator.
#[derive(Debug)]
pub struct Built {
    /// The simulator, with apps, routes and events in place.
    pub sim: Sim,
    /// When to stop.
    pub end: SimTime,
    /// Tracers to run.
    pub trace: TraceConfig,
    /// Whether to draw plots.
    pub plots: bool,
    /// Notes for the user (skipped duplicate links, ...).
    pub notes: Vec<String>,
}

/// Parse a strategy name as NFD writes it (`best-route`, `multicast`, `asf`, with or without
/// the `/localhost/nfd/strategy/` prefix), with parameters as NFD takes them
/// (`asf/v=5/probing-interval~5000`).
pub fn parse_strategy(s: &str) -> Result<Strategy, ScenarioError> {
    let full = if s.starts_with('/') {
        s.to_owned()
    } else {
        format!("/localhost/nfd/strategy/{s}")
    };
    let name = parse_name(&full)?;
    Strategy::from_name(&name).map_err(|e| match e {
        StrategyError::NotRegistered => invalid(format!(
            "unknown strategy `{s}` (known: best-route, multicast, asf, random, self-learning, access)"
        )),
        StrategyError::BadParameters(why) => invalid(format!("strategy `{s}`: {why}")),
    })
}

fn parse_name(s: &str) -> Result<Name, ScenarioError> {
    Name::from_uri(s).map_err(|e| invalid(format!("bad name `{s}`: {e}")))
}

fn apply(p: &mut LinkParams, d: &LinkDefaults) -> Result<(), ScenarioError> {
    if let Some(b) = d.bandwidth {
        p.bandwidth_bps = b.0;
    }
    if let Some(t) = d.delay {
        p.delay = t.0;
    }
    if let Some(q) = d.queue {
        p.queue_packets = q;
    }
    if let Some(m) = d.metric {
        p.metric = m;
    }
    if let Some(l) = d.loss {
        if !(0.0..=1.0).contains(&l) {
            return Err(invalid(format!("loss {l} is not in [0, 1]")));
        }
        p.loss = l;
    }
    if let Some(m) = d.mtu {
        p.mtu = Some(m);
    }
    if let Some(on) = d.congestion_marking {
        p.congestion_marking = on;
    }
    Ok(())
}

/// Nodes matching `selectors`, in topology order without repeats (except `@sweep`, which keeps
/// its own order).
pub fn select(topo: &Topology, selectors: &Selectors) -> Result<Vec<NodeIndex>, ScenarioError> {
    let mut out: Vec<NodeIndex> = Vec::new();
    let mut seen = vec![false; topo.nodes.len()];
    let mut add = |i: NodeIndex, out: &mut Vec<NodeIndex>| {
        if !seen[i] {
            seen[i] = true;
            out.push(i);
        }
    };
    for sel in selectors.list() {
        if sel == "@all" {
            (0..topo.nodes.len()).for_each(|i| add(i, &mut out));
        } else if sel == "@leaves" {
            let deg = topo.degrees();
            (0..topo.nodes.len())
                .filter(|&i| deg[i] == 1)
                .for_each(|i| add(i, &mut out));
        } else if let Some(n) = sel.strip_prefix("@sweep:") {
            let n: usize = n
                .parse()
                .map_err(|_| invalid(format!("`{sel}`: expected @sweep:N")))?;
            let Shape::Grid { rows, cols } = topo.shape else {
                return Err(invalid(format!("`{sel}` works on generated grids only")));
            };
            for i in grid_sweep(rows, cols).into_iter().take(n) {
                add(i, &mut out);
            }
            if out.len() < n {
                return Err(invalid(format!(
                    "`{sel}`: the grid has only {} nodes",
                    rows * cols
                )));
            }
        } else if sel.contains('*') {
            let (head, tail) = sel.split_once('*').unwrap_or((sel, ""));
            let before = out.len();
            for (i, node) in topo.nodes.iter().enumerate() {
                if node.name.starts_with(head)
                    && node.name[head.len()..].ends_with(tail.trim_start_matches('*'))
                {
                    add(i, &mut out);
                }
            }
            if out.len() == before {
                return Err(invalid(format!("pattern `{sel}` matches no node")));
            }
        } else {
            let i = topo
                .node(sel)
                .map_err(|_| invalid(format!("unknown node `{sel}`")))?;
            add(i, &mut out);
        }
    }
    Ok(out)
}

/// Grid nodes in the order row 0, column 0, row 1, column 1, ... (each node once).
pub fn grid_sweep(rows: usize, cols: usize) -> Vec<NodeIndex> {
    let mut order = Vec::with_capacity(rows * cols);
    let mut seen = vec![false; rows * cols];
    for k in 0..rows.max(cols) {
        if k < rows {
            for c in 0..cols {
                let i = k * cols + c;
                if !seen[i] {
                    seen[i] = true;
                    order.push(i);
                }
            }
        }
        if k < cols {
            for r in 0..rows {
                let i = r * cols + k;
                if !seen[i] {
                    seen[i] = true;
                    order.push(i);
                }
            }
        }
    }
    order
}

impl Scenario {
    /// Read a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|error| ScenarioError::Io {
            path: path.to_path_buf(),
            error,
        })?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut s = Scenario::parse(&text, &base).map_err(|e| match e {
            ScenarioError::Toml { error, .. } => ScenarioError::Toml {
                path: path.to_path_buf(),
                error,
            },
            other => other,
        })?;
        if s.config.name.is_none() {
            s.label = path
                .file_stem()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or(s.label);
        }
        Ok(s)
    }

    /// Parse scenario text; relative paths resolve against `base_dir`.
    pub fn parse(text: &str, base_dir: &Path) -> Result<Scenario, ScenarioError> {
        let config: ScenarioConfig = toml::from_str(text).map_err(|error| ScenarioError::Toml {
            path: PathBuf::from("<scenario>"),
            error: Box::new(error),
        })?;
        let label = config.name.clone().unwrap_or_else(|| "scenario".into());
        Ok(Scenario {
            config,
            base_dir: base_dir.to_path_buf(),
            label,
        })
    }

    /// The scenario once per sweep value (labelled `parameter=value`), or itself.
    pub fn variants(&self) -> Result<Vec<(String, Scenario)>, ScenarioError> {
        let Some(sweep) = &self.config.sweep else {
            return Ok(vec![(self.label.clone(), self.clone())]);
        };
        let mut out = Vec::new();
        for v in &sweep.values {
            let mut s = self.clone();
            s.config.sweep = None;
            match (sweep.parameter.as_str(), v) {
                ("cs_size", SweepValue::Int(n)) => s.config.forwarder.cs_size = *n as usize,
                ("strategy", SweepValue::Text(t)) => {
                    parse_strategy(t)?;
                    s.config.forwarder.strategy = t.clone();
                }
                ("congestion_marking", SweepValue::Text(t)) if t == "on" || t == "off" => {
                    s.config.topology.links.congestion_marking = Some(t == "on");
                }
                ("routing", SweepValue::Text(t))
                    if matches!(t.as_str(), "shortest" | "all" | "none") =>
                {
                    s.config.routing.mode = t.clone();
                }
                (p, v) => {
                    return Err(invalid(format!(
                        "cannot sweep `{p}` over `{v}` (sweepable: cs_size = [numbers], strategy = [names], congestion_marking = [\"off\", \"on\"], routing = [\"shortest\", \"all\", \"none\"])"
                    )));
                }
            }
            let label = format!("{}={}", sweep.parameter, v);
            s.label = format!("{} {}", self.label, label);
            out.push((label, s));
        }
        Ok(out)
    }

    /// Build the topology (file or generator, then overrides and broadcast links).
    pub fn topology(&self, seed: u64) -> Result<(Topology, Vec<String>), ScenarioError> {
        let tc = &self.config.topology;
        let mut defaults = LinkParams::default();
        apply(&mut defaults, &tc.links)?;
        let mut notes = Vec::new();
        let mut topo = match (&tc.file, &tc.generator) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "[topology] has both `file` and `generator`; choose one",
                ));
            }
            (None, None) => {
                return Err(invalid(
                    "[topology] needs `file = \"...\"` (ndnSIM format) or a `generator`",
                ));
            }
            (Some(file), None) => {
                let path = self.base_dir.join(file);
                let text = std::fs::read_to_string(&path).map_err(|error| ScenarioError::Io {
                    path: path.clone(),
                    error,
                })?;
                let (mut t, n) =
                    annotated::parse(&text, defaults).map_err(|error| ScenarioError::Topology {
                        path: path.clone(),
                        error,
                    })?;
                // loss, MTU and congestion marking from [topology.links] apply to every link of a
                // file (loss unless the file gives one)
                for l in &mut t.links {
                    if l.params.loss == 0.0 {
                        l.params.loss = defaults.loss;
                    }
                    l.params.mtu = defaults.mtu;
                    l.params.congestion_marking = defaults.congestion_marking;
                }
                for (line, a, b) in n.skipped_duplicates {
                    notes.push(format!(
                        "{}:{line}: link {a} {b} repeats an earlier link in reverse; skipped (as ndnSIM does)",
                        path.display()
                    ));
                }
                t
            }
            (None, Some(g)) => match *g {
                _ if g
                    .node_count()
                    .is_none_or(|n| n == 0 || n > MAX_GENERATED_NODES) =>
                {
                    return Err(invalid(format!(
                        "[topology.generator] must make between 1 and {MAX_GENERATED_NODES} nodes"
                    )));
                }
                GeneratorConfig::Random { links, .. } if links > MAX_GENERATED_LINKS => {
                    return Err(invalid(format!(
                        "[topology.generator] may ask for at most {MAX_GENERATED_LINKS} links"
                    )));
                }
                GeneratorConfig::Line { nodes } => generate::line(nodes, defaults),
                GeneratorConfig::Grid { rows, cols } => generate::grid(rows, cols, defaults),
                GeneratorConfig::Tree { depth, fanout } => generate::tree(depth, fanout, defaults),
                GeneratorConfig::Random {
                    nodes,
                    links,
                    seed: s,
                } => generate::random(nodes, links, s.unwrap_or(seed), defaults),
            },
        };
        for o in &tc.link_overrides {
            let a = topo.node(&o.between[0]).map_err(|_| {
                invalid(format!(
                    "[[topology.link]]: unknown node `{}`",
                    o.between[0]
                ))
            })?;
            let b = topo.node(&o.between[1]).map_err(|_| {
                invalid(format!(
                    "[[topology.link]]: unknown node `{}`",
                    o.between[1]
                ))
            })?;
            let d = LinkDefaults {
                bandwidth: o.bandwidth,
                delay: o.delay,
                queue: o.queue,
                metric: o.metric,
                loss: o.loss,
                mtu: o.mtu,
                congestion_marking: o.congestion_marking,
            };
            let mut found = false;
            for l in &mut topo.links {
                if (l.a == a && l.b == b) || (l.a == b && l.b == a) {
                    apply(&mut l.params, &d)?;
                    found = true;
                }
            }
            if !found {
                return Err(invalid(format!(
                    "[[topology.link]]: no link between {} and {}",
                    o.between[0], o.between[1]
                )));
            }
        }
        for bc in &tc.broadcasts {
            let members = select(&topo, &bc.nodes)?;
            if members.len() < 2 {
                return Err(invalid("[[topology.broadcast]] needs at least two nodes"));
            }
            let mut p = defaults;
            apply(
                &mut p,
                &LinkDefaults {
                    bandwidth: bc.bandwidth,
                    delay: bc.delay,
                    queue: bc.queue,
                    metric: bc.metric,
                    loss: bc.loss,
                    mtu: bc.mtu,
                    congestion_marking: bc.congestion_marking,
                },
            )?;
            topo.broadcasts.push(BroadcastSpec { members, params: p });
        }
        Ok((topo, notes))
    }

    /// Build the simulator; `seed` overrides the file's seed.
    pub fn build(&self, seed: Option<u64>) -> Result<Built, ScenarioError> {
        let c = &self.config;
        let seed = seed.unwrap_or(c.seed);
        let (topo, notes) = self.topology(seed)?;
        let root = parse_strategy(&c.forwarder.strategy)?;
        let mut settings = vec![
            NodeSettings {
                cs_capacity: c.forwarder.cs_size,
                strategy: root,
                network_regions: Vec::new(),
            };
            topo.nodes.len()
        ];
        for o in &c.nodes {
            let strategy = o.strategy.as_deref().map(parse_strategy).transpose()?;
            for i in select(&topo, &o.nodes)? {
                if let Some(cs) = o.cs_size {
                    settings[i].cs_capacity = cs;
                }
                if let Some(s) = strategy {
                    settings[i].strategy = s;
                }
                if let Some(regions) = &o.network_regions {
                    settings[i].network_regions = regions
                        .iter()
                        .map(|r| parse_name(r))
                        .collect::<Result<_, _>>()?;
                }
            }
        }
        // resolve everything that names nodes before the topology moves into the simulator
        let mut app_plans = Vec::new();
        for a in &c.apps {
            let sel = match a {
                AppConfig::ConsumerCbr(x) => &x.nodes,
                AppConfig::ConsumerZipf(x) => &x.nodes,
                AppConfig::ConsumerWindow(x) => &x.nodes,
                AppConfig::Producer(x) => &x.nodes,
                AppConfig::Publisher(x) => &x.nodes,
            };
            let nodes = select(&topo, sel)?;
            if nodes.is_empty() {
                return Err(invalid("an [[app]] selects no node"));
            }
            app_plans.push(nodes);
        }
        let mut routes = Vec::new();
        for r in &c.routes {
            let via = topo
                .node(&r.via)
                .map_err(|_| invalid(format!("[[route]]: unknown node `{}`", r.via)))?;
            routes.push((
                select(&topo, &r.nodes)?,
                parse_name(&r.prefix)?,
                via,
                r.cost,
            ));
        }
        let mut strategies = Vec::new();
        for s in &c.strategies {
            let nodes = match &s.nodes {
                Some(sel) => select(&topo, sel)?,
                None => (0..topo.nodes.len()).collect(),
            };
            strategies.push((nodes, parse_name(&s.prefix)?, parse_strategy(&s.strategy)?));
        }
        // lazy timers are exact only while timers send nothing: a strategy whose timers send
        // (access) gets exact ones
        let timers_send = settings.iter().any(|s| s.strategy.kind.sends_from_timers())
            || strategies
                .iter()
                .any(|(_, _, s)| s.kind.sends_from_timers());
        let timer_mode = match c.forwarder.timers.as_str() {
            "lazy" if timers_send => TimerMode::Exact,
            "lazy" => TimerMode::Lazy,
            "exact" => TimerMode::Exact,
            t => return Err(invalid(format!("unknown timers `{t}` (lazy or exact)"))),
        };
        let mut controls = Vec::new();
        for e in &c.events {
            let a = topo
                .node(&e.link[0])
                .map_err(|_| invalid(format!("[[event]]: unknown node `{}`", e.link[0])))?;
            let b = topo
                .node(&e.link[1])
                .map_err(|_| invalid(format!("[[event]]: unknown node `{}`", e.link[1])))?;
            let link = topo.link_between(a, b).ok_or_else(|| {
                invalid(format!(
                    "[[event]]: no link between {} and {}",
                    e.link[0], e.link[1]
                ))
            })?;
            let up = match e.state.as_str() {
                "up" => true,
                "down" => false,
                s => return Err(invalid(format!("[[event]]: state `{s}` (up or down)"))),
            };
            controls.push((
                e.at.0,
                Control::SetLink {
                    link: link as u32,
                    up,
                },
            ));
        }
        let end = c.duration.0;
        let mut sim = Sim::new(topo, seed, |i| settings[i].clone());
        sim.set_timer_mode(timer_mode);
        for (a, nodes) in c.apps.iter().zip(app_plans) {
            for node in nodes {
                let app_seed = sim.app_seed(sim.state.apps.len() as u32);
                let app = make_app(a, app_seed, end)?;
                sim.add_app(node, app);
            }
        }
        match c.routing.mode.as_str() {
            "shortest" => {
                sim.install_routes(false);
            }
            "all" => {
                sim.install_routes(true);
            }
            "none" => {}
            m => {
                return Err(invalid(format!(
                    "unknown routing mode `{m}` (shortest, all or none)"
                )));
            }
        }
        for (nodes, prefix, via, cost) in routes {
            for n in nodes {
                sim.add_route(n, &prefix, via, cost).map_err(invalid)?;
            }
        }
        for (nodes, prefix, strategy) in strategies {
            for n in nodes {
                sim.set_strategy(n, &prefix, strategy);
            }
        }
        for (at, ctl) in controls {
            sim.schedule(at, ctl);
        }
        let t = &c.trace;
        Ok(Built {
            sim,
            end,
            trace: TraceConfig {
                interval: t.interval.map(|i| i.0).unwrap_or(NANOS_PER_SEC).max(1),
                rate: t.rate,
                cs: t.cs,
                app_delay: t.app_delay,
                drops: t.drops,
            },
            plots: t.plots,
            notes,
        })
    }
}

fn randomize(r: RandomizeConfig) -> Randomize {
    match r {
        RandomizeConfig::None => Randomize::None,
        RandomizeConfig::Uniform => Randomize::Uniform,
        RandomizeConfig::Exponential => Randomize::Exponential,
    }
}

fn lifetime_ms(t: Option<config::TimeValue>) -> u64 {
    t.map(|t| t.0 / 1_000_000).unwrap_or(2000)
}

fn parse_signature(s: &str) -> Result<SignatureKind, ScenarioError> {
    match s {
        "digest-sha256" => Ok(SignatureKind::DigestSha256),
        "hmac-sha256" => Ok(SignatureKind::HmacSha256),
        "ed25519" => Ok(SignatureKind::Ed25519),
        s => Err(invalid(format!(
            "signature `{s}` (digest-sha256, hmac-sha256 or ed25519)"
        ))),
    }
}

/// ForwardingHint delegations from a scenario's names.
fn hint(names: Option<&[String]>) -> Result<Vec<Name>, ScenarioError> {
    names
        .unwrap_or_default()
        .iter()
        .map(|n| parse_name(n))
        .collect()
}

fn make_app(a: &AppConfig, seed: u64, end: SimTime) -> Result<App, ScenarioError> {
    Ok(match a {
        AppConfig::ConsumerCbr(x) => {
            if x.frequency.is_nan() || x.frequency <= 0.0 {
                return Err(invalid("consumer-cbr: frequency must be positive"));
            }
            let mut cfg = ConsumerConfig::cbr(parse_name(&x.prefix)?, x.frequency);
            cfg.randomize = randomize(x.randomize);
            cfg.lifetime_ms = lifetime_ms(x.lifetime);
            cfg.start = x.start.map(|t| t.0).unwrap_or(0);
            cfg.stop = Some(x.stop.map(|t| t.0).unwrap_or(end));
            cfg.max_seq = x.max_seq;
            cfg.forwarding_hint = hint(x.forwarding_hint.as_deref())?;
            cfg.seed = seed;
            App::Consumer(Consumer::new(cfg))
        }
        AppConfig::ConsumerZipf(x) => {
            if x.frequency.is_nan() || x.frequency <= 0.0 {
                return Err(invalid("consumer-zipf: frequency must be positive"));
            }
            if x.catalogue == 0 {
                return Err(invalid("consumer-zipf: catalogue must be at least 1"));
            }
            let mut cfg = ConsumerConfig::cbr(parse_name(&x.prefix)?, x.frequency);
            cfg.randomize = randomize(x.randomize);
            cfg.pattern = RequestPattern::ZipfMandelbrot {
                catalogue: x.catalogue,
                q: x.q,
                s: x.s,
            };
            cfg.lifetime_ms = lifetime_ms(x.lifetime);
            cfg.start = x.start.map(|t| t.0).unwrap_or(0);
            cfg.stop = Some(x.stop.map(|t| t.0).unwrap_or(end));
            cfg.forwarding_hint = hint(x.forwarding_hint.as_deref())?;
            cfg.seed = seed;
            App::Consumer(Consumer::new(cfg))
        }
        AppConfig::ConsumerWindow(x) => {
            let mut cfg = WindowConsumerConfig::new(parse_name(&x.prefix)?);
            cfg.pipeline = match x.pipeline.as_str() {
                "cubic" => PipelineKind::cubic(),
                "aimd" => PipelineKind::aimd(),
                "fixed" => PipelineKind::fixed(x.window.unwrap_or(1).max(1)),
                p => {
                    return Err(invalid(format!(
                        "consumer-window: pipeline `{p}` (cubic, aimd or fixed)"
                    )));
                }
            };
            if let Some(w) = x.init_cwnd {
                cfg.init_cwnd = w;
            }
            if let Some(l) = x.lifetime {
                cfg.lifetime_ms = l.0 / 1_000_000;
            }
            if let Some(r) = x.max_retries {
                cfg.max_retries = u32::try_from(r).ok();
            }
            cfg.forwarding_hint = hint(x.forwarding_hint.as_deref())?;
            cfg.start = x.start.map(|t| t.0).unwrap_or(0);
            cfg.stop = Some(x.stop.map(|t| t.0).unwrap_or(end));
            cfg.seed = seed;
            App::Window(WindowConsumer::new(cfg))
        }
        AppConfig::Publisher(x) => {
            let mut cfg = PublisherConfig::new(parse_name(&x.prefix)?, x.size);
            if let Some(s) = x.segment_size {
                cfg.segment_size = s;
            }
            if let Some(f) = x.freshness {
                cfg.freshness_ms = Some(f.0 / 1_000_000);
            }
            if let Some(v) = x.version {
                cfg.version = v;
            }
            cfg.signature = parse_signature(&x.signature)?;
            cfg.seed = seed;
            App::Publisher(
                SegmentProducer::new(cfg).map_err(|e| invalid(format!("publisher: {e}")))?,
            )
        }
        AppConfig::Producer(x) => {
            let mut cfg = ProducerConfig::new(parse_name(&x.prefix)?);
            cfg.payload_size = x.payload_size;
            cfg.freshness_ms = x.freshness.map(|t| t.0 / 1_000_000);
            cfg.signature = parse_signature(&x.signature)?;
            cfg.seed = seed;
            App::Producer(Producer::new(cfg))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweep_order_goes_row_then_column() {
        // 3x3: row 0 = 0 1 2, column 0 adds 3 6, row 1 adds 4 5, column 1 adds 7, ...
        assert_eq!(grid_sweep(3, 3), vec![0, 1, 2, 3, 6, 4, 5, 7, 8]);
    }

    #[test]
    fn selectors() {
        let t = generate::tree(2, 2, LinkParams::default());
        let all = select(&t, &Selectors::One("@all".into())).unwrap();
        assert_eq!(all.len(), 7);
        let leaves = select(&t, &Selectors::One("@leaves".into())).unwrap();
        assert_eq!(leaves, vec![3, 4, 5, 6]);
        let some = select(
            &t,
            &Selectors::Many(vec!["t1".into(), "t1".into(), "t2".into()]),
        )
        .unwrap();
        assert_eq!(some, vec![1, 2]);
        assert!(select(&t, &Selectors::One("zz".into())).is_err());
        assert!(select(&t, &Selectors::One("@sweep:3".into())).is_err());
        let g = generate::grid(2, 2, LinkParams::default());
        assert_eq!(
            select(&g, &Selectors::One("n1_*".into())).unwrap(),
            vec![2, 3]
        );
    }

    const MINIMAL: &str = r#"
duration = "2s"
[topology]
generator = { kind = "line", nodes = 3 }
[[app]]
kind = "consumer-cbr"
nodes = "n0"
prefix = "/p"
frequency = 10
[[app]]
kind = "producer"
nodes = ["n2"]
prefix = "/p"
"#;

    #[test]
    fn minimal_scenario_builds_and_runs() {
        let s = Scenario::parse(MINIMAL, Path::new(".")).unwrap();
        let mut b = s.build(None).unwrap();
        b.sim.run_until(b.end, &mut |_| {});
        let App::Consumer(c) = &b.sim.state.apps[0].app else {
            panic!()
        };
        assert_eq!(c.stats().interests, 20);
        assert!(c.stats().data >= 19);
    }

    #[test]
    fn typos_are_errors() {
        let bad = MINIMAL.replace("frequency = 10", "frequncy = 10");
        let e = Scenario::parse(&bad, Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(e.contains("frequncy"), "{e}");
        let bad = MINIMAL.replace("kind = \"line\"", "kind = \"ring\"");
        assert!(Scenario::parse(&bad, Path::new(".")).is_err());
        let bad = format!("{MINIMAL}\n[forwarder]\nstrategy = \"fastest\"\n");
        let s = Scenario::parse(&bad, Path::new(".")).unwrap();
        assert!(
            s.build(None)
                .unwrap_err()
                .to_string()
                .contains("unknown strategy")
        );
        // parameters as NFD takes them: accepted when valid, an error when not
        let tuned =
            format!("{MINIMAL}\n[forwarder]\nstrategy = \"asf/v=5/probing-interval~5000\"\n");
        let s = Scenario::parse(&tuned, Path::new(".")).unwrap();
        assert!(s.build(None).is_ok());
        let bad = format!("{MINIMAL}\n[forwarder]\nstrategy = \"asf/v=5/probing-interval~5\"\n");
        let s = Scenario::parse(&bad, Path::new(".")).unwrap();
        let e = s.build(None).unwrap_err().to_string();
        assert!(e.contains("probing-interval must be at least 1000"), "{e}");
    }

    #[test]
    fn generators_too_large_or_empty_are_errors_not_hangs() {
        for g in [
            r#"{ kind = "grid", rows = 1000000000000, cols = 0 }"#,
            r#"{ kind = "grid", rows = 2000, cols = 2000 }"#,
            r#"{ kind = "tree", depth = 64, fanout = 2 }"#,
            r#"{ kind = "line", nodes = 0 }"#,
            r#"{ kind = "random", nodes = 100, links = 100000000 }"#,
        ] {
            let text = MINIMAL.replace(r#"{ kind = "line", nodes = 3 }"#, g);
            let s = Scenario::parse(&text, Path::new(".")).unwrap();
            let e = s.topology(1).unwrap_err().to_string();
            assert!(e.contains("[topology.generator]"), "{g}: {e}");
        }
        // a tree without children is its root, however deep
        for g in [
            r#"{ kind = "tree", depth = 0, fanout = 0 }"#,
            r#"{ kind = "tree", depth = 1000000000000, fanout = 0 }"#,
            r#"{ kind = "grid", rows = 1, cols = 3 }"#,
        ] {
            let text = MINIMAL.replace(r#"{ kind = "line", nodes = 3 }"#, g);
            let s = Scenario::parse(&text, Path::new(".")).unwrap();
            assert!(s.topology(1).is_ok(), "{g}");
        }
    }

    #[test]
    fn sweeps_make_one_variant_per_value() {
        let text = format!("{MINIMAL}\n[sweep]\nparameter = \"cs_size\"\nvalues = [0, 10]\n");
        let s = Scenario::parse(&text, Path::new(".")).unwrap();
        let v = s.variants().unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].0, "cs_size=10");
        assert_eq!(v[1].1.config.forwarder.cs_size, 10);
    }
}
