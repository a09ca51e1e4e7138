//! Face dataset records (MGMT FaceMgmt "Face Dataset" and "Channel Dataset").

use bytes::{BufMut, Bytes};

use super::Record;
use super::consts::{FacePersistency, FaceScope, LinkType};
use super::fields::{self as f, nonneg_tlv_len, opt_nonneg_tlv_len, put_opt_nonneg, required};
use crate::tlv::{self, DecodeError, Element, types as tt};

/// FaceStatus (TLV-TYPE 0x80), one record of `faces/list` and `faces/query` (MGMT FaceMgmt).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FaceStatus {
    /// FaceId.
    pub face_id: u64,
    /// Uri: the remote FaceUri.
    pub uri: String,
    /// LocalUri: the local FaceUri.
    pub local_uri: String,
    /// ExpirationPeriod in ms: time left before an on-demand face closes; absent = never.
    pub expiration_period_ms: Option<u64>,
    /// FaceScope.
    pub face_scope: FaceScope,
    /// FacePersistency.
    pub face_persistency: FacePersistency,
    /// LinkType.
    pub link_type: LinkType,
    /// BaseCongestionMarkingInterval in nanoseconds.
    pub base_congestion_marking_interval_ns: Option<u64>,
    /// DefaultCongestionThreshold in bytes.
    pub default_congestion_threshold: Option<u64>,
    /// Mtu in bytes (the effective MTU; absent for unlimited).
    pub mtu: Option<u64>,
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
    /// NInBytes.
    pub n_in_bytes: u64,
    /// NOutBytes.
    pub n_out_bytes: u64,
    /// Flags, see [`face_flags`](super::face_flags).
    pub flags: u64,
}

/// Field order of FaceStatus.
const FACE_STATUS_ORDER: [u64; 19] = [
    tt::FACE_ID,
    tt::URI,
    tt::LOCAL_URI,
    tt::EXPIRATION_PERIOD,
    tt::FACE_SCOPE,
    tt::FACE_PERSISTENCY,
    tt::LINK_TYPE,
    tt::BASE_CONGESTION_MARKING_INTERVAL,
    tt::DEFAULT_CONGESTION_THRESHOLD,
    tt::MTU,
    tt::N_IN_INTERESTS,
    tt::N_IN_DATA,
    tt::N_IN_NACKS,
    tt::N_OUT_INTERESTS,
    tt::N_OUT_DATA,
    tt::N_OUT_NACKS,
    tt::N_IN_BYTES,
    tt::N_OUT_BYTES,
    tt::FLAGS,
];

/// The counters and Flags, in wire order, with their spec names.
const COUNTERS: [(u64, &str); 9] = [
    (tt::N_IN_INTERESTS, "NInInterests"),
    (tt::N_IN_DATA, "NInData"),
    (tt::N_IN_NACKS, "NInNacks"),
    (tt::N_OUT_INTERESTS, "NOutInterests"),
    (tt::N_OUT_DATA, "NOutData"),
    (tt::N_OUT_NACKS, "NOutNacks"),
    (tt::N_IN_BYTES, "NInBytes"),
    (tt::N_OUT_BYTES, "NOutBytes"),
    (tt::FLAGS, "Flags"),
];

impl FaceStatus {
    fn counters(&self) -> [u64; 9] {
        [
            self.n_in_interests,
            self.n_in_data,
            self.n_in_nacks,
            self.n_out_interests,
            self.n_out_data,
            self.n_out_nacks,
            self.n_in_bytes,
            self.n_out_bytes,
            self.flags,
        ]
    }

    fn counters_mut(&mut self) -> [&mut u64; 9] {
        [
            &mut self.n_in_interests,
            &mut self.n_in_data,
            &mut self.n_in_nacks,
            &mut self.n_out_interests,
            &mut self.n_out_data,
            &mut self.n_out_nacks,
            &mut self.n_in_bytes,
            &mut self.n_out_bytes,
            &mut self.flags,
        ]
    }
}

impl Record for FaceStatus {
    const TLV_TYPE: u64 = tt::FACE_STATUS;
    const NAME: &'static str = "FaceStatus";

