//! Starting and stopping the daemon: bind listeners, start the forwarding task, install static
//! routes and strategies, serve metrics.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ndn::Name;
use ndn::face_uri::{FaceUri, Scheme};
use ndn_fw::{
    FaceInfo, FacePersistency, FaceScope, Forwarder, ForwarderConfig, Strategy, StrategyError,
    UnsolicitedDataPolicy,
};
use tokio::net::{TcpListener, UdpSocket, UnixListener};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use crate::config::{Config, ForwarderSection};
use crate::create::FaceCreator;
use crate::face::stream::{self, FaceOptions};
use crate::face::udp::{self, UdpCommand, UdpOptions};
use crate::face::{ForwarderLink, ToForwarder, configured, ethernet, multicast, ws};
use crate::forwarding::Forwarding;
use crate::settings::ForwarderSettings;
use crate::{Clock, metrics};

/// Why the daemon could not start. The message is one line a user can act on.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartError(pub String);

pub(crate) fn explain(uri: &str, e: &std::io::Error) -> StartError {
    let hint = match e.kind() {
        std::io::ErrorKind::AddrInUse => {
            " (is another forwarder running? stop it, or pick another address with --listen)"
        }
        std::io::ErrorKind::PermissionDenied => {
            " (run as a user allowed to bind it, or choose another address with --listen)"
        }
        std::io::ErrorKind::AddrNotAvailable => " (no such local address on this host)",
        _ => "",
    };
    StartError(format!("cannot listen on {uri}: {e}{hint}"))
}

/// A running daemon.
#[derive(Debug)]
pub struct Daemon {
    /// The face URIs the daemon listens on, with actual ports.
    pub channels: Vec<String>,
    /// The bound metrics address, when metrics are on.
    pub metrics_addr: Option<SocketAddr>,
    /// The forwarding task's queue.
    tx: mpsc::Sender<ToForwarder>,
    /// The configuration in force (what a reload applied included).
    config: Config,
    shutdown: Option<oneshot::Sender<()>>,
    forwarding: JoinHandle<()>,
    tasks: Vec<JoinHandle<()>>,
    unix_paths: Vec<PathBuf>,
}

pub(crate) fn parse_policy(s: &str) -> Result<UnsolicitedDataPolicy, StartError> {
    Ok(match s {
        "drop-all" => UnsolicitedDataPolicy::DropAll,
        "admit-local" => UnsolicitedDataPolicy::AdmitLocal,
        "admit-network" => UnsolicitedDataPolicy::AdmitNetwork,
        "admit-all" => UnsolicitedDataPolicy::AdmitAll,
        other => {
            return Err(StartError(format!(
                "unsolicited_data_policy {other:?} is not one of drop-all, admit-local, admit-network, admit-all"
            )));
        }
    })
}

/// A strategy by short name (`best-route`) or full name (`/localhost/nfd/strategy/...`), with
/// parameters as NFD takes them (`asf/v=5/probing-interval~30000`).
pub fn parse_strategy(s: &str) -> Result<Strategy, StartError> {
    let full = if s.starts_with('/') {
        s.to_owned()
    } else {
        format!("/localhost/nfd/strategy/{s}")
    };
    let name = Name::from_str(&full).map_err(|e| StartError(format!("bad strategy {s:?}: {e}")))?;
    Strategy::from_name(&name).map_err(|e| match e {
        StrategyError::NotRegistered => StartError(format!(
            "unknown strategy {s:?} (best-route, multicast, asf, random, self-learning or access)"
        )),
        StrategyError::BadParameters(why) => StartError(format!("strategy {s:?}: {why}")),
    })
}

pub(crate) fn name(s: &str) -> Result<Name, StartError> {
    Name::from_str(s).map_err(|e| StartError(format!("bad name {s:?}: {e}")))
}

/// Prepare a Unix socket path: create its directory; remove a stale socket only when nothing
/// listens on it.
fn prepare_unix_path(path: &Path, uri: &str) -> Result<(), StartError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| explain(uri, &e))?;
    }
    if path.exists() {
        if std::os::unix::net::UnixStream::connect(path).is_ok() {
            return Err(StartError(format!(
                "cannot listen on {uri}: another forwarder is already listening there (stop it, or pick another path with --listen)"
            )));
        }
        std::fs::remove_file(path).map_err(|e| explain(uri, &e))?;
    }
    Ok(())
}

