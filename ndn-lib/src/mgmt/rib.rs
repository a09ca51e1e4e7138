//! RIB dataset records (MGMT RibMgmt "RIB Dataset", `/localhost/nfd/rib/list`).

use bytes::{BufMut, Bytes};

use super::Record;
use super::fields::{self as f, nonneg_tlv_len, opt_nonneg_tlv_len, put_opt_nonneg, required};
use crate::name::Name;
use crate::tlv::{self, DecodeError, Element, types as tt};

/// Route (TLV-TYPE 0x81) inside a RibEntry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Route {
    /// FaceId the route points to.
    pub face_id: u64,
    /// Origin, see [`route_origin`](super::route_origin).
    pub origin: u64,
    /// Cost.
    pub cost: u64,
    /// Flags, see [`route_flags`](super::route_flags).
    pub flags: u64,
    /// ExpirationPeriod in ms: time left before the route expires; absent = never.
    pub expiration_period_ms: Option<u64>,
}

const ROUTE_ORDER: [u64; 5] = [
    tt::FACE_ID,
    tt::ORIGIN,
    tt::COST,
    tt::FLAGS,
    tt::EXPIRATION_PERIOD,
];

impl Record for Route {
    const TLV_TYPE: u64 = tt::ROUTE;
    const NAME: &'static str = "Route";

    fn decode_value(e: &Element<'_>, _wire: &Bytes) -> Result<Self, DecodeError> {
        let (mut face_id, mut origin, mut cost, mut flags) = (None, None, None, None);
        let mut expiration_period_ms = None;
        f::walk_ordered(e.reader(), Self::NAME, &ROUTE_ORDER, &[], |el| {
            match el.tlv_type {
                tt::FACE_ID => face_id = Some(el.nonneg("FaceId")?),
                tt::ORIGIN => origin = Some(el.nonneg("Origin")?),
                tt::COST => cost = Some(el.nonneg("Cost")?),
                tt::FLAGS => flags = Some(el.nonneg("Flags")?),
                _ => expiration_period_ms = Some(el.nonneg("ExpirationPeriod")?),
            }
            Ok(())
        })?;
        Ok(Route {
            face_id: required(face_id, "FaceId", Self::NAME)?,
            origin: required(origin, "Origin", Self::NAME)?,
            cost: required(cost, "Cost", Self::NAME)?,
            flags: required(flags, "Flags", Self::NAME)?,
            expiration_period_ms,
        })
    }

    fn value_len(&self) -> usize {
        nonneg_tlv_len(tt::FACE_ID, self.face_id)
            + nonneg_tlv_len(tt::ORIGIN, self.origin)
            + nonneg_tlv_len(tt::COST, self.cost)
            + nonneg_tlv_len(tt::FLAGS, self.flags)
            + opt_nonneg_tlv_len(tt::EXPIRATION_PERIOD, self.expiration_period_ms)
    }

    fn encode_value(&self, buf: &mut impl BufMut) {
        tlv::put_nonneg_tlv(buf, tt::FACE_ID, self.face_id);
        tlv::put_nonneg_tlv(buf, tt::ORIGIN, self.origin);
        tlv::put_nonneg_tlv(buf, tt::COST, self.cost);
        tlv::put_nonneg_tlv(buf, tt::FLAGS, self.flags);
        put_opt_nonneg(buf, tt::EXPIRATION_PERIOD, self.expiration_period_ms);
    }
}

/// RibEntry (TLV-TYPE 0x80), one record of `rib/list`: a prefix and its routes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RibEntry {
    /// The RIB prefix.
    pub name: Name,
    /// Routes of this prefix.
    pub routes: Vec<Route>,
}

impl Record for RibEntry {
    const TLV_TYPE: u64 = tt::RIB_ENTRY;
    const NAME: &'static str = "RibEntry";

    fn decode_value(e: &Element<'_>, wire: &Bytes) -> Result<Self, DecodeError> {
        let mut name = None;
        let mut routes = Vec::new();
        let order = [tt::NAME, tt::ROUTE];
        f::walk_ordered(e.reader(), Self::NAME, &order, &[tt::ROUTE], |el| {
            match el.tlv_type {
                tt::NAME => name = Some(f::name(el, wire)?),
                _ => routes.push(Route::decode_value(el, wire)?),
            }
            Ok(())
        })?;
        Ok(RibEntry {
            name: required(name, "Name", Self::NAME)?,
            routes,
        })
    }

    fn value_len(&self) -> usize {
        self.name.encoded_len() + self.routes.iter().map(Record::encoded_len).sum::<usize>()
    }

    fn encode_value(&self, buf: &mut impl BufMut) {
        self.name.encode_to(buf);
        for r in &self.routes {
            r.encode_to(buf);
        }
    }
}
