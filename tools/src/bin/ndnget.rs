//! `ndnget`: fetch a segmented object by name. See `ndnget --help`.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use ndn::fetch::{FetchOptions, PipelineKind};
use ndn::keychain::Certificate;
use ndn_tools::cli::{self, CodedError, parse_hex, parse_name};
use ndn_tools::get::{self, Progress};
use ndn_tools::keychain;
use ndn_tools::trust::TrustPolicy;

/// Fetch a segmented NDN object and write it to a file or standard output.
///
/// NAME is either the name a producer published under (the latest version is discovered
/// with an RDR metadata Interest, falling back to a CanBePrefix Interest) or a versioned name
/// such as /example/report/v=1700000000000. Segments are fetched with a congestion window
/// (CUBIC by default), retransmitted on timeout or Nack, or as soon as later segments show
/// one lost (fast retransmit), and written in order as they arrive, so the object never has
/// to fit in memory.
///
/// Every Data is verified unless --no-verify: it must be signed (Ed25519, ECDSA or RSA) by
/// the key of a trust anchor, or by a key whose certificate chain reaches one under the
/// hierarchical rule. The trust anchors are the certificates in the local keychain and those
/// given with --trust-anchor (base64 as `ndnkey export` prints). Data signed with
/// DigestSha256 proves no origin and is accepted only with --no-verify; HMAC-signed Data needs
/// --hmac-key. A segment that fails verification stops the fetch. Segments are verified in
/// batches (--verify-batch): one trust anchor's Ed25519 signatures are checked together, at
/// about half the CPU time of checking each alone; no content is written before its segment
/// passed.
///
/// A progress bar is shown on a terminal; a summary (bytes, time, goodput, retransmissions,
/// RTT) goes to standard error at the end.
///
/// Exit status: 0 success, 1 error, 2 bad arguments, 3 timeout, 4 Nack, 5 signature invalid.
///
/// Example:
///
///   ndnget /example/report -o report.pdf
#[derive(Debug, Parser)]
#[command(name = "ndnget", version, verbatim_doc_comment)]
struct Args {
    /// Name of the object, with or without a version component.
    name: String,

    /// Write to FILE instead of standard output (removed again if the fetch fails).
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Window algorithm.
    #[arg(long, value_enum, default_value_t = Pipeline::Cubic)]
    pipeline: Pipeline,

    /// Interests in flight for --pipeline fixed (default 64); initial congestion window for
    /// aimd and cubic (default 2).
    #[arg(long, value_name = "N")]
    window: Option<usize>,

    /// Largest congestion window of aimd and cubic, in segments (0: no limit).
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_WINDOW)]
    max_window: usize,

    /// Fast retransmit (aimd and cubic): a segment is taken as lost, and retransmitted
    /// without waiting for the retransmission timeout, once N segments requested after it
    /// have arrived (0: only timeouts detect losses, as ndncatchunks does).
    #[arg(long, value_name = "N", default_value_t = ndn::fetch::DEFAULT_REORDER_THRESHOLD)]
    reorder_threshold: u32,

    /// Request no segment N or more segments past the oldest one missing, which bounds what
    /// waits out of order behind a lost segment (0: no limit, as ndncatchunks).
    #[arg(long, value_name = "N", default_value_t = ndn::fetch::DEFAULT_MAX_REORDER)]
    max_reorder: u64,

    /// InterestLifetime in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 4000)]
    lifetime: u64,

    /// Retransmissions per segment after timeouts or Nacks (-1: no limit).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 15,
        allow_negative_numbers = true
    )]
    retries: i64,

    /// Set MustBeFresh on segment Interests.
    #[arg(long)]
    fresh: bool,

    /// Add a delegation to the ForwardingHint of every Interest (repeat for several, most
    /// preferred first): forwarders outside the producer's region route by it.
    #[arg(short = 'F', long, value_name = "NAME")]
    fwhint: Vec<String>,

    /// Accept Data without checking signatures.
    #[arg(long)]
    no_verify: bool,

    /// Verify up to N segments together (1: each as it arrives). A segment waits at most
    /// 20 ms for the rest of its batch.
    #[arg(long, value_name = "N", default_value_t = get::DEFAULT_VERIFY_BATCH,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    verify_batch: u64,

    /// Threads that share the verification of each batch (1: the receiving thread alone).
    #[arg(long, value_name = "N", default_value_t = get::DEFAULT_VERIFY_THREADS,
          value_parser = clap::value_parser!(u64).range(1..=64))]
    verify_threads: u64,

    /// Trust the certificate in FILE (base64, as `ndnkey export` prints); repeatable.
    #[arg(long, value_name = "FILE")]
    trust_anchor: Vec<PathBuf>,

    /// Accept HMAC-SHA256 signatures made with this secret (hexadecimal).
    #[arg(long, value_name = "HEX")]
    hmac_key: Option<String>,

    /// Keychain directory whose certificates are trusted (default: $NDN_KEYCHAIN_DIR or
    /// ~/.ndn/ndn-rs-keychain).
    #[arg(long, value_name = "DIR")]
    keychain: Option<PathBuf>,

    /// Print no progress and no summary.
    #[arg(short, long)]
    quiet: bool,
}

