//! Forwarding strategies. A strategy decides where an Interest goes and what to do with Nacks;
//! it sees the PIT entry, the next hops and measurements, and acts only through the action sink
//! of its [`StrategyContext`], so a test can record what it did.

mod access;
pub mod asf;
mod best_route;
mod multicast;
pub mod params;
mod random;
pub mod retx;
mod self_learning;

pub use params::{RetxSuppression, Strategy, StrategyError, StrategyParams};

use std::time::Duration;

use bytes::Bytes;
use ndn::lp::NackReason;
use ndn::{Data, Interest, Name};

use crate::face::{FaceId, FaceScope, FaceTable, LinkType};
use crate::rng::Rng;
use crate::table::{Measurements, NextHop, PitEntry};

/// Something a strategy asked the forwarder to do.
#[derive(Debug, Clone)]
pub enum Action {
    /// Send an Interest to the upstream `face` (outgoing Interest pipeline).
    SendInterest {
        /// The upstream.
        face: FaceId,
        /// The Interest to send (the Nonce it carries goes in the out-record); `None` for the
        /// Interest that triggered the strategy, which the forwarder still holds. Boxed, so
        /// that an action stays small: a strategy's usual action sends the trigger.
        interest: Option<Box<Interest>>,
        /// Mark it NonDiscovery (self-learning); an Interest that arrived marked stays marked.
        non_discovery: bool,
    },
    /// Send Data to a downstream.
    SendData {
        /// The downstream.
        face: FaceId,
        /// The Data wire.
        wire: Bytes,
    },
    /// Send a Nack to the downstream `face` (outgoing Nack pipeline).
    SendNack {
        /// The downstream.
        face: FaceId,
        /// The reason.
        reason: NackReason,
    },
    /// Give up on the PIT entry now (Interest finalize pipeline).
    RejectPendingInterest,
    /// Call the strategy's timer trigger for this entry after this long, unless the entry is
    /// satisfied or gone by then, or the strategy cancelled the timer (arming again replaces it).
    ArmTimer {
        /// The delay.
        after: Duration,
    },
    /// The route learned from a prefix announcement that led this entry's Interest to the
    /// upstream `face` is gone (self-learning): remove it from the RIB.
    ForgetLearnedRoute {
        /// The upstream.
        face: FaceId,
    },
}

/// What a strategy can see and do while handling one trigger.
pub struct StrategyContext<'a> {
    /// Current time.
    pub now: Duration,
    /// All faces.
    pub faces: &'a FaceTable,
    /// Next hops from the FIB (cheapest first); empty when no route.
    pub next_hops: &'a [NextHop],
    /// The FIB prefix the next hops came from, and its hash (keys measurements).
    pub fib_prefix: Option<(&'a Name, u64)>,
    /// Measurements table.
    pub measurements: &'a mut Measurements,
    /// The forwarder's seeded RNG.
    pub rng: &'a mut Rng,
    /// The parameters of the strategy instance (from its name).
    pub params: StrategyParams,
    /// The key the forwarder hashes names with (see `Name::prefix_hashes_into`), for strategies
    /// that look up measurements under names of their own.
    pub hash_key: u64,
    /// The hashes of the PIT entry's name and its prefixes (`name_hashes[k]`: the first `k`
    /// components), as the forwarder computed them for the tables.
    pub name_hashes: &'a [u64],
    actions: &'a mut Vec<Action>,
    /// The Interest the trigger is about, if any (sent without a copy).
    trigger: Option<&'a Interest>,
}

