//! Interest packets (PF 3 "Interest Packet").

use std::ops::Range;

use bytes::{BufMut, Bytes, BytesMut};

use super::SignatureInfo;
use crate::name::Name;
use crate::sign::{SignError, Signer, sha256};
use crate::tlv::{self, DecodeError, Element, Reader, types as tt};

/// InterestLifetime when the element is absent (PF 3.2.5).
pub const DEFAULT_LIFETIME_MS: u64 = 4000;

/// A decoded Interest. It keeps the original wire, so a forwarder passes it on unchanged.
#[derive(Debug, Clone)]
pub struct Interest {
    wire: Bytes,
    name: Name,
    can_be_prefix: bool,
    must_be_fresh: bool,
    forwarding_hint: Vec<Name>,
    nonce: Option<u32>,
    lifetime: Option<u64>,
    hop_limit: Option<u8>,
    /// Offset of the HopLimit value byte.
    hop_limit_at: u32,
    /// Offset of the Nonce TLV-TYPE (or where one would be inserted).
    nonce_at: u32,
    /// Offset of the ApplicationParameters TLV-TYPE, when present.
    params_at: Option<u32>,
    app_params: Option<Range<u32>>,
    signature_info: Option<Range<u32>>,
    signature_value: Option<Range<u32>>,
}

fn range(e: &Element<'_>) -> Range<u32> {
    e.value_offset as u32..e.end as u32
}

fn slice(wire: &Bytes, r: &Range<u32>) -> Bytes {
    wire.slice(r.start as usize..r.end as usize)
}

impl Interest {
    /// Decode an Interest that fills `wire` exactly.
    pub fn decode(wire: Bytes) -> Result<Interest, DecodeError> {
        const PARENT: &str = "Interest";
        let mut outer = Reader::new(&wire);
        let top = outer.expect_element(tt::INTEREST, PARENT)?;
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
        let missing_name = DecodeError::Missing {
            element: "Name",
            parent: PARENT,
        };
        if r.is_empty() {
            return Err(missing_name);
        }
        let name_el = r.read_element()?;
        if name_el.tlv_type != tt::NAME {
            return Err(missing_name);
        }
        let name = Name::decode_value(
            wire.slice(name_el.value_offset..name_el.end),
            name_el.value_offset,
        )?;
        if name.is_empty() {
            return Err(DecodeError::InvalidValue {
                element: "Name",
                offset: name_el.offset,
                reason: "an Interest name has at least one component",
            });
        }
        let mut can_be_prefix = false;
        let mut must_be_fresh = false;
        let mut forwarding_hint = Vec::new();
        let mut nonce = None;
        let mut lifetime = None;
        let mut hop_limit = None;
        let mut hop_limit_at = 0;
        let mut params_at = None;
        let mut app_params = None;
        let mut signature_info = None;
        let mut signature_value = None;
        // PF 3.1: elements appear in this order; a recognized element out of order is treated as
        // unrecognized (ignored unless critical).
        let mut last = 0u8;
        let mut nonce_at = None;
        while !r.is_empty() {
            let e = r.read_element()?;
            let rank = match e.tlv_type {
                tt::CAN_BE_PREFIX => 1,
                tt::MUST_BE_FRESH => 2,
                tt::FORWARDING_HINT => 3,
                tt::NONCE => 4,
                tt::INTEREST_LIFETIME => 5,
                tt::HOP_LIMIT => 6,
                tt::APPLICATION_PARAMETERS => 7,
                tt::INTEREST_SIGNATURE_INFO => 8,
                tt::INTEREST_SIGNATURE_VALUE => 9,
                _ => 0,
            };
            if rank == 0 || rank <= last {
                e.ignore_unless_critical(PARENT)?;
                continue;
            }
            if nonce_at.is_none() && rank >= 4 {
                nonce_at = Some(e.offset as u32);
            }
            last = rank;
            match e.tlv_type {
                tt::CAN_BE_PREFIX => can_be_prefix = true,
                tt::MUST_BE_FRESH => must_be_fresh = true,
                tt::FORWARDING_HINT => forwarding_hint = decode_forwarding_hint(&e, &wire)?,
                tt::NONCE => {
                    let v: [u8; 4] = e.value.try_into().map_err(|_| DecodeError::InvalidValue {
                        element: "Nonce",
                        offset: e.offset,
                        reason: "Nonce must be 4 bytes",
                    })?;
                    nonce = Some(u32::from_be_bytes(v));
                }
                tt::INTEREST_LIFETIME => lifetime = Some(e.nonneg("InterestLifetime")?),
                tt::HOP_LIMIT => match e.value {
                    [h] => {
                        hop_limit = Some(*h);
                        hop_limit_at = e.value_offset as u32;
                    }
                    _ => {
                        return Err(DecodeError::InvalidValue {
                            element: "HopLimit",
                            offset: e.offset,
                            reason: "HopLimit must be 1 byte",
                        });
                    }
                },
                tt::APPLICATION_PARAMETERS => {
                    params_at = Some(e.offset as u32);
                    app_params = Some(range(&e));
                }
                tt::INTEREST_SIGNATURE_INFO => {
                    signature_info = Some(e.offset as u32..e.end as u32);
                }
                _ => signature_value = Some(range(&e)),
            }
        }
        if signature_value.is_some() && signature_info.is_none() {
            return Err(DecodeError::Missing {
                element: "InterestSignatureInfo",
                parent: PARENT,
            });
        }
        if signature_info.is_some() && app_params.is_none() {
            return Err(DecodeError::Missing {
                element: "ApplicationParameters",
                parent: "signed Interest",
            });
        }
        check_parameters_digest(&name, params_at, &wire)?;
        Ok(Interest {
            nonce_at: nonce_at.unwrap_or(top.end as u32),
            wire,
            name,
            can_be_prefix,
            must_be_fresh,
            forwarding_hint,
            nonce,
            lifetime,
            hop_limit,
            hop_limit_at,
            params_at,
            app_params,
            signature_info,
            signature_value,
        })
    }

