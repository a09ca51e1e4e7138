//! Face event notifications (MGMT FaceMgmt "Face Status Change Notification",
//! `/localhost/nfd/faces/events`).

use bytes::{BufMut, Bytes};

use super::Record;
use super::consts::{FaceEventKind, FacePersistency, FaceScope, LinkType};
use super::fields::{self as f, nonneg_tlv_len, required};
use crate::tlv::{self, DecodeError, Element, types as tt};

/// FaceEventNotification (TLV-TYPE 0xC0): one item of the face event stream. Every field is
/// required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceEventNotification {
    /// FaceEventKind.
    pub kind: FaceEventKind,
    /// FaceId.
    pub face_id: u64,
    /// Uri: the remote FaceUri.
    pub uri: String,
    /// LocalUri: the local FaceUri.
    pub local_uri: String,
    /// FaceScope.
    pub face_scope: FaceScope,
    /// FacePersistency.
    pub face_persistency: FacePersistency,
    /// LinkType.
    pub link_type: LinkType,
    /// Flags, see [`face_flags`](super::face_flags).
    pub flags: u64,
}

const ORDER: [u64; 8] = [
    tt::FACE_EVENT_KIND,
    tt::FACE_ID,
    tt::URI,
    tt::LOCAL_URI,
    tt::FACE_SCOPE,
    tt::FACE_PERSISTENCY,
    tt::LINK_TYPE,
    tt::FLAGS,
];

impl Record for FaceEventNotification {
    const TLV_TYPE: u64 = tt::FACE_EVENT_NOTIFICATION;
    const NAME: &'static str = "FaceEventNotification";

    fn decode_value(e: &Element<'_>, _wire: &Bytes) -> Result<Self, DecodeError> {
        const P: &str = "FaceEventNotification";
        let (mut kind, mut face_id, mut uri, mut local_uri) = (None, None, None, None);
        let (mut scope, mut persistency, mut link_type, mut flags) = (None, None, None, None);
        f::walk_ordered(e.reader(), P, &ORDER, &[], |el| {
            match el.tlv_type {
                tt::FACE_EVENT_KIND => kind = Some(f::enumerated(el, "FaceEventKind")?),
                tt::FACE_ID => face_id = Some(el.nonneg("FaceId")?),
                tt::URI => uri = Some(f::string(el, "Uri")?),
                tt::LOCAL_URI => local_uri = Some(f::string(el, "LocalUri")?),
                tt::FACE_SCOPE => scope = Some(f::enumerated(el, "FaceScope")?),
                tt::FACE_PERSISTENCY => persistency = Some(f::enumerated(el, "FacePersistency")?),
                tt::LINK_TYPE => link_type = Some(f::enumerated(el, "LinkType")?),
                _ => flags = Some(el.nonneg("Flags")?),
            }
            Ok(())
        })?;
        Ok(FaceEventNotification {
            kind: required(kind, "FaceEventKind", P)?,
            face_id: required(face_id, "FaceId", P)?,
            uri: required(uri, "Uri", P)?,
            local_uri: required(local_uri, "LocalUri", P)?,
            face_scope: required(scope, "FaceScope", P)?,
            face_persistency: required(persistency, "FacePersistency", P)?,
            link_type: required(link_type, "LinkType", P)?,
            flags: required(flags, "Flags", P)?,
        })
    }

    fn value_len(&self) -> usize {
        nonneg_tlv_len(tt::FACE_EVENT_KIND, self.kind.into())
            + nonneg_tlv_len(tt::FACE_ID, self.face_id)
            + f::bytes_tlv_len(tt::URI, self.uri.as_bytes())
            + f::bytes_tlv_len(tt::LOCAL_URI, self.local_uri.as_bytes())
            + nonneg_tlv_len(tt::FACE_SCOPE, self.face_scope.into())
            + nonneg_tlv_len(tt::FACE_PERSISTENCY, self.face_persistency.into())
            + nonneg_tlv_len(tt::LINK_TYPE, self.link_type.into())
            + nonneg_tlv_len(tt::FLAGS, self.flags)
    }

    fn encode_value(&self, buf: &mut impl BufMut) {
        tlv::put_nonneg_tlv(buf, tt::FACE_EVENT_KIND, self.kind.into());
        tlv::put_nonneg_tlv(buf, tt::FACE_ID, self.face_id);
        tlv::put_tlv(buf, tt::URI, self.uri.as_bytes());
        tlv::put_tlv(buf, tt::LOCAL_URI, self.local_uri.as_bytes());
        tlv::put_nonneg_tlv(buf, tt::FACE_SCOPE, self.face_scope.into());
        tlv::put_nonneg_tlv(buf, tt::FACE_PERSISTENCY, self.face_persistency.into());
        tlv::put_nonneg_tlv(buf, tt::LINK_TYPE, self.link_type.into());
        tlv::put_nonneg_tlv(buf, tt::FLAGS, self.flags);
    }
}
