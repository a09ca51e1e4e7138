//! The segment publisher: a sans-IO producer of `<name>/v=<version>/seg=<n>` that answers
//! Interests on demand, for `ndnput`, the async client and the simulator alike.
//!
//! - Content comes from a [`SegmentSource`] (bytes in memory, or a file read by offset), cut
//!   into segments of [`PublishOptions::segment_size`] bytes; empty content is one empty
//!   segment. Every segment carries FinalBlockId and the configured FreshnessPeriod.
//! - The version is the one the name ends with, or `v=<now in ms since the Unix epoch>`.
//! - Data is signed when asked for, with the caller's [`Signer`]; a small cache keeps the most
//!   recently signed segments. Or signatures are computed ahead ([`Publisher::sign_range`],
//!   on several threads if the caller wants) and kept ([`Publisher::add_signatures`]): a
//!   request then rebuilds the identical Data from the source with the stored signature
//!   ([`SignatureTable`]).
//! - RDR discovery (named-data wiki "RDR"): an Interest for `<name>/32=metadata` with
//!   CanBePrefix gets `<name>/32=metadata/v=<now>/seg=0` whose Content is the versioned name
//!   as a Name TLV, with a short FreshnessPeriod so MustBeFresh discovery sees new versions.
//! - An Interest for `<name>` or `<name>/v=<version>` with CanBePrefix gets segment 0.
//! - It tracks which segments were served at least once (`ndnput --once`).
//!
//! No clock: the time is an argument wherever a version is minted.

mod presign;
mod source;

#[cfg(test)]
mod tests;

use std::collections::VecDeque;
use std::ops::Range;
use std::time::Duration;

use bytes::Bytes;

pub use presign::SignatureTable;
pub use source::SegmentSource;

use presign::{Capture, Replay};

use crate::fetch::discovery::metadata_name;
use crate::lp::NackReason;
use crate::name::Name;
use crate::packet::{DataBuilder, Interest};
use crate::sign::{SignError, Signer};

/// Segment size that ndnputchunks uses by default, in bytes.
pub const DEFAULT_SEGMENT_SIZE: usize = 8000;

/// How a [`Publisher`] cuts and labels its Data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishOptions {
    /// Content bytes per segment (default 8000).
    pub segment_size: usize,
    /// FreshnessPeriod of segments; `None` omits it (default 10 s).
    pub freshness: Option<Duration>,
    /// FreshnessPeriod of RDR metadata replies (default 1 s).
    pub metadata_freshness: Duration,
    /// Signed segments kept for repeated requests (default 16; 0 disables the cache).
    pub cache_capacity: usize,
}

impl Default for PublishOptions {
    fn default() -> Self {
        PublishOptions {
            segment_size: DEFAULT_SEGMENT_SIZE,
            freshness: Some(Duration::from_secs(10)),
            metadata_freshness: Duration::from_secs(1),
            cache_capacity: 16,
        }
    }
}

/// Why a publisher cannot be made or cannot produce a Data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// The segment size is zero.
    #[error("the segment size must be at least 1 byte")]
    ZeroSegmentSize,
    /// Reading the content failed.
    #[error("reading segment {segment}: {source}")]
    Source {
        /// The segment being read.
        segment: u64,
        /// The reader's error.
        source: std::io::Error,
    },
    /// The content ended before its announced length.
    #[error("segment {segment}: the content is shorter than its length says")]
    ShortRead {
        /// The segment being read.
        segment: u64,
    },
    /// The requested segment is past the end.
    #[error("segment {segment} is past the last segment {last}")]
    NoSuchSegment {
        /// The requested segment.
        segment: u64,
        /// The last segment.
        last: u64,
    },
    /// Signing failed.
    #[error("signing failed: {0}")]
    Sign(#[from] SignError),
}

/// What to do with an Interest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Send this Data wire.
    Data(Bytes),
    /// The Interest is for this publication but cannot be answered (a segment past the end, a
    /// name under the versioned prefix that is no segment, a metadata Interest without
    /// CanBePrefix): send a Nack with this reason, as ndnputchunks does.
    Nack(NackReason),
    /// Not for this publication.
    Ignore,
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Serves one versioned object. See the [module documentation](self).
#[derive(Debug)]
pub struct Publisher<S> {
    prefix: Name,
    versioned: Name,
    metadata_name: Name,
    source: S,
    opts: PublishOptions,
    segments: u64,
    served: Vec<u64>,
    served_count: u64,
    cache: VecDeque<(u64, Bytes)>,
    signatures: Option<SignatureTable>,
}