    /// The whole encoded Interest, as received.
    pub fn wire(&self) -> &Bytes {
        &self.wire
    }

    /// The Interest name (including any ParametersSha256DigestComponent).
    pub fn name(&self) -> &Name {
        &self.name
    }

    /// CanBePrefix: any Data whose name starts with this name may answer.
    pub fn can_be_prefix(&self) -> bool {
        self.can_be_prefix
    }

    /// MustBeFresh: a cached Data past its FreshnessPeriod must not answer.
    pub fn must_be_fresh(&self) -> bool {
        self.must_be_fresh
    }

    /// ForwardingHint delegations, in preference order.
    pub fn forwarding_hint(&self) -> &[Name] {
        &self.forwarding_hint
    }

    /// Nonce, when present.
    pub fn nonce(&self) -> Option<u32> {
        self.nonce
    }

    /// InterestLifetime in milliseconds as carried, or `None` when absent.
    pub fn lifetime_raw(&self) -> Option<u64> {
        self.lifetime
    }

    /// InterestLifetime in milliseconds (4000 when absent).
    pub fn lifetime_ms(&self) -> u64 {
        self.lifetime.unwrap_or(DEFAULT_LIFETIME_MS)
    }

    /// HopLimit, when present.
    pub fn hop_limit(&self) -> Option<u8> {
        self.hop_limit
    }

    /// ApplicationParameters value, when present.
    pub fn app_parameters(&self) -> Option<Bytes> {
        self.app_params.as_ref().map(|r| slice(&self.wire, r))
    }

    /// True when the Interest carries InterestSignatureInfo.
    pub fn is_signed(&self) -> bool {
        self.signature_info.is_some()
    }

    /// InterestSignatureInfo, decoded on demand (error offsets count from the element).
    pub fn signature_info(&self) -> Option<Result<SignatureInfo, DecodeError>> {
        let r = self.signature_info.as_ref()?;
        Some(SignatureInfo::from_wire(&slice(&self.wire, r)))
    }

    /// InterestSignatureValue, when present.
    pub fn signature_value(&self) -> Option<Bytes> {
        self.signature_value.as_ref().map(|r| slice(&self.wire, r))
    }

