//! Which network interfaces multicast and Ethernet faces may go on, as NFD's face system
//! `whitelist` and `blacklist` say: an interface is used when some whitelist rule matches it and
//! no blacklist rule does. A rule is `*` (every interface), `ifname PATTERN` (a name, with `*`
//! and `?` wildcards), `ether MAC` (a link-layer address) or `subnet ADDR/LEN` (an IPv4 or IPv6
//! prefix one of the interface's addresses falls in).

use std::net::IpAddr;

use ndn::face_uri::parse_mac;

/// What a rule can see of an interface.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterfaceInfo {
    /// Name (`eth0`).
    pub name: String,
    /// Link-layer address, when it has one.
    pub mac: Option<[u8; 6]>,
    /// IP addresses.
    pub addresses: Vec<IpAddr>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Rule {
    Any,
    Name(String),
    Mac([u8; 6]),
    Subnet(IpAddr, u8),
}

impl Rule {
    fn parse(text: &str) -> Result<Rule, String> {
        let text = text.trim();
        if text == "*" {
            return Ok(Rule::Any);
        }
        let (kind, value) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        let value = value.trim();
        match kind {
            "ifname" if !value.is_empty() => Ok(Rule::Name(value.to_owned())),
            "ether" => parse_mac(value)
                .map(Rule::Mac)
                .ok_or_else(|| format!("{value:?} is not a MAC address")),
            "subnet" => {
                let (addr, len) = value
                    .split_once('/')
                    .ok_or_else(|| format!("subnet {value:?} is not ADDRESS/LENGTH"))?;
                let addr: IpAddr = addr
                    .parse()
                    .map_err(|_| format!("subnet {value:?}: {addr:?} is not an IP address"))?;
                let max = if addr.is_ipv4() { 32 } else { 128 };
                let len = len
                    .parse::<u8>()
                    .ok()
                    .filter(|&l| l <= max)
                    .ok_or_else(|| format!("subnet {value:?}: bad prefix length"))?;
                Ok(Rule::Subnet(addr, len))
            }
            _ => Err(format!(
                "{text:?} is not an interface rule (*, ifname PATTERN, ether MAC or subnet ADDR/LEN)"
            )),
        }
    }

    fn matches(&self, iface: &InterfaceInfo) -> bool {
        match self {
            Rule::Any => true,
            Rule::Name(pattern) => glob(pattern.as_bytes(), iface.name.as_bytes()),
            Rule::Mac(mac) => iface.mac == Some(*mac),
            Rule::Subnet(net, len) => iface.addresses.iter().any(|a| in_subnet(*a, *net, *len)),
        }
    }
}

/// Shell-style matching with `*` (any run) and `?` (any one byte), in time linear in the
/// name for each star (the usual backtrack to the last star).
fn glob(pattern: &[u8], name: &[u8]) -> bool {
    let (mut p, mut n) = (0, 0);
    // the last star seen, and the name position it is being tried against
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, n));
                p += 1;
            }
            Some(&c) if c == b'?' || Some(&c) == name.get(n) => {
                p += 1;
                n += 1;
            }
            _ => match star {
                // let the star take one more byte
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

fn in_subnet(addr: IpAddr, net: IpAddr, len: u8) -> bool {
    let bits = |a: IpAddr| -> (u128, u32) {
        match a {
            IpAddr::V4(v) => (u128::from(u32::from(v)) << 96, 32),
            IpAddr::V6(v) => (u128::from(v), 128),
        }
    };
    let ((a, a_width), (n, n_width)) = (bits(addr), bits(net));
    if a_width != n_width {
        return false;
    }
    let mask = match len {
        0 => 0,
        l => u128::MAX << (128 - u32::from(l)),
    };
    a & mask == n & mask
}

/// A whitelist and a blacklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceFilter {
    whitelist: Vec<Rule>,
    blacklist: Vec<Rule>,
}

