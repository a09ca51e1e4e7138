//! NDNLPv2 fragmentation: split a network-layer packet into LpPackets that fit a link MTU.

use bytes::Bytes;

use super::LpPacket;
use crate::tlv::{self, types as tt};

/// Why a packet could not be fragmented.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FragmentError {
    /// The MTU leaves no room for payload after the headers.
    #[error("MTU {mtu} is too small for NDNLPv2 fragments")]
    MtuTooSmall {
        /// The link MTU.
        mtu: usize,
    },
    /// More fragments would be needed than the limit allows.
    #[error("packet of {len} bytes needs more than {max} fragments at MTU {mtu}")]
    TooManyFragments {
        /// Packet length.
        len: usize,
        /// The link MTU.
        mtu: usize,
        /// Fragment limit.
        max: usize,
    },
}

/// Most fragments one packet may be split into (a receiver keeps no more for one packet).
pub const MAX_FRAGMENTS: usize = 400;

/// Fixed per-fragment overhead besides `headers`: LpPacket TL (up to 1+3 bytes), Sequence (10),
/// FragIndex and FragCount (up to 2+2 bytes each for fewer than 65536 fragments), Fragment TL
/// (up to 1+3 bytes).
fn overhead(count: usize) -> usize {
    let n = tlv::nonneg_len(count as u64);
    4 + 10 + 2 * (2 + n) + 4
}

/// Split `packet` into link frames of at most `mtu` bytes.
///
/// `headers` holds the header fields to carry (Nack, CongestionMark, IncomingFaceId, ...);
/// they travel in the first fragment. When the whole packet fits, one frame is returned: the
/// bare packet if `headers` is empty, an LpPacket otherwise, without fragmentation fields.
/// Fragments take consecutive Sequence numbers starting at `*next_sequence`, which is advanced.
pub fn fragment(
    packet: Bytes,
    headers: &LpPacket,
    mtu: usize,
    next_sequence: &mut u64,
) -> Result<Vec<Bytes>, FragmentError> {
    let frames = fragment_frames(packet, headers, mtu, 0, next_sequence)?;
    Ok(match frames.as_slice() {
        [whole] => vec![whole.to_link_wire()],
        _ => frames.iter().map(LpPacket::encode).collect(),
    })
}

/// How many more bytes of header fields the first fragment of `packet_len` bytes could carry,
/// beyond the `headers_len` it has, without the packet needing another fragment (with
/// `reserve` bytes of each frame kept, as [`fragment_frames`] keeps them). `None` when the
/// packet is not fragmented at this MTU (or cannot be).
pub fn fragment_slack(
    packet_len: usize,
    headers_len: usize,
    mtu: usize,
    reserve: usize,
) -> Option<usize> {
    if tlv::tlv_len(
        tt::LP_PACKET,
        headers_len + tlv::tlv_len(tt::LP_FRAGMENT, packet_len) + reserve,
    ) <= mtu
    {
        return None;
    }
    let mut count = 2usize;
    loop {
        let per = mtu
            .checked_sub(overhead(count) + reserve)
            .filter(|&p| p > 0)?;
        let first = per.checked_sub(headers_len).filter(|&p| p > 0)?;
        let rest = packet_len.saturating_sub(first);
        let needed = 1 + rest.div_ceil(per);
        if needed > MAX_FRAGMENTS {
            return None;
        }
        if needed <= count {
            // what the last fragment leaves, bounded so that the first keeps a byte of payload
            let spare = (needed * per).saturating_sub(packet_len + headers_len);
            return Some(spare.min(first - 1));
        }
        count = needed;
    }
}

