//! ControlParameters (MGMT ControlCommand "Request format"), the arguments of a command and the
//! body of its response.

use bytes::{BufMut, Bytes};

use super::Record;
use super::consts::FacePersistency;
use super::fields::{self as f, opt_nonneg_tlv_len, opt_str_tlv_len, put_opt_nonneg, put_opt_str};
use crate::name::Name;
use crate::tlv::{DecodeError, Element, types as tt};

/// ControlParameters (TLV-TYPE 0x68, MGMT ControlCommand). Every field is optional; which ones a
/// command requires is defined on the command's page (FaceMgmt, FibMgmt, RibMgmt, ...).
///
/// Encoding writes the fields in the order NFD (ndn-cxx) writes them, the order of this
/// struct. Decoding accepts any order, because encoders disagree: the wiki's definition list and
/// python-ndn put BaseCongestionMarkingInterval, DefaultCongestionThreshold and Mtu right after
/// Count, while ndn-cxx puts them last. A field given twice is rejected (ndn-cxx silently takes
/// the first); an unknown field is skipped unless its TLV-TYPE is critical.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ControlParameters {
    /// Name: a prefix (FIB, RIB, strategy choice, CS erase).
    pub name: Option<Name>,
    /// FaceId; 0 in a request means "the face the command arrived on".
    pub face_id: Option<u64>,
    /// Uri: the remote FaceUri, e.g. `udp4://192.0.2.1:6363`.
    pub uri: Option<String>,
    /// LocalUri: the local FaceUri.
    pub local_uri: Option<String>,
    /// Origin of a route, see [`route_origin`](super::route_origin).
    pub origin: Option<u64>,
    /// Cost of a next hop or route.
    pub cost: Option<u64>,
    /// Capacity of the content store, in packets.
    pub capacity: Option<u64>,
    /// Count: the number of CS entries to erase, or that were erased.
    pub count: Option<u64>,
    /// Flags: face flags, route flags or CS flags, depending on the command.
    pub flags: Option<u64>,
    /// Mask: which bits of `flags` a request sets.
    pub mask: Option<u64>,
    /// Strategy: the strategy name (carried as `Strategy { Name }`).
    pub strategy: Option<Name>,
    /// ExpirationPeriod in milliseconds (a route's lifetime).
    pub expiration_period_ms: Option<u64>,
    /// FacePersistency.
    pub face_persistency: Option<FacePersistency>,
    /// BaseCongestionMarkingInterval in nanoseconds.
    pub base_congestion_marking_interval_ns: Option<u64>,
    /// DefaultCongestionThreshold in bytes.
    pub default_congestion_threshold: Option<u64>,
    /// Mtu in bytes (an override for the face's MTU).
    pub mtu: Option<u64>,
}

fn set<T>(slot: &mut Option<T>, value: T, e: &Element<'_>) -> Result<(), DecodeError> {
    if slot.is_some() {
        return Err(DecodeError::InvalidValue {
            element: "ControlParameters",
            offset: e.offset,
            reason: "a field appears twice",
        });
    }
    *slot = Some(value);
    Ok(())
}

impl ControlParameters {
    /// Parameters holding only a name, as for `rib/register` of an application prefix.
    pub fn with_name(name: Name) -> Self {
        ControlParameters {
            name: Some(name),
            ..Default::default()
        }
    }

    /// The value a request gives to the flag bits `bit` (one of the [`face_flags`](super::face_flags)
    /// or [`cs_flags`](super::cs_flags) masks): `None` unless `mask` covers them.
    pub fn flag(&self, bit: u64) -> Option<bool> {
        let mask = self.mask?;
        (mask & bit == bit).then(|| self.flags.unwrap_or(0) & bit == bit)
    }

    /// Set the flag bits `bit` to `on` and add them to `mask`.
    pub fn set_flag(&mut self, bit: u64, on: bool) {
        let flags = self.flags.unwrap_or(0);
        self.flags = Some(if on { flags | bit } else { flags & !bit });
        self.mask = Some(self.mask.unwrap_or(0) | bit);
    }
}

impl Record for ControlParameters {
    const TLV_TYPE: u64 = tt::CONTROL_PARAMETERS;
    const NAME: &'static str = "ControlParameters";

