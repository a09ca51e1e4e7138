//! Enumerations and constants of the NFD management protocol.

use std::fmt;

/// Defines a closed enumeration carried as a NonNegativeInteger, with `TryFrom<u64>`,
/// `From<Self> for u64` and a `Display` in NFD's spelling.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $value:expr => $text:expr ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant = $value ),+
        }

        impl TryFrom<u64> for $name {
            type Error = u64;
            fn try_from(v: u64) -> Result<Self, u64> {
                match v {
                    $( $value => Ok($name::$variant), )+
                    other => Err(other),
                }
            }
        }

        impl From<$name> for u64 {
            fn from(v: $name) -> u64 {
                v as u64
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(match self { $( $name::$variant => $text ),+ })
            }
        }
    };
}

wire_enum! {
    /// FaceScope (MGMT FaceMgmt "Static Face Properties"): whether a face is local to the host.
    #[derive(Default)]
    pub enum FaceScope {
        /// The face is non-local (it may carry packets from other hosts).
        #[default]
        NonLocal = 0 => "non-local",
        /// The face is local (an application on this host); `/localhost` may cross it.
        Local = 1 => "local",
    }
}

wire_enum! {
    /// FacePersistency (MGMT FaceMgmt "Static Face Properties").
    #[derive(Default)]
    pub enum FacePersistency {
        /// Created by command; closed on failure.
        #[default]
        Persistent = 0 => "persistent",
        /// Created on demand (accepted connection); closed when idle.
        OnDemand = 1 => "on-demand",
        /// Created by command; kept open across failures.
        Permanent = 2 => "permanent",
    }
}

wire_enum! {
    /// LinkType (MGMT FaceMgmt "Static Face Properties").
    #[derive(Default)]
    pub enum LinkType {
        /// Point-to-point link.
        #[default]
        PointToPoint = 0 => "point-to-point",
        /// Multi-access link (e.g. Ethernet or UDP multicast).
        MultiAccess = 1 => "multi-access",
        /// Ad hoc wireless link.
        AdHoc = 2 => "adhoc",
    }
}

wire_enum! {
    /// FaceEventKind (MGMT FaceMgmt "Face Status Change Notification").
    pub enum FaceEventKind {
        /// The face was created.
        Created = 1 => "created",
        /// The face was destroyed.
        Destroyed = 2 => "destroyed",
        /// The face went up.
        Up = 3 => "up",
        /// The face went down.
        Down = 4 => "down",
    }
}

/// Route origins (MGMT RibMgmt "Route Origin"): who installed a route. The value is an open
/// NonNegativeInteger; these are the ones NFD names.
pub mod route_origin {
    /// An application registered it (the default for `rib/register`).
    pub const APP: u64 = 0;
    /// Installed by the automatic prefix registration tool (`autoreg`).
    pub const AUTOREG: u64 = 64;
    /// Installed on behalf of a client of the RIB (NFD name `client`).
    pub const CLIENT: u64 = 65;
    /// Installed by auto-configuration (`autoconf`).
    pub const AUTOCONF: u64 = 66;
    /// NLSR, the routing daemon.
    pub const NLSR: u64 = 128;
    /// A prefix announcement.
    pub const PREFIX_ANN: u64 = 129;
    /// Static configuration (`nfdc route add`).
    pub const STATIC: u64 = 255;

    const NAMES: [(u64, &str); 7] = [
        (APP, "app"),
        (AUTOREG, "autoreg"),
        (CLIENT, "client"),
        (AUTOCONF, "autoconf"),
        (NLSR, "nlsr"),
        (PREFIX_ANN, "prefixann"),
        (STATIC, "static"),
    ];

    /// NFD's name of an origin (`static`, `prefixann`, ...), if it has one.
    pub fn name(origin: u64) -> Option<&'static str> {
        NAMES.iter().find(|(o, _)| *o == origin).map(|(_, n)| *n)
    }

    /// An origin written as NFD's name or as a number.
    pub fn parse(s: &str) -> Option<u64> {
        NAMES
            .iter()
            .find(|(_, n)| *n == s)
            .map(|(o, _)| *o)
            .or_else(|| s.parse().ok())
    }
}

