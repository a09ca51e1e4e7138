//! Batch verification of Ed25519 signatures made by one key.
//!
//! RFC 8032 section 5.1.7 checks one signature (R, S) of message M under key A with the group
//! equation `[8][S]B = [8]R + [8][k]A`, where `k = SHA-512(R || A || M)`. For n signatures
//! by the same key, the n equations are combined with weights z_i:
//!
//! ```text
//! [8] ( [-sum(z_i S_i)] B + sum([z_i] R_i) + [sum(z_i k_i)] A ) = identity
//! ```
//!
//! one multi-scalar multiplication over n + 2 points instead of n double-scalar
//! multiplications. If every signature is valid the sum is the identity whatever the weights;
//! if one is not, the sum is the identity only when the weights happen to cancel its error,
//! which 128-bit weights that the signer cannot predict make negligible (the batch
//! verification of Bernstein et al., "High-speed high-security signatures"). The weights are
//! derived by SHA-512 from everything the batch contains (key, every R, S and k), so a signer
//! cannot choose signatures after seeing them, and the check is deterministic.
//!
//! The equation is the cofactored one, the RFC's primary check. Single verification in
//! ed25519-dalek checks the stricter cofactorless `[S]B = R + [k]A`; the two differ only for
//! an R with a small-order component, which only the holder of the private key can produce
//! for a message. When the batch equation fails, each signature is checked alone, in order, to
//! name the first invalid one.

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use sha2::{Digest, Sha512};

use super::{Ed25519Verifier, VerifyError};
use crate::sign::Verifier;

/// Domain separation of the weight derivation.
const WEIGHT_LABEL: &[u8] = b"ndn-rs Ed25519 batch weights v1";

/// One signature of a batch, decoded.
struct Item {
    r_bytes: [u8; 32],
    r: EdwardsPoint,
    s: Scalar,
    k: Scalar,
}

/// True when `y` (32 bytes, little-endian, sign of x in the top bit) is the canonical encoding
/// of a point's y-coordinate (RFC 8032 5.1.3: y < p, and no sign bit on x = 0, which happens
/// for y = 1 and y = p - 1 only). Single verification accepts only canonical R encodings,
/// since it compares R with the encoding of the point it computes.
fn canonical_encoding(bytes: &[u8; 32]) -> bool {
    // p = 2^255 - 19: little-endian ED FF .. FF 7F
    let mut y = *bytes;
    let sign = y[31] >> 7;
    y[31] &= 0x7F;
    let ge_p = y[0] >= 0xED && y[1..31].iter().all(|&b| b == 0xFF) && y[31] == 0x7F;
    if ge_p {
        return false;
    }
    let one = y[0] == 1 && y[1..].iter().all(|&b| b == 0);
    let p_minus_one = y[0] == 0xEC && y[1..31].iter().all(|&b| b == 0xFF) && y[31] == 0x7F;
    !(sign == 1 && (one || p_minus_one))
}

impl Ed25519Verifier {
    /// Check many `(message, signature)` pairs made by this key at once: the cofactored
    /// RFC 8032 5.1.7 equations of all pairs, combined with 128-bit weights derived by
    /// SHA-512 from the whole batch, in one multi-scalar multiplication over n + 2 points
    /// (about half the time of checking 8000-byte messages one by one). Every pair that
    /// [`Verifier::verify`] accepts passes; the cofactored equation also accepts an R with a
    /// small-order component, which only the holder of the private key can make. On
    /// failure, each pair is checked alone: the index of the first that does not verify,
    /// and why.
    pub fn verify_batch(&self, items: &[(&[u8], &[u8])]) -> Result<(), (usize, VerifyError)> {
        if items.len() < 2 {
            return self.verify_each(items);
        }
        match self.decode_batch(items) {
            Some(decoded)
                if batch_equation_holds(self.key.as_bytes(), &self.key.to_edwards(), &decoded) =>
            {
                Ok(())
            }
            _ => self.verify_each(items),
        }
    }

    /// Check each pair alone, in order.
    fn verify_each(&self, items: &[(&[u8], &[u8])]) -> Result<(), (usize, VerifyError)> {
        for (i, (message, signature)) in items.iter().enumerate() {
            self.verify(&[message], signature).map_err(|e| (i, e))?;
        }
        Ok(())
    }

