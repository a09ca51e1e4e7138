//! Checking the signature of a decoded Data or signed Interest against one key (PF 5.3, 5.4).

use super::{Verifier, VerifyError};
use crate::packet::{Data, Interest};

/// Check a Data packet's signature with `verifier`: the SignatureType must be the verifier's
/// and the SignatureValue must match the signed portion (Name through SignatureInfo, PF 5.3).
pub fn verify_data(data: &Data, verifier: &dyn Verifier) -> Result<(), VerifyError> {
    check_type(verifier, data.signature_type())?;
    verifier.verify(&[data.signed_portion()], &data.signature_value())
}

/// Check a signed Interest's signature with `verifier` (PF 5.4): the signed portion is the
/// name components except the ParametersSha256DigestComponent, then ApplicationParameters and
/// InterestSignatureInfo. An Interest without InterestSignatureValue is
/// [`VerifyError::Unsigned`].
pub fn verify_interest(interest: &Interest, verifier: &dyn Verifier) -> Result<(), VerifyError> {
    let (Some(info), Some(value), Some(parts)) = (
        interest.signature_info(),
        interest.signature_value(),
        interest.signed_portion(),
    ) else {
        return Err(VerifyError::Unsigned);
    };
    let info = info.map_err(|e| VerifyError::Malformed(e.to_string()))?;
    check_type(verifier, info.signature_type)?;
    verifier.verify(&parts, &value)
}

fn check_type(verifier: &dyn Verifier, found: u64) -> Result<(), VerifyError> {
    let expected = verifier.signature_type();
    if expected == found {
        Ok(())
    } else {
        Err(VerifyError::WrongType { expected, found })
    }
}
