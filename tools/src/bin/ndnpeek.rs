//! `ndnpeek`: send one Interest and print the Data. See `ndnpeek --help`.

use std::process::ExitCode;

use bytes::Bytes;
use clap::Parser;
use ndn_tools::cli::{self, parse_hex, parse_name};
use ndn_tools::peek::{PeekOptions, PeekOutput, peek, write_data};

/// Send one Interest and print the Data that answers it.
///
/// By default the Data is shown as an element tree (as `ndn-dissect` prints it); --payload
/// writes only its Content and --raw its wire encoding to standard output.
///
/// Exit status: 0 Data received, 1 error, 2 bad arguments, 3 timeout, 4 Nack.
///
/// Example:
///
///   ndnpeek --prefix --fresh /example/status --payload
#[derive(Debug, Parser)]
#[command(name = "ndnpeek", version, verbatim_doc_comment)]
struct Args {
    /// Interest name.
    name: String,

    /// Set CanBePrefix (a Data under the name may answer).
    #[arg(short = 'P', long)]
    prefix: bool,

    /// Set MustBeFresh.
    #[arg(short = 'f', long)]
    fresh: bool,

    /// InterestLifetime in milliseconds.
    #[arg(short = 'l', long, value_name = "MS")]
    lifetime: Option<u64>,

    /// HopLimit (0 to 255).
    #[arg(short = 'H', long, value_name = "N")]
    hop_limit: Option<u8>,

    /// ApplicationParameters in hexadecimal.
    #[arg(short = 'A', long, value_name = "HEX")]
    app_params: Option<String>,

    /// Add a delegation to the ForwardingHint (repeat for several, most preferred first):
    /// forwarders outside the producer's region route the Interest by it.
    #[arg(short = 'F', long, value_name = "NAME")]
    fwhint: Vec<String>,

    /// How long to wait in milliseconds (default: the InterestLifetime).
    #[arg(short = 'w', long, value_name = "MS")]
    timeout: Option<u64>,

    /// Write only the Content to standard output.
    #[arg(short = 'p', long, conflicts_with = "raw")]
    payload: bool,

    /// Write the Data wire encoding to standard output.
    #[arg(long)]
    raw: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::finish("ndnpeek", run(&args))
}

fn run(args: &Args) -> anyhow::Result<()> {
    let opts = PeekOptions {
        name: parse_name(&args.name)?,
        can_be_prefix: args.prefix,
        must_be_fresh: args.fresh,
        lifetime: args.lifetime.map(cli::millis),
        hop_limit: args.hop_limit,
        app_params: args
            .app_params
            .as_deref()
            .map(|h| parse_hex(h, "--app-params").map(Bytes::from))
            .transpose()?,
        timeout: args.timeout.map(cli::millis),
        forwarding_hint: args
            .fwhint
            .iter()
            .map(|h| parse_name(h))
            .collect::<anyhow::Result<_>>()?,
    };
    let how = if args.payload {
        PeekOutput::Payload
    } else if args.raw {
        PeekOutput::Raw
    } else {
        PeekOutput::Tree
    };
    let data = cli::runtime()?.block_on(async {
        let face = cli::connect().await?;
        peek(&face, &opts).await
    })?;
    write_data(&data, how, &mut std::io::stdout().lock())
}