    fn decode_value(e: &Element<'_>, _wire: &Bytes) -> Result<Self, DecodeError> {
        const P: &str = "FaceStatus";
        let mut face_id = None;
        let mut uri = None;
        let mut local_uri = None;
        let mut scope = None;
        let mut persistency = None;
        let mut link_type = None;
        let mut s = FaceStatus::default();
        let mut counters: [Option<u64>; 9] = [None; 9];
        f::walk_ordered(e.reader(), P, &FACE_STATUS_ORDER, &[], |el| {
            match el.tlv_type {
                tt::FACE_ID => face_id = Some(el.nonneg("FaceId")?),
                tt::URI => uri = Some(f::string(el, "Uri")?),
                tt::LOCAL_URI => local_uri = Some(f::string(el, "LocalUri")?),
                tt::EXPIRATION_PERIOD => {
                    s.expiration_period_ms = Some(el.nonneg("ExpirationPeriod")?)
                }
                tt::FACE_SCOPE => scope = Some(f::enumerated(el, "FaceScope")?),
                tt::FACE_PERSISTENCY => persistency = Some(f::enumerated(el, "FacePersistency")?),
                tt::LINK_TYPE => link_type = Some(f::enumerated(el, "LinkType")?),
                tt::BASE_CONGESTION_MARKING_INTERVAL => {
                    s.base_congestion_marking_interval_ns =
                        Some(el.nonneg("BaseCongestionMarkingInterval")?)
                }
                tt::DEFAULT_CONGESTION_THRESHOLD => {
                    s.default_congestion_threshold = Some(el.nonneg("DefaultCongestionThreshold")?)
                }
                tt::MTU => s.mtu = Some(el.nonneg("Mtu")?),
                t => {
                    let i = COUNTERS.iter().position(|&(x, _)| x == t);
                    if let Some(i) = i
                        && let (Some(slot), Some((_, name))) =
                            (counters.get_mut(i), COUNTERS.get(i))
                    {
                        *slot = Some(el.nonneg(name)?);
                    }
                }
            }
            Ok(())
        })?;
        s.face_id = required(face_id, "FaceId", P)?;
        s.uri = required(uri, "Uri", P)?;
        s.local_uri = required(local_uri, "LocalUri", P)?;
        s.face_scope = required(scope, "FaceScope", P)?;
        s.face_persistency = required(persistency, "FacePersistency", P)?;
        s.link_type = required(link_type, "LinkType", P)?;
        for ((field, value), (_, name)) in s.counters_mut().into_iter().zip(counters).zip(COUNTERS)
        {
            *field = required(value, name, P)?;
        }
        Ok(s)
    }

    fn value_len(&self) -> usize {
        nonneg_tlv_len(tt::FACE_ID, self.face_id)
            + f::bytes_tlv_len(tt::URI, self.uri.as_bytes())
            + f::bytes_tlv_len(tt::LOCAL_URI, self.local_uri.as_bytes())
            + opt_nonneg_tlv_len(tt::EXPIRATION_PERIOD, self.expiration_period_ms)
            + nonneg_tlv_len(tt::FACE_SCOPE, self.face_scope.into())
            + nonneg_tlv_len(tt::FACE_PERSISTENCY, self.face_persistency.into())
            + nonneg_tlv_len(tt::LINK_TYPE, self.link_type.into())
            + opt_nonneg_tlv_len(
                tt::BASE_CONGESTION_MARKING_INTERVAL,
                self.base_congestion_marking_interval_ns,
            )
            + opt_nonneg_tlv_len(
                tt::DEFAULT_CONGESTION_THRESHOLD,
                self.default_congestion_threshold,
            )
            + opt_nonneg_tlv_len(tt::MTU, self.mtu)
            + COUNTERS
                .iter()
                .zip(self.counters())
                .map(|((t, _), v)| nonneg_tlv_len(*t, v))
                .sum::<usize>()
    }

    fn encode_value(&self, buf: &mut impl BufMut) {
        tlv::put_nonneg_tlv(buf, tt::FACE_ID, self.face_id);
        tlv::put_tlv(buf, tt::URI, self.uri.as_bytes());
        tlv::put_tlv(buf, tt::LOCAL_URI, self.local_uri.as_bytes());
        put_opt_nonneg(buf, tt::EXPIRATION_PERIOD, self.expiration_period_ms);
        tlv::put_nonneg_tlv(buf, tt::FACE_SCOPE, self.face_scope.into());
        tlv::put_nonneg_tlv(buf, tt::FACE_PERSISTENCY, self.face_persistency.into());
        tlv::put_nonneg_tlv(buf, tt::LINK_TYPE, self.link_type.into());
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
        for ((t, _), v) in COUNTERS.iter().zip(self.counters()) {
            tlv::put_nonneg_tlv(buf, *t, v);
        }
    }
}

/// ChannelStatus (TLV-TYPE 0x82), one record of `faces/channels` (MGMT FaceMgmt "Channel
/// Dataset"): a listening endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChannelStatus {
    /// LocalUri of the channel, e.g. `udp4://0.0.0.0:6363`.
    pub local_uri: String,
}

impl Record for ChannelStatus {
    const TLV_TYPE: u64 = tt::CHANNEL_STATUS;
    const NAME: &'static str = "ChannelStatus";

    fn decode_value(e: &Element<'_>, _wire: &Bytes) -> Result<Self, DecodeError> {
        let mut local_uri = None;
        f::walk_ordered(e.reader(), Self::NAME, &[tt::LOCAL_URI], &[], |el| {
            local_uri = Some(f::string(el, "LocalUri")?);
            Ok(())
        })?;
        Ok(ChannelStatus {
            local_uri: required(local_uri, "LocalUri", Self::NAME)?,
        })
    }

    fn value_len(&self) -> usize {
        f::bytes_tlv_len(tt::LOCAL_URI, self.local_uri.as_bytes())
    }

    fn encode_value(&self, buf: &mut impl BufMut) {
        tlv::put_tlv(buf, tt::LOCAL_URI, self.local_uri.as_bytes());
    }
}
