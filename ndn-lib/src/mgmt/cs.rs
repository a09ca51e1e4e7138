//! Content store information (MGMT CsMgmt "CS Information Dataset", `/localhost/nfd/cs/info`).

use bytes::{BufMut, Bytes};

use super::Record;
use super::fields::{self as f, nonneg_tlv_len, required};
use crate::tlv::{self, DecodeError, Element, types as tt};

/// CsInfo (TLV-TYPE 0x80): the content store's configuration and counters. Every field is
/// required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CsInfo {
    /// Capacity, in packets.
    pub capacity: u64,
    /// Flags, see [`cs_flags`](super::cs_flags).
    pub flags: u64,
    /// NCsEntries: packets currently stored.
    pub n_entries: u64,
    /// NHits: Interests answered from the CS.
    pub n_hits: u64,
    /// NMisses: Interests the CS could not answer.
    pub n_misses: u64,
}

/// Fields in wire order with their spec names.
const FIELDS: [(u64, &str); 5] = [
    (tt::CAPACITY, "Capacity"),
    (tt::FLAGS, "Flags"),
    (tt::N_CS_ENTRIES, "NCsEntries"),
    (tt::N_HITS, "NHits"),
    (tt::N_MISSES, "NMisses"),
];

impl CsInfo {
    fn values(&self) -> [u64; 5] {
        [
            self.capacity,
            self.flags,
            self.n_entries,
            self.n_hits,
            self.n_misses,
        ]
    }
}

impl Record for CsInfo {
    const TLV_TYPE: u64 = tt::CS_INFO;
    const NAME: &'static str = "CsInfo";

    fn decode_value(e: &Element<'_>, _wire: &Bytes) -> Result<Self, DecodeError> {
        let order = FIELDS.map(|(t, _)| t);
        let mut v: [Option<u64>; 5] = [None; 5];
        f::walk_ordered(e.reader(), Self::NAME, &order, &[], |el| {
            if let Some(i) = order.iter().position(|&t| t == el.tlv_type)
                && let (Some(slot), Some((_, name))) = (v.get_mut(i), FIELDS.get(i))
            {
                *slot = Some(el.nonneg(name)?);
            }
            Ok(())
        })?;
        let [capacity, flags, n_entries, n_hits, n_misses] = v;
        let [c, fl, ne, nh, nm] = FIELDS.map(|(_, n)| n);
        Ok(CsInfo {
            capacity: required(capacity, c, Self::NAME)?,
            flags: required(flags, fl, Self::NAME)?,
            n_entries: required(n_entries, ne, Self::NAME)?,
            n_hits: required(n_hits, nh, Self::NAME)?,
            n_misses: required(n_misses, nm, Self::NAME)?,
        })
    }

    fn value_len(&self) -> usize {
        FIELDS
            .iter()
            .zip(self.values())
            .map(|((t, _), v)| nonneg_tlv_len(*t, v))
            .sum()
    }

    fn encode_value(&self, buf: &mut impl BufMut) {
        for ((t, _), v) in FIELDS.iter().zip(self.values()) {
            tlv::put_nonneg_tlv(buf, *t, v);
        }
    }
}