    /// R, S and k of every pair; `None` when one is malformed (the single check says why).
    fn decode_batch(&self, items: &[(&[u8], &[u8])]) -> Option<Vec<Item>> {
        let a = self.key.as_bytes();
        items
            .iter()
            .map(|(message, signature)| {
                let sig: &[u8; 64] = (*signature).try_into().ok()?;
                let (r_bytes, s_bytes) = sig.split_at(32);
                let r_bytes: [u8; 32] = r_bytes.try_into().ok()?;
                let s_bytes: [u8; 32] = s_bytes.try_into().ok()?;
                if !canonical_encoding(&r_bytes) {
                    return None;
                }
                let r = CompressedEdwardsY(r_bytes).decompress()?;
                let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(s_bytes))?;
                let hram: [u8; 64] = Sha512::new()
                    .chain_update(r_bytes)
                    .chain_update(a)
                    .chain_update(message)
                    .finalize()
                    .into();
                Some(Item {
                    r_bytes,
                    r,
                    s,
                    k: Scalar::from_bytes_mod_order_wide(&hram),
                })
            })
            .collect()
    }
}

/// 128-bit weights derived from the key and every (R, S, k) of the batch.
fn weights(a: &[u8; 32], items: &[Item]) -> Vec<Scalar> {
    let mut transcript = Sha512::new();
    transcript.update(WEIGHT_LABEL);
    transcript.update(a);
    transcript.update((items.len() as u64).to_le_bytes());
    for it in items {
        transcript.update(it.r_bytes);
        transcript.update(it.s.as_bytes());
        transcript.update(it.k.as_bytes());
    }
    let seed = transcript.finalize();
    let mut out = Vec::with_capacity(items.len());
    // each SHA-512 output gives four 16-byte weights
    for block in 0..items.len().div_ceil(4) {
        let h = Sha512::new()
            .chain_update(seed)
            .chain_update((block as u64).to_le_bytes())
            .finalize();
        for chunk in h.chunks_exact(16).take(items.len() - out.len()) {
            let mut z = [0u8; 32];
            z[..16].copy_from_slice(chunk);
            out.push(Scalar::from_bytes_mod_order(z));
        }
    }
    out
}