    fn decode_value(e: &Element<'_>, wire: &Bytes) -> Result<Self, DecodeError> {
        let mut p = ControlParameters::default();
        for el in e.reader() {
            let el = el?;
            match el.tlv_type {
                tt::NAME => set(&mut p.name, f::name(&el, wire)?, &el)?,
                tt::FACE_ID => set(&mut p.face_id, el.nonneg("FaceId")?, &el)?,
                tt::URI => set(&mut p.uri, f::string(&el, "Uri")?, &el)?,
                tt::LOCAL_URI => set(&mut p.local_uri, f::string(&el, "LocalUri")?, &el)?,
                tt::ORIGIN => set(&mut p.origin, el.nonneg("Origin")?, &el)?,
                tt::COST => set(&mut p.cost, el.nonneg("Cost")?, &el)?,
                tt::CAPACITY => set(&mut p.capacity, el.nonneg("Capacity")?, &el)?,
                tt::COUNT => set(&mut p.count, el.nonneg("Count")?, &el)?,
                tt::FLAGS => set(&mut p.flags, el.nonneg("Flags")?, &el)?,
                tt::MASK => set(&mut p.mask, el.nonneg("Mask")?, &el)?,
                tt::STRATEGY => {
                    let n = f::nested_name(&el, wire, "Strategy")?;
                    set(&mut p.strategy, n, &el)?
                }
                tt::EXPIRATION_PERIOD => set(
                    &mut p.expiration_period_ms,
                    el.nonneg("ExpirationPeriod")?,
                    &el,
                )?,
                tt::FACE_PERSISTENCY => {
                    let v = f::enumerated(&el, "FacePersistency")?;
                    set(&mut p.face_persistency, v, &el)?
                }
                tt::BASE_CONGESTION_MARKING_INTERVAL => set(
                    &mut p.base_congestion_marking_interval_ns,
                    el.nonneg("BaseCongestionMarkingInterval")?,
                    &el,
                )?,
                tt::DEFAULT_CONGESTION_THRESHOLD => set(
                    &mut p.default_congestion_threshold,
                    el.nonneg("DefaultCongestionThreshold")?,
                    &el,
                )?,
                tt::MTU => set(&mut p.mtu, el.nonneg("Mtu")?, &el)?,
                _ => el.ignore_unless_critical(Self::NAME)?,
            }
        }
        Ok(p)
    }

    fn value_len(&self) -> usize {
        self.name.as_ref().map_or(0, Name::encoded_len)
            + opt_nonneg_tlv_len(tt::FACE_ID, self.face_id)
            + opt_str_tlv_len(tt::URI, self.uri.as_ref())
            + opt_str_tlv_len(tt::LOCAL_URI, self.local_uri.as_ref())
            + opt_nonneg_tlv_len(tt::ORIGIN, self.origin)
            + opt_nonneg_tlv_len(tt::COST, self.cost)
            + opt_nonneg_tlv_len(tt::CAPACITY, self.capacity)
            + opt_nonneg_tlv_len(tt::COUNT, self.count)
            + opt_nonneg_tlv_len(tt::FLAGS, self.flags)
            + opt_nonneg_tlv_len(tt::MASK, self.mask)
            + self
                .strategy
                .as_ref()
                .map_or(0, |s| f::nested_name_len(tt::STRATEGY, s))
            + opt_nonneg_tlv_len(tt::EXPIRATION_PERIOD, self.expiration_period_ms)
            + opt_nonneg_tlv_len(tt::FACE_PERSISTENCY, self.face_persistency.map(u64::from))
            + opt_nonneg_tlv_len(
                tt::BASE_CONGESTION_MARKING_INTERVAL,
                self.base_congestion_marking_interval_ns,
            )
            + opt_nonneg_tlv_len(
                tt::DEFAULT_CONGESTION_THRESHOLD,
                self.default_congestion_threshold,
            )
            + opt_nonneg_tlv_len(tt::MTU, self.mtu)
    }

