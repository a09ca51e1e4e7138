//! Data packets (PF 4 "Data Packet").

use std::ops::Range;

use bytes::{Bytes, BytesMut};

use super::SignatureInfo;
use crate::name::Name;
use crate::sign::{SignError, Signer, sha256};
use crate::tlv::{self, DecodeError, Reader, types as tt};

/// ContentType values (PF 4.2.1).
pub mod content_type {
    /// Payload bytes (the default).
    pub const BLOB: u64 = 0;
    /// A list of delegation names.
    pub const LINK: u64 = 1;
    /// A public key or certificate.
    pub const KEY: u64 = 2;
    /// An application-level negative acknowledgement.
    pub const NACK: u64 = 3;
    /// A prefix announcement.
    pub const PREFIX_ANN: u64 = 5;
}

/// A decoded Data packet. It keeps the original wire, so a forwarder passes it on unchanged.
#[derive(Debug, Clone)]
pub struct Data {
    wire: Bytes,
    name: Name,
    content_type: u64,
    freshness_period: Option<u64>,
    /// The FinalBlockId's NameComponent TLV.
    final_block_id: Option<Range<u32>>,
    content: Range<u32>,
    signature_type: u64,
    /// Whole SignatureInfo TLV.
    signature_info: Range<u32>,
    signature_value: Range<u32>,
    /// Offset of the Name TLV (start of the signed portion).
    signed_start: u32,
}

fn slice(wire: &Bytes, r: &Range<u32>) -> Bytes {
    wire.slice(r.start as usize..r.end as usize)
}

impl Data {
    /// Decode a Data packet that fills `wire` exactly.
    pub fn decode(wire: Bytes) -> Result<Data, DecodeError> {
        const PARENT: &str = "Data";
        let mut outer = Reader::new(&wire);
        let top = outer.expect_element(tt::DATA, PARENT)?;
        if !outer.is_empty() {
            return Err(DecodeError::TrailingBytes {
                offset: top.end,
                count: wire.len() - top.end,
            });
        }
        if u32::try_from(wire.len()).is_err() {
            return Err(DecodeError::InvalidValue {
                element: PARENT,
                offset: 0,
                reason: "packet too large",
            });
        }
        let mut r = top.reader();
        let missing = |element| DecodeError::Missing {
            element,
            parent: PARENT,
        };
        if r.is_empty() {
            return Err(missing("Name"));
        }
        let name_el = r.read_element()?;
        if name_el.tlv_type != tt::NAME {
            return Err(missing("Name"));
        }
        let name = Name::decode_value(
            wire.slice(name_el.value_offset..name_el.end),
            name_el.value_offset,
        )?;
        let mut content_type = content_type::BLOB;
        let mut freshness_period = None;
        let mut final_block_id = None;
        let mut content = top.end as u32..top.end as u32;
        let mut sig_info = None;
        let mut sig_value = None;
        let mut signature_type = 0;
        // PF 4.1 order: Name, MetaInfo, Content, SignatureInfo, SignatureValue
        let mut last = 0u8;
        while !r.is_empty() {
            let e = r.read_element()?;
            let rank = match e.tlv_type {
                tt::META_INFO => 1,
                tt::CONTENT => 2,
                tt::SIGNATURE_INFO => 3,
                tt::SIGNATURE_VALUE => 4,
                _ => 0,
            };
            if rank == 0 || rank <= last {
                e.ignore_unless_critical(PARENT)?;
                continue;
            }
            last = rank;
            match e.tlv_type {
                tt::META_INFO => {
                    let mut mlast = 0u8;
                    for m in e.reader() {
                        let m = m?;
                        let mrank = match m.tlv_type {
                            tt::CONTENT_TYPE => 1,
                            tt::FRESHNESS_PERIOD => 2,
                            tt::FINAL_BLOCK_ID => 3,
                            _ => 0,
                        };
                        if mrank == 0 || mrank <= mlast {
                            m.ignore_unless_critical("MetaInfo")?;
                            continue;
                        }
                        mlast = mrank;
                        match m.tlv_type {
                            tt::CONTENT_TYPE => content_type = m.nonneg("ContentType")?,
                            tt::FRESHNESS_PERIOD => {
                                freshness_period = Some(m.nonneg("FreshnessPeriod")?);
                            }
                            _ => {
                                // exactly one valid NameComponent
                                let mut cr = m.reader();
                                let c = cr.read_element()?;
                                if !cr.is_empty() || c.tlv_type == 0 || c.tlv_type > 0xFFFF {
                                    return Err(DecodeError::InvalidValue {
                                        element: "FinalBlockId",
                                        offset: m.offset,
                                        reason: "must hold one name component",
                                    });
                                }
                                final_block_id = Some(m.value_offset as u32..m.end as u32);
                            }
                        }
                    }
                }
                tt::CONTENT => content = e.value_offset as u32..e.end as u32,
                tt::SIGNATURE_INFO => {
                    let st = e
                        .reader()
                        .expect_element(tt::SIGNATURE_TYPE, "SignatureType")?;
                    signature_type = st.nonneg("SignatureType")?;
                    sig_info = Some(e.offset as u32..e.end as u32);
                }
                _ => sig_value = Some(e.value_offset as u32..e.end as u32),
            }
        }
        let signature_info = sig_info.ok_or(missing("SignatureInfo"))?;
        let signature_value = sig_value.ok_or(missing("SignatureValue"))?;
        Ok(Data {
            name,
            content_type,
            freshness_period,
            final_block_id,
            content,
            signature_type,
            signature_info,
            signature_value,
            signed_start: name_el.offset as u32,
            wire,
        })
    }

