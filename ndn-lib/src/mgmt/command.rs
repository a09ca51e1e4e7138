//! Control command Interests (MGMT ControlCommand "Request format"):
//! `<prefix>/<module>/<verb>/<ControlParameters>` followed by the signature, in one of two forms.
//!
//! - **Signed Interest** (NDN Packet Format v0.3 "Signed Interest"): the name ends with a
//!   ParametersSha256DigestComponent; the signature is in InterestSignatureInfo and
//!   InterestSignatureValue. This is what current ndn-cxx, python-ndn and NDNts send.
//! - **Legacy command Interest** (ndn-cxx wiki "Command Interest" / "Signed Interest", used by
//!   older clients and by python-ndn's `make_command`): four more name components, `timestamp`
//!   (NonNegativeInteger, ms since the Unix epoch), `nonce`, `SignatureInfo` (a whole 0x16
//!   element) and `SignatureValue` (a whole 0x17 element). The signed portion is the Name's
//!   TLV-VALUE up to, not including, the last component.
//!
//! Timestamps and nonces are arguments: this module reads no clock and draws no randomness.

use bytes::{Bytes, BytesMut};

use super::fields::value_bytes;
use super::{ControlParameters, Record};
use crate::name::{Component, Name};
use crate::packet::{Interest, InterestBuilder, SignatureInfo};
use crate::sign::{SignError, Signer, Verifier, VerifyError};
use crate::tlv::{self, DecodeError, Reader, types as tt};

/// Why a name or Interest is not a well-formed control command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// The name does not start with the management prefix.
    #[error("name is not under the management prefix {prefix}")]
    NotUnderPrefix {
        /// The expected prefix.
        prefix: Name,
    },
    /// The number of components after the prefix fits no command form.
    #[error("command name has {found} components after the prefix, which fits no command form")]
    WrongShape {
        /// Components after the prefix.
        found: usize,
    },
    /// A name component is not what its position requires.
    #[error("bad {component} component: {reason}")]
    BadComponent {
        /// Which component (module, verb, timestamp, ...).
        component: &'static str,
        /// What is wrong.
        reason: &'static str,
    },
    /// The ControlParameters do not decode.
    #[error("bad ControlParameters: {0}")]
    Parameters(DecodeError),
    /// The command carries no signature in either form.
    #[error("the command is not signed")]
    Unsigned,
    /// The signature elements do not decode.
    #[error("bad signature: {0}")]
    Signature(DecodeError),
}

/// The module, verb and parameters of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandRequest {
    /// Management module, e.g. `rib`, `faces`, `fib`, `strategy-choice`, `cs`.
    pub module: String,
    /// Command verb, e.g. `register`, `create`.
    pub verb: String,
    /// The command's arguments (empty for `rib/announce`).
    pub parameters: ControlParameters,
    /// `rib/announce`: the wire of the prefix announcement Data the command carries in its
    /// ApplicationParameters (NFD's RibAnnounceParameters) instead of ControlParameters.
    pub prefix_announcement: Option<Bytes>,
}

/// Which signed form a command used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandForm {
    /// NDN Packet Format v0.3 signed Interest.
    SignedInterest,
    /// The older four-component command Interest.
    Legacy,
}

/// Everything a forwarder needs to authenticate a command, whichever form it came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandSignature {
    /// The form the command used.
    pub form: CommandForm,
    /// SignatureInfo (its KeyLocator names the signer).
    pub info: SignatureInfo,
    /// The signature bits (TLV-VALUE of the signature value element).
    pub value: Bytes,
    /// The signed portion, as byte ranges to be concatenated.
    pub signed_portion: Vec<Bytes>,
    /// The timestamp for replay protection, ms since the Unix epoch: the legacy timestamp
    /// component, or SignatureTime of a signed Interest.
    pub timestamp_ms: Option<u64>,
    /// The nonce: the legacy nonce component's value, or SignatureNonce of a signed Interest.
    pub nonce: Option<Bytes>,
}