fn udp_socket(addr: SocketAddr) -> std::io::Result<UdpSocket> {
    let domain = socket2::Domain::for_address(addr);
    let s = socket2::Socket::new(domain, socket2::Type::DGRAM, Some(socket2::Protocol::UDP))?;
    if addr.is_ipv6() {
        s.set_only_v6(true)?;
    }
    s.set_reuse_address(true)?;
    let _ = s.set_recv_buffer_size(4 << 20);
    let _ = s.set_send_buffer_size(4 << 20);
    s.bind(&addr.into())?;
    s.set_nonblocking(true)?;
    UdpSocket::from_std(s.into())
}

fn tcp_listener(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let domain = socket2::Domain::for_address(addr);
    let s = socket2::Socket::new(domain, socket2::Type::STREAM, Some(socket2::Protocol::TCP))?;
    if addr.is_ipv6() {
        s.set_only_v6(true)?;
    }
    s.set_reuse_address(true)?;
    s.bind(&addr.into())?;
    s.listen(1024)?;
    s.set_nonblocking(true)?;
    TcpListener::from_std(s.into())
}

impl Daemon {
    /// Start a daemon with `config`. Listeners bound to port 0 get a free port, reported in
    /// [`Daemon::channels`].
    pub async fn start(config: Config) -> Result<Daemon, StartError> {
        let clock = Clock::new();
        let seed = match config.forwarder.seed {
            0 => {
                let bytes = ndn::keychain::os_random_seed()
                    .map_err(|e| StartError(format!("cannot draw a random seed: {e}")))?;
                let mut first = [0u8; 8];
                first.copy_from_slice(&bytes[..8]);
                u64::from_le_bytes(first)
            }
            s => s,
        };
        let settings = ForwarderSettings::from_config(&config)?;
        let fw_config = ForwarderConfig {
            seed,
            cs_capacity_packets: settings.cs_capacity,
            cs_capacity_bytes: settings.cs_capacity_bytes,
            cs_replacement: settings.cs_replacement,
            pit_max_entries: config.forwarder.pit_max_entries,
            unsolicited_data_policy: settings.unsolicited_data_policy,
            default_strategy: settings.default_strategy,
            network_regions: settings.network_regions.clone(),
            ..ForwarderConfig::default()
        };
        let mut fw = Forwarder::new(fw_config);
        let unix_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        fw.set_wall_clock(unix_ms, std::time::Duration::ZERO);

        let (tx, rx) = mpsc::channel::<ToForwarder>(8192);
        let link = ForwarderLink::new(tx.clone());
        let opts = FaceOptions {
            queue_len: config.faces.send_queue.max(1),
            max_packet: config.faces.max_packet_size,
            clock,
        };
        let udp_opts = UdpOptions {
            face: opts,
            mtu: config.faces.udp_mtu,
            idle_timeout: config.faces.udp_idle_timeout,
        };

        let mut tasks = Vec::new();
        let mut channels = Vec::new();
        let mut unix_paths = Vec::new();
        let mut udp4: Option<mpsc::Sender<UdpCommand>> = None;
        let mut udp6: Option<mpsc::Sender<UdpCommand>> = None;
        for uri_text in &config.listen {
            let uri =
                FaceUri::parse(uri_text).map_err(|e| StartError(format!("bad listen URI: {e}")))?;
            match uri.scheme {
                Scheme::Unix => {
                    let path = PathBuf::from(&uri.path);
                    prepare_unix_path(&path, uri_text)?;
                    let listener = UnixListener::bind(&path).map_err(|e| explain(uri_text, &e))?;
                    // every local user's applications may connect, whatever the umask (as NFD
                    // does: a daemon running as root is otherwise out of their reach)
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666))
                        .map_err(|e| explain(uri_text, &e))?;
                    let local = FaceUri::unix(uri.path.clone()).to_string();
                    channels.push(local.clone());
                    unix_paths.push(path);
                    let link = link.clone();
                    tasks.push(tokio::spawn(async move {
                        loop {
                            let Ok((conn, _)) = listener.accept().await else {
                                continue;
                            };
                            let fd = std::os::fd::AsRawFd::as_raw_fd(&conn);
                            let info = FaceInfo::new(
                                format!("fd://{fd}"),
                                local.clone(),
                                FaceScope::Local,
                            )
                            .with_persistency(FacePersistency::OnDemand);
                            let (r, w) = conn.into_split();
                            tokio::spawn(stream::run(r, w, info, link.clone(), opts));
                        }
                    }));
                }
                Scheme::Udp | Scheme::Udp4 | Scheme::Udp6 => {
                    let addr = uri.socket_addr().ok_or_else(|| {
                        StartError(format!("{uri_text}: listen on an IP address"))
                    })?;
                    let sock = udp_socket(addr).map_err(|e| explain(uri_text, &e))?;
                    let bound = sock.local_addr().map_err(|e| explain(uri_text, &e))?;
                    channels.push(FaceUri::from_socket_addr("udp", bound).to_string());
                    let (ctx, crx) = mpsc::channel(64);
                    if bound.is_ipv6() {
                        udp6 = Some(ctx);
                    } else {
                        udp4 = Some(ctx);
                    }
                    tasks.push(tokio::spawn(udp::run(sock, link.clone(), udp_opts, crx)));
                }
                Scheme::Tcp | Scheme::Tcp4 | Scheme::Tcp6 | Scheme::Ws => {
                    let addr = uri.socket_addr().ok_or_else(|| {
                        StartError(format!("{uri_text}: listen on an IP address"))
                    })?;
                    let listener = tcp_listener(addr).map_err(|e| explain(uri_text, &e))?;
                    let bound = listener.local_addr().map_err(|e| explain(uri_text, &e))?;
                    let is_ws = uri.scheme == Scheme::Ws;
                    channels.push(
                        FaceUri::from_socket_addr(if is_ws { "ws" } else { "tcp" }, bound)
                            .to_string(),
                    );
                    let link = link.clone();
                    tasks.push(tokio::spawn(async move {
                        loop {
                            let Ok((conn, remote)) = listener.accept().await else {
                                continue;
                            };
                            let _ = conn.set_nodelay(true);
                            if is_ws {
                                tokio::spawn(ws::run(conn, remote, bound, link.clone(), opts));
                                continue;
                            }
                            let local = conn.local_addr().unwrap_or(bound);
                            let info =
                                stream::tcp_face_info(remote, local, FacePersistency::OnDemand);
                            let (r, w) = conn.into_split();
                            tokio::spawn(stream::run(r, w, info, link.clone(), opts));
                        }
                    }));
                }
                _ => {
                    return Err(StartError(format!(
                        "cannot listen on {uri_text}: unsupported scheme"
                    )));
                }
            }
        }
        let mut multicast_faces = Vec::new();
        if config.faces.multicast {
            multicast_faces.extend(configured::multicast_v4(&config.faces)?);
        }
        if config.faces.multicast_v6 {
            multicast_faces.extend(configured::multicast_v6(&config.faces)?);
        }
        let link_type = |ad_hoc: bool| {
            if ad_hoc {
                ndn_fw::LinkType::AdHoc
            } else {
                ndn_fw::LinkType::MultiAccess
            }
        };
        for sockets in multicast_faces {
            tasks.push(tokio::spawn(multicast::run(
                sockets,
                config.faces.udp_mtu,
                link_type(config.faces.multicast_ad_hoc),
                link.clone(),
                opts,
            )));
        }
        let ethernet_sockets = configured::ethernet(&config.faces)?;
        for socket in ethernet_sockets.multicast {
            let ad_hoc = link_type(config.faces.ethernet_ad_hoc);
            tasks.push(tokio::spawn(ethernet::run(
                socket,
                ad_hoc,
                link.clone(),
                opts,
            )));
        }
        let mut ether_channels = Vec::new();
        for socket in ethernet_sockets.unicast {
            let (ctx, crx) = mpsc::channel(64);
            ether_channels.push((socket.ifname().to_owned(), ctx));
            let unicast = ethernet::UnicastOptions {
                face: opts,
                idle_timeout: config.faces.udp_idle_timeout,
            };
            tasks.push(tokio::spawn(ethernet::run_unicast(
                socket,
                link.clone(),
                unicast,
                crx,
            )));
        }
        fw.set_channels(channels.clone());

        let creator =
            FaceCreator::new(link.clone(), udp4, udp6, opts).with_ethernet(ether_channels);
        let mut forwarding = Forwarding::new(
            fw,
            rx,
            clock,
            creator.clone(),
            config.faces.congestion_marking,
            settings.busy_poll,
        );
        forwarding.apply_settings(settings);
        let (shutdown_tx, shutdown_rx) = oneshot::channel();
        let forwarding = tokio::spawn(forwarding.run(shutdown_rx));

        // static routes: create their faces, then install the routes
        for r in &config.routes {
            let prefix = name(&r.prefix)?;
            let (face, _) = creator
                .create(&r.face, None, FacePersistency::Persistent)
                .await
                .map_err(|(_, text)| StartError(format!("static route {}: {text}", r.prefix)))?;
            let _ = tx
                .send(ToForwarder::StaticRoute {
                    prefix,
                    face,
                    cost: r.cost,
                })
                .await;
        }

        let mut metrics_addr = None;
        if !config.metrics.listen.is_empty() {
            let addr: SocketAddr = config.metrics.listen.parse().map_err(|_| {
                StartError(format!(
                    "metrics address {:?} is not ADDR:PORT",
                    config.metrics.listen
                ))
            })?;
            let uri = format!("http://{addr}/metrics");
            let listener = metrics::bind(addr).await.map_err(|e| explain(&uri, &e))?;
            metrics_addr = listener.local_addr().ok();
            tasks.push(tokio::spawn(metrics::serve(listener, tx.clone())));
        }

        Ok(Daemon {
            channels,
            metrics_addr,
            tx,
            config,
            shutdown: Some(shutdown_tx),
            forwarding,
            tasks,
            unix_paths,
        })
    }

    /// The first channel whose URI starts with `scheme` (e.g. `udp4`, `tcp4`, `unix`, `ws`).
    pub fn channel(&self, scheme: &str) -> Option<&str> {
        let prefix = format!("{scheme}://");
        self.channels
            .iter()
            .find(|c| c.starts_with(&prefix))
            .map(String::as_str)
    }

    /// Take the settings of `wanted` that can change while the daemon runs (content store
    /// capacity, unsolicited Data policy, strategies, network regions, remote registration,
    /// busy polling), as NFD does on SIGHUP. Returns the settings that changed but take
    /// effect at the next start only; on an error nothing is applied.
    pub async fn reload(&mut self, wanted: Config) -> Result<Vec<&'static str>, StartError> {
        let settings = Box::new(ForwarderSettings::from_config(&wanted)?);
        let (reply, done) = oneshot::channel();
        let gone = || StartError("the forwarding task has stopped".into());
        self.tx
            .send(ToForwarder::Reconfigure { settings, reply })
            .await
            .map_err(|_| gone())?;
        done.await.map_err(|_| gone())?;
        let later = crate::settings::needing_restart(&self.config, &wanted);
        self.config.forwarder = ForwarderSection {
            pit_max_entries: self.config.forwarder.pit_max_entries,
            seed: self.config.forwarder.seed,
            ..wanted.forwarder
        };
        self.config.strategies = wanted.strategies;
        self.config.mgmt = wanted.mgmt;
        self.config.log.level = wanted.log.level;
        Ok(later)
    }

    /// Stop: end the forwarding task, close listeners, remove Unix socket files.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        for t in &self.tasks {
            t.abort();
        }
        let _ = (&mut self.forwarding).await;
        for p in &self.unix_paths {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strategies_are_named_short_or_full_with_parameters() {
        let asf = parse_strategy("asf/v=5/probing-interval~30000").unwrap();
        assert_eq!(asf.kind, ndn_fw::StrategyKind::Asf);
        assert_eq!(
            asf.params.probing_interval,
            std::time::Duration::from_secs(30)
        );
        let full = parse_strategy("/localhost/nfd/strategy/multicast/v=4").unwrap();
        assert_eq!(full.kind, ndn_fw::StrategyKind::Multicast);
        let e = parse_strategy("fastest").unwrap_err().to_string();
        assert!(e.contains("unknown strategy"), "{e}");
        let e = parse_strategy("best-route/retx-suppression-multiplier~0")
            .unwrap_err()
            .to_string();
        assert!(e.contains("retx-suppression-multiplier"), "{e}");
    }
}
