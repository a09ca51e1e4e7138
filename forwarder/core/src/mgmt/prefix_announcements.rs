//! The RIB's side of self-learning (NFD's `RibManager::slAnnounce`, `slRenew` and `slFindAnn`):
//! routes learned from the prefix announcements that Data brings back, and the announcements
//! this forwarder attaches for its own downstreams; and `rib/announce`, by which a local
//! application announces its own prefix.

use std::time::Duration;

use bytes::Bytes;
use ndn::Name;
use ndn::mgmt::{ControlParameters, ControlResponse, route_flags, route_origin, status_code};
use ndn::packet::PrefixAnnouncement;
use ndn::sign::DigestSha256;

use super::rib::{LearnedAnnouncement, RibRoute};
use crate::face::FaceId;
use crate::forwarder::Forwarder;

/// Longest a learned route lives before a new announcement renews it (NFD's
/// `ROUTE_RENEW_LIFETIME`).
pub const LEARNED_ROUTE_LIFETIME: Duration = Duration::from_secs(600);
/// Cost of a learned route (NFD's `PA_ROUTE_COST`).
pub const LEARNED_ROUTE_COST: u64 = 2048;
/// Bounds of the ExpirationPeriod of an announcement made from registered routes.
const MADE_EXPIRATION_MIN: Duration = Duration::from_secs(15);
const MADE_EXPIRATION_MAX: Duration = Duration::from_secs(3600);

impl Forwarder {
    /// Learn the route a prefix announcement names, through `face`, from the Data named
    /// `data_name` that carried it. The announcement must be well formed, in force, and
    /// announce a prefix of the Data's name (so a Data cannot claim someone else's namespace);
    /// otherwise nothing is learned. The route expires with the announcement, after
    /// [`LEARNED_ROUTE_LIFETIME`] at most. Signatures are not checked, as NFD's default
    /// `prefix_announcement_validation` (trust anchor `any`) does not.
    pub(crate) fn learn_route(
        &mut self,
        now: Duration,
        face: FaceId,
        data_name: &Name,
        wire: &Bytes,
    ) {
        let Ok(pa) = PrefixAnnouncement::decode(wire.clone()) else {
            self.counters.drops.invalid_prefix_announcement += 1;
            return;
        };
        if !pa.announced_name().is_prefix_of(data_name) {
            self.counters.drops.invalid_prefix_announcement += 1;
            return;
        }
        let wall = self.mgmt.wall_ms(now);
        let Some(until) = pa.route_expiry_unix_ms(wall) else {
            self.counters.drops.invalid_prefix_announcement += 1;
            return;
        };
        let announcement_expires = now + Duration::from_millis(until - wall);
        let route_expires = announcement_expires.min(now + LEARNED_ROUTE_LIFETIME);
        self.add_announced_route(now, &pa, wire, face, announcement_expires, route_expires);
    }

    /// Install the route `pa` announces, to `face` (origin `prefixann`, cost 2048,
    /// CHILD_INHERIT) until `route_expires`, keeping the announcement (its `wire`, in force
    /// until `announcement_expires`) with it.
    fn add_announced_route(
        &mut self,
        now: Duration,
        pa: &PrefixAnnouncement,
        wire: &Bytes,
        face: FaceId,
        announcement_expires: Duration,
        route_expires: Duration,
    ) -> RibRoute {
        let route = RibRoute {
            face,
            origin: route_origin::PREFIX_ANN,
            cost: LEARNED_ROUTE_COST,
            flags: route_flags::CHILD_INHERIT,
            expires: Some(route_expires),
        };
        let prefix = pa.announced_name();
        let announcement = LearnedAnnouncement {
            wire: wire.clone(),
            expires: announcement_expires,
        };
        self.mgmt.rib.set_announcement(prefix, face, announcement);
        self.register_route(now, prefix, route);
        route
    }