impl<S: SegmentSource> Publisher<S> {
    /// Publish `source` under `name`. When `name` ends with a version component it is used;
    /// otherwise the version is `now_unix_ms`.
    pub fn new(
        name: Name,
        source: S,
        opts: PublishOptions,
        now_unix_ms: u64,
    ) -> Result<Self, PublishError> {
        if opts.segment_size == 0 {
            return Err(PublishError::ZeroSegmentSize);
        }
        let (prefix, versioned) = match name.last().and_then(|c| c.as_version()) {
            Some(_) => (name.parent(1), name),
            None => (name.clone(), name.append_version(now_unix_ms)),
        };
        let size = opts.segment_size as u64;
        let segments = source.len().div_ceil(size).max(1);
        let words = usize::try_from(segments.div_ceil(64)).unwrap_or(usize::MAX);
        Ok(Publisher {
            metadata_name: metadata_name(&prefix),
            prefix,
            versioned,
            source,
            opts,
            segments,
            served: vec![0; words],
            served_count: 0,
            cache: VecDeque::new(),
            signatures: None,
        })
    }

    /// The name without the version.
    pub fn prefix(&self) -> &Name {
        &self.prefix
    }

    /// `<prefix>/v=<version>`.
    pub fn versioned_name(&self) -> &Name {
        &self.versioned
    }

    /// The version number.
    pub fn version(&self) -> u64 {
        self.versioned
            .last()
            .and_then(|c| c.as_version())
            .unwrap_or_default()
    }

    /// Number of segments (at least 1).
    pub fn segment_count(&self) -> u64 {
        self.segments
    }

    /// The last segment number (the FinalBlockId).
    pub fn final_segment(&self) -> u64 {
        self.segments - 1
    }

    /// The content source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// True when segment `seg` has been produced at least once.
    pub fn was_served(&self, seg: u64) -> bool {
        let (w, b) = ((seg / 64) as usize, seg % 64);
        self.served.get(w).is_some_and(|x| x & (1 << b) != 0)
    }

    /// How many distinct segments have been produced.
    pub fn served_count(&self) -> u64 {
        self.served_count
    }

    /// True when every segment has been produced at least once.
    pub fn all_served(&self) -> bool {
        self.served_count == self.segments
    }

    fn mark_served(&mut self, seg: u64) {
        let (w, b) = ((seg / 64) as usize, seg % 64);
        if let Some(x) = self.served.get_mut(w)
            && *x & (1 << b) == 0
        {
            *x |= 1 << b;
            self.served_count += 1;
        }
    }

    /// Decide how to answer `interest`, producing (and signing) the Data when there is one.
    /// `now_unix_ms` versions a metadata reply.
    pub fn handle_interest(
        &mut self,
        interest: &Interest,
        signer: &dyn Signer,
        now_unix_ms: u64,
    ) -> Result<Reply, PublishError> {
        let name = interest.name();
        if *name == self.metadata_name {
            if !interest.can_be_prefix() {
                return Ok(Reply::Nack(NackReason::None));
            }
            return self.metadata(name, signer, now_unix_ms).map(Reply::Data);
        }
        if self.versioned.is_prefix_of(name) {
            let n = self.versioned.len();
            if name.len() == n + 1 {
                if let Some(seg) = name.last().and_then(|c| c.as_segment())
                    && seg < self.segments
                {
                    return self.segment(seg, signer).map(Reply::Data);
                }
            } else if name.len() == n && interest.can_be_prefix() {
                return self.segment(0, signer).map(Reply::Data);
            }
            return Ok(Reply::Nack(NackReason::None));
        }
        if *name == self.prefix && interest.can_be_prefix() {
            return self.segment(0, signer).map(Reply::Data);
        }
        Ok(Reply::Ignore)
    }