    /// The byte ranges an Interest signature covers (PF 5.4): the name components except the
    /// ParametersSha256DigestComponent, then everything from ApplicationParameters to the end of
    /// InterestSignatureInfo. `None` for an unsigned Interest.
    pub fn signed_portion(&self) -> Option<Vec<&[u8]>> {
        let sig_info = self.signature_info.as_ref()?;
        let params_at = self.params_at? as usize;
        let mut parts = Vec::with_capacity(3);
        let name = self.name.value();
        let mut pos = 0usize;
        for c in self.name.iter() {
            let len = c.tlv().len();
            if c.is_parameters_digest() {
                parts.push(name.get(..pos).unwrap_or_default());
                parts.push(name.get(pos + len..).unwrap_or_default());
                break;
            }
            pos += len;
        }
        if parts.is_empty() {
            parts.push(&name[..]);
        }
        parts.retain(|p| !p.is_empty());
        parts.push(
            self.wire
                .get(params_at..sig_info.end as usize)
                .unwrap_or_default(),
        );
        Some(parts)
    }

    /// A copy with HopLimit set to `hop_limit` (the forwarder decrements it). The Interest must
    /// already carry a HopLimit; otherwise it is returned unchanged.
    pub fn with_hop_limit(&self, hop_limit: u8) -> Interest {
        if self.hop_limit.is_none() {
            return self.clone();
        }
        let mut buf = BytesMut::from(&self.wire[..]);
        if let Some(b) = buf.get_mut(self.hop_limit_at as usize) {
            *b = hop_limit;
        }
        let mut out = self.clone();
        out.wire = buf.freeze();
        out.hop_limit = Some(hop_limit);
        out
    }

    /// A copy without its ForwardingHint, re-encoded (a forwarder strips the hint once the
    /// Interest reaches the producer's network region). Returned unchanged when there is none.
    /// The hint is covered neither by a signature nor by the parameters digest, so both stay
    /// valid.
    pub fn without_forwarding_hint(&self) -> Interest {
        if self.forwarding_hint.is_empty() {
            return self.clone();
        }
        let mut outer = Reader::new(&self.wire);
        let Ok(top) = outer.expect_element(tt::INTEREST, "Interest") else {
            return self.clone();
        };
        let mut kept = Vec::new();
        let mut r = top.reader();
        while let Ok(e) = r.read_element() {
            if e.tlv_type != tt::FORWARDING_HINT {
                kept.push(e.offset..e.end);
            }
        }
        let value_len: usize = kept.iter().map(|r| r.len()).sum();
        let mut buf = BytesMut::with_capacity(tlv::tlv_len(tt::INTEREST, value_len));
        tlv::put_tlv_header(&mut buf, tt::INTEREST, value_len);
        for at in kept {
            buf.put_slice(self.wire.get(at).unwrap_or_default());
        }
        // the same elements minus one that no other depends on: it decodes
        Interest::decode(buf.freeze()).unwrap_or_else(|_| self.clone())
    }

    /// A copy carrying `nonce` (replacing any Nonce it has), re-encoded.
    pub fn with_nonce(&self, nonce: u32) -> Interest {
        let top_hdr = {
            let mut r = Reader::new(&self.wire);
            let _ = r.read_var_number();
            let _ = r.read_var_number();
            r.offset()
        };
        let at = self.nonce_at as usize;
        let old_len = if self.nonce.is_some() { 6 } else { 0 };
        let before = self.wire.get(top_hdr..at).unwrap_or_default();
        let after = self.wire.get(at + old_len..).unwrap_or_default();
        let value_len = before.len() + 6 + after.len();
        let mut buf = BytesMut::with_capacity(tlv::tlv_len(tt::INTEREST, value_len));
        tlv::put_tlv_header(&mut buf, tt::INTEREST, value_len);
        buf.put_slice(before);
        tlv::put_tlv(&mut buf, tt::NONCE, &nonce.to_be_bytes());
        buf.put_slice(after);
        // the result has the same structure, so it decodes; fall back to self if it does not
        Interest::decode(buf.freeze()).unwrap_or_else(|_| self.clone())
    }
}