    /// The whole encoded Data, as received.
    pub fn wire(&self) -> &Bytes {
        &self.wire
    }

    /// The Data name (without the implicit digest).
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// ContentType (BLOB when absent).
    pub fn content_type(&self) -> u64 {
        self.content_type
    }

    /// FreshnessPeriod in milliseconds, when present (absent means "never fresh" to a cache
    /// answering MustBeFresh Interests).
    pub fn freshness_period(&self) -> Option<u64> {
        self.freshness_period
    }

    /// FinalBlockId as an encoded name component, when present.
    pub fn final_block_id(&self) -> Option<Bytes> {
        self.final_block_id.as_ref().map(|r| slice(&self.wire, r))
    }

    /// FinalBlockId read as a segment number, when it is a SegmentNameComponent.
    pub fn final_segment(&self) -> Option<u64> {
        let c = self.final_block_id()?;
        let mut r = Reader::new(&c);
        let e = r.read_element().ok()?;
        if e.tlv_type == tt::SEGMENT_NAME_COMPONENT {
            tlv::decode_nonneg(e.value)
        } else {
            None
        }
    }

    /// The Content value (empty when absent).
    pub fn content(&self) -> Bytes {
        slice(&self.wire, &self.content)
    }

    /// Content length without creating a slice.
    pub fn content_len(&self) -> usize {
        (self.content.end - self.content.start) as usize
    }

    /// SignatureType from SignatureInfo.
    pub fn signature_type(&self) -> u64 {
        self.signature_type
    }

    /// The whole SignatureInfo, decoded on demand.
    pub fn signature_info(&self) -> Result<SignatureInfo, DecodeError> {
        SignatureInfo::from_wire(&slice(&self.wire, &self.signature_info))
    }

    /// SignatureValue.
    pub fn signature_value(&self) -> Bytes {
        slice(&self.wire, &self.signature_value)
    }

    /// The bytes the signature covers: from the Name to the end of SignatureInfo (PF 5.3).
    pub fn signed_portion(&self) -> &[u8] {
        self.wire
            .get(self.signed_start as usize..self.signature_info.end as usize)
            .unwrap_or_default()
    }

    /// The implicit SHA-256 digest: the hash of the whole Data wire (PF 2.1).
    pub fn implicit_digest(&self) -> [u8; 32] {
        sha256(&[&self.wire])
    }

    /// The full name: the name followed by the implicit digest component.
    pub fn full_name(&self) -> Name {
        self.name.append_implicit_digest(&self.implicit_digest())
    }
}

/// Builds and signs a Data wire.
#[derive(Debug, Clone)]
pub struct DataBuilder {
    name: Name,
    content_type: Option<u64>,
    freshness_period: Option<u64>,
    final_block_id: Option<Bytes>,
    content: Bytes,
    signature_info: SignatureInfo,
}

impl DataBuilder {
    /// Start a Data packet named `name` with empty content.
    pub fn new(name: Name) -> Self {
        DataBuilder {
            name,
            content_type: None,
            freshness_period: None,
            final_block_id: None,
            content: Bytes::new(),
            signature_info: SignatureInfo::default(),
        }
    }

