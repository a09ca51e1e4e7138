//! Interests expressed by this client and not yet answered, matched against incoming Data by
//! name (PF 3 "Interest matching": exact name, any longer name under CanBePrefix, or the full
//! name with the implicit SHA-256 digest) and against Nacks by name and Nonce.

use std::collections::{BTreeSet, HashMap};

use tokio::time::Instant;

use super::error::ExpressError;
use super::face::Reply;
use crate::name::Name;
use crate::packet::{Data, Interest};

/// Where the answer to one Interest goes.
pub(crate) type ReplySink = Box<dyn FnOnce(Result<Reply, ExpressError>) + Send>;

pub(crate) struct Entry {
    name: Name,
    can_be_prefix: bool,
    nonce: Option<u32>,
    deadline: Instant,
    sink: ReplySink,
}

impl Entry {
    pub(crate) fn finish(self, result: Result<Reply, ExpressError>) {
        (self.sink)(result);
    }
}

/// The pending Interest table of one face.
#[derive(Default)]
pub(crate) struct PendingTable {
    entries: HashMap<u64, Entry>,
    by_name: HashMap<Name, Vec<u64>>,
    deadlines: BTreeSet<(Instant, u64)>,
    /// Entries whose name ends with an implicit digest (only then is a Data's digest needed).
    digest_entries: usize,
    next_id: u64,
}

impl PendingTable {
    pub(crate) fn insert(&mut self, interest: &Interest, deadline: Instant, sink: ReplySink) {
        let id = self.next_id;
        self.next_id += 1;
        let name = interest.name().clone();
        if name.implicit_digest().is_some() {
            self.digest_entries += 1;
        }
        self.by_name.entry(name.clone()).or_default().push(id);
        self.deadlines.insert((deadline, id));
        self.entries.insert(
            id,
            Entry {
                name,
                can_be_prefix: interest.can_be_prefix(),
                nonce: interest.nonce(),
                deadline,
                sink,
            },
        );
    }

    fn remove(&mut self, id: u64) -> Option<Entry> {
        let e = self.entries.remove(&id)?;
        self.deadlines.remove(&(e.deadline, id));
        if let Some(ids) = self.by_name.get_mut(&e.name) {
            ids.retain(|x| *x != id);
            if ids.is_empty() {
                self.by_name.remove(&e.name);
            }
        }
        if e.name.implicit_digest().is_some() {
            self.digest_entries -= 1;
        }
        Some(e)
    }

    fn take_where(&mut self, name: &Name, keep: impl Fn(&Entry) -> bool) -> Vec<Entry> {
        let ids: Vec<u64> = self
            .by_name
            .get(name)
            .map(|ids| {
                ids.iter()
                    .copied()
                    .filter(|id| self.entries.get(id).is_some_and(&keep))
                    .collect()
            })
            .unwrap_or_default();
        ids.into_iter().filter_map(|id| self.remove(id)).collect()
    }

    /// Remove and return every entry `data` satisfies.
    pub(crate) fn satisfy(&mut self, data: &Data) -> Vec<Entry> {
        let n = data.name();
        let mut out = self.take_where(n, |_| true);
        for len in 0..n.len() {
            out.extend(self.take_where(&n.prefix(len), |e| e.can_be_prefix));
        }
        if self.digest_entries > 0 {
            out.extend(self.take_where(&data.full_name(), |_| true));
        }
        out
    }

    /// Remove and return the entries a Nack of (`name`, `nonce`) answers.
    pub(crate) fn nack(&mut self, name: &Name, nonce: Option<u32>) -> Vec<Entry> {
        self.take_where(name, |e| nonce.is_none() || e.nonce == nonce)
    }

    /// Remove and return the entries whose deadline has passed.
    pub(crate) fn expire(&mut self, now: Instant) -> Vec<Entry> {
        let due: Vec<u64> = self
            .deadlines
            .iter()
            .take_while(|(t, _)| *t <= now)
            .map(|(_, id)| *id)
            .collect();
        due.into_iter().filter_map(|id| self.remove(id)).collect()
    }

    /// The earliest deadline.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.first().map(|(t, _)| *t)
    }

    /// Remove every entry.
    pub(crate) fn drain(&mut self) -> Vec<Entry> {
        let ids: Vec<u64> = self.entries.keys().copied().collect();
        ids.into_iter().filter_map(|id| self.remove(id)).collect()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use super::*;
    use crate::packet::{DataBuilder, InterestBuilder};
    use crate::sign::DigestSha256;

    fn interest(uri: &str, cbp: bool, nonce: u32) -> Interest {
        let n = Name::from_uri(uri).unwrap();
        Interest::decode(
            InterestBuilder::new(n)
                .can_be_prefix(cbp)
                .nonce(nonce)
                .encode(),
        )
        .unwrap()
    }

    fn data(uri: &str) -> Data {
        let n = Name::from_uri(uri).unwrap();
        Data::decode(DataBuilder::new(n).sign(&DigestSha256).unwrap()).unwrap()
    }

    type Log = Arc<Mutex<Vec<(u32, bool)>>>;

    fn sink(log: &Log, tag: u32) -> ReplySink {
        let log = log.clone();
        Box::new(move |r| log.lock().unwrap().push((tag, r.is_ok())))
    }

    #[tokio::test(start_paused = true)]
    async fn matches_exact_prefix_and_digest() {
        let log: Log = Arc::default();
        let mut t = PendingTable::default();
        let later = Instant::now() + Duration::from_secs(4);
        t.insert(&interest("/a/b", false, 1), later, sink(&log, 1));
        t.insert(&interest("/a", true, 2), later, sink(&log, 2));
        t.insert(&interest("/a", false, 3), later, sink(&log, 3));
        t.insert(&interest("/a/b/c", true, 4), later, sink(&log, 4));
        let d = data("/a/b");
        let full = d.full_name();
        t.insert(&interest(&full.to_string(), false, 5), later, sink(&log, 5));
        let mut hit: Vec<u32> = Vec::new();
        for e in t.satisfy(&d) {
            hit.push(e.nonce.unwrap_or_default());
        }
        hit.sort();
        assert_eq!(hit, [1, 2, 5]);
        assert_eq!(t.len(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn nack_by_nonce_and_expiry() {
        let log: Log = Arc::default();
        let mut t = PendingTable::default();
        let now = Instant::now();
        t.insert(
            &interest("/x", false, 1),
            now + Duration::from_secs(1),
            sink(&log, 1),
        );
        t.insert(
            &interest("/x", false, 2),
            now + Duration::from_secs(2),
            sink(&log, 2),
        );
        assert!(t.nack(&Name::from_uri("/x").unwrap(), Some(9)).is_empty());
        let hit = t.nack(&Name::from_uri("/x").unwrap(), Some(2));
        assert_eq!(hit.len(), 1);
        assert_eq!(t.next_deadline(), Some(now + Duration::from_secs(1)));
        assert!(t.expire(now).is_empty());
        assert_eq!(t.expire(now + Duration::from_secs(1)).len(), 1);
        assert_eq!(t.len(), 0);
    }
}