/// `[8]([-sum(z S)] B + sum([z] R) + [sum(z k)] A)` is the identity.
fn batch_equation_holds(a_bytes: &[u8; 32], a: &EdwardsPoint, items: &[Item]) -> bool {
    let z = weights(a_bytes, items);
    let mut b_coeff = Scalar::ZERO;
    let mut a_coeff = Scalar::ZERO;
    for (zi, it) in z.iter().zip(items) {
        b_coeff += zi * it.s;
        a_coeff += zi * it.k;
    }
    let scalars = [-b_coeff, a_coeff].into_iter().chain(z.iter().copied());
    let points = [ED25519_BASEPOINT_POINT, *a]
        .into_iter()
        .chain(items.iter().map(|it| it.r));
    EdwardsPoint::vartime_multiscalar_mul(scalars, points)
        .mul_by_cofactor()
        .is_identity()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::{Ed25519Signer, Signer};

    fn signed(n: usize) -> (Ed25519Signer, Vec<Vec<u8>>, Vec<Vec<u8>>) {
        let s = Ed25519Signer::from_seed(&[9; 32]);
        let msgs: Vec<Vec<u8>> = (0..n)
            .map(|i| (0..100 + i).map(|j| (i * 31 + j) as u8).collect())
            .collect();
        let sigs = msgs.iter().map(|m| s.sign(&[m]).unwrap()).collect();
        (s, msgs, sigs)
    }

    fn pairs<'a>(msgs: &'a [Vec<u8>], sigs: &'a [Vec<u8>]) -> Vec<(&'a [u8], &'a [u8])> {
        msgs.iter()
            .zip(sigs)
            .map(|(m, s)| (&m[..], &s[..]))
            .collect()
    }

    #[test]
    fn valid_batches_of_every_small_size_pass_the_batch_equation() {
        let (s, msgs, sigs) = signed(9);
        let v = s.verifier();
        let a = v.key.to_edwards();
        for n in 2..=9 {
            let p = pairs(&msgs[..n], &sigs[..n]);
            let items = v.decode_batch(&p).unwrap();
            assert!(
                batch_equation_holds(v.key.as_bytes(), &a, &items),
                "n = {n}"
            );
            assert_eq!(v.verify_batch(&p), Ok(()));
        }
        assert_eq!(v.verify_batch(&[]), Ok(()));
        assert_eq!(v.verify_batch(&pairs(&msgs[..1], &sigs[..1])), Ok(()));
    }

    #[test]
    fn one_bad_signature_fails_the_equation_and_is_named() {
        let (s, msgs, mut sigs) = signed(40);
        let v = s.verifier();
        let a = v.key.to_edwards();
        // a changed message, a changed R, a changed S: each found at its index
        for (bad, how) in [(0, "message"), (17, "R"), (39, "S")] {
            let mut msgs = msgs.clone();
            let saved = sigs[bad].clone();
            match how {
                "message" => msgs[bad][3] ^= 1,
                "R" => sigs[bad][5] ^= 1,
                _ => sigs[bad][40] ^= 1,
            }
            let p = pairs(&msgs, &sigs);
            if let Some(items) = v.decode_batch(&p) {
                assert!(!batch_equation_holds(v.key.as_bytes(), &a, &items), "{how}");
            }
            assert_eq!(
                v.verify_batch(&p),
                Err((bad, VerifyError::Invalid)),
                "{how}"
            );
            sigs[bad] = saved;
        }
        assert_eq!(v.verify_batch(&pairs(&msgs, &sigs)), Ok(()));
    }

    #[test]
    fn another_keys_signature_and_swapped_signatures_fail() {
        let (s, msgs, mut sigs) = signed(8);
        let v = s.verifier();
        let other = Ed25519Signer::from_seed(&[10; 32]);
        sigs[6] = other.sign(&[&msgs[6]]).unwrap();
        assert_eq!(
            v.verify_batch(&pairs(&msgs, &sigs)),
            Err((6, VerifyError::Invalid))
        );
        let (_, msgs, mut sigs) = signed(8);
        sigs.swap(2, 3);
        assert_eq!(
            v.verify_batch(&pairs(&msgs, &sigs)),
            Err((2, VerifyError::Invalid))
        );
    }

    #[test]
    fn malformed_signatures_are_named_with_the_single_check_error() {
        let (s, msgs, mut sigs) = signed(4);
        let v = s.verifier();
        sigs[1].truncate(63);
        assert!(matches!(
            v.verify_batch(&pairs(&msgs, &sigs)),
            Err((1, VerifyError::Malformed(_)))
        ));
        // S >= the group order L (S + L verifies the same equation; RFC 8032 rejects it)
        let (_, msgs, mut sigs) = signed(4);
        let l: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let s2 = Scalar::from_canonical_bytes(sigs[2][32..].try_into().unwrap()).unwrap();
        let mut sum = [0u8; 32];
        let mut carry = 0u16;
        for i in 0..32 {
            let t = u16::from(s2.as_bytes()[i]) + u16::from(l[i]) + carry;
            sum[i] = t as u8;
            carry = t >> 8;
        }
        assert_eq!(carry, 0, "S + L < 2^253");
        sigs[2][32..].copy_from_slice(&sum);
        assert!(v.decode_batch(&pairs(&msgs, &sigs)).is_none());
        assert!(
            v.verify_batch(&pairs(&msgs, &sigs))
                .is_err_and(|(i, _)| i == 2)
        );
    }

    #[test]
    fn non_canonical_point_encodings_are_recognised() {
        let mut p = [0xFF; 32];
        p[0] = 0xED;
        p[31] = 0x7F;
        assert!(!canonical_encoding(&p), "y = p");
        p[0] = 0xEC;
        assert!(canonical_encoding(&p), "y = p - 1, x positive");
        p[31] = 0xFF;
        assert!(!canonical_encoding(&p), "y = p - 1 with the sign bit");
        let mut one = [0u8; 32];
        one[0] = 1;
        assert!(canonical_encoding(&one));
        one[31] = 0x80;
        assert!(!canonical_encoding(&one), "y = 1 with the sign bit");
        let base = ED25519_BASEPOINT_POINT.compress().to_bytes();
        assert!(canonical_encoding(&base));
    }
}