    fn encode_value(&self, buf: &mut impl BufMut) {
        if let Some(n) = &self.name {
            n.encode_to(buf);
        }
        put_opt_nonneg(buf, tt::FACE_ID, self.face_id);
        put_opt_str(buf, tt::URI, self.uri.as_ref());
        put_opt_str(buf, tt::LOCAL_URI, self.local_uri.as_ref());
        put_opt_nonneg(buf, tt::ORIGIN, self.origin);
        put_opt_nonneg(buf, tt::COST, self.cost);
        put_opt_nonneg(buf, tt::CAPACITY, self.capacity);
        put_opt_nonneg(buf, tt::COUNT, self.count);
        put_opt_nonneg(buf, tt::FLAGS, self.flags);
        put_opt_nonneg(buf, tt::MASK, self.mask);
        if let Some(s) = &self.strategy {
            f::put_nested_name(buf, tt::STRATEGY, s);
        }
        put_opt_nonneg(buf, tt::EXPIRATION_PERIOD, self.expiration_period_ms);
        put_opt_nonneg(
            buf,
            tt::FACE_PERSISTENCY,
            self.face_persistency.map(u64::from),
        );
        put_opt_nonneg(
            buf,
            tt::BASE_CONGESTION_MARKING_INTERVAL,
            self.base_congestion_marking_interval_ns,
        );
        put_opt_nonneg(
            buf,
            tt::DEFAULT_CONGESTION_THRESHOLD,
            self.default_congestion_threshold,
        );
        put_opt_nonneg(buf, tt::MTU, self.mtu);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mgmt::face_flags;

    #[test]
    fn flag_bits_follow_the_mask() {
        let mut p = ControlParameters::default();
        assert_eq!(p.flag(face_flags::LOCAL_FIELDS_ENABLED), None);
        p.set_flag(face_flags::CONGESTION_MARKING_ENABLED, true);
        p.set_flag(face_flags::LP_RELIABILITY_ENABLED, false);
        assert_eq!(p.flags, Some(4));
        assert_eq!(p.mask, Some(6));
        assert_eq!(p.flag(face_flags::CONGESTION_MARKING_ENABLED), Some(true));
        assert_eq!(p.flag(face_flags::LP_RELIABILITY_ENABLED), Some(false));
        assert_eq!(p.flag(face_flags::LOCAL_FIELDS_ENABLED), None);
    }

    #[test]
    fn python_ndn_field_order_is_accepted() {
        // Mtu (0x89) before Flags (0x6C) and Mask (0x70), as python-ndn writes them.
        let wire = Bytes::from_static(&[
            0x68, 0x09, 0x89, 0x01, 0x10, 0x6C, 0x01, 0x01, 0x70, 0x01, 0x01,
        ]);
        let p = ControlParameters::decode(wire).unwrap();
        assert_eq!((p.mtu, p.flags, p.mask), (Some(16), Some(1), Some(1)));
        // re-encoded in NFD's order
        assert_eq!(
            &p.encode()[..],
            &[
                0x68, 0x09, 0x6C, 0x01, 0x01, 0x70, 0x01, 0x01, 0x89, 0x01, 0x10
            ]
        );
    }

    #[test]
    fn duplicate_field_is_rejected() {
        let wire = Bytes::from_static(&[0x68, 0x06, 0x69, 0x01, 0x01, 0x69, 0x01, 0x02]);
        assert!(matches!(
            ControlParameters::decode(wire),
            Err(DecodeError::InvalidValue { offset: 5, .. })
        ));
    }

    #[test]
    fn unknown_persistency_is_rejected() {
        let wire = Bytes::from_static(&[0x68, 0x03, 0x85, 0x01, 0x07]);
        assert!(matches!(
            ControlParameters::decode(wire),
            Err(DecodeError::InvalidValue {
                element: "FacePersistency",
                ..
            })
        ));
    }

    #[test]
    fn strategy_must_hold_a_name() {
        let empty = Bytes::from_static(&[0x68, 0x02, 0x6B, 0x00]);
        assert!(matches!(
            ControlParameters::decode(empty),
            Err(DecodeError::Missing { .. })
        ));
        let not_name = Bytes::from_static(&[0x68, 0x04, 0x6B, 0x02, 0x08, 0x00]);
        assert!(matches!(
            ControlParameters::decode(not_name),
            Err(DecodeError::UnexpectedType { .. })
        ));
    }
}
