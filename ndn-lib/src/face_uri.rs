//! Face URIs as NFD writes them: `udp4://192.0.2.1:6363`, `tcp6://[2001:db8::1]:6363`,
//! `unix:///run/nfd/nfd.sock`, `ws://0.0.0.0:9696`, `fd://12`, `internal://`.
//! Parsing and printing only; resolving host names is the caller's business.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

/// The NDN port for UDP and TCP.
pub const DEFAULT_PORT: u16 = 6363;
/// The default WebSocket port.
pub const DEFAULT_WS_PORT: u16 = 9696;

/// The scheme of a face URI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `udp://` (address family from the host).
    Udp,
    /// `udp4://`.
    Udp4,
    /// `udp6://`.
    Udp6,
    /// `tcp://` (address family from the host).
    Tcp,
    /// `tcp4://`.
    Tcp4,
    /// `tcp6://`.
    Tcp6,
    /// `unix://` followed by an absolute path.
    Unix,
    /// `ws://` (a WebSocket server or client address).
    Ws,
    /// `wss://`.
    Wss,
    /// `wsclient://` (NFD's name for the remote end of a WebSocket face).
    WsClient,
    /// `fd://N` (NFD's name for the remote end of a Unix stream face).
    Fd,
    /// `internal://`.
    Internal,
    /// `contentstore://`.
    ContentStore,
    /// `null://`.
    Null,
    /// `dev://ifname` (Ethernet).
    Dev,
    /// `ether://[mac]`.
    Ether,
}

impl Scheme {
    fn as_str(&self) -> &'static str {
        match self {
            Scheme::Udp => "udp",
            Scheme::Udp4 => "udp4",
            Scheme::Udp6 => "udp6",
            Scheme::Tcp => "tcp",
            Scheme::Tcp4 => "tcp4",
            Scheme::Tcp6 => "tcp6",
            Scheme::Unix => "unix",
            Scheme::Ws => "ws",
            Scheme::Wss => "wss",
            Scheme::WsClient => "wsclient",
            Scheme::Fd => "fd",
            Scheme::Internal => "internal",
            Scheme::ContentStore => "contentstore",
            Scheme::Null => "null",
            Scheme::Dev => "dev",
            Scheme::Ether => "ether",
        }
    }

    fn parse(s: &str) -> Option<Scheme> {
        Some(match s {
            "udp" => Scheme::Udp,
            "udp4" => Scheme::Udp4,
            "udp6" => Scheme::Udp6,
            "tcp" => Scheme::Tcp,
            "tcp4" => Scheme::Tcp4,
            "tcp6" => Scheme::Tcp6,
            "unix" => Scheme::Unix,
            "ws" => Scheme::Ws,
            "wss" => Scheme::Wss,
            "wsclient" => Scheme::WsClient,
            "fd" => Scheme::Fd,
            "internal" => Scheme::Internal,
            "contentstore" => Scheme::ContentStore,
            "null" => Scheme::Null,
            "dev" => Scheme::Dev,
            "ether" => Scheme::Ether,
            _ => return None,
        })
    }

    /// True for the UDP schemes.
    pub fn is_udp(&self) -> bool {
        matches!(self, Scheme::Udp | Scheme::Udp4 | Scheme::Udp6)
    }

    /// True for the TCP schemes.
    pub fn is_tcp(&self) -> bool {
        matches!(self, Scheme::Tcp | Scheme::Tcp4 | Scheme::Tcp6)
    }
}

/// A parsed face URI.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FaceUri {
    /// The scheme.
    pub scheme: Scheme,
    /// Host (IP literal without brackets, host name, fd number, or interface).
    pub host: String,
    /// Port, when the scheme has one.
    pub port: Option<u16>,
    /// Path (Unix sockets).
    pub path: String,
}

/// Why a string is not a face URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid face URI {uri:?}: {reason}")]
pub struct FaceUriError {
    /// The text.
    pub uri: String,
    /// What is wrong.
    pub reason: &'static str,
}

