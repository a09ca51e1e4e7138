//! FaceQueryFilter (MGMT FaceMgmt "Query Operation"): the filter of `faces/query`, carried as
//! the last name component of the dataset Interest.

use bytes::{BufMut, Bytes};

use super::Record;
use super::consts::{FacePersistency, FaceScope, LinkType};
use super::fields::{self as f, opt_nonneg_tlv_len, opt_str_tlv_len, put_opt_nonneg, put_opt_str};
use crate::tlv::{DecodeError, Element, types as tt};

/// FaceQueryFilter (TLV-TYPE 0x96). Every field is optional; a face matches when it matches
/// every field present.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FaceQueryFilter {
    /// FaceId.
    pub face_id: Option<u64>,
    /// UriScheme: matches the scheme of the remote or the local FaceUri (e.g. `udp4`).
    pub uri_scheme: Option<String>,
    /// Uri: the remote FaceUri.
    pub uri: Option<String>,
    /// LocalUri: the local FaceUri.
    pub local_uri: Option<String>,
    /// FaceScope.
    pub face_scope: Option<FaceScope>,
    /// FacePersistency.
    pub face_persistency: Option<FacePersistency>,
    /// LinkType.
    pub link_type: Option<LinkType>,
}

const ORDER: [u64; 7] = [
    tt::FACE_ID,
    tt::URI_SCHEME,
    tt::URI,
    tt::LOCAL_URI,
    tt::FACE_SCOPE,
    tt::FACE_PERSISTENCY,
    tt::LINK_TYPE,
];

impl Record for FaceQueryFilter {
    const TLV_TYPE: u64 = tt::FACE_QUERY_FILTER;
    const NAME: &'static str = "FaceQueryFilter";

    fn decode_value(e: &Element<'_>, _wire: &Bytes) -> Result<Self, DecodeError> {
        let mut q = FaceQueryFilter::default();
        f::walk_ordered(e.reader(), Self::NAME, &ORDER, &[], |el| {
            match el.tlv_type {
                tt::FACE_ID => q.face_id = Some(el.nonneg("FaceId")?),
                tt::URI_SCHEME => q.uri_scheme = Some(f::string(el, "UriScheme")?),
                tt::URI => q.uri = Some(f::string(el, "Uri")?),
                tt::LOCAL_URI => q.local_uri = Some(f::string(el, "LocalUri")?),
                tt::FACE_SCOPE => q.face_scope = Some(f::enumerated(el, "FaceScope")?),
                tt::FACE_PERSISTENCY => {
                    q.face_persistency = Some(f::enumerated(el, "FacePersistency")?)
                }
                _ => q.link_type = Some(f::enumerated(el, "LinkType")?),
            }
            Ok(())
        })?;
        Ok(q)
    }

    fn value_len(&self) -> usize {
        opt_nonneg_tlv_len(tt::FACE_ID, self.face_id)
            + opt_str_tlv_len(tt::URI_SCHEME, self.uri_scheme.as_ref())
            + opt_str_tlv_len(tt::URI, self.uri.as_ref())
            + opt_str_tlv_len(tt::LOCAL_URI, self.local_uri.as_ref())
            + opt_nonneg_tlv_len(tt::FACE_SCOPE, self.face_scope.map(u64::from))
            + opt_nonneg_tlv_len(tt::FACE_PERSISTENCY, self.face_persistency.map(u64::from))
            + opt_nonneg_tlv_len(tt::LINK_TYPE, self.link_type.map(u64::from))
    }

    fn encode_value(&self, buf: &mut impl BufMut) {
        put_opt_nonneg(buf, tt::FACE_ID, self.face_id);
        put_opt_str(buf, tt::URI_SCHEME, self.uri_scheme.as_ref());
        put_opt_str(buf, tt::URI, self.uri.as_ref());
        put_opt_str(buf, tt::LOCAL_URI, self.local_uri.as_ref());
        put_opt_nonneg(buf, tt::FACE_SCOPE, self.face_scope.map(u64::from));
        put_opt_nonneg(
            buf,
            tt::FACE_PERSISTENCY,
            self.face_persistency.map(u64::from),
        );
        put_opt_nonneg(buf, tt::LINK_TYPE, self.link_type.map(u64::from));
    }
}