    /// The prefix announcement for a Data named `name`, from the RIB entry of the name or of
    /// its longest prefix that has one: the learned announcement that lasts longest, or else a
    /// new one of the entry's prefix, lasting as long as its routes do (15 s to 1 h), signed
    /// with DigestSha256.
    pub(crate) fn find_announcement(&mut self, now: Duration, name: &Name) -> Option<Bytes> {
        let rib = &self.mgmt.rib;
        let (prefix, routes) = (0..=name.len()).rev().find_map(|k| {
            let p = name.prefix(k);
            rib.routes(&p).map(|r| (p, r))
        })?;
        let learned = routes
            .iter()
            .filter(|r| r.expires.is_some())
            .filter_map(|r| rib.announcement(&prefix, r.face))
            .max_by_key(|a| a.expires);
        if let Some(a) = learned {
            return Some(a.wire.clone());
        }
        // the latest route expiry; a route that never expires makes it the longest
        let lasts = routes
            .iter()
            .try_fold(Duration::ZERO, |latest, r| {
                r.expires.map(|t| latest.max(t.saturating_sub(now)))
            })
            .unwrap_or(MADE_EXPIRATION_MAX)
            .clamp(MADE_EXPIRATION_MIN, MADE_EXPIRATION_MAX);
        let version = self.mgmt.next_version(now);
        let expiration_ms = u64::try_from(lasts.as_millis()).unwrap_or(u64::MAX);
        PrefixAnnouncement::build(&prefix, expiration_ms, None, version, &DigestSha256)
            .ok()
            .map(|pa| pa.wire().clone())
    }

    /// `rib/announce` from a local application on `face`: a route of the announced prefix
    /// to the application (origin `prefixann`, cost 2048, CHILD_INHERIT) that lasts as long as
    /// the announcement; the announcement itself is kept, and a self-learning forwarder hands
    /// it, as the application signed it, to discovery Interests' downstreams. Its signature is
    /// not checked (NFD's default `prefix_announcement_validation`: trust anchor `any`).
    pub(crate) fn announce_command(
        &mut self,
        now: Duration,
        wire: &Bytes,
        face: FaceId,
    ) -> ControlResponse {
        let pa = match PrefixAnnouncement::decode(wire.clone()) {
            Ok(pa) => pa,
            Err(e) => {
                return ControlResponse::new(
                    status_code::BAD_REQUEST,
                    format!("not a prefix announcement: {e}"),
                );
            }
        };
        if !self.faces.contains(face) {
            return ControlResponse::new(410, "face not found");
        }
        let wall = self.mgmt.wall_ms(now);
        let Some(until) = pa.route_expiry_unix_ms(wall) else {
            return ControlResponse::new(
                status_code::BAD_REQUEST,
                "the prefix announcement is not in force (expired, or outside its ValidityPeriod)",
            );
        };
        let lasts_ms = until - wall;
        let expires = now + Duration::from_millis(lasts_ms);
        let route = self.add_announced_route(now, &pa, wire, face, expires, expires);
        ControlResponse::ok(ControlParameters {
            name: Some(pa.announced_name().clone()),
            face_id: Some(face.0),
            origin: Some(route.origin),
            cost: Some(route.cost),
            flags: Some(route.flags),
            expiration_period_ms: Some(lasts_ms),
            ..Default::default()
        })
    }

    /// Remove the learned route through `face` of the longest prefix of `name` that has one
    /// (NFD renews it with a lifetime of 0).
    pub(crate) fn forget_learned_route(&mut self, now: Duration, name: &Name, face: FaceId) {
        let _ = now;
        let rib = &self.mgmt.rib;
        let learned = (0..=name.len()).rev().map(|k| name.prefix(k)).find(|p| {
            rib.routes(p).is_some_and(|rs| {
                rs.iter()
                    .any(|r| r.face == face && r.origin == route_origin::PREFIX_ANN)
            })
        });
        if let Some(prefix) = learned {
            self.unregister_route(&prefix, face, route_origin::PREFIX_ANN);
        }
    }
}