impl FaceUri {
    /// A URI for a socket address with the given scheme family (`udp`/`tcp`/`ws`): `udp4` or
    /// `udp6` by address family, likewise for TCP. An IPv6 address with a scope (a link-local
    /// address, which means nothing without its interface) keeps it as a numeric zone:
    /// `udp6://[fe80::1%3]:6363`.
    pub fn from_socket_addr(kind: &str, addr: SocketAddr) -> FaceUri {
        let v6 = addr.is_ipv6();
        let scheme = match (kind, v6) {
            ("udp", false) => Scheme::Udp4,
            ("udp", true) => Scheme::Udp6,
            ("tcp", false) => Scheme::Tcp4,
            ("tcp", true) => Scheme::Tcp6,
            ("wsclient", _) => Scheme::WsClient,
            _ => Scheme::Ws,
        };
        let host = match addr {
            SocketAddr::V6(a) if a.scope_id() != 0 => format!("{}%{}", a.ip(), a.scope_id()),
            _ => addr.ip().to_string(),
        };
        FaceUri {
            scheme,
            host,
            port: Some(addr.port()),
            path: String::new(),
        }
    }

    /// A `unix://` URI for a socket path.
    pub fn unix(path: impl Into<String>) -> FaceUri {
        FaceUri {
            scheme: Scheme::Unix,
            host: String::new(),
            port: None,
            path: path.into(),
        }
    }

    /// The socket address when the host is an IP literal (an IPv6 one with a numeric zone
    /// included) and a port is known. A zone given by interface name needs resolving.
    pub fn socket_addr(&self) -> Option<SocketAddr> {
        let port = self.port?;
        if let Some((address, zone)) = self.host.split_once('%') {
            let ip: std::net::Ipv6Addr = address.parse().ok()?;
            let scope = zone.parse::<u32>().ok()?;
            return Some(SocketAddr::V6(std::net::SocketAddrV6::new(
                ip, port, 0, scope,
            )));
        }
        let ip: IpAddr = self.host.parse().ok()?;
        Some(SocketAddr::new(ip, port))
    }

    /// Parse a face URI. `udp`, `tcp` and `ws` URIs without a port get the NDN default.
    pub fn parse(uri: &str) -> Result<FaceUri, FaceUriError> {
        let err = |reason| FaceUriError {
            uri: uri.to_owned(),
            reason,
        };
        let (scheme_text, rest) = uri.split_once("://").ok_or(err("expected SCHEME://..."))?;
        let scheme = Scheme::parse(scheme_text).ok_or(err("unknown scheme"))?;
        match scheme {
            Scheme::Unix => {
                if !rest.starts_with('/') {
                    return Err(err("a unix:// URI needs an absolute path"));
                }
                Ok(FaceUri::unix(rest))
            }
            Scheme::Internal | Scheme::ContentStore | Scheme::Null => Ok(FaceUri {
                scheme,
                host: String::new(),
                port: None,
                path: String::new(),
            }),
            Scheme::Fd | Scheme::Dev | Scheme::Ether => {
                let host = match scheme {
                    Scheme::Fd => valid_fd(rest)
                        .ok_or(err("an fd:// URI holds a file descriptor number"))?
                        .to_owned(),
                    Scheme::Dev => valid_interface_name(rest)
                        .ok_or(err(
                            "a dev:// URI holds an interface name: 1 to 15 characters, \
                             without '/', ':' or white space",
                        ))?
                        .to_owned(),
                    // `ether://[mac]`: the brackets are not part of the host (printing adds
                    // them); the address is kept in its canonical form, lower case with colons
                    _ => canonical_mac(
                        rest.strip_prefix('[')
                            .and_then(|r| r.strip_suffix(']'))
                            .unwrap_or(rest),
                    )
                    .ok_or(err(
                        "an ether:// URI holds a MAC address in brackets, like \
                         ether://[01:00:5e:00:17:aa]",
                    ))?,
                };
                Ok(FaceUri {
                    scheme,
                    host,
                    port: None,
                    path: String::new(),
                })
            }
            _ => {
                let rest = rest.trim_end_matches('/');
                let bracketed = rest.starts_with('[');
                let (host, port) = if let Some(stripped) = rest.strip_prefix('[') {
                    let (h, after) = stripped.split_once(']').ok_or(err("unclosed '['"))?;
                    let port = match after.strip_prefix(':') {
                        Some(p) => Some(p),
                        None if after.is_empty() => None,
                        None => return Err(err("unexpected text after ']'")),
                    };
                    (h.to_owned(), port)
                } else {
                    match rest.rsplit_once(':') {
                        Some((h, p)) if !h.contains(':') => (h.to_owned(), Some(p)),
                        Some(_) => return Err(err("IPv6 addresses go in brackets")),
                        None => (rest.to_owned(), None),
                    }
                };
                if host.is_empty() {
                    return Err(err("missing host"));
                }
                if !valid_host(&host, bracketed) {
                    return Err(err(if bracketed {
                        "brackets hold an IPv6 address (with an optional %zone)"
                    } else {
                        "a host is an IPv4 address or a DNS name"
                    }));
                }
                let port = match port {
                    Some(p) => Some(p.parse::<u16>().map_err(|_| err("bad port"))?),
                    None => Some(match scheme {
                        Scheme::Ws | Scheme::Wss | Scheme::WsClient => DEFAULT_WS_PORT,
                        _ => DEFAULT_PORT,
                    }),
                };
                if let Ok(ip) = host.parse::<IpAddr>() {
                    let family_ok = match scheme {
                        Scheme::Udp4 | Scheme::Tcp4 => ip.is_ipv4(),
                        Scheme::Udp6 | Scheme::Tcp6 => ip.is_ipv6(),
                        _ => true,
                    };
                    if !family_ok {
                        return Err(err("address family does not match the scheme"));
                    }
                }
                Ok(FaceUri {
                    scheme,
                    host,
                    port,
                    path: String::new(),
                })
            }
        }
    }
}

