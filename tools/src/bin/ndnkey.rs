//! `ndnkey`: manage identities, keys and certificates. See `ndnkey --help`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use ndn::sign::KeyType;
use ndn_tools::cli::{self, parse_name};
use ndn_tools::keychain;
use ndn_tools::keytool::{self, DEFAULT_ISSUER_ID};

/// Manage the keychain: identities, their keys and certificates (NDN certificate format v2).
///
/// The keychain is a directory: --keychain DIR, else $NDN_KEYCHAIN_DIR, else
/// ~/.ndn/ndn-rs-keychain. ndnput and ndnpoke sign with its default identity's default key;
/// ndnget trusts the certificates it holds.
///
/// Examples:
///
///   ndnkey generate /example/alice           create an identity with an Ed25519 key
///
///   ndnkey export /example/alice > alice.cert
///
///   ndnkey import alice.cert                 (on the consumer) trust alice's key
#[derive(Debug, Parser)]
#[command(name = "ndnkey", version, verbatim_doc_comment)]
struct Args {
    /// Keychain directory.
    #[arg(long, value_name = "DIR", global = true)]
    keychain: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List identities (`*` marks defaults), keys and certificates.
    List,
    /// Create a key with a self-signed certificate for IDENTITY and make it the default;
    /// prints the certificate name.
    Generate {
        /// The identity, e.g. /example/alice.
        identity: String,
        /// Key algorithm.
        #[arg(long = "type", short = 't', value_enum, default_value_t = Alg::Ed25519)]
        key_type: Alg,
        /// Do not make IDENTITY the default identity (unless there is none).
        #[arg(long, short = 'n')]
        not_default: bool,
    },
    /// Print a certificate in base64 (as ndnsec cert-dump): that of an identity's default
    /// key, of a key, or a certificate by name.
    Export {
        /// Identity, key or certificate name.
        name: String,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Store a certificate (base64) from FILE or standard input (`-`); ndnget then trusts
    /// its key. Prints the certificate name.
    Import {
        /// File holding the certificate.
        file: PathBuf,
    },
    /// Issue a certificate for the key of a self-signed certificate (the request, e.g. from
    /// `ndnkey export` on another machine), signed by a local identity; prints it in base64.
    SignCert {
        /// File holding the request certificate (`-`: standard input).
        request: PathBuf,
        /// Signing identity, key or certificate (default: the default identity).
        #[arg(long, value_name = "NAME")]
        issuer: Option<String>,
        /// Validity in days, from now.
        #[arg(long, value_name = "DAYS", default_value_t = 365)]
        validity: u64,
        /// Issuer id component of the new certificate's name.
        #[arg(long, value_name = "ID", default_value = DEFAULT_ISSUER_ID)]
        issuer_id: String,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Make an identity the default identity, or a key its identity's default key.
    SetDefault {
        /// Identity or key name.
        name: String,
    },
    /// Delete an identity (with its keys and certificates), a key or a certificate.
    Delete {
        /// Identity, key or certificate name.
        name: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Alg {
    Ed25519,
    Ecdsa,
    Rsa,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cli::finish("ndnkey", run(&args))
}

fn read_input(path: &PathBuf) -> anyhow::Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("cannot read standard input")?;
        Ok(s)
    } else {
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
    }
}

fn write_output(text: &str, output: &Option<PathBuf>) -> anyhow::Result<()> {
    match output {
        Some(p) if p.as_os_str() != "-" => {
            std::fs::write(p, text).with_context(|| format!("cannot write {}", p.display()))
        }
        _ => {
            print!("{text}");
            Ok(())
        }
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let kc = keychain::open(args.keychain.as_deref())?;
    match &args.command {
        Command::List => print!("{}", keytool::list(&kc)?),
        Command::Generate {
            identity,
            key_type,
            not_default,
        } => {
            let t = match key_type {
                Alg::Ed25519 => KeyType::Ed25519,
                Alg::Ecdsa => KeyType::EcdsaP256,
                Alg::Rsa => KeyType::Rsa,
            };
            let cert = keytool::generate(&kc, &parse_name(identity)?, t, !not_default)?;
            println!("{}", cert.name());
        }
        Command::Export { name, output } => {
            write_output(&keytool::export(&kc, &parse_name(name)?)?, output)?
        }
        Command::Import { file } => {
            let cert = keytool::import(&kc, &read_input(file)?)?;
            println!("{}", cert.name());
        }
        Command::SignCert {
            request,
            issuer,
            validity,
            issuer_id,
            output,
        } => {
            let issuer = issuer.as_deref().map(parse_name).transpose()?;
            let cert = keytool::sign_certificate(
                &kc,
                &read_input(request)?,
                issuer.as_ref(),
                *validity,
                issuer_id,
            )?;
            let mut text = cert.to_base64();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            write_output(&text, output)?;
        }
        Command::SetDefault { name } => {
            eprintln!("{}", keytool::set_default(&kc, &parse_name(name)?)?)
        }
        Command::Delete { name } => eprintln!("{}", keytool::delete(&kc, &parse_name(name)?)?),
    }
    Ok(())
}