impl<'a> StrategyContext<'a> {
    /// A context whose actions go to `actions`.
    pub fn new(
        now: Duration,
        faces: &'a FaceTable,
        next_hops: &'a [NextHop],
        fib_prefix: Option<(&'a Name, u64)>,
        measurements: &'a mut Measurements,
        rng: &'a mut Rng,
        actions: &'a mut Vec<Action>,
    ) -> Self {
        StrategyContext {
            now,
            faces,
            next_hops,
            fib_prefix,
            measurements,
            rng,
            params: StrategyParams::default(),
            hash_key: 0,
            name_hashes: &[],
            actions,
            trigger: None,
        }
    }

    /// The same context, with the forwarder's name hash key and the hashes of the entry's name.
    pub fn with_names_hashed(mut self, hash_key: u64, name_hashes: &'a [u64]) -> Self {
        self.hash_key = hash_key;
        self.name_hashes = name_hashes;
        self
    }

    /// The same context, for a strategy instance with these parameters.
    pub fn with_params(mut self, params: StrategyParams) -> Self {
        self.params = params;
        self
    }

    /// The same context, told which Interest triggered the strategy: sending that one records
    /// no copy of it.
    pub fn with_trigger(mut self, trigger: Option<&'a Interest>) -> Self {
        self.trigger = trigger;
        self
    }

    /// Send an Interest upstream.
    pub fn send_interest(&mut self, face: FaceId, interest: &Interest) {
        self.push_send_interest(face, interest, false);
    }

    /// Send an Interest upstream marked NonDiscovery (self-learning: it follows a route).
    pub fn send_interest_non_discovery(&mut self, face: FaceId, interest: &Interest) {
        self.push_send_interest(face, interest, true);
    }

    fn push_send_interest(&mut self, face: FaceId, interest: &Interest, non_discovery: bool) {
        let is_trigger = self.trigger.is_some_and(|t| std::ptr::eq(t, interest));
        self.actions.push(Action::SendInterest {
            face,
            interest: (!is_trigger).then(|| Box::new(interest.clone())),
            non_discovery,
        });
    }

    /// Remove the route learned from a prefix announcement through the upstream `face`.
    pub fn forget_learned_route(&mut self, face: FaceId) {
        self.actions.push(Action::ForgetLearnedRoute { face });
    }

    /// Send Data downstream.
    pub fn send_data(&mut self, face: FaceId, wire: Bytes) {
        self.actions.push(Action::SendData { face, wire });
    }

    /// Send a Nack downstream.
    pub fn send_nack(&mut self, face: FaceId, reason: NackReason) {
        self.actions.push(Action::SendNack { face, reason });
    }

    /// Give up on the entry.
    pub fn reject_pending_interest(&mut self) {
        self.actions.push(Action::RejectPendingInterest);
    }

    /// Have the strategy's timer trigger called for this entry after `after` (see
    /// [`Action::ArmTimer`]).
    pub fn arm_timer(&mut self, after: Duration) {
        self.actions.push(Action::ArmTimer { after });
    }

    /// True when `egress` may carry an Interest for this entry that came from `ingress`: the face
    /// exists, it is not the ingress (unless ad hoc), and scope is respected.
    pub fn is_eligible(&self, egress: FaceId, ingress: FaceId, name: &Name) -> bool {
        let Some(face) = self.faces.get(egress) else {
            return false;
        };
        if egress == ingress && face.info.link_type != LinkType::AdHoc {
            return false;
        }
        let ingress_scope = self.faces.get(ingress).map(|f| f.info.scope);
        !would_violate_scope(ingress_scope, face.info.scope, name)
    }
}

/// `/localhost` names never leave through a non-local face, and `/localhop` Interests that came
/// from a non-local face only go to local faces (NFD's `wouldViolateScope`).
pub fn would_violate_scope(ingress: Option<FaceScope>, egress: FaceScope, name: &Name) -> bool {
    if egress == FaceScope::Local {
        return false;
    }
    match name.get(0).map(|c| c.value()) {
        Some(b"localhost") => true,
        Some(b"localhop") => ingress == Some(FaceScope::NonLocal),
        _ => false,
    }
}

/// The strategies this forwarder has, with NFD's names and versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StrategyKind {
    /// `best-route`: the cheapest usable next hop; retransmissions try the others.
    #[default]
    BestRoute,
    /// `multicast`: every usable next hop.
    Multicast,
    /// `asf`: adaptive smoothed RTT-based forwarding.
    Asf,
    /// `random`: one eligible next hop drawn at random.
    Random,
    /// `self-learning`: floods Interests that have no route and learns routes from the prefix
    /// announcements their Data brings back.
    SelfLearning,
    /// `access`: the upstream that last brought Data under the prefix, then, after its
    /// retransmission timeout, every other next hop; every next hop when none is known.
    Access,
}

const STRATEGY_PREFIX: &str = "/localhost/nfd/strategy";