/// `text` when it is a file descriptor number (decimal digits, at most `i32::MAX` as a file
/// descriptor is a C `int`).
fn valid_fd(text: &str) -> Option<&str> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    (digits && text.parse::<i32>().is_ok()).then_some(text)
}

/// `text` when Linux would take it as a network interface name: 1 to 15 bytes (`IFNAMSIZ` less
/// the terminating NUL), not `.` or `..`, and no '/', ':' or white space.
fn valid_interface_name(text: &str) -> Option<&str> {
    let ok = (1..=15).contains(&text.len())
        && text != "."
        && text != ".."
        && !text
            .chars()
            .any(|c| c == '/' || c == ':' || c.is_whitespace() || c.is_control());
    ok.then_some(text)
}

/// The canonical form (lower case, colons) of a MAC address written as six pairs of hex digits
/// separated by ':' or '-', as NFD accepts them.
fn canonical_mac(text: &str) -> Option<String> {
    parse_mac(text).map(|m| format_mac(&m))
}

/// A MAC address written as six pairs of hex digits, either case, separated all by ':' or all
/// by '-' (`01:00:5e:00:17:aa`, `01-00-5E-00-17-AA`).
pub fn parse_mac(text: &str) -> Option<[u8; 6]> {
    let sep = if text.contains('-') { '-' } else { ':' };
    let mut mac = [0u8; 6];
    let mut pairs = text.split(sep);
    for byte in &mut mac {
        let p = pairs.next()?;
        if p.len() != 2 || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        *byte = u8::from_str_radix(p, 16).ok()?;
    }
    pairs.next().is_none().then_some(mac)
}

/// A MAC address as face URIs write it: lower case, separated by ':'.
pub fn format_mac(mac: &[u8; 6]) -> String {
    mac.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// True when `host` may stand in a URI: in brackets an IPv6 address with an optional zone
/// (`fe80::1%eth0`), otherwise letters, digits, '.', '-' and '_' (an IPv4 address or a DNS
/// name).
fn valid_host(host: &str, bracketed: bool) -> bool {
    let name_like = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    };
    if !bracketed {
        return name_like(host);
    }
    let (address, zone) = match host.split_once('%') {
        Some((a, z)) => (a, Some(z)),
        None => (host, None),
    };
    address.parse::<std::net::Ipv6Addr>().is_ok() && zone.is_none_or(name_like)
}

impl FromStr for FaceUri {
    type Err = FaceUriError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FaceUri::parse(s)
    }
}

