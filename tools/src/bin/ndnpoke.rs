//! `ndnpoke`: answer one Interest with a Data read from standard input. See `ndnpoke --help`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use bytes::Bytes;
use clap::Parser;
use ndn_tools::cli::{self, parse_name};
use ndn_tools::peek::{PokeOptions, poke, poke_data};
use ndn_tools::signing::{SignArgs, choose_signer};

/// Offer one Data packet: read its Content from standard input, register NAME with the
/// forwarder, answer the first Interest the Data satisfies, then exit.
///
/// The Data is signed with the keychain's default key unless --sign says otherwise (on a
/// fresh machine the identity /localhost/operator is created on first use).
///
/// Exit status: 0 Data sent, 1 error, 2 bad arguments, 3 no Interest before --timeout.
///
/// Example:
///
///   echo hello | ndnpoke /example/greeting
#[derive(Debug, Parser)]
#[command(name = "ndnpoke", version, verbatim_doc_comment)]
struct Args {
    /// Data name.
    name: String,

    /// FreshnessPeriod in milliseconds.
    #[arg(short = 'f', long, value_name = "MS")]
    freshness: Option<u64>,

    /// Set FinalBlockId to the last component of the name.
    #[arg(short = 'F', long = "final")]
    final_block: bool,

    /// Do not register the name (the forwarder already routes it here).
    #[arg(long)]
    no_register: bool,

    /// Give up after this many milliseconds without a matching Interest (default: wait).
    #[arg(short = 'w', long, value_name = "MS")]
    timeout: Option<u64>,

    /// Say on standard error when the name is registered and when the Data was sent.
    #[arg(short = 'v', long)]
    verbose: bool,

    /// Keychain directory (default: $NDN_KEYCHAIN_DIR or ~/.ndn/ndn-rs-keychain).
    #[arg(long, value_name = "DIR")]
    keychain: Option<PathBuf>,

    #[command(flatten)]
    sign: SignArgs,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::finish("ndnpoke", run(&args))
}

fn run(args: &Args) -> anyhow::Result<()> {
    let name = parse_name(&args.name)?;
    let mut content = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut content)
        .context("cannot read standard input")?;
    let signer = choose_signer(&args.sign, args.keychain.as_deref(), &mut |note| {
        eprintln!("ndnpoke: {note}")
    })?;
    let data = poke_data(
        &PokeOptions {
            name: name.clone(),
            content: Bytes::from(content),
            freshness: args.freshness.map(cli::millis),
            final_block: args.final_block,
        },
        signer.signer.as_ref(),
    )?;
    cli::runtime()?.block_on(async {
        let face = cli::connect().await?;
        let mut reg = if args.no_register {
            face.listen(name.clone())
        } else {
            face.register(name.clone())
                .await
                .with_context(|| format!("cannot register {name}"))?
        };
        if args.verbose {
            eprintln!("ndnpoke: waiting for an Interest for {name}");
        }
        let timeout = args.timeout.map(cli::millis);
        let stop = async move {
            match timeout {
                Some(t) => tokio::time::sleep(t).await,
                None => std::future::pending().await,
            }
        };
        let result = tokio::select! {
            r = poke(&mut reg, &data, stop) => r,
            _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
        };
        let _ = reg.unregister().await;
        cli::flush(&face).await;
        let interest = result?;
        if args.verbose {
            eprintln!("ndnpoke: answered {interest}");
        }
        Ok(())
    })
}