impl CommandSignature {
    /// Check the signature with `verifier`.
    pub fn verify(&self, verifier: &dyn Verifier) -> Result<(), VerifyError> {
        if verifier.signature_type() != self.info.signature_type {
            return Err(VerifyError::WrongType {
                expected: verifier.signature_type(),
                found: self.info.signature_type,
            });
        }
        let parts: Vec<&[u8]> = self.signed_portion.iter().map(|p| &p[..]).collect();
        verifier.verify(&parts, &self.value)
    }
}

/// A parsed, not yet verified, command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCommand {
    /// Module, verb and parameters.
    pub request: CommandRequest,
    /// The signature to verify.
    pub signature: CommandSignature,
}

/// The unsigned `rib/announce` command (NFD's RibAnnounceCommand): `/localhost/nfd/rib/announce`
/// with the prefix announcement's Data wire as ApplicationParameters. Sign it with
/// [`sign_command_interest`], which appends the ParametersSha256DigestComponent.
pub fn announce_command(announcement: Bytes) -> InterestBuilder {
    InterestBuilder::new(
        localhost_nfd()
            .append_generic("rib")
            .append_generic("announce"),
    )
    .app_parameters(announcement)
}

/// `/localhost/nfd`, the prefix of local management commands.
pub fn localhost_nfd() -> Name {
    Name::new()
        .append_generic("localhost")
        .append_generic("nfd")
}

/// `/localhop/nfd`, the prefix of remote prefix registration (`rib/register` from a neighbor).
pub fn localhop_nfd() -> Name {
    Name::new().append_generic("localhop").append_generic("nfd")
}

/// The prefix an application sends a management command under, given whether the forwarder
/// gives its face local scope (as NFD does for Unix sockets and for TCP or WebSocket
/// connections between loopback addresses, never for UDP): `/localhost/nfd`, except `rib`
/// commands from a non-local face, which go to `/localhop/nfd` (remote prefix registration,
/// which the forwarder must be configured to accept: `ndnd`'s `localhop_rib_register`, NFD's
/// `localhop_security`). A forwarder drops `/localhost` Interests from non-local faces.
pub fn command_prefix(module: &str, local_scope: bool) -> Name {
    if module == "rib" && !local_scope {
        localhop_nfd()
    } else {
        localhost_nfd()
    }
}

/// The unsigned command name `<prefix>/<module>/<verb>/<ControlParameters>`.
pub fn command_name(
    prefix: &Name,
    module: &str,
    verb: &str,
    parameters: &ControlParameters,
) -> Name {
    prefix
        .append_generic(module)
        .append_generic(verb)
        .append_generic(parameters.encode())
}

/// Sign a command as a v0.3 signed Interest. `interest` carries the command name (from
/// [`command_name`]) and the Interest fields (Nonce, InterestLifetime, ...); SignatureTime is
/// `time_ms` and SignatureNonce is `nonce`, as ndn-cxx and python-ndn send them.
pub fn sign_command_interest(
    interest: &InterestBuilder,
    signer: &dyn Signer,
    time_ms: u64,
    nonce: &[u8],
) -> Result<Bytes, SignError> {
    let info = SignatureInfo {
        time: Some(time_ms),
        nonce: Some(Bytes::copy_from_slice(nonce)),
        ..SignatureInfo::default()
    };
    interest.sign(signer, info)
}

