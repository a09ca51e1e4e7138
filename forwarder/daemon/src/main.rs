//! `ndnd`: run the NDN forwarding daemon.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use ndnd::{Config, Daemon};

/// The NDN forwarding daemon: a drop-in replacement for NFD.
#[derive(Debug, Parser)]
#[command(name = "ndnd", version, about)]
struct Args {
    /// Configuration file: ndnd's TOML, or NFD's nfd.conf when the name ends in `.conf` (see
    /// --nfd-config). Without it the embedded default is used.
    #[arg(long, short = 'c', value_name = "FILE")]
    config: Option<PathBuf>,
    /// NFD's configuration file (nfd.conf, INFO format), read in place of an ndnd one: its
    /// faces, tables, strategies and log level carry over; what cannot is logged at start, or
    /// refused when ndnd would accept more than NFD does.
    #[arg(long, value_name = "FILE", conflicts_with = "config")]
    nfd_config: Option<PathBuf>,
    /// Listen on this face URI (repeatable); replaces the configured listeners.
    /// Examples: unix:///run/nfd/nfd.sock, udp4://0.0.0.0:6363, tcp4://0.0.0.0:6363, ws://0.0.0.0:9696
    #[arg(long, value_name = "FACE_URI")]
    listen: Vec<String>,
    /// Serve Prometheus metrics on ADDR:PORT (at /metrics).
    #[arg(long, value_name = "ADDR:PORT")]
    metrics: Option<String>,
    /// Log level: error, warn, info, debug, trace (RUST_LOG overrides).
    #[arg(long, value_name = "LEVEL")]
    log: Option<String>,
    /// Log format.
    #[arg(long, value_name = "FORMAT", value_parser = ["text", "json"])]
    log_format: Option<String>,
    /// Print the default configuration, with a comment per field, and exit.
    #[arg(long)]
    print_default_config: bool,
    /// Print the configuration the other options make (the file read, NFD's translated, with
    /// the command line's overrides) as ndnd's TOML, and exit: `ndnd -c nfd.conf
    /// --print-config > ndnd.toml` moves a host's NFD settings into ndnd's format.
    #[arg(long)]
    print_config: bool,
    /// Worker threads of the async runtime (1 runs everything on one thread, which is fastest
    /// when the host's cores are busy with applications too).
    #[arg(long, value_name = "N", default_value_t = 1)]
    threads: usize,
}

/// Changes the log level of a running daemon (on reload).
type SetLevel = Box<dyn Fn(&str) -> anyhow::Result<()>>;

