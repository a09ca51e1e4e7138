//! `ndnput`: publish a file or standard input under a name. See `ndnput --help`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use bytes::Bytes;
use clap::Parser;
use ndn::app::{Face, FileSource};
use ndn::publish::{DEFAULT_SEGMENT_SIZE, PublishOptions, Publisher, SegmentSource};
use ndn_tools::cli::{self, parse_name, unix_ms};
use ndn_tools::put::{self, PutEnd};
use ndn_tools::signing::{ChosenSigner, SignArgs, choose_signer};

/// Publish a file (or standard input) as a segmented, versioned, signed NDN object.
///
/// The content is cut into segments named NAME/v=<version>/seg=<n> (the version is the
/// current time in milliseconds unless NAME ends with one), each carrying the FinalBlockId.
/// ndnput registers NAME with the forwarder, prints the versioned name on standard output,
/// and answers Interests until interrupted (Ctrl-C) or, with --once, until every segment was
/// fetched at least once. It answers RDR metadata Interests (NAME/32=metadata) so consumers
/// such as ndnget discover the version.
///
/// A file is read segment by segment as Interests ask for it, so it does not have to fit in
/// memory; standard input is read into memory first.
///
/// Every segment is signed before the prefix is registered, on all CPU cores, and only the
/// signatures are kept (72 bytes per Ed25519 segment): requests are then answered without
/// signing. --sign-on-demand serves at once instead and signs each segment when asked, which
/// is also what happens beyond 1,048,576 segments (8.4 GB at the default size).
///
/// Data are signed with the keychain's default key (see `ndnkey`); on a fresh machine the
/// identity /localhost/operator is created with an Ed25519 key on first use.
///
/// The forwarder is the one named by NDN_CLIENT_TRANSPORT (default unix:///run/nfd/nfd.sock).
///
/// Example:
///
///   ndnput /example/report report.pdf
#[derive(Debug, Parser)]
#[command(name = "ndnput", version, verbatim_doc_comment)]
struct Args {
    /// Name to publish under (without version and segment components).
    name: String,

    /// File to publish; standard input when absent or `-`.
    file: Option<PathBuf>,

    /// Exit once every segment has been fetched at least once.
    #[arg(long)]
    once: bool,

    /// FreshnessPeriod of the segments in milliseconds (0 leaves it out).
    #[arg(long, value_name = "MS", default_value_t = 10_000)]
    freshness: u64,

    /// Content bytes per segment.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_SEGMENT_SIZE)]
    size: usize,

    /// Answer an Interest with a Congestion Nack when more than N others wait behind it, so
    /// consumers slow down before queueing delay outgrows their retransmission timer (0: off).
    #[arg(long, value_name = "N", default_value_t = put::DEFAULT_MAX_BACKLOG)]
    max_backlog: usize,

    /// Sign each segment when an Interest asks for it instead of all of them before serving:
    /// serving starts at once and no signatures are kept, but every request not answered from
    /// a small cache of recent segments costs a signature.
    #[arg(long)]
    sign_on_demand: bool,

    /// Do not register the prefix (the forwarder already routes it to this application).
    #[arg(long)]
    no_register: bool,

    /// Keychain directory (default: $NDN_KEYCHAIN_DIR or ~/.ndn/ndn-rs-keychain).
    #[arg(long, value_name = "DIR")]
    keychain: Option<PathBuf>,

    #[command(flatten)]
    sign: SignArgs,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::finish("ndnput", run(&args))
}

fn run(args: &Args) -> anyhow::Result<()> {
    let name = parse_name(&args.name)?;
    if args.size == 0 {
        anyhow::bail!("--size must be at least 1 byte");
    }
    let signer = choose_signer(&args.sign, args.keychain.as_deref(), &mut |note| {
        eprintln!("ndnput: {note}")
    })?;
    let opts = PublishOptions {
        segment_size: args.size,
        freshness: (args.freshness > 0).then(|| cli::millis(args.freshness)),
        ..PublishOptions::default()
    };
    match args.file.as_deref() {
        Some(path) if path != Path::new("-") => {
            let source = FileSource::open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            let publisher = Publisher::new(name, source, opts, unix_ms())?;
            serve(args, publisher, &signer)
        }
        _ => {
            let mut buf = Vec::new();
            std::io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .context("cannot read standard input")?;
            let publisher = Publisher::new(name, Bytes::from(buf), opts, unix_ms())?;
            serve(args, publisher, &signer)
        }
    }
}

fn serve<S: SegmentSource + Sync>(
    args: &Args,
    mut publisher: Publisher<S>,
    signer: &ChosenSigner,
) -> anyhow::Result<()> {
    let segments = publisher.segment_count();
    if !args.sign_on_demand && !put::sign_ahead(segments, false, put::PRESIGN_MAX_SEGMENTS) {
        eprintln!(
            "ndnput: {segments} segments, more than {} to sign ahead: signing each on demand",
            put::PRESIGN_MAX_SEGMENTS
        );
    }
    if put::sign_ahead(segments, args.sign_on_demand, put::PRESIGN_MAX_SEGMENTS) {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let done = put::presign(&mut publisher, signer.signer.as_ref(), threads)?;
        eprintln!(
            "ndnput: signed {} segments in {:.2} s on {} threads ({} of signatures kept)",
            done.segments,
            done.elapsed.as_secs_f64(),
            done.threads,
            put::bytes_text(done.memory),
        );
    }
    cli::runtime()?.block_on(async {
        let face = cli::connect().await?;
        let prefix = publisher.prefix().clone();
        let reg = if args.no_register {
            face.listen(prefix)
        } else {
            register(&face, prefix).await?
        };
        let mut stdout = std::io::stdout();
        writeln!(stdout, "{}", publisher.versioned_name())?;
        stdout.flush()?;
        let opts = put::ServeOptions {
            once: args.once,
            max_backlog: args.max_backlog,
        };
        let mut counters = put::ServeCounters::default();
        let end = tokio::select! {
            r = put::serve(&face, reg, &mut publisher, signer.signer.as_ref(), opts, &mut counters) => r?,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        };
        match end {
            PutEnd::AllServed => Ok(()),
            PutEnd::Closed => anyhow::bail!("the forwarder closed the connection"),
        }
    })
}

async fn register(face: &Face, prefix: ndn::Name) -> anyhow::Result<ndn::app::Registration> {
    face.register(prefix.clone())
        .await
        .with_context(|| format!("cannot register {prefix} with the forwarder"))
}