/// Sign a command in the legacy form: append the timestamp (NonNegativeInteger), the nonce
/// (8 bytes, big-endian), a SignatureInfo element made from the signer, and the SignatureValue
/// element over the Name's TLV-VALUE so far. Returns the signed name, to be sent with
/// `InterestBuilder::new(name).encode()`.
pub fn sign_command_interest_legacy(
    name: &Name,
    signer: &dyn Signer,
    timestamp_ms: u64,
    nonce: u64,
) -> Result<Name, SignError> {
    let mut timestamp = Vec::with_capacity(8);
    tlv::put_nonneg(&mut timestamp, timestamp_ms);
    let info = SignatureInfo::new(signer.signature_type(), signer.key_locator())
        .to_wire(tt::SIGNATURE_INFO);
    let unsigned = name
        .append_generic(timestamp)
        .append_generic(nonce.to_be_bytes())
        .append_generic(&info);
    let sig = signer.sign(&[unsigned.value()])?;
    let mut value = BytesMut::with_capacity(tlv::tlv_len(tt::SIGNATURE_VALUE, sig.len()));
    tlv::put_tlv(&mut value, tt::SIGNATURE_VALUE, &sig);
    Ok(unsigned.append_generic(value))
}

fn text_component(
    c: Option<Component<'_>>,
    component: &'static str,
) -> Result<String, CommandError> {
    let c = c.ok_or(CommandError::BadComponent {
        component,
        reason: "missing",
    })?;
    if !c.is_generic() {
        return Err(CommandError::BadComponent {
            component,
            reason: "not a GenericNameComponent",
        });
    }
    String::from_utf8(c.value().to_vec()).map_err(|_| CommandError::BadComponent {
        component,
        reason: "not UTF-8 text",
    })
}

fn parameters_from(value: &[u8]) -> Result<ControlParameters, CommandError> {
    ControlParameters::decode(Bytes::copy_from_slice(value)).map_err(CommandError::Parameters)
}

/// Module, verb and the number of components after the prefix.
fn split(name: &Name, prefix: &Name) -> Result<(String, String, usize), CommandError> {
    if !name.starts_with(prefix) {
        return Err(CommandError::NotUnderPrefix {
            prefix: prefix.clone(),
        });
    }
    let p = prefix.len();
    let module = text_component(name.get(p), "module")?;
    let verb = text_component(name.get(p + 1), "verb")?;
    Ok((module, verb, name.len() - p))
}

/// Read `<prefix>/<module>/<verb>/<ControlParameters>` from the start of `name`, ignoring
/// whatever follows (the signature components). Checks no signature.
pub fn parse_command_name(name: &Name, prefix: &Name) -> Result<CommandRequest, CommandError> {
    let (module, verb, _) = split(name, prefix)?;
    let c = name
        .get(prefix.len() + 2)
        .ok_or(CommandError::BadComponent {
            component: "ControlParameters",
            reason: "missing",
        })?;
    Ok(CommandRequest {
        module,
        verb,
        parameters: parameters_from(c.value())?,
        prefix_announcement: None,
    })
}

/// A name component whose value must be exactly one element of type `tlv_type`: returns the
/// whole element and its TLV-VALUE.
fn whole_element(
    c: Option<Component<'_>>,
    tlv_type: u64,
    what: &'static str,
) -> Result<(Bytes, Bytes), CommandError> {
    let c = c.ok_or(CommandError::BadComponent {
        component: what,
        reason: "missing",
    })?;
    let wire = Bytes::copy_from_slice(c.value());
    let mut r = Reader::new(&wire);
    let e = r
        .expect_element(tlv_type, what)
        .map_err(CommandError::Signature)?;
    if !r.is_empty() {
        return Err(CommandError::Signature(DecodeError::TrailingBytes {
            offset: e.end,
            count: wire.len().saturating_sub(e.end),
        }));
    }
    let value = value_bytes(&e, &wire).map_err(CommandError::Signature)?;
    Ok((wire, value))
}

