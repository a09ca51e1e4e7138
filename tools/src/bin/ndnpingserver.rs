//! `ndnpingserver`: answer ndnping probes. See `ndnpingserver --help`.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use ndn_tools::cli::{self, parse_name};
use ndn_tools::ping::{ServerOptions, ping_prefix, run_server, server_summary};

/// Answer ndnping probes: register PREFIX/ping with the forwarder and answer every Interest
/// under it with a Data of the same name (a payload of --size bytes, FreshnessPeriod
/// --freshness, a DigestSha256 signature), as ndn-tools' ndnpingserver does.
///
/// Prints `interest received: seq=N` per probe (unless --quiet) and the number of probes
/// answered when it stops (Ctrl-C, or after --satisfy probes).
#[derive(Debug, Parser)]
#[command(name = "ndnpingserver", version, verbatim_doc_comment)]
struct Args {
    /// Prefix to answer under (probes are PREFIX/ping/...).
    prefix: String,

    /// FreshnessPeriod of the replies in milliseconds.
    #[arg(short = 'f', long, value_name = "MS", default_value_t = 1000)]
    freshness: u64,

    /// Stop after answering N probes (0: no limit).
    #[arg(short = 'p', long, value_name = "N", default_value_t = 0)]
    satisfy: u64,

    /// Payload bytes per reply.
    #[arg(short = 's', long, value_name = "BYTES", default_value_t = 0)]
    size: usize,

    /// Print a timestamp before each line.
    #[arg(short = 't', long)]
    timestamp: bool,

    /// Print nothing per probe.
    #[arg(short = 'q', long)]
    quiet: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::finish("ndnpingserver", run(&args))
}

fn run(args: &Args) -> anyhow::Result<()> {
    let prefix = parse_name(&args.prefix)?;
    let opts = ServerOptions {
        prefix: prefix.clone(),
        freshness: cli::millis(args.freshness),
        payload_size: args.size,
        max_pings: args.satisfy,
        timestamp: args.timestamp,
        quiet: args.quiet,
    };
    let answered = cli::runtime()?.block_on(async {
        let face = cli::connect().await?;
        let reg = face
            .register(ping_prefix(&prefix))
            .await
            .with_context(|| format!("cannot register {}", ping_prefix(&prefix)))?;
        println!("PING SERVER {prefix}");
        let mut out = std::io::stdout();
        let stop = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        let n = run_server(reg, &opts, &mut out, stop).await?;
        cli::flush(&face).await;
        anyhow::Ok(n)
    })?;
    println!("{}", server_summary(&prefix, answered));
    Ok(())
}
