//! A producer after ndnSIM's `Producer`: every Interest under its prefix is answered at once
//! with a Data of the same name carrying `payload_size` bytes, a FreshnessPeriod, and a real
//! signature (DigestSha256 by default, cheap; HMAC-SHA256 or Ed25519 on request, with keys
//! derived from the scenario seed).

use bytes::Bytes;
use ndn::{DataBuilder, Interest, Name};
use ndn_fw::OutPacket;

use super::AppOutput;
use super::signer::{KeyedSigner, SignatureKind};
use crate::units::SimTime;

/// Settings of a producer.
#[derive(Debug, Clone, PartialEq)]
pub struct ProducerConfig {
    /// Prefix served (registered on the node with cost 0).
    pub prefix: Name,
    /// Bytes of content in each Data.
    pub payload_size: usize,
    /// FreshnessPeriod in milliseconds (`None`: no FreshnessPeriod element).
    pub freshness_ms: Option<u64>,
    /// Signature.
    pub signature: SignatureKind,
    /// Seed for keys.
    pub seed: u64,
}

impl ProducerConfig {
    /// A producer of `prefix` with ndnSIM's defaults: 1024-byte payload, no freshness,
    /// DigestSha256.
    pub fn new(prefix: Name) -> ProducerConfig {
        ProducerConfig {
            prefix,
            payload_size: 1024,
            freshness_ms: None,
            signature: SignatureKind::DigestSha256,
            seed: 0,
        }
    }
}

/// Counters of a producer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProducerStats {
    /// Interests received.
    pub interests: u64,
    /// Data sent.
    pub data: u64,
    /// Interests outside the prefix or undecodable.
    pub ignored: u64,
}

/// A producer.
#[derive(Debug)]
pub struct Producer {
    config: ProducerConfig,
    payload: Bytes,
    signer: KeyedSigner,
    stats: ProducerStats,
}

impl Producer {
    /// A producer.
    pub fn new(config: ProducerConfig) -> Producer {
        let signer = KeyedSigner::new(config.signature, &config.prefix, config.seed);
        Producer {
            payload: Bytes::from(vec![0u8; config.payload_size]),
            config,
            signer,
            stats: ProducerStats::default(),
        }
    }

    /// Its settings.
    pub fn config(&self) -> &ProducerConfig {
        &self.config
    }

    /// Its counters.
    pub fn stats(&self) -> &ProducerStats {
        &self.stats
    }

    /// An Interest arrived: answer it.
    pub fn on_packet(&mut self, _now: SimTime, packet: &OutPacket, out: &mut AppOutput) {
        let OutPacket::Interest(wire) = packet else {
            self.stats.ignored += 1;
            return;
        };
        self.stats.interests += 1;
        let Ok(interest) = Interest::decode(wire.clone()) else {
            self.stats.ignored += 1;
            return;
        };
        if !self.config.prefix.is_prefix_of(interest.name()) {
            self.stats.ignored += 1;
            return;
        }
        let mut b = DataBuilder::new(interest.name().clone()).content(self.payload.clone());
        if let Some(f) = self.config.freshness_ms {
            b = b.freshness_period(f);
        }
        match b.sign(self.signer.signer()) {
            Ok(w) => {
                self.stats.data += 1;
                out.packets.push(w);
            }
            Err(_) => self.stats.ignored += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_with_signed_data_of_the_payload_size() {
        for sig in [
            SignatureKind::DigestSha256,
            SignatureKind::HmacSha256,
            SignatureKind::Ed25519,
        ] {
            let mut cfg = ProducerConfig::new(Name::from_uri("/p").unwrap());
            cfg.signature = sig;
            cfg.freshness_ms = Some(1000);
            let mut p = Producer::new(cfg);
            let mut out = AppOutput::default();
            let i = ndn::InterestBuilder::new(Name::from_uri("/p/x").unwrap())
                .nonce(1)
                .encode();
            p.on_packet(0, &OutPacket::Interest(i), &mut out);
            let other = ndn::InterestBuilder::new(Name::from_uri("/q").unwrap())
                .nonce(1)
                .encode();
            p.on_packet(0, &OutPacket::Interest(other), &mut out);
            assert_eq!(out.packets.len(), 1);
            let d = ndn::Data::decode(out.packets[0].clone()).unwrap();
            assert_eq!(d.content_len(), 1024);
            assert_eq!(d.freshness_period(), Some(1000));
            assert_eq!(d.name().to_string(), "/p/x");
            assert_eq!(p.stats().ignored, 1);
        }
    }
}