/// Default --max-window: 1024 segments (8 MB in flight at 8000-byte segments), enough for
/// 650 Mbit/s at 100 ms RTT, and a bound on what waits out of order behind a lost segment.
const DEFAULT_MAX_WINDOW: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Pipeline {
    Cubic,
    Aimd,
    Fixed,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::finish("ndnget", run(&args))
}

fn fetch_options(args: &Args) -> anyhow::Result<FetchOptions> {
    let mut opts = FetchOptions::default();
    let window = args.window.unwrap_or(match args.pipeline {
        Pipeline::Fixed => 64,
        _ => 2,
    });
    if window == 0 {
        anyhow::bail!("--window must be at least 1");
    }
    match args.pipeline {
        Pipeline::Fixed => opts.pipeline = PipelineKind::Fixed { window },
        Pipeline::Aimd => {
            opts.pipeline = PipelineKind::Aimd {
                ai_step: 1.0,
                md_coef: 0.5,
                reset_to_initial: false,
            };
            opts.init_cwnd = window as f64;
        }
        Pipeline::Cubic => opts.init_cwnd = window as f64,
    }
    if args.lifetime == 0 {
        anyhow::bail!("--lifetime must be at least 1 ms");
    }
    opts.interest_lifetime = cli::millis(args.lifetime);
    opts.max_retries = match args.retries {
        -1 => None,
        n => Some(u32::try_from(n).map_err(|_| anyhow::anyhow!("--retries must be -1 or more"))?),
    };
    opts.max_cwnd = (args.max_window > 0).then_some(args.max_window as f64);
    opts.reorder_threshold = args.reorder_threshold;
    opts.max_reorder = (args.max_reorder > 0).then_some(args.max_reorder);
    opts.must_be_fresh = args.fresh;
    opts.forwarding_hint = args
        .fwhint
        .iter()
        .map(|h| cli::parse_name(h))
        .collect::<anyhow::Result<_>>()?;
    // a fixed seed would repeat the Nonces of the previous run, which forwarders take for loops
    opts.nonce_seed = cli::random_u64()?;
    Ok(opts)
}

fn trust_policy(args: &Args) -> anyhow::Result<Option<TrustPolicy>> {
    if args.no_verify {
        return Ok(None);
    }
    let mut policy = TrustPolicy::new();
    if let Some(kc) = keychain::open_existing(args.keychain.as_deref())? {
        policy
            .add_keychain(&kc)
            .with_context(|| format!("cannot read the keychain {}", kc.dir().display()))?;
    }
    for path in &args.trust_anchor {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let cert = Certificate::from_base64(&text)
            .with_context(|| format!("{} is not a certificate", path.display()))?;
        policy.add_anchor(cert);
    }
    if let Some(hex) = &args.hmac_key {
        policy.set_hmac_key(&parse_hex(hex, "--hmac-key")?);
    }
    Ok(Some(policy))
}

fn progress_bar(args: &Args) -> Option<ProgressBar> {
    if args.quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    let style = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] [{bar:30}] {pos}/{len} segments {msg}",
    )
    .map(|s| s.progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    Some(bar)
}

fn run(args: &Args) -> anyhow::Result<()> {
    let name = parse_name(&args.name)?;
    let opts = fetch_options(args)?;
    let trust = trust_policy(args)?;
    let verify = get::Verification {
        batch: args.verify_batch as usize,
        threads: args.verify_threads as usize,
    };
    let fetcher = get::fetcher(name, opts, trust, verify);
    let (mut out, path): (Box<dyn Write>, Option<&Path>) = match &args.output {
        Some(p) if p.as_os_str() != "-" => {
            let f = File::create(p).with_context(|| format!("cannot create {}", p.display()))?;
            (Box::new(BufWriter::with_capacity(1 << 20, f)), Some(p))
        }
        _ => (
            Box::new(BufWriter::with_capacity(1 << 20, std::io::stdout().lock())),
            None,
        ),
    };
    let bar = progress_bar(args);
    let result = cli::runtime()?.block_on(async {
        let face = cli::connect().await?;
        let mut on_progress = |p: Progress| {
            if let Some(b) = &bar {
                if let Some(total) = p.total_segments {
                    b.set_length(total);
                }
                b.set_position(p.segments);
                b.set_message(format!("{:.1} MB", p.bytes as f64 / 1e6));
            }
        };
        get::fetch_to(&face, fetcher, &mut out, &mut on_progress)
            .await
            .map_err(|e| anyhow::Error::from(CodedError::new(e.exit_code(), e.message())))
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    drop(out);
    match result {
        Ok(t) => {
            if !args.quiet {
                eprintln!("{}", get::summary(&t));
            }
            Ok(())
        }
        Err(e) => {
            if let Some(p) = path {
                let _ = std::fs::remove_file(p);
            }
            Err(e)
        }
    }
}