/// Parse a legacy command name `<prefix>/<module>/<verb>/<ControlParameters>/<timestamp>/
/// <nonce>/<SignatureInfo>/<SignatureValue>`.
pub fn parse_legacy_command(name: &Name, prefix: &Name) -> Result<SignedCommand, CommandError> {
    let (_, _, after) = split(name, prefix)?;
    if after != 7 {
        return Err(CommandError::WrongShape { found: after });
    }
    let request = parse_command_name(name, prefix)?;
    let p = prefix.len();
    let timestamp = name
        .get(p + 3)
        .and_then(|c| tlv::decode_nonneg(c.value()))
        .ok_or(CommandError::BadComponent {
            component: "timestamp",
            reason: "not a NonNegativeInteger",
        })?;
    let nonce = name.get(p + 4).map(|c| Bytes::copy_from_slice(c.value()));
    let (info_wire, _) = whole_element(name.get(p + 5), tt::SIGNATURE_INFO, "SignatureInfo")?;
    let info = SignatureInfo::from_wire(&info_wire).map_err(CommandError::Signature)?;
    let (_, value) = whole_element(name.get(p + 6), tt::SIGNATURE_VALUE, "SignatureValue")?;
    Ok(SignedCommand {
        request,
        signature: CommandSignature {
            form: CommandForm::Legacy,
            info,
            value,
            signed_portion: vec![name.parent(1).value().clone()],
            timestamp_ms: Some(timestamp),
            nonce,
        },
    })
}

/// Parse a received command Interest under `prefix` in either signed form, so that the
/// forwarder can authenticate it with [`CommandSignature::verify`] and check its timestamp.
///
/// A signed Interest must end with the ParametersSha256DigestComponent right after the
/// ControlParameters component. As a tolerance, a signed Interest whose name stops at the verb
/// (`<prefix>/<module>/<verb>/<digest>`) is accepted when its ApplicationParameters hold the
/// ControlParameters element.
pub fn parse_command_interest(
    interest: &Interest,
    prefix: &Name,
) -> Result<SignedCommand, CommandError> {
    let name = interest.name();
    let (module, verb, after) = split(name, prefix)?;
    if !interest.is_signed() {
        return match after {
            7 => parse_legacy_command(name, prefix),
            2 | 3 => Err(CommandError::Unsigned),
            found => Err(CommandError::WrongShape { found }),
        };
    }
    let ends_with_digest = name.last().is_some_and(|c| c.is_parameters_digest());
    let announce = module == "rib" && verb == "announce";
    let (parameters, prefix_announcement) = match after {
        3 if ends_with_digest && announce => {
            let params = interest.app_parameters().unwrap_or_default();
            if Reader::new(&params).peek_type() != Some(tt::DATA) {
                return Err(CommandError::BadComponent {
                    component: "ApplicationParameters",
                    reason: "rib/announce carries a prefix announcement Data",
                });
            }
            (ControlParameters::default(), Some(params))
        }
        4 if ends_with_digest => (parse_command_name(name, prefix)?.parameters, None),
        3 if ends_with_digest => {
            let params = interest.app_parameters().unwrap_or_default();
            if params.is_empty() {
                return Err(CommandError::BadComponent {
                    component: "ControlParameters",
                    reason: "missing",
                });
            }
            let p = ControlParameters::decode(params).map_err(CommandError::Parameters)?;
            (p, None)
        }
        found => return Err(CommandError::WrongShape { found }),
    };
    let info = interest
        .signature_info()
        .ok_or(CommandError::Unsigned)?
        .map_err(CommandError::Signature)?;
    let value =
        interest
            .signature_value()
            .ok_or(CommandError::Signature(DecodeError::Missing {
                element: "InterestSignatureValue",
                parent: "signed Interest",
            }))?;
    let signed_portion = interest
        .signed_portion()
        .ok_or(CommandError::Unsigned)?
        .into_iter()
        .map(Bytes::copy_from_slice)
        .collect();
    Ok(SignedCommand {
        request: CommandRequest {
            module,
            verb,
            parameters,
            prefix_announcement,
        },
        signature: CommandSignature {
            form: CommandForm::SignedInterest,
            timestamp_ms: info.time,
            nonce: info.nonce.clone(),
            info,
            value,
            signed_portion,
        },
    })
}
