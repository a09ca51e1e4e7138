//! `ndn-dissect`: print the TLV structure of NDN packets. See `ndn-dissect --help`.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use ndn_tools::dissect::{self, DissectError, Options, TreeOptions};

/// Print the TLV structure of NDN packets (NDN Packet Format v0.3, NDNLPv2, NFD management).
///
/// Reads one or more concatenated TLV elements (Interest, Data, LpPacket, or any TLV) from FILE,
/// or from standard input when FILE is absent or `-`, and prints each element on its own line:
///
///   OFFSET  NAME (TYPE) [LENGTH]: VALUE
///
/// indented by depth. OFFSET is the byte offset of the element in the (binary) input; TYPE and
/// LENGTH are decimal. VALUE is decoded where meaningful: the URI of a Name and of each name
/// component, numbers for NonNegativeInteger fields (InterestLifetime, FreshnessPeriod,
/// ContentType, SignatureType, HopLimit, NDNLPv2 and management numbers), the Nonce in hex, quoted
/// text for short printable values, hex otherwise. Container elements (Interest, Data, Name,
/// MetaInfo, SignatureInfo, InterestSignatureInfo, KeyLocator, ValidityPeriod, ForwardingHint,
/// LpPacket and the packet in its Fragment, Nack, CachePolicy, ControlParameters,
/// ControlResponse) are opened and their elements shown one level deeper.
///
/// With --json, each top-level packet is decoded by the ndn library and printed as one JSON
/// object per line: {"offset", "kind" (interest, data, lp, nack, unknown), "name", "fields"}.
///
/// Values the packet decoders would reject but that do not break the TLV framing (a component of
/// type 0, a 3-byte Nonce) are shown in the tree as <invalid ...>; --json runs the full
/// decoders, so there they are errors.
///
/// Malformed input stops the output with an error naming the byte offset and the problem, and
/// the exit status is 1.
///
/// Examples:
///
///   echo 050E07060801610801620A0401020304 | ndn-dissect --hex
///
///   ndn-dissect --json capture.bin
#[derive(Debug, Parser)]
#[command(name = "ndn-dissect", version, verbatim_doc_comment)]
struct Args {
    /// File to read; standard input when absent or `-`.
    file: Option<PathBuf>,

    /// The input is hexadecimal text; whitespace (spaces, line breaks) is ignored.
    #[arg(long = "hex", short = 'x')]
    hex: bool,

    /// Print one JSON object per top-level packet instead of the element tree.
    #[arg(long)]
    json: bool,

    /// Cut hex values after this many bytes in the tree (0 prints every byte).
    #[arg(long, value_name = "BYTES", default_value_t = TreeOptions::default().max_value_bytes)]
    max_value_bytes: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ndn-dissect: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let input = match &args.file {
        Some(path) if path.as_os_str() != "-" => {
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?
        }
        _ => {
            let mut buf = Vec::new();
            io::stdin()
                .lock()
                .read_to_end(&mut buf)
                .context("cannot read standard input")?;
            buf
        }
    };
    let options = Options {
        hex: args.hex,
        json: args.json,
        tree: TreeOptions {
            max_value_bytes: args.max_value_bytes,
        },
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = dissect::run(&input, &options, &mut out);
    // print what was decoded before reporting an error
    let flushed = out.flush();
    match result {
        // a closed pipe (`ndn-dissect big | head`) is not an error
        Err(DissectError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) if !args.hex && dissect::looks_like_hex(&input) => Err(anyhow::anyhow!(
            "{e}\nhint: the input looks like hexadecimal text; add --hex"
        )),
        Err(e) => Err(e.into()),
        Ok(()) => match flushed {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            other => other.context("cannot write output"),
        },
    }
}
