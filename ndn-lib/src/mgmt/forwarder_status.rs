//! General Status dataset (MGMT ForwarderStatus, `/localhost/nfd/status/general`).

use bytes::{BufMut, Bytes, BytesMut};

use super::fields as f;
use crate::tlv::{self, DecodeError, Reader, types as tt};

/// The General Status dataset (MGMT ForwarderStatus). Unlike the other datasets it is not a
/// list of records: its fields are the top-level elements of the Data Content, in this order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GeneralStatus {
    /// NfdVersion: the forwarder's version string.
    pub nfd_version: String,
    /// StartTimestamp: when the forwarder started, ms since the Unix epoch.
    pub start_timestamp_ms: u64,
    /// CurrentTimestamp: when this dataset was made, ms since the Unix epoch.
    pub current_timestamp_ms: u64,
    /// NNameTreeEntries.
    pub n_name_tree_entries: u64,
    /// NFibEntries.
    pub n_fib_entries: u64,
    /// NPitEntries.
    pub n_pit_entries: u64,
    /// NMeasurementsEntries.
    pub n_measurements_entries: u64,
    /// NCsEntries.
    pub n_cs_entries: u64,
    /// NInInterests.
    pub n_in_interests: u64,
    /// NInData.
    pub n_in_data: u64,
    /// NInNacks.
    pub n_in_nacks: u64,
    /// NOutInterests.
    pub n_out_interests: u64,
    /// NOutData.
    pub n_out_data: u64,
    /// NOutNacks.
    pub n_out_nacks: u64,
    /// NSatisfiedInterests.
    pub n_satisfied_interests: u64,
    /// NUnsatisfiedInterests.
    pub n_unsatisfied_interests: u64,
}

const PARENT: &str = "GeneralStatus";

/// The counters after NfdVersion, in wire order, with their spec names.
const COUNTERS: [(u64, &str); 15] = [
    (tt::START_TIMESTAMP, "StartTimestamp"),
    (tt::CURRENT_TIMESTAMP, "CurrentTimestamp"),
    (tt::N_NAME_TREE_ENTRIES, "NNameTreeEntries"),
    (tt::N_FIB_ENTRIES, "NFibEntries"),
    (tt::N_PIT_ENTRIES, "NPitEntries"),
    (tt::N_MEASUREMENTS_ENTRIES, "NMeasurementsEntries"),
    (tt::N_CS_ENTRIES, "NCsEntries"),
    (tt::N_IN_INTERESTS, "NInInterests"),
    (tt::N_IN_DATA, "NInData"),
    (tt::N_IN_NACKS, "NInNacks"),
    (tt::N_OUT_INTERESTS, "NOutInterests"),
    (tt::N_OUT_DATA, "NOutData"),
    (tt::N_OUT_NACKS, "NOutNacks"),
    (tt::N_SATISFIED_INTERESTS, "NSatisfiedInterests"),
    (tt::N_UNSATISFIED_INTERESTS, "NUnsatisfiedInterests"),
];

impl GeneralStatus {
    fn counters(&self) -> [u64; 15] {
        [
            self.start_timestamp_ms,
            self.current_timestamp_ms,
            self.n_name_tree_entries,
            self.n_fib_entries,
            self.n_pit_entries,
            self.n_measurements_entries,
            self.n_cs_entries,
            self.n_in_interests,
            self.n_in_data,
            self.n_in_nacks,
            self.n_out_interests,
            self.n_out_data,
            self.n_out_nacks,
            self.n_satisfied_interests,
            self.n_unsatisfied_interests,
        ]
    }

    fn counters_mut(&mut self) -> [&mut u64; 15] {
        [
            &mut self.start_timestamp_ms,
            &mut self.current_timestamp_ms,
            &mut self.n_name_tree_entries,
            &mut self.n_fib_entries,
            &mut self.n_pit_entries,
            &mut self.n_measurements_entries,
            &mut self.n_cs_entries,
            &mut self.n_in_interests,
            &mut self.n_in_data,
            &mut self.n_in_nacks,
            &mut self.n_out_interests,
            &mut self.n_out_data,
            &mut self.n_out_nacks,
            &mut self.n_satisfied_interests,
            &mut self.n_unsatisfied_interests,
        ]
    }

    /// Decode a Data Content value (its TLV-VALUE, as [`Data::content`](crate::Data::content)
    /// returns it). Every field is required; unknown non-critical elements are skipped.
    pub fn decode(content: Bytes) -> Result<Self, DecodeError> {
        let mut order = [0u64; 16];
        order[0] = tt::NFD_VERSION;
        for (slot, (t, _)) in order.iter_mut().skip(1).zip(COUNTERS) {
            *slot = t;
        }
        let mut version = None;
        let mut values: [Option<u64>; 15] = [None; 15];
        f::walk_ordered(Reader::new(&content), PARENT, &order, &[], |el| {
            if el.tlv_type == tt::NFD_VERSION {
                version = Some(f::string(el, "NfdVersion")?);
            } else if let Some(i) = COUNTERS.iter().position(|(t, _)| *t == el.tlv_type)
                && let (Some(slot), Some((_, name))) = (values.get_mut(i), COUNTERS.get(i))
            {
                *slot = Some(el.nonneg(name)?);
            }
            Ok(())
        })?;
        let mut s = GeneralStatus {
            nfd_version: f::required(version, "NfdVersion", PARENT)?,
            ..Default::default()
        };
        for ((field, value), (_, name)) in s.counters_mut().into_iter().zip(values).zip(COUNTERS) {
            *field = f::required(value, name, PARENT)?;
        }
        Ok(s)
    }

    /// Size of the encoded Content value.
    pub fn encoded_len(&self) -> usize {
        f::bytes_tlv_len(tt::NFD_VERSION, self.nfd_version.as_bytes())
            + COUNTERS
                .iter()
                .zip(self.counters())
                .map(|((t, _), v)| f::nonneg_tlv_len(*t, v))
                .sum::<usize>()
    }

    /// Write the Content value (the fields, not wrapped in any element).
    pub fn encode_to(&self, buf: &mut impl BufMut) {
        tlv::put_tlv(buf, tt::NFD_VERSION, self.nfd_version.as_bytes());
        for ((t, _), v) in COUNTERS.iter().zip(self.counters()) {
            tlv::put_nonneg_tlv(buf, *t, v);
        }
    }

    /// The Content value as bytes.
    pub fn encode(&self) -> Bytes {
        let mut buf = BytesMut::with_capacity(self.encoded_len());
        self.encode_to(&mut buf);
        buf.freeze()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_counter_is_reported_by_name() {
        let mut s = GeneralStatus {
            nfd_version: "x".into(),
            ..Default::default()
        };
        s.n_out_nacks = 9;
        let wire = s.encode();
        // drop the last element (NUnsatisfiedInterests, 3 bytes)
        let cut = wire.slice(..wire.len() - 3);
        assert!(matches!(
            GeneralStatus::decode(cut),
            Err(DecodeError::Missing {
                element: "NUnsatisfiedInterests",
                ..
            })
        ));
        assert_eq!(GeneralStatus::decode(wire).unwrap(), s);
    }
}
