//! The `ndn` library's text and key parsers on arbitrary input; the first byte picks the parser,
//! the rest is its input.
//!
//! - face URIs (`FaceUri::parse`): never panic; an accepted URI prints to text that parses back
//!   to the same URI (every UDP, TCP and WebSocket URI, whose hosts the parser checks; for the
//!   other schemes, plain interface / fd names and `ether://` MAC addresses);
//! - `FaceUri::from_socket_addr` (what the daemon writes into FaceStatus): the text parses back
//!   to the same URI and socket address;
//! - PKCS#8 private keys, DER and PEM: never panic; an accepted key re-encodes (DER and PEM) to a
//!   key with the same type and public key, and its signature verifies with that public key;
//! - `KeyType` names: an accepted name's `as_str` reads back to the same type;
//! - certificates, as Data wire and as base64 text: never panic; an accepted certificate's
//!   base64 text reads back to the same certificate; its accessors never panic;
//! - ISO 8601 validity times: an accepted time prints to text that parses back to it.
//!
//! NDN name URIs are covered by the `tlv` target.

#![no_main]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use ndn::face_uri::{FaceUri, Scheme};
use ndn::keychain::Certificate;
use ndn::packet::{format_iso8601, parse_iso8601};
use ndn::sign::{KeyType, PrivateKey, Signer, Verifier};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    match selector % 8 {
        0 => face_uri_text(input),
        1 => face_uri_from_socket_addr(input),
        2 => private_key(PrivateKey::from_pkcs8_der(input)),
        3 => {
            if let Ok(text) = std::str::from_utf8(input) {
                private_key(PrivateKey::from_pkcs8_pem(text));
            }
        }
        4 => key_type(input),
        5 => {
            if let Ok(cert) = Certificate::decode(Bytes::copy_from_slice(input)) {
                certificate(&cert);
            }
        }
        6 => {
            if let Ok(text) = std::str::from_utf8(input)
                && let Ok(cert) = Certificate::from_base64(text)
            {
                certificate(&cert);
            }
        }
        _ => iso8601(input),
    }
});

/// A host the printed form can carry unambiguously: an IP address, or a name made of the
/// characters of host names, interface names and fd numbers.
fn plain_host(host: &str) -> bool {
    host.parse::<IpAddr>().is_ok()
        || host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

fn face_uri_text(input: &[u8]) {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    let Ok(uri) = FaceUri::parse(text) else {
        return;
    };
    let _ = uri.socket_addr();
    let _ = (uri.scheme.is_udp(), uri.scheme.is_tcp());
    let printed = uri.to_string();
    let mac = uri.scheme == Scheme::Ether
        && text
            .strip_prefix("ether://[")
            .and_then(|r| r.strip_suffix(']'))
            .is_some_and(|m| m.bytes().all(|b| b.is_ascii_hexdigit() || b == b':'));
    // network URIs have checked hosts, so every accepted one prints back to itself
    let network = uri.scheme.is_udp()
        || uri.scheme.is_tcp()
        || matches!(uri.scheme, Scheme::Ws | Scheme::Wss | Scheme::WsClient);
    if network || plain_host(&uri.host) || mac {
        assert_eq!(
            FaceUri::parse(&printed).as_ref(),
            Ok(&uri),
            "{text:?} printed as {printed:?}"
        );
    }
}

fn face_uri_from_socket_addr(input: &[u8]) {
    let Some((&kind, rest)) = input.split_first() else {
        return;
    };
    let kind = ["udp", "tcp", "ws", "wsclient"][usize::from(kind % 4)];
    let addr = if rest.len() >= 18 {
        let mut ip = [0u8; 16];
        ip.copy_from_slice(&rest[..16]);
        SocketAddr::new(
            IpAddr::V6(Ipv6Addr::from(ip)),
            u16::from_be_bytes([rest[16], rest[17]]),
        )
    } else if rest.len() >= 6 {
        SocketAddr::new(
            IpAddr::V4(Ipv4Addr::new(rest[0], rest[1], rest[2], rest[3])),
            u16::from_be_bytes([rest[4], rest[5]]),
        )
    } else {
        return;
    };
    let uri = FaceUri::from_socket_addr(kind, addr);
    let printed = uri.to_string();
    let back = FaceUri::parse(&printed).unwrap_or_else(|e| panic!("{printed:?}: {e}"));
    assert_eq!(back, uri, "{printed:?}");
    assert_eq!(back.socket_addr(), Some(addr), "{printed:?}");
}

fn private_key(parsed: Result<PrivateKey, ndn::sign::KeyError>) {
    let Ok(key) = parsed else { return };
    let public = key.public_key();
    assert_eq!(public.key_type(), key.key_type());
    assert_eq!(key.signature_type(), key.key_type().signature_type());
    let _ = public.key_digest();
    let der = key.to_pkcs8_der().expect("an accepted key re-encodes");
    let again = PrivateKey::from_pkcs8_der(&der).expect("a re-encoded key reads back");
    assert_eq!(again.key_type(), key.key_type());
    assert_eq!(again.public_key(), public);
    let pem = key.to_pkcs8_pem().expect("an accepted key prints as PEM");
    let again = PrivateKey::from_pkcs8_pem(&pem).expect("a printed key reads back");
    assert_eq!(again.public_key(), public);
    // the public key read back from its SubjectPublicKeyInfo is the same key
    let spki = public.to_spki_der();
    assert_eq!(ndn::sign::PublicKey::from_spki_der(&spki).unwrap(), public);
    let sig = key
        .sign(&[b"fuzz", b"parts"])
        .expect("an accepted key signs");
    assert!(sig.len() <= key.max_signature_len());
    public
        .verify(&[b"fu", b"zzparts"], &sig)
        .expect("a signature of an accepted key verifies with its public key");
}

fn key_type(input: &[u8]) {
    let Ok(text) = std::str::from_utf8(input) else {
        return;
    };
    if let Ok(t) = text.parse::<KeyType>() {
        assert_eq!(t.as_str().parse::<KeyType>().unwrap(), t);
        assert_eq!(t.to_string(), t.as_str());
    }
}

fn certificate(cert: &Certificate) {
    let _ = cert.key_name();
    let _ = cert.identity();
    let _ = cert.key_id();
    let _ = cert.issuer_id();
    let _ = cert.version();
    let _ = cert.is_valid_at(1_700_000_000);
    let _ = cert.issuer_locator();
    let _ = cert.is_self_signed();
    let _ = cert.verify_self_signature();
    let _ = cert.name().to_string();
    let text = cert.to_base64();
    let back = Certificate::from_base64(&text).expect("a certificate's base64 reads back");
    assert_eq!(back.wire(), cert.wire());
    assert_eq!(back.name(), cert.name());
    assert_eq!(back.public_key(), cert.public_key());
    assert_eq!(back.validity(), cert.validity());
    assert_eq!(back.signature_info(), cert.signature_info());
}

fn iso8601(input: &[u8]) {
    if let Some(t) = parse_iso8601(input) {
        let text = format_iso8601(t);
        assert_eq!(
            parse_iso8601(text.as_bytes()),
            Some(t),
            "{:?} -> {t} -> {text:?}",
            String::from_utf8_lossy(input)
        );
    }
    if input.len() >= 8 {
        // a time that prints in the four-digit-year form reads back
        let t = u64::from_be_bytes(input[..8].try_into().unwrap()) % 253_402_300_800;
        assert_eq!(parse_iso8601(format_iso8601(t).as_bytes()), Some(t));
    }
}