/// As [`fragment`], but the frames are returned unencoded, each leaving `reserve` bytes of the
/// MTU for header fields the caller adds to every frame afterwards (a TxSequence is 12). With a
/// `reserve`, the single frame of a packet that fits is always an LpPacket.
pub fn fragment_frames(
    packet: Bytes,
    headers: &LpPacket,
    mtu: usize,
    reserve: usize,
    next_sequence: &mut u64,
) -> Result<Vec<LpPacket>, FragmentError> {
    let mut whole = headers.clone();
    whole.fragment = Some(packet.clone());
    let single_len = if reserve == 0 && whole.is_bare() && super::is_network_packet(&packet) {
        packet.len()
    } else {
        tlv::tlv_len(tt::LP_PACKET, whole.value_len() + reserve)
    };
    if single_len <= mtu {
        return Ok(vec![whole]);
    }
    let mut first_headers = whole;
    first_headers.fragment = None;
    first_headers.sequence = None;
    first_headers.frag_index = None;
    first_headers.frag_count = None;
    let hdr_len = first_headers.headers_len();
    // find a fragment count that is consistent with the per-fragment overhead
    let mut count = 2usize;
    loop {
        let per = mtu
            .checked_sub(overhead(count) + reserve)
            .filter(|&p| p > 0)
            .ok_or(FragmentError::MtuTooSmall { mtu })?;
        let first = per
            .checked_sub(hdr_len)
            .filter(|&p| p > 0)
            .ok_or(FragmentError::MtuTooSmall { mtu })?;
        let rest = packet.len().saturating_sub(first);
        let needed = 1 + rest.div_ceil(per);
        if needed > MAX_FRAGMENTS {
            return Err(FragmentError::TooManyFragments {
                len: packet.len(),
                mtu,
                max: MAX_FRAGMENTS,
            });
        }
        if needed <= count {
            let mut out = Vec::with_capacity(needed);
            let mut pos = 0usize;
            for i in 0..needed {
                let size = if i == 0 { first } else { per };
                let end = (pos + size).min(packet.len());
                let mut lp = if i == 0 {
                    first_headers.clone()
                } else {
                    LpPacket::default()
                };
                lp.sequence = Some(*next_sequence);
                *next_sequence = next_sequence.wrapping_add(1);
                lp.frag_index = Some(i as u64);
                lp.frag_count = Some(needed as u64);
                lp.fragment = Some(packet.slice(pos..end));
                out.push(lp);
                pos = end;
            }
            return Ok(out);
        }
        count = needed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames_with_acks(packet: &Bytes, acks: usize, mtu: usize, reserve: usize) -> Option<usize> {
        let mut headers = LpPacket {
            congestion_mark: Some(1),
            ..LpPacket::default()
        };
        headers.acks = (0..acks as u64).collect();
        let mut seq = 0;
        fragment_frames(packet.clone(), &headers, mtu, reserve, &mut seq)
            .ok()
            .map(|f| f.len())
    }

    #[test]
    fn the_slack_of_a_fragmented_packet_takes_headers_without_another_fragment() {
        const ACK: usize = 12;
        let base = LpPacket {
            congestion_mark: Some(1),
            ..LpPacket::default()
        };
        let mut checked = 0;
        for mtu in [200, 1400, 9000] {
            for reserve in [0, 12] {
                for len in (100..30_000).step_by(373) {
                    let packet = Bytes::from(vec![0x55u8; len]);
                    let slack = fragment_slack(len, base.headers_len(), mtu, reserve);
                    let plain = frames_with_acks(&packet, 0, mtu, reserve);
                    let Some(slack) = slack else {
                        // not fragmented (or not fragmentable): one frame or an error
                        assert!(plain.is_none_or(|n| n == 1), "{mtu} {reserve} {len}");
                        continue;
                    };
                    let plain = plain.unwrap();
                    assert!(plain > 1, "{mtu} {reserve} {len}");
                    let k = slack / ACK;
                    assert_eq!(
                        frames_with_acks(&packet, k, mtu, reserve),
                        Some(plain),
                        "{k} acks in the slack of {slack} ({mtu} {reserve} {len})"
                    );
                    let over = frames_with_acks(&packet, k + 1, mtu, reserve);
                    assert!(
                        over.is_none_or(|n| n > plain),
                        "{} acks should not fit in {slack} ({mtu} {reserve} {len})",
                        k + 1
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 300, "{checked}");
    }
}
