//! The dispatcher task of a face: commands from face handles, packets from the reader, and
//! the expiry of pending Interests. Incoming packets may be bare Interest/Data or NDNLPv2
//! LpPackets (Nacks, congestion marks, PIT tokens, fragments).

use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::error::ExpressError;
use super::face::Reply;
use super::pending::{PendingTable, ReplySink};
use super::registration::Responder;
use super::transport::Link;
use crate::lp::{LpPacket, Reassembler, ReassemblyLimits};
use crate::name::Name;
use crate::packet::{Interest, Packet};

/// What face handles ask of the dispatcher.
pub(crate) enum Command {
    Express {
        interest: Interest,
        deadline: Instant,
        sink: ReplySink,
    },
    AddFilter {
        id: u64,
        prefix: Name,
        tx: mpsc::Sender<(Interest, Responder)>,
    },
    RemoveFilter {
        id: u64,
    },
}

struct Filter {
    id: u64,
    prefix: Name,
    tx: mpsc::Sender<(Interest, Responder)>,
}

/// The dispatcher task: commands from face handles, packets from the reader, timeouts.
pub(crate) async fn run(mut commands: mpsc::UnboundedReceiver<Command>, link: Link) {
    let Link {
        mut incoming,
        outgoing,
        ..
    } = link;
    let mut pending = PendingTable::default();
    let mut filters: Vec<Filter> = Vec::new();
    let mut reassembler = Reassembler::new(ReassemblyLimits::default());
    let start = Instant::now();
    let mut closed = false;
    loop {
        let next = pending.next_deadline();
        let wake = next.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        tokio::select! {
            cmd = commands.recv() => match cmd {
                None => break,
                Some(Command::Express { interest, deadline, sink }) => {
                    if closed {
                        sink(Err(ExpressError::Closed));
                        continue;
                    }
                    let wire = interest.wire().clone();
                    pending.insert(&interest, deadline, sink);
                    if outgoing.send(wire).is_err() {
                        closed = true;
                        fail_all(&mut pending, &mut filters);
                    }
                }
                Some(Command::AddFilter { id, prefix, tx }) => {
                    if !closed {
                        filters.push(Filter { id, prefix, tx });
                    }
                }
                Some(Command::RemoveFilter { id }) => filters.retain(|f| f.id != id),
            },
            pkt = incoming.recv(), if !closed => match pkt {
                None => {
                    closed = true;
                    fail_all(&mut pending, &mut filters);
                }
                Some(p) => {
                    let now = start.elapsed();
                    on_packet(p, now, &mut pending, &mut filters, &mut reassembler, &outgoing);
                }
            },
            _ = tokio::time::sleep_until(wake), if next.is_some() => {
                for e in pending.expire(Instant::now()) {
                    e.finish(Err(ExpressError::Timeout));
                }
            }
        }
    }
}

fn fail_all(pending: &mut PendingTable, filters: &mut Vec<Filter>) {
    for e in pending.drain() {
        e.finish(Err(ExpressError::Closed));
    }
    filters.clear();
}

fn on_packet(
    wire: Bytes,
    now: Duration,
    pending: &mut PendingTable,
    filters: &mut Vec<Filter>,
    reassembler: &mut Reassembler,
    outgoing: &mpsc::UnboundedSender<Bytes>,
) {
    // undecodable packets are dropped, as a forwarder would
    let Ok(lp) = LpPacket::decode(wire) else {
        return;
    };
    let Ok(Some(lp)) = reassembler.receive(now, lp) else {
        return;
    };
    let Some(fragment) = lp.fragment.clone() else {
        return;
    };
    match Packet::decode(fragment) {
        Ok(Packet::Data(data)) => {
            let congestion_mark = lp.congestion_mark.unwrap_or(0);
            for e in pending.satisfy(&data) {
                e.finish(Ok(Reply {
                    data: data.clone(),
                    congestion_mark,
                }));
            }
        }
        Ok(Packet::Interest(interest)) => {
            if let Some(reason) = lp.nack {
                for e in pending.nack(interest.name(), interest.nonce()) {
                    e.finish(Err(ExpressError::Nack(reason)));
                }
                return;
            }
            filters.retain(|f| !f.tx.is_closed());
            for f in filters.iter() {
                if f.prefix.is_prefix_of(interest.name()) {
                    let responder = Responder {
                        outgoing: outgoing.clone(),
                        pit_token: lp.pit_token.clone(),
                        interest: interest.clone(),
                    };
                    // a full queue drops the Interest; the consumer will retransmit
                    let _ = f.tx.try_send((interest.clone(), responder));
                }
            }
        }
        Err(_) => {}
    }
}
