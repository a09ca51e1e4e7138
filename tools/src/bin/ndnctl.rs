//! `ndnctl`: control an NFD-compatible forwarder. See `ndnctl --help`.

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use ndn::Name;
use ndn::app::Face;
use ndn_tools::ctl::{self, CtlError, FaceArg};

/// Control an NDN forwarder through the NFD management protocol (like NFD's `nfdc`).
///
/// The forwarder is the one NDN_CLIENT_TRANSPORT names (default unix:///run/nfd/nfd.sock).
/// Works with ndnd and with any NFD-compatible forwarder.
#[derive(Debug, Parser)]
#[command(name = "ndnctl", version)]
struct Args {
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Forwarder status: version, uptime, table sizes, packet counters.
    Status,
    /// Faces.
    #[command(subcommand)]
    Face(FaceCmd),
    /// Routes (the RIB).
    #[command(subcommand)]
    Route(RouteCmd),
    /// The FIB.
    #[command(subcommand)]
    Fib(FibCmd),
    /// Strategy choices.
    #[command(subcommand)]
    Strategy(StrategyCmd),
    /// The content store.
    #[command(subcommand)]
    Cs(CsCmd),
    /// Listening channels.
    #[command(subcommand)]
    Channel(ChannelCmd),
}

#[derive(Debug, Subcommand)]
enum FaceCmd {
    /// List faces with their counters, all or those matching every filter given.
    List {
        /// Only the face whose remote end is this URI.
        #[arg(long)]
        remote: Option<String>,
        /// Only faces whose local end is this URI.
        #[arg(long)]
        local: Option<String>,
        /// Only faces whose remote or local URI has this scheme (udp4, tcp4, unix, fd, ...).
        #[arg(long)]
        scheme: Option<String>,
    },
    /// Show one face.
    Show {
        /// Face id.
        id: u64,
    },
    /// Create a face to a remote forwarder (udp4://HOST:PORT, tcp4://HOST:PORT,
    /// ether://[MAC] --local dev://IFNAME, ...).
    Create {
        /// Remote face URI.
        uri: String,
        /// Local face URI: the interface of an Ethernet face (dev://IFNAME).
        #[arg(long)]
        local: Option<String>,
        /// Persistency.
        #[arg(long, value_enum, default_value_t = Persistency::Persistent)]
        persistency: Persistency,
        /// MTU in bytes (at least 64), when smaller than the link's: larger packets are
        /// fragmented with NDNLPv2.
        #[arg(long)]
        mtu: Option<u64>,
        /// NDNLPv2 link reliability: number frames and send again those the peer does not
        /// acknowledge (nfdc's `reliability on|off`).
        #[arg(long, value_enum)]
        reliability: Option<OnOff>,
        /// NDNLPv2 congestion marking while the face's send queue stays long (nfdc's
        /// `congestion-marking on|off`).
        #[arg(long, value_enum)]
        congestion_marking: Option<OnOff>,
    },
    /// Destroy a face.
    Destroy {
        /// The face: its id, or its remote URI (udp4://192.0.2.1:6363).
        face: FaceArg,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Persistency {
    Persistent,
    Permanent,
}

/// A route origin on the command line: a number or NFD's name.
fn origin(s: &str) -> Result<u64, String> {
    ndn::mgmt::route_origin::parse(s).ok_or_else(|| {
        format!("{s:?} is no origin: a number, or app, autoreg, client, autoconf, nlsr, prefixann, static")
    })
}

#[derive(Debug, Subcommand)]
enum RouteCmd {
    /// List routes, all or those matching every filter given (as nfdc route list).
    List {
        /// Only routes through this next hop: a face id or a face's remote URI.
        #[arg(long)]
        nexthop: Option<FaceArg>,
        /// Only routes of this origin: a number or NFD's name (app, autoreg, client,
        /// autoconf, nlsr, prefixann, static).
        #[arg(long, value_parser = origin)]
        origin: Option<u64>,
    },
    /// Show the routes of one prefix (as nfdc route show).
    Show {
        /// Name prefix.
        prefix: String,
    },
    /// Add a route. A face URI that names no face yet gets one (as `face create`).
    Add {
        /// Name prefix.
        prefix: String,
        /// Next hop: a face id, or the remote URI of a face (udp4://192.0.2.1:6363).
        nexthop: FaceArg,
        /// Cost.
        #[arg(long, default_value_t = 0)]
        cost: u64,
        /// Route origin: a number or NFD's name (static, app, ...).
        #[arg(long, default_value_t = 255, value_parser = origin)]
        origin: u64,
        /// Lifetime in ms (default: never expires).
        #[arg(long)]
        expires: Option<u64>,
        /// Do not let the route apply to longer prefixes (clears CHILD_INHERIT).
        #[arg(long)]
        no_inherit: bool,
        /// Let the route hide routes of longer prefixes (sets CAPTURE).
        #[arg(long)]
        capture: bool,
    },
    /// Remove a route. A face URI removes the route from every face with that remote URI.
    Remove {
        /// Name prefix.
        prefix: String,
        /// Next hop: a face id, or the remote URI of a face.
        nexthop: FaceArg,
        /// Route origin: a number or NFD's name (static, app, ...).
        #[arg(long, default_value_t = 255, value_parser = origin)]
        origin: u64,
    },
}

#[derive(Debug, Subcommand)]
enum FibCmd {
    /// List FIB entries.
    List,
}

#[derive(Debug, Subcommand)]
enum StrategyCmd {
    /// List strategy choices.
    List,
    /// Choose a strategy (best-route, multicast, asf, random, self-learning, access, or a full name) for a prefix.
    Set {
        /// Name prefix.
        prefix: String,
        /// Strategy.
        strategy: String,
    },
    /// The strategy governing a name: the choice of its longest prefix that has one.
    Show {
        /// Name.
        prefix: String,
    },
    /// Remove the strategy choice of a prefix.
    Unset {
        /// Name prefix.
        prefix: String,
    },
}

#[derive(Debug, Subcommand)]
enum CsCmd {
    /// Content store counters and settings.
    Info,
    /// Change capacity, admission and serving.
    Config {
        /// Capacity in packets.
        #[arg(long)]
        capacity: Option<u64>,
        /// Admit Data (on/off).
        #[arg(long, value_parser = on_off)]
        admit: Option<bool>,
        /// Serve Data (on/off).
        #[arg(long, value_parser = on_off)]
        serve: Option<bool>,
    },
    /// Erase cached Data under a prefix.
    Erase {
        /// Name prefix.
        prefix: String,
        /// At most this many entries.
        #[arg(long)]
        count: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
enum ChannelCmd {
    /// List listening channels.
    List,
}

fn on_off(s: &str) -> Result<bool, String> {
    match s {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        _ => Err(format!("expected on or off, not {s:?}")),
    }
}

fn name(s: &str) -> Result<Name, CtlError> {
    Name::from_uri(s).map_err(|e| CtlError::Usage(e.to_string()))
}

async fn run(args: &Args) -> Result<(serde_json::Value, String), CtlError> {
    let face = Face::connect().await?;
    // commands are signed with the default identity of the keychain (DigestSha256 without
    // one), as nfdc signs them, so that a forwarder with authorizations knows who asks
    face.set_command_signer(ndn::app::default_command_signer());
    let f = &face;
    match &args.command {
        Command::Status => ctl::status(f).await,
        Command::Face(FaceCmd::List {
            remote,
            local,
            scheme,
        }) => ctl::face_list(f, remote.as_deref(), local.as_deref(), scheme.as_deref()).await,
        Command::Face(FaceCmd::Show { id }) => ctl::face_show(f, *id).await,
        Command::Face(FaceCmd::Create {
            uri,
            persistency,
            mtu,
            reliability,
            congestion_marking,
            local,
        }) => {
            let p = match persistency {
                Persistency::Persistent => ndn::mgmt::FacePersistency::Persistent,
                Persistency::Permanent => ndn::mgmt::FacePersistency::Permanent,
            };
            let options = ctl::FaceOptions {
                persistency: Some(p),
                mtu: *mtu,
                reliability: reliability.map(|r| matches!(r, OnOff::On)),
                congestion_marking: congestion_marking.map(|c| matches!(c, OnOff::On)),
                local: local.clone(),
            };
            ctl::face_create(f, uri, &options).await
        }
        Command::Face(FaceCmd::Destroy { face }) => ctl::face_destroy(f, face).await,
        Command::Route(RouteCmd::List { nexthop, origin }) => {
            let filter = ctl::RouteFilter {
                prefix: None,
                nexthop: nexthop.clone(),
                origin: *origin,
            };
            ctl::route_list(f, &filter).await
        }
        Command::Route(RouteCmd::Show { prefix }) => {
            let filter = ctl::RouteFilter {
                prefix: Some(name(prefix)?),
                ..Default::default()
            };
            ctl::route_list(f, &filter).await
        }
        Command::Route(RouteCmd::Add {
            prefix,
            nexthop,
            cost,
            origin,
            expires,
            no_inherit,
            capture,
        }) => {
            let mut flags = 0;
            if !no_inherit {
                flags |= ndn::mgmt::route_flags::CHILD_INHERIT;
            }
            if *capture {
                flags |= ndn::mgmt::route_flags::CAPTURE;
            }
            let route = ctl::RouteOptions {
                cost: *cost,
                origin: *origin,
                expires_ms: *expires,
                flags,
            };
            ctl::route_add(f, name(prefix)?, nexthop, &route).await
        }
        Command::Route(RouteCmd::Remove {
            prefix,
            nexthop,
            origin,
        }) => ctl::route_remove(f, name(prefix)?, nexthop, *origin).await,
        Command::Fib(FibCmd::List) => ctl::fib_list(f).await,
        Command::Strategy(StrategyCmd::List) => ctl::strategy_list(f).await,
        Command::Strategy(StrategyCmd::Set { prefix, strategy }) => {
            ctl::strategy_set(f, name(prefix)?, ctl::strategy_name(strategy)?).await
        }
        Command::Strategy(StrategyCmd::Show { prefix }) => {
            ctl::strategy_show(f, name(prefix)?).await
        }
        Command::Strategy(StrategyCmd::Unset { prefix }) => {
            ctl::strategy_unset(f, name(prefix)?).await
        }
        Command::Cs(CsCmd::Info) => ctl::cs_info(f).await,
        Command::Cs(CsCmd::Config {
            capacity,
            admit,
            serve,
        }) => ctl::cs_config(f, *capacity, *admit, *serve).await,
        Command::Cs(CsCmd::Erase { prefix, count }) => {
            ctl::cs_erase(f, name(prefix)?, *count).await
        }
        Command::Channel(ChannelCmd::List) => ctl::channel_list(f).await,
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ndnctl: error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&args)) {
        Ok((json, text)) => {
            if args.json {
                println!("{json}");
            } else {
                print!("{text}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ndnctl: error: {e}");
            // a bad argument exits 2, as the argument parser's own errors do
            match e {
                CtlError::Usage(_) => ExitCode::from(2),
                _ => ExitCode::FAILURE,
            }
        }
    }
}