impl InterfaceFilter {
    /// Rules from their text (`*`, `ifname eth*`, `ether 02:00:00:00:00:01`,
    /// `subnet 192.0.2.0/24`); the error names the bad one.
    pub fn parse(whitelist: &[String], blacklist: &[String]) -> Result<InterfaceFilter, String> {
        let rules = |list: &[String]| -> Result<Vec<Rule>, String> {
            list.iter().map(|r| Rule::parse(r)).collect()
        };
        Ok(InterfaceFilter {
            whitelist: rules(whitelist)?,
            blacklist: rules(blacklist)?,
        })
    }

    /// Whether faces may go on `iface`.
    pub fn allows(&self, iface: &InterfaceInfo) -> bool {
        self.whitelist.iter().any(|r| r.matches(iface))
            && !self.blacklist.iter().any(|r| r.matches(iface))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iface(name: &str, mac: Option<[u8; 6]>, addresses: &[&str]) -> InterfaceInfo {
        InterfaceInfo {
            name: name.into(),
            mac,
            addresses: addresses.iter().map(|a| a.parse().unwrap()).collect(),
        }
    }

    fn filter(white: &[&str], black: &[&str]) -> InterfaceFilter {
        let own = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        InterfaceFilter::parse(&own(white), &own(black)).unwrap()
    }

    #[test]
    fn names_match_with_wildcards() {
        assert!(glob(b"eth*", b"eth0") && glob(b"eth*", b"eth"));
        assert!(glob(b"wlp?s0", b"wlp2s0") && !glob(b"wlp?s0", b"wlp12s0"));
        assert!(glob(b"*", b"") && glob(b"*0", b"enp0s3eth0"));
        assert!(!glob(b"eth0", b"eth01") && !glob(b"en*", b"eth0"));
        assert!(glob(b"*a*b", b"xaxxab") && !glob(b"*a*b", b"xaxxa"));
        assert!(glob(b"a*", b"a") && !glob(b"a?", b"a"));
        // many stars against a long name stay quick
        assert!(!glob(b"*a*a*a*a*a*a*a*a*a*b", &[b'a'; 4000]));
    }

    #[test]
    fn subnets_of_both_families() {
        let a = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(in_subnet(a("192.0.2.77"), a("192.0.2.0"), 24));
        assert!(!in_subnet(a("192.0.3.1"), a("192.0.2.0"), 24));
        assert!(in_subnet(a("10.1.2.3"), a("0.0.0.0"), 0));
        assert!(in_subnet(a("2001:db8::5"), a("2001:db8::"), 32));
        assert!(!in_subnet(a("2001:db9::5"), a("2001:db8::"), 32));
        assert!(!in_subnet(a("192.0.2.1"), a("::"), 0), "families differ");
    }

    #[test]
    fn an_interface_is_used_when_whitelisted_and_not_blacklisted() {
        let eth0 = iface("eth0", Some([2, 0, 0, 0, 0, 1]), &["192.0.2.10", "fe80::1"]);
        let wlan0 = iface("wlan0", Some([2, 0, 0, 0, 0, 2]), &["198.51.100.7"]);
        let all = filter(&["*"], &[]);
        assert!(all.allows(&eth0) && all.allows(&wlan0));
        let wired = filter(&["ifname eth*"], &[]);
        assert!(wired.allows(&eth0) && !wired.allows(&wlan0));
        let by_mac = filter(&["ether 02:00:00:00:00:02"], &[]);
        assert!(!by_mac.allows(&eth0) && by_mac.allows(&wlan0));
        let by_subnet = filter(&["subnet 192.0.2.0/24"], &[]);
        assert!(by_subnet.allows(&eth0) && !by_subnet.allows(&wlan0));
        let but_wlan = filter(&["*"], &["ifname wlan*"]);
        assert!(but_wlan.allows(&eth0) && !but_wlan.allows(&wlan0));
        let nothing = filter(&[], &[]);
        assert!(!nothing.allows(&eth0));
    }

    #[test]
    fn bad_rules_are_named() {
        for bad in [
            "ifname",
            "ether 02:00",
            "subnet 192.0.2.0",
            "subnet x/8",
            "subnet ::/129",
            "eth0",
        ] {
            let e = InterfaceFilter::parse(&[bad.to_owned()], &[]).unwrap_err();
            assert!(!e.is_empty(), "{bad}");
        }
    }
}