impl StrategyKind {
    /// Every strategy.
    pub const ALL: [StrategyKind; 6] = [
        StrategyKind::BestRoute,
        StrategyKind::Multicast,
        StrategyKind::Asf,
        StrategyKind::Random,
        StrategyKind::SelfLearning,
        StrategyKind::Access,
    ];

    /// The name without prefix and version: `best-route`, `multicast`, `asf`.
    pub fn short_name(self) -> &'static str {
        match self {
            StrategyKind::BestRoute => "best-route",
            StrategyKind::Multicast => "multicast",
            StrategyKind::Asf => "asf",
            StrategyKind::Random => "random",
            StrategyKind::SelfLearning => "self-learning",
            StrategyKind::Access => "access",
        }
    }

    fn version(self) -> u64 {
        match self {
            StrategyKind::BestRoute => 5,
            StrategyKind::Multicast => 4,
            StrategyKind::Asf => 5,
            StrategyKind::Random => 1,
            StrategyKind::SelfLearning => 1,
            StrategyKind::Access => 1,
        }
    }

    /// True when the strategy's timers send packets (access: the other next hops after the
    /// timeout), so a driver must run the core's timers on time; the other strategies' timers
    /// (entry expiry, ASF's timeouts, which only update measurements) send nothing.
    pub fn sends_from_timers(self) -> bool {
        self == StrategyKind::Access
    }

    /// How long a satisfied PIT entry stays, when the strategy wants to hear the Data of the
    /// other upstreams it sent the Interest to: ASF, 50 ms, as NFD's ASF extends the entry, so
    /// that a probe answering a little after the chosen upstream is measured. `None` (the
    /// others): the entry goes as soon as its Data comes.
    pub fn keeps_satisfied_entries_for(self) -> Option<Duration> {
        (self == StrategyKind::Asf).then_some(Duration::from_millis(50))
    }

    /// The versioned strategy name, e.g. `/localhost/nfd/strategy/best-route/v=5`.
    pub fn name(self) -> Name {
        Name::from_uri(STRATEGY_PREFIX)
            .unwrap_or_default()
            .append_generic(self.short_name())
            .append_version(self.version())
    }

    /// Trigger: an Interest arrived and missed the content store.
    pub fn after_receive_interest(
        self,
        ctx: &mut StrategyContext<'_>,
        entry: &mut PitEntry,
        ingress: FaceId,
        interest: &Interest,
    ) {
        match self {
            StrategyKind::BestRoute => {
                best_route::after_receive_interest(ctx, entry, ingress, interest)
            }
            StrategyKind::Multicast => {
                multicast::after_receive_interest(ctx, entry, ingress, interest)
            }
            StrategyKind::Asf => asf::after_receive_interest(ctx, entry, ingress, interest),
            StrategyKind::Random => random::after_receive_interest(ctx, entry, ingress, interest),
            StrategyKind::SelfLearning => {
                self_learning::after_receive_interest(ctx, entry, ingress, interest)
            }
            StrategyKind::Access => access::after_receive_interest(ctx, entry, ingress, interest),
        }
    }

    /// Trigger: Data is about to satisfy `entry` (measurements update here).
    pub fn before_satisfy_interest(
        self,
        ctx: &mut StrategyContext<'_>,
        entry: &PitEntry,
        ingress: FaceId,
        data: &Data,
    ) {
        match self {
            StrategyKind::Asf => asf::before_satisfy_interest(ctx, entry, ingress),
            StrategyKind::Access => access::before_satisfy_interest(ctx, entry, ingress, data),
            _ => {}
        }
    }

    /// Trigger: a Nack arrived from upstream `ingress`.
    pub fn after_receive_nack(
        self,
        ctx: &mut StrategyContext<'_>,
        entry: &mut PitEntry,
        ingress: FaceId,
        reason: NackReason,
    ) {
        match self {
            StrategyKind::BestRoute | StrategyKind::Multicast | StrategyKind::Random => {
                let _ = ingress;
                process_nack(ctx, entry, reason)
            }
            StrategyKind::Asf => asf::after_receive_nack(ctx, entry, ingress, reason),
            StrategyKind::SelfLearning => {
                self_learning::after_receive_nack(ctx, entry, ingress, reason)
            }
            // as NFD's: a Nack changes nothing; the timeout tries the other next hops
            StrategyKind::Access => {}
        }
    }

    /// Trigger: the timer the strategy armed for the entry ran out; `ingress` is the face of
    /// the entry's first in-record.
    pub fn after_timer(self, ctx: &mut StrategyContext<'_>, entry: &mut PitEntry, ingress: FaceId) {
        match self {
            StrategyKind::Access => access::after_timeout(ctx, entry, ingress),
            StrategyKind::Asf => asf::after_timer(ctx, entry),
            _ => {}
        }
    }

    /// Trigger: the entry is about to expire unsatisfied.
    pub fn before_expire_pending_interest(self, ctx: &mut StrategyContext<'_>, entry: &PitEntry) {
        if self == StrategyKind::Asf {
            asf::before_expire(ctx, entry);
        }
    }
}

