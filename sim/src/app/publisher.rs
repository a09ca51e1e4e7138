//! A segmented producer: the real sans-IO segment publisher of `ndnput`
//! ([`ndn::publish::Publisher`]) serving one object of `size` bytes as
//! `<prefix>/v=<version>/seg=<n>`, with RDR metadata for version discovery.

use bytes::Bytes;
use ndn::Name;
use ndn::publish::{PublishOptions, Publisher, Reply};
use ndn_fw::OutPacket;

use super::AppOutput;
use super::signer::{KeyedSigner, SignatureKind};
use crate::units::SimTime;

/// Settings of a segmented producer.
#[derive(Debug, Clone, PartialEq)]
pub struct PublisherConfig {
    /// Name of the object (without version).
    pub prefix: Name,
    /// Object size in bytes (the content is zeros).
    pub size: u64,
    /// Content bytes per segment.
    pub segment_size: usize,
    /// FreshnessPeriod of segments in milliseconds (`None`: none).
    pub freshness_ms: Option<u64>,
    /// Version number.
    pub version: u64,
    /// Signature.
    pub signature: SignatureKind,
    /// Seed for keys.
    pub seed: u64,
}

impl PublisherConfig {
    /// An object of `size` bytes under `prefix`, version 1, ndnput's 8000-byte segments and
    /// 10 s freshness, DigestSha256.
    pub fn new(prefix: Name, size: u64) -> PublisherConfig {
        PublisherConfig {
            prefix,
            size,
            segment_size: ndn::publish::DEFAULT_SEGMENT_SIZE,
            freshness_ms: Some(10_000),
            version: 1,
            signature: SignatureKind::DigestSha256,
            seed: 0,
        }
    }
}

/// Counters of a segmented producer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublisherStats {
    /// Interests received.
    pub interests: u64,
    /// Data sent.
    pub data: u64,
    /// Nacks sent.
    pub nacks: u64,
}

/// A segmented producer.
#[derive(Debug)]
pub struct SegmentProducer {
    config: PublisherConfig,
    publisher: Box<Publisher<Bytes>>,
    signer: KeyedSigner,
    stats: PublisherStats,
}

/// The publisher could not be made.
pub type PublisherError = ndn::publish::PublishError;

impl SegmentProducer {
    /// A segmented producer.
    pub fn new(config: PublisherConfig) -> Result<SegmentProducer, PublisherError> {
        let size = usize::try_from(config.size).unwrap_or(usize::MAX);
        let opts = PublishOptions {
            segment_size: config.segment_size,
            freshness: config.freshness_ms.map(std::time::Duration::from_millis),
            ..PublishOptions::default()
        };
        let publisher = Publisher::new(
            config.prefix.append_version(config.version),
            Bytes::from(vec![0u8; size]),
            opts,
            0,
        )?;
        Ok(SegmentProducer {
            signer: KeyedSigner::new(config.signature, &config.prefix, config.seed),
            config,
            publisher: Box::new(publisher),
            stats: PublisherStats::default(),
        })
    }

    /// Its settings.
    pub fn config(&self) -> &PublisherConfig {
        &self.config
    }

    /// Its counters.
    pub fn stats(&self) -> &PublisherStats {
        &self.stats
    }

    /// Number of segments.
    pub fn segment_count(&self) -> u64 {
        self.publisher.segment_count()
    }

    /// An Interest arrived: answer with a segment, metadata or a Nack.
    pub fn on_packet(&mut self, now: SimTime, packet: &OutPacket, out: &mut AppOutput) {
        let OutPacket::Interest(wire) = packet else {
            return;
        };
        self.stats.interests += 1;
        let Ok(interest) = ndn::Interest::decode(wire.clone()) else {
            return;
        };
        match self
            .publisher
            .handle_interest(&interest, self.signer.signer(), now / 1_000_000)
        {
            Ok(Reply::Data(w)) => {
                self.stats.data += 1;
                out.packets.push(w);
            }
            Ok(Reply::Nack(reason)) => {
                self.stats.nacks += 1;
                out.nacks.push((wire.clone(), reason));
            }
            Ok(Reply::Ignore) | Err(_) => {}
        }
    }
}