/// PF 3.2.7: with ApplicationParameters the name carries exactly one
/// ParametersSha256DigestComponent equal to the SHA-256 of everything from
/// ApplicationParameters to the end of the Interest; without them, none.
fn check_parameters_digest(
    name: &Name,
    params_at: Option<u32>,
    wire: &Bytes,
) -> Result<(), DecodeError> {
    let invalid = |reason| DecodeError::InvalidValue {
        element: "ParametersSha256DigestComponent",
        offset: 0,
        reason,
    };
    let count = name.parameters_digest_count();
    if count > 1 {
        return Err(invalid("more than one parameters digest component"));
    }
    match (params_at, count) {
        (None, 0) => Ok(()),
        (None, _) => Err(invalid(
            "parameters digest component without ApplicationParameters",
        )),
        (Some(_), _) if count == 0 => Err(DecodeError::Missing {
            element: "ParametersSha256DigestComponent",
            parent: "Interest with ApplicationParameters",
        }),
        (Some(at), _) => {
            let digest = name
                .iter()
                .find(|c| c.is_parameters_digest())
                .map(|c| c.value());
            let covered = wire.get(at as usize..).unwrap_or_default();
            if digest == Some(sha256(&[covered]).as_slice()) {
                Ok(())
            } else {
                Err(invalid("does not match the parameters"))
            }
        }
    }
}

fn decode_forwarding_hint(e: &Element<'_>, wire: &Bytes) -> Result<Vec<Name>, DecodeError> {
    let mut names = Vec::new();
    for el in e.reader() {
        let el = el?;
        match el.tlv_type {
            tt::NAME => names.push(Name::decode_value(
                wire.slice(el.value_offset..el.end),
                el.value_offset,
            )?),
            // the pre-2021 form: Delegation { Preference, Name }
            0x1F => {
                for inner in el.reader() {
                    let inner = inner?;
                    if inner.tlv_type == tt::NAME {
                        names.push(Name::decode_value(
                            wire.slice(inner.value_offset..inner.end),
                            inner.value_offset,
                        )?);
                    }
                }
            }
            _ => el.ignore_unless_critical("ForwardingHint")?,
        }
    }
    Ok(names)
}

/// Builds an Interest wire. Sans-IO: the caller supplies the Nonce (from its own RNG).
#[derive(Debug, Clone)]
pub struct InterestBuilder {
    name: Name,
    can_be_prefix: bool,
    must_be_fresh: bool,
    forwarding_hint: Vec<Name>,
    nonce: Option<u32>,
    lifetime: Option<u64>,
    hop_limit: Option<u8>,
    app_params: Option<Bytes>,
}

impl InterestBuilder {
    /// Start an Interest for `name` (a trailing ParametersSha256DigestComponent, if any, is
    /// replaced on encode).
    pub fn new(name: Name) -> Self {
        InterestBuilder {
            name,
            can_be_prefix: false,
            must_be_fresh: false,
            forwarding_hint: Vec::new(),
            nonce: None,
            lifetime: None,
            hop_limit: None,
            app_params: None,
        }
    }

    /// Set CanBePrefix.
    pub fn can_be_prefix(mut self, yes: bool) -> Self {
        self.can_be_prefix = yes;
        self
    }

    /// Set MustBeFresh.
    pub fn must_be_fresh(mut self, yes: bool) -> Self {
        self.must_be_fresh = yes;
        self
    }

    /// Set the ForwardingHint delegations.
    pub fn forwarding_hint(mut self, names: Vec<Name>) -> Self {
        self.forwarding_hint = names;
        self
    }

    /// Set the Nonce.
    pub fn nonce(mut self, nonce: u32) -> Self {
        self.nonce = Some(nonce);
        self
    }

    /// Set InterestLifetime in milliseconds (encoded even when it is the default 4000).
    pub fn lifetime_ms(mut self, ms: u64) -> Self {
        self.lifetime = Some(ms);
        self
    }

    /// Set HopLimit.
    pub fn hop_limit(mut self, hops: u8) -> Self {
        self.hop_limit = Some(hops);
        self
    }

    /// Set ApplicationParameters; the ParametersSha256DigestComponent is computed on encode.
    pub fn app_parameters(mut self, params: impl Into<Bytes>) -> Self {
        self.app_params = Some(params.into());
        self
    }