/// NFD's common Nack processing: once every upstream has Nacked, Nack every downstream with the
/// least severe reason; while some upstream may still answer, wait. If the only upstream that
/// has not Nacked is also a downstream, it will not answer its own Interest: Nack it now.
pub(crate) fn process_nack(ctx: &mut StrategyContext<'_>, entry: &PitEntry, received: NackReason) {
    let mut not_nacked = 0;
    let mut last_not_nacked = None;
    let mut least: Option<NackReason> = None;
    for r in &entry.out_records {
        match r.nack {
            None => {
                not_nacked += 1;
                last_not_nacked = Some(r.face);
            }
            Some(reason) => {
                if least.is_none_or(|l| reason.severity() < l.severity()) {
                    least = Some(reason);
                }
            }
        }
    }
    let reason = least.unwrap_or(NackReason::None);
    if not_nacked == 1
        && let Some(f) = last_not_nacked
        && entry.in_record(f).is_some()
    {
        ctx.send_nack(f, received);
        return;
    }
    if not_nacked > 0 {
        return;
    }
    for r in &entry.in_records {
        if r.expiry > ctx.now {
            ctx.send_nack(r.face, reason);
        }
    }
    ctx.reject_pending_interest();
}

/// Nack every downstream with NoRoute and give up: no usable next hop.
pub(crate) fn reject_no_route(ctx: &mut StrategyContext<'_>, entry: &PitEntry) {
    for r in &entry.in_records {
        ctx.send_nack(r.face, NackReason::NoRoute);
    }
    ctx.reject_pending_interest();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        let kind = |n: &Name| Strategy::from_name(n).map(|s| s.kind).ok();
        for k in StrategyKind::ALL {
            assert_eq!(kind(&k.name()), Some(k));
            assert_eq!(kind(&k.name().parent(1)), Some(k));
        }
        assert_eq!(
            StrategyKind::BestRoute.name().to_string(),
            "/localhost/nfd/strategy/best-route/v=5"
        );
        // as in NFD, a version asks for that one or a later one
        let earlier = Name::from_uri("/localhost/nfd/strategy/best-route/v=1").unwrap();
        assert_eq!(kind(&earlier), Some(StrategyKind::BestRoute));
        let later = Name::from_uri("/localhost/nfd/strategy/best-route/v=6").unwrap();
        assert_eq!(kind(&later), None);
        let unknown = Name::from_uri("/localhost/nfd/strategy/ncc").unwrap();
        assert_eq!(kind(&unknown), None);
    }

    #[test]
    fn scope_rules() {
        let lh = Name::from_uri("/localhost/x").unwrap();
        let hop = Name::from_uri("/localhop/x").unwrap();
        let other = Name::from_uri("/a").unwrap();
        assert!(would_violate_scope(
            Some(FaceScope::Local),
            FaceScope::NonLocal,
            &lh
        ));
        assert!(!would_violate_scope(
            Some(FaceScope::Local),
            FaceScope::Local,
            &lh
        ));
        assert!(would_violate_scope(
            Some(FaceScope::NonLocal),
            FaceScope::NonLocal,
            &hop
        ));
        assert!(!would_violate_scope(
            Some(FaceScope::Local),
            FaceScope::NonLocal,
            &hop
        ));
        assert!(!would_violate_scope(
            Some(FaceScope::NonLocal),
            FaceScope::NonLocal,
            &other
        ));
    }
}