    /// Set the Content.
    pub fn content(mut self, content: impl Into<Bytes>) -> Self {
        self.content = content.into();
        self
    }

    /// Set ContentType (encoded even when BLOB).
    pub fn content_type(mut self, t: u64) -> Self {
        self.content_type = Some(t);
        self
    }

    /// Set FreshnessPeriod in milliseconds.
    pub fn freshness_period(mut self, ms: u64) -> Self {
        self.freshness_period = Some(ms);
        self
    }

    /// Set FinalBlockId to an encoded name component (TLV).
    pub fn final_block_id(mut self, component_tlv: impl Into<Bytes>) -> Self {
        self.final_block_id = Some(component_tlv.into());
        self
    }

    /// Set FinalBlockId to a SegmentNameComponent.
    pub fn final_segment(self, segment: u64) -> Self {
        let mut v = BytesMut::new();
        tlv::put_nonneg_tlv(&mut v, tt::SEGMENT_NAME_COMPONENT, segment);
        self.final_block_id(v.freeze())
    }

    /// Extra SignatureInfo fields (ValidityPeriod for certificates). Type and key locator come
    /// from the signer.
    pub fn signature_info(mut self, info: SignatureInfo) -> Self {
        self.signature_info = info;
        self
    }

    fn meta_len(&self) -> usize {
        let mut n = 0;
        if let Some(t) = self.content_type {
            n += tlv::tlv_len(tt::CONTENT_TYPE, tlv::nonneg_len(t));
        }
        if let Some(f) = self.freshness_period {
            n += tlv::tlv_len(tt::FRESHNESS_PERIOD, tlv::nonneg_len(f));
        }
        if let Some(c) = &self.final_block_id {
            n += tlv::tlv_len(tt::FINAL_BLOCK_ID, c.len());
        }
        n
    }

    /// Encode and sign. Empty MetaInfo is omitted; Content is always present.
    pub fn sign(&self, signer: &dyn Signer) -> Result<Bytes, SignError> {
        let mut info = self.signature_info.clone();
        info.signature_type = signer.signature_type();
        info.key_locator = signer.key_locator();
        let meta_len = self.meta_len();
        let signed_len = self.name.encoded_len()
            + if meta_len > 0 {
                tlv::tlv_len(tt::META_INFO, meta_len)
            } else {
                0
            }
            + tlv::tlv_len(tt::CONTENT, self.content.len())
            + info.encoded_len(tt::SIGNATURE_INFO);
        // one buffer: room for the longest outer header, the signed portion, the signature;
        // the header is written in front once the length is known, and the room it does not
        // use is sliced off, so the content is copied once
        const HEADER_ROOM: usize = tlv::var_number_len(tt::DATA) + 9;
        let sig_room = tlv::tlv_len(tt::SIGNATURE_VALUE, signer.max_signature_len());
        let mut buf = BytesMut::with_capacity(HEADER_ROOM + signed_len + sig_room);
        buf.resize(HEADER_ROOM, 0);
        self.name.encode_to(&mut buf);
        if meta_len > 0 {
            tlv::put_tlv_header(&mut buf, tt::META_INFO, meta_len);
            if let Some(t) = self.content_type {
                tlv::put_nonneg_tlv(&mut buf, tt::CONTENT_TYPE, t);
            }
            if let Some(f) = self.freshness_period {
                tlv::put_nonneg_tlv(&mut buf, tt::FRESHNESS_PERIOD, f);
            }
            if let Some(c) = &self.final_block_id {
                tlv::put_tlv(&mut buf, tt::FINAL_BLOCK_ID, c);
            }
        }
        tlv::put_tlv(&mut buf, tt::CONTENT, &self.content);
        info.encode_to(tt::SIGNATURE_INFO, &mut buf);
        debug_assert_eq!(buf.len(), HEADER_ROOM + signed_len);
        let sig = signer.sign(&[&buf[HEADER_ROOM..]])?;
        tlv::put_tlv(&mut buf, tt::SIGNATURE_VALUE, &sig);
        let value_len = buf.len() - HEADER_ROOM;
        let header_len = tlv::var_number_len(tt::DATA) + tlv::var_number_len(value_len as u64);
        let start = HEADER_ROOM - header_len;
        let mut header = &mut buf[start..HEADER_ROOM];
        tlv::put_tlv_header(&mut header, tt::DATA, value_len);
        Ok(buf.freeze().slice(start..))
    }
}