    /// The name without any ParametersSha256DigestComponent.
    fn base_name(&self) -> Name {
        match self.name.parameters_digest_index() {
            None => self.name.clone(),
            Some(i) => {
                let comps: Vec<_> = self
                    .name
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, c)| (c.typ(), c.value()))
                    .collect();
                Name::from_components(comps).unwrap_or_default()
            }
        }
    }

    fn selectors_len(&self) -> usize {
        let mut n = 0;
        if self.can_be_prefix {
            n += 2;
        }
        if self.must_be_fresh {
            n += 2;
        }
        if !self.forwarding_hint.is_empty() {
            let inner: usize = self.forwarding_hint.iter().map(Name::encoded_len).sum();
            n += tlv::tlv_len(tt::FORWARDING_HINT, inner);
        }
        if self.nonce.is_some() {
            n += 6;
        }
        if let Some(l) = self.lifetime {
            n += tlv::tlv_len(tt::INTEREST_LIFETIME, tlv::nonneg_len(l));
        }
        if self.hop_limit.is_some() {
            n += 3;
        }
        n
    }

    fn put_selectors(&self, buf: &mut BytesMut) {
        if self.can_be_prefix {
            tlv::put_tlv_header(buf, tt::CAN_BE_PREFIX, 0);
        }
        if self.must_be_fresh {
            tlv::put_tlv_header(buf, tt::MUST_BE_FRESH, 0);
        }
        if !self.forwarding_hint.is_empty() {
            let inner: usize = self.forwarding_hint.iter().map(Name::encoded_len).sum();
            tlv::put_tlv_header(buf, tt::FORWARDING_HINT, inner);
            for n in &self.forwarding_hint {
                n.encode_to(buf);
            }
        }
        if let Some(nonce) = self.nonce {
            tlv::put_tlv(buf, tt::NONCE, &nonce.to_be_bytes());
        }
        if let Some(l) = self.lifetime {
            tlv::put_nonneg_tlv(buf, tt::INTEREST_LIFETIME, l);
        }
        if let Some(h) = self.hop_limit {
            tlv::put_tlv(buf, tt::HOP_LIMIT, &[h]);
        }
    }

    /// Assemble: `name` (already final), selectors, then `tail` (parameters and signature).
    fn assemble(&self, name: &Name, tail: &[u8]) -> Bytes {
        let value_len = name.encoded_len() + self.selectors_len() + tail.len();
        let mut buf = BytesMut::with_capacity(tlv::tlv_len(tt::INTEREST, value_len));
        tlv::put_tlv_header(&mut buf, tt::INTEREST, value_len);
        name.encode_to(&mut buf);
        self.put_selectors(&mut buf);
        buf.put_slice(tail);
        buf.freeze()
    }

    /// Encode an unsigned Interest.
    pub fn encode(&self) -> Bytes {
        match &self.app_params {
            None => self.assemble(&self.name, &[]),
            Some(p) => {
                let mut tail =
                    BytesMut::with_capacity(tlv::tlv_len(tt::APPLICATION_PARAMETERS, p.len()));
                tlv::put_tlv(&mut tail, tt::APPLICATION_PARAMETERS, p);
                let digest = sha256(&[&tail]);
                let name = self.base_name().append_parameters_digest(&digest);
                self.assemble(&name, &tail)
            }
        }
    }

    /// Encode a signed Interest (PF 5.4): ApplicationParameters (empty when unset), then
    /// InterestSignatureInfo built from `info` with the signer's type and key locator, then
    /// InterestSignatureValue; the ParametersSha256DigestComponent covers all three.
    pub fn sign(&self, signer: &dyn Signer, mut info: SignatureInfo) -> Result<Bytes, SignError> {
        info.signature_type = signer.signature_type();
        info.key_locator = signer.key_locator();
        let params = self.app_params.clone().unwrap_or_default();
        let mut tail = BytesMut::new();
        tlv::put_tlv(&mut tail, tt::APPLICATION_PARAMETERS, &params);
        info.encode_to(tt::INTEREST_SIGNATURE_INFO, &mut tail);
        let base = self.base_name();
        let sig = signer.sign(&[base.value(), &tail])?;
        tlv::put_tlv(&mut tail, tt::INTEREST_SIGNATURE_VALUE, &sig);
        let digest = sha256(&[&tail]);
        let name = base.append_parameters_digest(&digest);
        Ok(self.assemble(&name, &tail))
    }
}
