//! FIB dataset records (MGMT FibMgmt "FIB Dataset", `/localhost/nfd/fib/list`).

use bytes::{BufMut, Bytes};

use super::Record;
use super::fields::{self as f, nonneg_tlv_len, required};
use crate::name::Name;
use crate::tlv::{self, DecodeError, Element, types as tt};

/// NextHopRecord (TLV-TYPE 0x81) inside a FibEntry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NextHopRecord {
    /// FaceId of the next hop.
    pub face_id: u64,
    /// Cost of the next hop.
    pub cost: u64,
}

impl Record for NextHopRecord {
    const TLV_TYPE: u64 = tt::NEXT_HOP_RECORD;
    const NAME: &'static str = "NextHopRecord";

    fn decode_value(e: &Element<'_>, _wire: &Bytes) -> Result<Self, DecodeError> {
        let (mut face_id, mut cost) = (None, None);
        f::walk_ordered(
            e.reader(),
            Self::NAME,
            &[tt::FACE_ID, tt::COST],
            &[],
            |el| {
                match el.tlv_type {
                    tt::FACE_ID => face_id = Some(el.nonneg("FaceId")?),
                    _ => cost = Some(el.nonneg("Cost")?),
                }
                Ok(())
            },
        )?;
        Ok(NextHopRecord {
            face_id: required(face_id, "FaceId", Self::NAME)?,
            cost: required(cost, "Cost", Self::NAME)?,
        })
    }

    fn value_len(&self) -> usize {
        nonneg_tlv_len(tt::FACE_ID, self.face_id) + nonneg_tlv_len(tt::COST, self.cost)
    }

    fn encode_value(&self, buf: &mut impl BufMut) {
        tlv::put_nonneg_tlv(buf, tt::FACE_ID, self.face_id);
        tlv::put_nonneg_tlv(buf, tt::COST, self.cost);
    }
}

/// FibEntry (TLV-TYPE 0x80), one record of `fib/list`: a prefix and its next hops.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FibEntry {
    /// The FIB prefix.
    pub name: Name,
    /// Next hops, in the forwarder's order.
    pub next_hops: Vec<NextHopRecord>,
}

impl Record for FibEntry {
    const TLV_TYPE: u64 = tt::FIB_ENTRY;
    const NAME: &'static str = "FibEntry";

    fn decode_value(e: &Element<'_>, wire: &Bytes) -> Result<Self, DecodeError> {
        let mut name = None;
        let mut next_hops = Vec::new();
        let order = [tt::NAME, tt::NEXT_HOP_RECORD];
        f::walk_ordered(
            e.reader(),
            Self::NAME,
            &order,
            &[tt::NEXT_HOP_RECORD],
            |el| {
                match el.tlv_type {
                    tt::NAME => name = Some(f::name(el, wire)?),
                    _ => next_hops.push(NextHopRecord::decode_value(el, wire)?),
                }
                Ok(())
            },
        )?;
        Ok(FibEntry {
            name: required(name, "Name", Self::NAME)?,
            next_hops,
        })
    }

    fn value_len(&self) -> usize {
        self.name.encoded_len()
            + self
                .next_hops
                .iter()
                .map(Record::encoded_len)
                .sum::<usize>()
    }

    fn encode_value(&self, buf: &mut impl BufMut) {
        self.name.encode_to(buf);
        for nh in &self.next_hops {
            nh.encode_to(buf);
        }
    }
}