/// Route inheritance flags (MGMT RibMgmt "Route Inheritance Flags"), bits of the Flags field of
/// `rib/register` and of a Route.
pub mod route_flags {
    /// The route also applies to longer prefixes that have no route of their own.
    pub const CHILD_INHERIT: u64 = 1;
    /// Routes of longer prefixes do not inherit routes of shorter prefixes through this one.
    pub const CAPTURE: u64 = 2;
}

/// Face flags (MGMT FaceMgmt "Face Properties": Flags and Mask bits).
pub mod face_flags {
    /// Bit 0: NDNLPv2 local fields (IncomingFaceId, NextHopFaceId, CachePolicy) are enabled.
    pub const LOCAL_FIELDS_ENABLED: u64 = 1 << 0;
    /// Bit 1: NDNLPv2 link-layer reliability is enabled.
    pub const LP_RELIABILITY_ENABLED: u64 = 1 << 1;
    /// Bit 2: congestion detection and marking is enabled.
    pub const CONGESTION_MARKING_ENABLED: u64 = 1 << 2;
}

/// Content store flags (MGMT CsMgmt "Update configuration": Flags and Mask bits).
pub mod cs_flags {
    /// Bit 0: the CS admits new Data.
    pub const ENABLE_ADMIT: u64 = 1 << 0;
    /// Bit 1: the CS answers Interests with cached Data.
    pub const ENABLE_SERVE: u64 = 1 << 1;
}

/// StatusCode values of a ControlResponse (MGMT ControlCommand "Response format"; codes follow
/// HTTP). Which codes each command returns is on the command's page. Where a use is noted, it is
/// one NFD's managers make; the others carry their HTTP meaning.
pub mod status_code {
    /// The command succeeded.
    pub const OK: u32 = 200;
    /// ControlParameters that fail the command's validation (NFD: "failed in validating
    /// parameters"), or a malformed FaceUri.
    pub const BAD_REQUEST: u32 = 400;
    /// Authorization rejected (NFD: "authorization rejected").
    pub const FORBIDDEN: u32 = 403;
    /// The target does not exist (NFD: `faces/update` of an unknown face).
    pub const NOT_FOUND: u32 = 404;
    /// `faces/create`: the requested protocol is not supported.
    pub const NOT_ACCEPTABLE: u32 = 406;
    /// `faces/create` of a face that exists, or `faces/update` with conflicting properties.
    pub const CONFLICT: u32 = 409;
    /// The forwarder failed internally.
    pub const INTERNAL_ERROR: u32 = 500;
    /// Not implemented.
    pub const NOT_IMPLEMENTED: u32 = 501;
    /// Service unavailable.
    pub const SERVICE_UNAVAILABLE: u32 = 503;
    /// Gateway timeout (NFD channels report failed outgoing connections with it).
    pub const TIMEOUT: u32 = 504;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_and_reject_unknown_values() {
        for v in 0..3u64 {
            assert_eq!(u64::from(FacePersistency::try_from(v).unwrap()), v);
            assert_eq!(u64::from(LinkType::try_from(v).unwrap()), v);
        }
        assert_eq!(FaceScope::try_from(1), Ok(FaceScope::Local));
        assert_eq!(FaceScope::try_from(2), Err(2));
        assert_eq!(FacePersistency::try_from(3), Err(3));
        assert_eq!(FaceEventKind::try_from(0), Err(0));
        assert_eq!(FaceEventKind::try_from(4), Ok(FaceEventKind::Down));
        assert_eq!(FacePersistency::OnDemand.to_string(), "on-demand");
    }

    #[test]
    fn flag_bits_match_nfd() {
        assert_eq!(face_flags::LOCAL_FIELDS_ENABLED, 1);
        assert_eq!(face_flags::LP_RELIABILITY_ENABLED, 2);
        assert_eq!(face_flags::CONGESTION_MARKING_ENABLED, 4);
        assert_eq!(route_flags::CHILD_INHERIT | route_flags::CAPTURE, 3);
    }
}