impl fmt::Display for FaceUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://", self.scheme.as_str())?;
        match self.scheme {
            Scheme::Unix => f.write_str(&self.path),
            _ => {
                if self.host.contains(':') {
                    write!(f, "[{}]", self.host)?;
                } else {
                    f.write_str(&self.host)?;
                }
                match self.port {
                    Some(p) => write!(f, ":{p}"),
                    None => Ok(()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for s in [
            "udp4://127.0.0.1:6363",
            "udp6://[::1]:6363",
            "tcp4://192.0.2.7:1234",
            "tcp6://[2001:db8::1]:6363",
            "unix:///run/nfd/nfd.sock",
            "ws://0.0.0.0:9696",
            "wsclient://127.0.0.1:5555",
            "fd://17",
            "internal://",
            "udp://example.net:6363",
            "udp6://[fe80::1%eth0]:6363",
            "tcp://my-router_1.example:6363",
        ] {
            assert_eq!(FaceUri::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(
            FaceUri::parse("tcp4://10.0.0.1").unwrap().to_string(),
            "tcp4://10.0.0.1:6363"
        );
        assert_eq!(
            FaceUri::parse("udp4://127.0.0.1:6363")
                .unwrap()
                .socket_addr(),
            Some("127.0.0.1:6363".parse().unwrap())
        );
    }

    #[test]
    fn ether_mac_in_brackets_prints_as_it_was_written() {
        let uri = FaceUri::parse("ether://[01:00:5e:00:17:aa]").unwrap();
        assert_eq!(uri.host, "01:00:5e:00:17:aa");
        assert_eq!(uri.to_string(), "ether://[01:00:5e:00:17:aa]");
        assert_eq!(FaceUri::parse(&uri.to_string()).unwrap(), uri);
        assert_eq!(FaceUri::parse("dev://eth0").unwrap().host, "eth0");
        assert_eq!(FaceUri::parse("fd://0").unwrap().host, "0");
    }

    #[test]
    fn link_local_addresses_keep_their_zone() {
        let scoped = SocketAddr::V6(std::net::SocketAddrV6::new(
            "fe80::1".parse().unwrap(),
            6363,
            0,
            3,
        ));
        let uri = FaceUri::from_socket_addr("udp", scoped);
        assert_eq!(uri.to_string(), "udp6://[fe80::1%3]:6363");
        let back = FaceUri::parse(&uri.to_string()).unwrap();
        assert_eq!(back, uri);
        assert_eq!(back.socket_addr(), Some(scoped));
        // without a scope, as before; a zone by name is left to the resolver
        let plain: SocketAddr = "[fe80::1]:6363".parse().unwrap();
        assert_eq!(
            FaceUri::from_socket_addr("tcp", plain).to_string(),
            "tcp6://[fe80::1]:6363"
        );
        let named = FaceUri::parse("udp6://[fe80::1%eth0]:6363").unwrap();
        assert_eq!(named.socket_addr(), None);
    }

    #[test]
    fn mac_addresses_are_kept_in_canonical_form() {
        for written in [
            "ether://[01:00:5E:00:17:AA]",
            "ether://[01-00-5e-00-17-aa]",
            "ether://01:00:5e:00:17:aa",
        ] {
            let uri = FaceUri::parse(written).unwrap();
            assert_eq!(uri.to_string(), "ether://[01:00:5e:00:17:aa]", "{written}");
        }
    }

    #[test]
    fn fd_dev_and_ether_hosts_are_checked_and_errors_say_what_is_expected() {
        for (s, expected) in [
            ("fd://", "file descriptor number"),
            ("fd://-1", "file descriptor number"),
            ("fd://12a", "file descriptor number"),
            ("fd://99999999999", "file descriptor number"),
            ("dev://", "interface name"),
            ("dev://a-name-of-16-chars", "interface name"),
            ("dev://eth0/1", "interface name"),
            ("dev://eth 0", "interface name"),
            ("dev://..", "interface name"),
            ("ether://[01:00:5e:00:17]", "MAC address"),
            ("ether://[01:00:5e:00:17:zz]", "MAC address"),
            ("ether://[01:00:5e:00:17:aa:bb]", "MAC address"),
            ("ether://[1:0:5e:0:17:aa]", "MAC address"),
            ("ether://[01:00-5e:00:17:aa]", "MAC address"),
            ("ether://", "MAC address"),
        ] {
            let e = FaceUri::parse(s).expect_err(s);
            assert!(e.to_string().contains(expected), "{s}: {e}");
        }
        // the longest name Linux takes
        let longest = "enp0s31f6-15chr";
        assert_eq!(longest.len(), 15);
        assert_eq!(
            FaceUri::parse(&format!("dev://{longest}")).unwrap().host,
            longest
        );
    }

    #[test]
    fn bad_uris() {
        for s in [
            "127.0.0.1:6363",
            "foo://x",
            "udp4://[::1]:6363",
            "udp6://127.0.0.1:1",
            "tcp4://1.2.3.4:99999",
            "unix://relative",
            "udp4://::1:6363",
            "tcp4://:6363",
            "udp://[[a]:1",
            "udp://[a]:1",
            "udp6://[fe80::1%]:6363",
            "tcp://host name:6363",
            "tcp://a/b:6363",
            "udp://a]:6363",
        ] {
            assert!(FaceUri::parse(s).is_err(), "{s}");
        }
    }
}
