//! `ndnping`: test the reachability of an NDN prefix. See `ndnping --help`.

use std::process::ExitCode;

use clap::Parser;
use ndn_tools::cli::{self, parse_name};
use ndn_tools::ping::{ClientOptions, run_client};

/// Ping an NDN prefix: send Interests for PREFIX/ping/<seq> and report the round-trip time of
/// each reply, as ndn-tools' ndnping does (same names, same output).
///
/// A server must answer under the prefix, e.g. `ndnpingserver PREFIX`. The sequence numbers
/// start at a random number unless --start is given. Each reply prints a line
///
///   content from PREFIX: seq=N time=T ms
///
/// (or `nack from ...` / `timeout from ...`); at the end (after --count probes, or on
/// Ctrl-C) the statistics: packets transmitted, received, nacked, loss, and RTT
/// min/avg/max/mdev. The exit status is 0 when every probe got Data, 1 otherwise.
#[derive(Debug, Parser)]
#[command(name = "ndnping", version, verbatim_doc_comment)]
struct Args {
    /// Prefix of the ping server.
    prefix: String,

    /// Number of probes to send (default: until interrupted).
    #[arg(short = 'c', long, value_name = "N")]
    count: Option<u64>,

    /// Time between probes in milliseconds.
    #[arg(short = 'i', long, value_name = "MS", default_value_t = 1000)]
    interval: u64,

    /// Probe timeout (InterestLifetime) in milliseconds.
    #[arg(short = 'o', long, value_name = "MS", default_value_t = 4000)]
    timeout: u64,

    /// First sequence number (default: random).
    #[arg(short = 'n', long, value_name = "SEQ")]
    start: Option<u64>,

    /// Client identifier placed before the sequence number (letters and digits).
    #[arg(short = 'p', long, value_name = "ID")]
    identifier: Option<String>,

    /// Leave out MustBeFresh, so caches may answer.
    #[arg(short = 'a', long)]
    cache: bool,

    /// Print a timestamp before each line.
    #[arg(short = 't', long)]
    timestamp: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::finish("ndnping", run(&args))
}

fn run(args: &Args) -> anyhow::Result<()> {
    let prefix = parse_name(&args.prefix)?;
    if args.interval == 0 {
        anyhow::bail!("--interval must be at least 1 ms");
    }
    if args.count == Some(0) {
        anyhow::bail!("--count must be positive");
    }
    if let Some(id) = &args.identifier
        && (id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        anyhow::bail!("--identifier must be letters and digits");
    }
    let opts = ClientOptions {
        prefix: prefix.clone(),
        identifier: args.identifier.clone(),
        count: args.count,
        interval: cli::millis(args.interval),
        timeout: cli::millis(args.timeout),
        start_seq: match args.start {
            Some(s) => s,
            None => cli::random_u64()?,
        },
        allow_stale: args.cache,
        timestamp: args.timestamp,
    };
    let stats = cli::runtime()?.block_on(async {
        let face = cli::connect().await?;
        println!("PING {prefix}");
        let mut out = std::io::stdout();
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        anyhow::Ok(run_client(&face, &opts, &mut out, stop).await?)
    })?;
    println!("{}", stats.summary(&prefix));
    if stats.received == stats.sent {
        Ok(())
    } else {
        Err(cli::CodedError::new(
            cli::EXIT_FAILURE,
            format!(
                "{} of {} probes got no Data",
                stats.sent - stats.received,
                stats.sent
            ),
        )
        .into())
    }
}
