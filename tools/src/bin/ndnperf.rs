//! `ndnperf`: load generator for NDN forwarders. See `ndnperf --help`.

use std::process::ExitCode;
use std::str::FromStr;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use ndn::Name;
use ndn_tools::perf::{self, ClientOptions, ServerOptions, SignKind, link::Link};

/// Measure an NDN forwarder: `ndnperf server PREFIX` answers every Interest under PREFIX;
/// `ndnperf client PREFIX` keeps a window of Interests outstanding on unique names and reports
/// Interests/s, goodput, timeouts, Nacks and RTT percentiles.
///
/// The forwarder is the one NDN_CLIENT_TRANSPORT names (unix://PATH, udp4://HOST:PORT,
/// tcp4://HOST:PORT), by default unix:///run/nfd/nfd.sock, as ndn-cxx and python-ndn choose it.
/// Works with any NFD-compatible forwarder.
#[derive(Debug, Parser)]
#[command(name = "ndnperf", version)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Sign {
    /// DigestSha256 (cheap).
    Digest,
    /// Ed25519 with a key made for the run.
    Ed25519,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Answer every Interest under PREFIX with a Data of --payload bytes.
    Server {
        /// Name prefix to register and serve.
        prefix: String,
        /// Content bytes per Data.
        #[arg(long, default_value_t = 1000)]
        payload: usize,
        /// Signature type.
        #[arg(long, value_enum, default_value_t = Sign::Digest)]
        sign: Sign,
        /// FreshnessPeriod in ms (0: none, so caches never answer MustBeFresh).
        #[arg(long, default_value_t = 0)]
        freshness: u64,
    },
    /// Keep --window Interests outstanding under PREFIX for --duration and report.
    Client {
        /// Name prefix the server serves.
        prefix: String,
        /// Interests outstanding at once.
        #[arg(long, default_value_t = 64)]
        window: usize,
        /// How long to run, e.g. 10s, 1m.
        #[arg(long, default_value = "10s", value_parser = parse_duration)]
        duration: Duration,
        /// InterestLifetime (and timeout) in ms.
        #[arg(long, default_value_t = 4000)]
        lifetime: u64,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let (num, unit) = s.split_at(
        s.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(s.len()),
    );
    let v: f64 = num.parse().map_err(|_| format!("bad duration {s:?}"))?;
    let secs = match unit {
        "" | "s" => v,
        "ms" => v / 1000.0,
        "m" => v * 60.0,
        _ => return Err(format!("bad duration unit in {s:?} (use ms, s or m)")),
    };
    Ok(Duration::from_secs_f64(secs))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let uri = ndn::app::client_transport(std::env::var("NDN_CLIENT_TRANSPORT").ok());
    let link = Link::connect(&uri).await?;
    match args.command {
        Command::Server {
            prefix,
            payload,
            sign,
            freshness,
        } => {
            let opts = ServerOptions {
                prefix: Name::from_str(&prefix)?,
                payload,
                sign: match sign {
                    Sign::Digest => SignKind::Digest,
                    Sign::Ed25519 => SignKind::Ed25519,
                },
                freshness_ms: freshness,
            };
            let ready =
                || eprintln!("ndnperf server: serving {prefix} with {payload}-byte Data on {uri}");
            let stop = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            let stats = perf::run_server(link, &opts, ready, stop).await?;
            eprintln!("answered {} Interests", stats.answered);
        }
        Command::Client {
            prefix,
            window,
            duration,
            lifetime,
            json,
        } => {
            let opts = ClientOptions {
                prefix: Name::from_str(&prefix)?,
                window: window.max(1),
                duration,
                lifetime_ms: lifetime,
            };
            let report = perf::run_client(link, &opts).await?;
            if json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!("ndnperf client {prefix} via {uri}, window {window}");
                println!("{report}");
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ndnperf: error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ndnperf: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