    /// The signed Data of segment `seg`: from the cache when it is there, else read from the
    /// source and signed, with the stored signature when there is one.
    pub fn segment(&mut self, seg: u64, signer: &dyn Signer) -> Result<Bytes, PublishError> {
        if seg >= self.segments {
            return Err(PublishError::NoSuchSegment {
                segment: seg,
                last: self.final_segment(),
            });
        }
        if let Some(i) = self.cache.iter().position(|(s, _)| *s == seg)
            && let Some(entry) = self.cache.remove(i)
        {
            let wire = entry.1.clone();
            self.cache.push_back(entry);
            self.mark_served(seg);
            return Ok(wire);
        }
        let wire = match self
            .signatures
            .as_ref()
            .and_then(|t| Some((t, t.get(seg)?)))
        {
            Some((table, signature)) => self.build(seg, &Replay { table, signature })?,
            None => self.build(seg, signer)?,
        };
        if self.opts.cache_capacity > 0 {
            if self.cache.len() >= self.opts.cache_capacity {
                self.cache.pop_front();
            }
            self.cache.push_back((seg, wire.clone()));
        }
        self.mark_served(seg);
        Ok(wire)
    }

    /// The Data of segment `seg` read from the source and signed by `signer`.
    fn build(&self, seg: u64, signer: &dyn Signer) -> Result<Bytes, PublishError> {
        let size = self.opts.segment_size as u64;
        let offset = seg * size;
        let want = usize::try_from(self.source.len().saturating_sub(offset).min(size))
            .unwrap_or(self.opts.segment_size);
        let content =
            self.source
                .read_range(offset, want)
                .map_err(|source| PublishError::Source {
                    segment: seg,
                    source,
                })?;
        if content.len() != want {
            return Err(PublishError::ShortRead { segment: seg });
        }
        let mut b = DataBuilder::new(self.versioned.append_segment(seg))
            .content(content)
            .final_segment(self.final_segment());
        if let Some(f) = self.opts.freshness {
            b = b.freshness_period(duration_ms(f));
        }
        Ok(b.sign(signer)?)
    }

    /// Sign the segments `range` (clamped to the object) with `signer` and return their
    /// signatures, keeping nothing: give the result to
    /// [`add_signatures`](Self::add_signatures). It takes `&self`, so several threads can
    /// sign parts of one object at once.
    pub fn sign_range(
        &self,
        range: Range<u64>,
        signer: &dyn Signer,
    ) -> Result<SignatureTable, PublishError> {
        let range = range.start.min(self.segments)..range.end.min(self.segments);
        let count = usize::try_from(range.end.saturating_sub(range.start)).unwrap_or(0);
        let mut table = SignatureTable::new(range.start, signer, count);
        for seg in range {
            let capture = Capture::new(signer);
            self.build(seg, &capture)?;
            table.push(&capture.into_signature());
        }
        Ok(table)
    }

    /// Keep signatures made by [`sign_range`](Self::sign_range): from now on the segments
    /// they cover are rebuilt with them instead of being signed again. Tables are added in
    /// segment order, each starting where the previous one ended, all made by one signer;
    /// false (and nothing kept) otherwise.
    pub fn add_signatures(&mut self, table: SignatureTable) -> bool {
        match &mut self.signatures {
            None if table.first == 0 => {
                self.signatures = Some(table);
                true
            }
            None => false,
            Some(kept) => kept.append(&table),
        }
    }

    /// The signatures kept, if any.
    pub fn signatures(&self) -> Option<&SignatureTable> {
        self.signatures.as_ref()
    }

    /// The RDR metadata Data answering a discovery Interest named `discovery_name`
    /// (`<prefix>/32=metadata`): `<discovery_name>/v=<now_unix_ms>/seg=0`, Content = the
    /// versioned name as a Name TLV.
    pub fn metadata(
        &self,
        discovery_name: &Name,
        signer: &dyn Signer,
        now_unix_ms: u64,
    ) -> Result<Bytes, PublishError> {
        let name = discovery_name.append_version(now_unix_ms).append_segment(0);
        Ok(DataBuilder::new(name)
            .content(self.versioned.to_tlv())
            .freshness_period(duration_ms(self.opts.metadata_freshness))
            .final_segment(0)
            .sign(signer)?)
    }
}