/// Start logging at `level` (unless `RUST_LOG` says otherwise) in `format`; returns how to
/// change the level later, or `None` when `RUST_LOG` rules it.
fn init_logging(level: &str, format: &str) -> Option<SetLevel> {
    use std::io::IsTerminal;
    use tracing_subscriber::EnvFilter;
    let from_env = EnvFilter::try_from_default_env().ok();
    let fixed = from_env.is_some();
    let filter = from_env.unwrap_or_else(|| EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let set: SetLevel = if format == "json" {
        let builder = builder.json().with_filter_reloading();
        let handle = builder.reload_handle();
        builder.init();
        Box::new(move |level| Ok(handle.reload(EnvFilter::try_new(level)?)?))
    } else {
        let builder = builder.with_filter_reloading();
        let handle = builder.reload_handle();
        builder.init();
        Box::new(move |level| Ok(handle.reload(EnvFilter::try_new(level)?)?))
    };
    (!fixed).then_some(set)
}

/// The configuration the arguments name, with the notes (from NFD's file) to log, and the
/// command-line overrides applied.
fn load_config(args: &Args) -> anyhow::Result<(Config, Vec<String>)> {
    let mut notes = Vec::new();
    // NFD's own option names its INFO file, nfd.conf: a `.conf` file is read as NFD's, so a
    // command line written for NFD works unchanged
    let nfd_config = args.nfd_config.as_ref().or(args
        .config
        .as_ref()
        .filter(|p| p.extension().is_some_and(|x| x == "conf")));
    let mut config = match (&args.config, nfd_config) {
        (_, Some(path)) => {
            let translated = ndnd::nfd_conf::load(path).map_err(|mut e| {
                if args.nfd_config.is_none() {
                    e.message += " (read as NFD's configuration file, INFO format, for its \
                                  .conf extension; ndnd's own is TOML)";
                }
                e
            })?;
            let mut config = translated.config;
            notes = translated.notes;
            notes.extend(ndnd::nfd_conf::adapt_to_host(&mut config));
            config
        }
        (Some(path), None) => Config::load(path)?,
        (None, None) => Config::parse(ndnd::config::DEFAULT_CONFIG, "default configuration")?,
    };
    if !args.listen.is_empty() {
        config.listen = args.listen.clone();
    }
    if let Some(m) = &args.metrics {
        config.metrics.listen = m.clone();
    }
    if let Some(level) = &args.log {
        config.log.level = level.clone();
    }
    if let Some(format) = &args.log_format {
        config.log.format = format.clone();
    }
    Ok((config, notes))
}

/// Read the configuration file again and apply what can change while running (SIGHUP).
async fn reload(args: &Args, daemon: &mut Daemon, set_level: Option<&SetLevel>) {
    let Some(path) = args.config.as_ref().or(args.nfd_config.as_ref()) else {
        tracing::warn!("nothing to reload: ndnd runs its embedded default configuration");
        return;
    };
    let file = path.display().to_string();
    let (config, notes) = match load_config(args) {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(file, "configuration not reloaded: {e:#}");
            return;
        }
    };
    for note in &notes {
        tracing::warn!(file, "{note}");
    }
    let level = config.log.level.clone();
    match daemon.reload(config).await {
        Ok(later) => {
            if let Some(set) = set_level
                && let Err(e) = set(&level)
            {
                tracing::error!(file, "log level {level:?} not applied: {e:#}");
            }
            for setting in later {
                tracing::warn!(
                    file,
                    setting,
                    "changed, but takes effect at the next start only"
                );
            }
            tracing::info!(file, "configuration reloaded");
        }
        Err(e) => tracing::error!(file, "configuration not reloaded: {e}"),
    }
}

/// SIGTERM and SIGINT (stop) and SIGHUP (reload), watched from before the daemon starts (a
/// signal that came between the start and the watch would otherwise kill the process without
/// a clean shutdown).
struct Signals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

impl Signals {
    fn watch() -> anyhow::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            term: signal(SignalKind::terminate()).context("cannot watch SIGTERM")?,
            int: signal(SignalKind::interrupt()).context("cannot watch SIGINT")?,
            hup: signal(SignalKind::hangup()).context("cannot watch SIGHUP")?,
        })
    }

    async fn next(&mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.int.recv() => "SIGINT",
            _ = self.hup.recv() => "SIGHUP",
        }
    }
}

fn run(args: Args) -> anyhow::Result<()> {
    if args.print_default_config {
        print!("{}", ndnd::config::DEFAULT_CONFIG);
        return Ok(());
    }
    let (config, notes) = load_config(&args)?;
    if args.print_config {
        for note in &notes {
            eprintln!("ndnd: {note}");
        }
        print!("{}", config.to_toml());
        return Ok(());
    }
    let set_level = init_logging(&config.log.level, &config.log.format);
    if let Some(path) = args.config.as_ref().or(args.nfd_config.as_ref()) {
        for note in &notes {
            tracing::warn!(file = %path.display(), "{note}");
        }
    }
    let runtime = if args.threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(args.threads)
            .enable_all()
            .build()
    }
    .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let mut signals = Signals::watch()?;
        let mut daemon = Daemon::start(config).await?;
        for c in &daemon.channels {
            tracing::info!(channel = %c, "listening");
        }
        if let Some(m) = daemon.metrics_addr {
            tracing::info!(address = %m, "metrics at http://{m}/metrics");
        }
        let signal = loop {
            match signals.next().await {
                "SIGHUP" => reload(&args, &mut daemon, set_level.as_ref()).await,
                stop => break stop,
            }
        };
        tracing::info!(signal, "shutting down");
        daemon.stop().await;
        Ok(())
    })
}

fn main() {
    // large FIBs and content stores are read at random: with huge pages a lookup misses the
    // TLB far less often (docs/performance.md); `NDND_HUGE_PAGES=0` opts out
    ndn::huge_pages::reexec_with_huge_pages("NDND_HUGE_PAGES");
    if let Err(e) = run(Args::parse()) {
        eprintln!("ndnd: {e:#}");
        std::process::exit(1);
    }
}
