//! `ndnctl`: control an NFD-compatible forwarder through the NFD management protocol (the
//! `nfdc` of this project): status, faces, routes, FIB, strategies, content store.

mod table;

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use ndn::app::Face;
use ndn::face_uri::{FaceUri, Scheme};
use ndn::mgmt::{
    ChannelStatus, ControlParameters, ControlResponse, CsInfo, FaceQueryFilter, FaceStatus,
    FibEntry, GeneralStatus, Record, RibEntry, StrategyChoice, cs_flags, decode_dataset,
    face_flags, localhost_nfd, route_flags, route_origin,
};
use ndn::{InterestBuilder, Name};
use serde_json::{Value, json};

pub use table::Table;

/// Why an ndnctl command failed.
#[derive(Debug, thiserror::Error)]
pub enum CtlError {
    /// The forwarder could not be reached.
    #[error(transparent)]
    Connect(#[from] ndn::app::ConnectError),
    /// A dataset could not be fetched.
    #[error("cannot read {what}: {reason}")]
    Dataset {
        /// The dataset.
        what: String,
        /// Why.
        reason: String,
    },
    /// A command was refused or failed.
    #[error("{0}")]
    Command(String),
    /// A bad argument.
    #[error("{0}")]
    Usage(String),
}

/// Fetch a whole status dataset (`/localhost/nfd/<module>/<verb>[/<param>]`): the first segment
/// with CanBePrefix and MustBeFresh, then the others by name.
pub async fn dataset(
    face: &Face,
    module: &str,
    verb: &str,
    param: Option<Bytes>,
) -> Result<Bytes, CtlError> {
    let mut base = localhost_nfd().append_generic(module).append_generic(verb);
    if let Some(p) = param {
        base = base.append_generic(p);
    }
    let what = format!("{module}/{verb}");
    // a forwarder answers /localhost only on a face with local scope: say so when the
    // request got no answer on another kind
    let hint = if face.has_local_scope() {
        String::new()
    } else {
        format!(
            " (over {}, a face without local scope, from which forwarders answer no /localhost \
             request: use a Unix socket or TCP to a loopback address)",
            face.uri()
        )
    };
    let fail = |reason: String| CtlError::Dataset {
        what: what.clone(),
        reason: format!("{reason}{hint}"),
    };
    let timeout = Some(Duration::from_secs(4));
    let first = face
        .express(
            InterestBuilder::new(base.clone())
                .can_be_prefix(true)
                .must_be_fresh(true)
                .lifetime_ms(4000),
            timeout,
        )
        .await
        .map_err(|e| fail(e.to_string()))?;
    let mut out = BytesMut::from(&first.content()[..]);
    let last = first.final_segment().unwrap_or(0);
    let versioned = first.name().parent(1);
    for seg in 1..=last {
        let d = face
            .express(
                InterestBuilder::new(versioned.append_segment(seg)).lifetime_ms(4000),
                timeout,
            )
            .await
            .map_err(|e| fail(e.to_string()))?;
        out.extend_from_slice(&d.content());
    }
    Ok(out.freeze())
}

/// Send a command; a non-2xx status is an error naming the status.
pub async fn command(
    face: &Face,
    module: &str,
    verb: &str,
    p: &ControlParameters,
) -> Result<ControlResponse, CtlError> {
    face.command(module, verb, p)
        .await
        .map_err(|e| CtlError::Command(e.to_string()))
}

fn ms(d: u64) -> String {
    let s = d / 1000;
    format!(
        "{}d{:02}h{:02}m{:02}s",
        s / 86_400,
        (s / 3600) % 24,
        (s / 60) % 60,
        s % 60
    )
}

/// `ndnctl status`.
pub async fn status(face: &Face) -> Result<(Value, String), CtlError> {
    let g = GeneralStatus::decode(dataset(face, "status", "general", None).await?)
        .map_err(|e| CtlError::Command(e.to_string()))?;
    let uptime = g.current_timestamp_ms.saturating_sub(g.start_timestamp_ms);
    let j = json!({
        "version": g.nfd_version, "start_ms": g.start_timestamp_ms, "current_ms": g.current_timestamp_ms,
        "uptime_ms": uptime, "fib_entries": g.n_fib_entries, "pit_entries": g.n_pit_entries,
        "measurements_entries": g.n_measurements_entries, "cs_entries": g.n_cs_entries,
        "in_interests": g.n_in_interests, "in_data": g.n_in_data, "in_nacks": g.n_in_nacks,
        "out_interests": g.n_out_interests, "out_data": g.n_out_data, "out_nacks": g.n_out_nacks,
        "satisfied_interests": g.n_satisfied_interests, "unsatisfied_interests": g.n_unsatisfied_interests,
    });
    let text = format!(
        "General forwarder status:\n\
         \x20              version={}\n\
         \x20               uptime={}\n\
         \x20         nFibEntries={}\n\
         \x20         nPitEntries={}\n\
         \x20 nMeasurementsEntries={}\n\
         \x20          nCsEntries={}\n\
         \x20        nInInterests={}\n\
         \x20       nOutInterests={}\n\
         \x20             nInData={}\n\
         \x20            nOutData={}\n\
         \x20            nInNacks={}\n\
         \x20           nOutNacks={}\n\
         \x20 nSatisfiedInterests={}\n\
         nUnsatisfiedInterests={}\n",
        g.nfd_version,
        ms(uptime),
        g.n_fib_entries,
        g.n_pit_entries,
        g.n_measurements_entries,
        g.n_cs_entries,
        g.n_in_interests,
        g.n_out_interests,
        g.n_in_data,
        g.n_out_data,
        g.n_in_nacks,
        g.n_out_nacks,
        g.n_satisfied_interests,
        g.n_unsatisfied_interests
    );
    Ok((j, text))
}

fn face_json(f: &FaceStatus) -> Value {
    json!({
        "id": f.face_id, "remote": f.uri, "local": f.local_uri, "scope": f.face_scope.to_string(),
        "persistency": f.face_persistency.to_string(), "link_type": f.link_type.to_string(),
        "mtu": f.mtu, "flags": f.flags,
        "in": {"interests": f.n_in_interests, "data": f.n_in_data, "nacks": f.n_in_nacks, "bytes": f.n_in_bytes},
        "out": {"interests": f.n_out_interests, "data": f.n_out_data, "nacks": f.n_out_nacks, "bytes": f.n_out_bytes},
    })
}

fn faces_table(faces: &[FaceStatus]) -> String {
    let mut t = Table::new(&[
        "faceid",
        "remote",
        "local",
        "scope",
        "persistency",
        "in i/d/n",
        "out i/d/n",
    ]);
    for f in faces {
        t.row(vec![
            f.face_id.to_string(),
            f.uri.clone(),
            f.local_uri.clone(),
            f.face_scope.to_string(),
            f.face_persistency.to_string(),
            format!("{}/{}/{}", f.n_in_interests, f.n_in_data, f.n_in_nacks),
            format!("{}/{}/{}", f.n_out_interests, f.n_out_data, f.n_out_nacks),
        ]);
    }
    t.render()
}

/// `ndnctl face list [--remote URI] [--local URI] [--scheme SCHEME]`: with a filter, the
/// forwarder's `faces/query` dataset answers (the remote URI is put in canonical form first).
pub async fn face_list(
    face: &Face,
    remote: Option<&str>,
    local: Option<&str>,
    scheme: Option<&str>,
) -> Result<(Value, String), CtlError> {
    let bytes = if remote.is_none() && local.is_none() && scheme.is_none() {
        dataset(face, "faces", "list", None).await?
    } else {
        let uri = match remote {
            Some(u) => Some(canonical_face_uri(u).await?),
            None => None,
        };
        let filter = FaceQueryFilter {
            uri,
            local_uri: local.map(str::to_owned),
            uri_scheme: scheme.map(str::to_owned),
            ..Default::default()
        };
        dataset(face, "faces", "query", Some(filter.encode())).await?
    };
    let faces: Vec<FaceStatus> =
        decode_dataset(bytes).map_err(|e| CtlError::Command(e.to_string()))?;
    Ok((
        Value::Array(faces.iter().map(face_json).collect()),
        faces_table(&faces),
    ))
}

/// The status of face `id`, or an error naming it when the forwarder has no such face.
async fn face_status(face: &Face, id: u64) -> Result<FaceStatus, CtlError> {
    let filter = FaceQueryFilter {
        face_id: Some(id),
        ..Default::default()
    };
    let faces: Vec<FaceStatus> =
        decode_dataset(dataset(face, "faces", "query", Some(filter.encode())).await?)
            .map_err(|e| CtlError::Command(e.to_string()))?;
    faces.into_iter().next().ok_or_else(|| {
        CtlError::Command(format!(
            "face {id} not found (`ndnctl face list` shows the faces)"
        ))
    })
}

/// `ndnctl face show ID`.
pub async fn face_show(face: &Face, id: u64) -> Result<(Value, String), CtlError> {
    let f = &face_status(face, id).await?;
    let text = format!(
        "    faceid={}\n    remote={}\n     local={}\n     scope={}\npersistency={}\n  linktype={}\n       mtu={}\n  counters={{in={{{}i {}d {}n {}B}} out={{{}i {}d {}n {}B}}}}\n     flags={{{}}}\n",
        f.face_id,
        f.uri,
        f.local_uri,
        f.face_scope,
        f.face_persistency,
        f.link_type,
        f.mtu.map_or("-".into(), |m| m.to_string()),
        f.n_in_interests,
        f.n_in_data,
        f.n_in_nacks,
        f.n_in_bytes,
        f.n_out_interests,
        f.n_out_data,
        f.n_out_nacks,
        f.n_out_bytes,
        face_flag_names(f.flags)
    );
    Ok((face_json(f), text))
}

/// The face flags that are set, by nfdc's names.
fn face_flag_names(flags: u64) -> String {
    [
        (face_flags::LOCAL_FIELDS_ENABLED, "local-fields"),
        (face_flags::LP_RELIABILITY_ENABLED, "lp-reliability"),
        (face_flags::CONGESTION_MARKING_ENABLED, "congestion-marking"),
    ]
    .iter()
    .filter(|(bit, _)| flags & bit != 0)
    .map(|(_, n)| *n)
    .collect::<Vec<_>>()
    .join(" ")
}

/// A face that `faces/create` made, or found already there.
#[derive(Debug, Clone)]
pub struct CreatedFace {
    /// Its id.
    pub id: u64,
    /// False when the face existed before.
    pub created: bool,
    /// Remote URI, as the forwarder reports it.
    pub remote: String,
    /// Local URI, as the forwarder reports it.
    pub local: String,
    /// The persistency of a face that existed, when the forwarder said.
    pub existing_persistency: Option<ndn::mgmt::FacePersistency>,
}

/// Persistencies in the order `face create` may raise them: on-demand, persistent, permanent.
fn persistency_rank(p: ndn::mgmt::FacePersistency) -> u8 {
    match p {
        ndn::mgmt::FacePersistency::OnDemand => 0,
        ndn::mgmt::FacePersistency::Persistent => 1,
        ndn::mgmt::FacePersistency::Permanent => 2,
    }
}

impl CreatedFace {
    fn line(&self) -> String {
        if self.created {
            format!(
                "face-created id={} remote={} local={}\n",
                self.id, self.remote, self.local
            )
        } else {
            format!("face-exists id={}\n", self.id)
        }
    }
}

/// What `face create` asks of a face: given on creation, or applied to a face that exists.
#[derive(Debug, Clone, Default)]
pub struct FaceOptions {
    /// Persistency (a face that exists only has it raised).
    pub persistency: Option<ndn::mgmt::FacePersistency>,
    /// MTU, when smaller than the link's.
    pub mtu: Option<u64>,
    /// NDNLPv2 link reliability on or off.
    pub reliability: Option<bool>,
    /// Congestion marking on or off.
    pub congestion_marking: Option<bool>,
    /// The local end (`dev://IFNAME` for an Ethernet face).
    pub local: Option<String>,
}

impl FaceOptions {
    /// (Flags, Mask) for the face flags these options set, if any.
    fn flags(&self) -> (Option<u64>, Option<u64>) {
        let (mut flags, mut mask) = (0, 0);
        for (setting, bit) in [
            (self.reliability, face_flags::LP_RELIABILITY_ENABLED),
            (
                self.congestion_marking,
                face_flags::CONGESTION_MARKING_ENABLED,
            ),
        ] {
            if let Some(on) = setting {
                mask |= bit;
                if on {
                    flags |= bit;
                }
            }
        }
        if mask == 0 {
            (None, None)
        } else {
            (Some(flags), Some(mask))
        }
    }

    /// True when the options change a face flag.
    fn sets_flags(&self) -> bool {
        self.reliability.is_some() || self.congestion_marking.is_some()
    }
}

/// Create the face to `uri`, or find it when the forwarder says it exists.
pub async fn create_or_find_face(
    face: &Face,
    uri: &str,
    options: &FaceOptions,
) -> Result<CreatedFace, CtlError> {
    let (flags, mask) = options.flags();
    let p = ControlParameters {
        uri: Some(uri.to_owned()),
        local_uri: options.local.clone(),
        face_persistency: options.persistency,
        mtu: options.mtu,
        flags,
        mask,
        ..Default::default()
    };
    match face.command("faces", "create", &p).await {
        Ok(r) => {
            let b = r.body.unwrap_or_default();
            Ok(CreatedFace {
                id: b.face_id.unwrap_or(0),
                created: true,
                remote: b.uri.unwrap_or_default(),
                local: b.local_uri.unwrap_or_default(),
                existing_persistency: None,
            })
        }
        Err(ndn::app::ControlError::Refused {
            code: 409, body, ..
        }) => {
            let existing_persistency = body.as_ref().and_then(|b| b.face_persistency);
            // the face exists: NFD and ndnd name it in the response; ask otherwise
            let id = match body.and_then(|b| b.face_id) {
                Some(id) => id,
                None => {
                    let filter = FaceQueryFilter {
                        uri: Some(uri.to_owned()),
                        ..Default::default()
                    };
                    let faces: Vec<FaceStatus> = decode_dataset(
                        dataset(face, "faces", "query", Some(filter.encode())).await?,
                    )
                    .map_err(|e| CtlError::Command(e.to_string()))?;
                    faces.first().map_or(0, |f| f.face_id)
                }
            };
            Ok(CreatedFace {
                id,
                created: false,
                remote: uri.to_owned(),
                local: String::new(),
                existing_persistency,
            })
        }
        Err(e) => Err(CtlError::Command(e.to_string())),
    }
}

/// `ndnctl face create URI [--persistency P] [--mtu MTU] [--reliability on|off]`.
pub async fn face_create(
    face: &Face,
    uri: &str,
    options: &FaceOptions,
) -> Result<(Value, String), CtlError> {
    let f = create_or_find_face(face, uri, options).await?;
    // a face that exists takes the MTU and reliability given, and a higher persistency (an
    // on-demand face made by incoming traffic becomes persistent), as nfdc does it
    let raise = match (options.persistency, f.existing_persistency) {
        (Some(want), Some(has)) => persistency_rank(want) > persistency_rank(has),
        _ => false,
    };
    if !f.created && (raise || options.mtu.is_some() || options.sets_flags()) {
        let (flags, mask) = options.flags();
        let p = ControlParameters {
            face_id: Some(f.id),
            face_persistency: options.persistency.filter(|_| raise),
            mtu: options.mtu,
            flags,
            mask,
            ..Default::default()
        };
        command(face, "faces", "update", &p).await?;
        return Ok((
            json!({"created": false, "updated": true, "id": f.id}),
            format!("face-updated id={}\n", f.id),
        ));
    }
    let j = if f.created {
        json!({"created": true, "id": f.id, "remote": f.remote, "local": f.local})
    } else {
        json!({"created": false, "id": f.id})
    };
    Ok((j, f.line()))
}

/// `ndnctl face destroy FACEID|FACEURI`; a URI must name exactly one face, an id an existing
/// one (the forwarder answers success either way, as NFD does; nfdc too reports a face it
/// cannot find).
pub async fn face_destroy(face: &Face, which: &FaceArg) -> Result<(Value, String), CtlError> {
    if let FaceArg::Id(id) = which {
        face_status(face, *id).await?;
    }
    let id = match matching_faces(face, which).await?[..] {
        [id] => id,
        ref ids => {
            return Err(CtlError::Command(format!(
                "{} faces have that remote URI ({ids:?}); destroy one by its id",
                ids.len()
            )));
        }
    };
    let p = ControlParameters {
        face_id: Some(id),
        ..Default::default()
    };
    command(face, "faces", "destroy", &p).await?;
    Ok((
        json!({"destroyed": id}),
        format!("face-destroyed id={id}\n"),
    ))
}

/// `ndnctl route list`.
pub async fn route_list(face: &Face, filter: &RouteFilter) -> Result<(Value, String), CtlError> {
    let entries: Vec<RibEntry> = decode_dataset(dataset(face, "rib", "list", None).await?)
        .map_err(|e| CtlError::Command(e.to_string()))?;
    let via = match &filter.nexthop {
        Some(f) => Some(matching_faces(face, f).await?),
        None => None,
    };
    let mut t = Table::new(&["prefix", "nexthop", "origin", "cost", "flags", "expires"]);
    let mut j = Vec::new();
    for e in &entries {
        if filter.prefix.as_ref().is_some_and(|p| *p != e.name) {
            continue;
        }
        for r in &e.routes {
            if via.as_ref().is_some_and(|ids| !ids.contains(&r.face_id))
                || filter.origin.is_some_and(|o| o != r.origin)
            {
                continue;
            }
            let mut flags = Vec::new();
            if r.flags & route_flags::CHILD_INHERIT != 0 {
                flags.push("child-inherit");
            }
            if r.flags & route_flags::CAPTURE != 0 {
                flags.push("capture");
            }
            let expires = r
                .expiration_period_ms
                .map_or("never".to_owned(), |m| format!("{}s", m / 1000));
            t.row(vec![
                e.name.to_string(),
                r.face_id.to_string(),
                route_origin::name(r.origin).map_or_else(|| r.origin.to_string(), str::to_owned),
                r.cost.to_string(),
                flags.join(","),
                expires,
            ]);
            j.push(
                json!({"prefix": e.name.to_string(), "nexthop": r.face_id, "origin": r.origin,
                "cost": r.cost, "flags": r.flags, "expires_ms": r.expiration_period_ms}),
            );
        }
    }
    Ok((Value::Array(j), t.render()))
}

/// Which routes `route list` and `route show` print; `None` matches every route.
#[derive(Debug, Clone, Default)]
pub struct RouteFilter {
    /// Exactly this prefix.
    pub prefix: Option<Name>,
    /// Through this next hop (a face URI may stand for several faces).
    pub nexthop: Option<FaceArg>,
    /// Of this origin.
    pub origin: Option<u64>,
}

/// The route `route add` registers.
#[derive(Debug, Clone)]
pub struct RouteOptions {
    /// Cost.
    pub cost: u64,
    /// Origin.
    pub origin: u64,
    /// Lifetime, when it expires.
    pub expires_ms: Option<u64>,
    /// Route flags (CHILD_INHERIT, CAPTURE).
    pub flags: u64,
}

/// A face as given on the command line (a route's next hop, a face to destroy): a face id, or
/// the URI of the remote end of a face (as `nfdc` takes them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaceArg {
    /// A face id.
    Id(u64),
    /// A face URI, e.g. `udp4://192.0.2.1:6363`.
    Uri(String),
}

impl std::str::FromStr for FaceArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            return s
                .parse()
                .map(FaceArg::Id)
                .map_err(|_| format!("face id {s} is too large"));
        }
        match FaceUri::parse(s) {
            Ok(_) => Ok(FaceArg::Uri(s.to_owned())),
            Err(e) => Err(format!(
                "a face is given by its id (see `ndnctl face list`) or by a face URI such as \
                 udp4://192.0.2.1:6363; {e}"
            )),
        }
    }
}

/// `uri` as a forwarder reports a face's remote end: for UDP and TCP the scheme names the
/// address family and a host name is resolved, as `faces/create` does; a port is always given.
pub async fn canonical_face_uri(uri: &str) -> Result<String, CtlError> {
    let parsed = FaceUri::parse(uri).map_err(|e| CtlError::Usage(e.to_string()))?;
    let kind = if parsed.scheme.is_udp() {
        "udp"
    } else if parsed.scheme.is_tcp() {
        "tcp"
    } else {
        return Ok(parsed.to_string());
    };
    let port = parsed.port.unwrap_or(ndn::face_uri::DEFAULT_PORT);
    let want_v4 = matches!(parsed.scheme, Scheme::Udp4 | Scheme::Tcp4);
    let want_v6 = matches!(parsed.scheme, Scheme::Udp6 | Scheme::Tcp6);
    let addr = tokio::net::lookup_host((parsed.host.as_str(), port))
        .await
        .map_err(|e| CtlError::Usage(format!("cannot resolve {}: {e}", parsed.host)))?
        .find(|a| (!want_v4 || a.is_ipv4()) && (!want_v6 || a.is_ipv6()))
        .ok_or_else(|| CtlError::Usage(format!("no address for {}", parsed.host)))?;
    Ok(FaceUri::from_socket_addr(kind, addr).to_string())
}

/// The ids of the faces `arg` names: the id itself, or every face whose remote URI is the
/// canonical form of the URI (at least one).
async fn matching_faces(face: &Face, arg: &FaceArg) -> Result<Vec<u64>, CtlError> {
    let uri = match arg {
        FaceArg::Id(id) => return Ok(vec![*id]),
        FaceArg::Uri(uri) => uri,
    };
    let canonical = canonical_face_uri(uri).await?;
    let faces: Vec<FaceStatus> = decode_dataset(dataset(face, "faces", "list", None).await?)
        .map_err(|e| CtlError::Command(e.to_string()))?;
    let ids: Vec<u64> = faces
        .iter()
        .filter(|f| f.uri == canonical)
        .map(|f| f.face_id)
        .collect();
    if ids.is_empty() {
        return Err(CtlError::Command(format!(
            "no face has the remote URI {canonical} (`ndnctl face list` shows the faces)"
        )));
    }
    Ok(ids)
}

/// `ndnctl route add PREFIX FACEID|FACEURI`. A face URI that names no face yet gets one,
/// created as `ndnctl face create` does.
pub async fn route_add(
    face: &Face,
    prefix: Name,
    nexthop: &FaceArg,
    route: &RouteOptions,
) -> Result<(Value, String), CtlError> {
    let RouteOptions {
        cost,
        origin,
        expires_ms,
        flags,
    } = *route;
    let (id, made) = match nexthop {
        FaceArg::Id(id) => (*id, None),
        FaceArg::Uri(uri) => {
            let f = create_or_find_face(face, uri, &FaceOptions::default()).await?;
            (f.id, Some(f))
        }
    };
    let p = ControlParameters {
        name: Some(prefix.clone()),
        face_id: Some(id),
        cost: Some(cost),
        origin: Some(origin),
        flags: Some(flags),
        expiration_period_ms: expires_ms,
        ..Default::default()
    };
    command(face, "rib", "register", &p).await?;
    let mut j = json!({"added": prefix.to_string(), "nexthop": id, "cost": cost, "origin": origin});
    let mut text = String::new();
    if let Some(f) = made {
        j["face_created"] = json!(f.created);
        text.push_str(&f.line());
    }
    text.push_str(&format!(
        "route-add-accepted prefix={prefix} nexthop={id} origin={origin} cost={cost}\n"
    ));
    Ok((j, text))
}

/// `ndnctl route remove PREFIX FACEID|FACEURI`. A face URI must match one or more faces; the
/// route is removed from each.
pub async fn route_remove(
    face: &Face,
    prefix: Name,
    nexthop: &FaceArg,
    origin: u64,
) -> Result<(Value, String), CtlError> {
    let ids = matching_faces(face, nexthop).await?;
    let mut text = String::new();
    for &id in &ids {
        let p = ControlParameters {
            name: Some(prefix.clone()),
            face_id: Some(id),
            origin: Some(origin),
            ..Default::default()
        };
        command(face, "rib", "unregister", &p).await?;
        text.push_str(&format!(
            "route-removed prefix={prefix} nexthop={id} origin={origin}\n"
        ));
    }
    let j = match ids[..] {
        [id] => json!({"removed": prefix.to_string(), "nexthop": id, "origin": origin}),
        _ => json!({"removed": prefix.to_string(), "nexthops": ids, "origin": origin}),
    };
    Ok((j, text))
}

/// `ndnctl fib list`.
pub async fn fib_list(face: &Face) -> Result<(Value, String), CtlError> {
    let entries: Vec<FibEntry> = decode_dataset(dataset(face, "fib", "list", None).await?)
        .map_err(|e| CtlError::Command(e.to_string()))?;
    let mut t = Table::new(&["prefix", "nexthops"]);
    let mut j = Vec::new();
    for e in &entries {
        let hops: Vec<String> = e
            .next_hops
            .iter()
            .map(|h| format!("faceid={} (cost={})", h.face_id, h.cost))
            .collect();
        t.row(vec![e.name.to_string(), hops.join(", ")]);
        j.push(json!({"prefix": e.name.to_string(),
            "nexthops": e.next_hops.iter().map(|h| json!({"face": h.face_id, "cost": h.cost})).collect::<Vec<_>>()}));
    }
    Ok((Value::Array(j), t.render()))
}

/// `ndnctl strategy list`.
pub async fn strategy_list(face: &Face) -> Result<(Value, String), CtlError> {
    let entries: Vec<StrategyChoice> =
        decode_dataset(dataset(face, "strategy-choice", "list", None).await?)
            .map_err(|e| CtlError::Command(e.to_string()))?;
    let mut t = Table::new(&["prefix", "strategy"]);
    for e in &entries {
        t.row(vec![e.name.to_string(), e.strategy.to_string()]);
    }
    let j = entries
        .iter()
        .map(|e| json!({"prefix": e.name.to_string(), "strategy": e.strategy.to_string()}))
        .collect();
    Ok((Value::Array(j), t.render()))
}

/// `ndnctl strategy show NAME`: the choice of the longest prefix of NAME that has one (the
/// root always has one).
pub async fn strategy_show(face: &Face, name: Name) -> Result<(Value, String), CtlError> {
    let entries: Vec<StrategyChoice> =
        decode_dataset(dataset(face, "strategy-choice", "list", None).await?)
            .map_err(|e| CtlError::Command(e.to_string()))?;
    let chosen = entries
        .iter()
        .filter(|e| e.name.is_prefix_of(&name))
        .max_by_key(|e| e.name.len())
        .ok_or_else(|| CtlError::Command("the forwarder lists no strategy choice".into()))?;
    Ok((
        json!({"prefix": chosen.name.to_string(), "strategy": chosen.strategy.to_string()}),
        format!("  prefix={}\nstrategy={}\n", chosen.name, chosen.strategy),
    ))
}

/// A strategy name from a short name (`best-route`) or a full one.
pub fn strategy_name(s: &str) -> Result<Name, CtlError> {
    let full = if s.starts_with('/') {
        s.to_owned()
    } else {
        format!("/localhost/nfd/strategy/{s}")
    };
    Name::from_uri(&full).map_err(|e| CtlError::Usage(e.to_string()))
}

/// `ndnctl strategy set PREFIX STRATEGY`.
pub async fn strategy_set(
    face: &Face,
    prefix: Name,
    strategy: Name,
) -> Result<(Value, String), CtlError> {
    let p = ControlParameters {
        name: Some(prefix.clone()),
        strategy: Some(strategy),
        ..Default::default()
    };
    let r = command(face, "strategy-choice", "set", &p).await?;
    let chosen = r
        .body
        .and_then(|b| b.strategy)
        .map(|s| s.to_string())
        .unwrap_or_default();
    Ok((
        json!({"prefix": prefix.to_string(), "strategy": chosen}),
        format!("strategy-set prefix={prefix} strategy={chosen}\n"),
    ))
}

/// `ndnctl strategy unset PREFIX`.
pub async fn strategy_unset(face: &Face, prefix: Name) -> Result<(Value, String), CtlError> {
    let p = ControlParameters {
        name: Some(prefix.clone()),
        ..Default::default()
    };
    command(face, "strategy-choice", "unset", &p).await?;
    Ok((
        json!({"unset": prefix.to_string()}),
        format!("strategy-unset prefix={prefix}\n"),
    ))
}

/// `ndnctl cs info`.
pub async fn cs_info(face: &Face) -> Result<(Value, String), CtlError> {
    let i = CsInfo::decode(dataset(face, "cs", "info", None).await?)
        .map_err(|e| CtlError::Command(e.to_string()))?;
    let admit = i.flags & cs_flags::ENABLE_ADMIT != 0;
    let serve = i.flags & cs_flags::ENABLE_SERVE != 0;
    Ok((
        json!({"capacity": i.capacity, "admit": admit, "serve": serve, "entries": i.n_entries,
            "hits": i.n_hits, "misses": i.n_misses}),
        format!(
            "CS information:\n  capacity={}\n     admit={}\n     serve={}\n  nEntries={}\n     nHits={}\n   nMisses={}\n",
            i.capacity,
            if admit { "on" } else { "off" },
            if serve { "on" } else { "off" },
            i.n_entries,
            i.n_hits,
            i.n_misses
        ),
    ))
}

/// `ndnctl cs config`.
pub async fn cs_config(
    face: &Face,
    capacity: Option<u64>,
    admit: Option<bool>,
    serve: Option<bool>,
) -> Result<(Value, String), CtlError> {
    let mut p = ControlParameters {
        capacity,
        ..Default::default()
    };
    let (mut flags, mut mask) = (0, 0);
    if let Some(a) = admit {
        mask |= cs_flags::ENABLE_ADMIT;
        if a {
            flags |= cs_flags::ENABLE_ADMIT;
        }
    }
    if let Some(s) = serve {
        mask |= cs_flags::ENABLE_SERVE;
        if s {
            flags |= cs_flags::ENABLE_SERVE;
        }
    }
    if mask != 0 {
        p.flags = Some(flags);
        p.mask = Some(mask);
    }
    let r = command(face, "cs", "config", &p).await?;
    let b = r.body.unwrap_or_default();
    let f = b.flags.unwrap_or(0);
    let on = |bit| if f & bit != 0 { "on" } else { "off" };
    Ok((
        json!({"capacity": b.capacity, "admit": f & cs_flags::ENABLE_ADMIT != 0, "serve": f & cs_flags::ENABLE_SERVE != 0}),
        format!(
            "cs-config-updated capacity={} admit={} serve={}\n",
            b.capacity.unwrap_or(0),
            on(cs_flags::ENABLE_ADMIT),
            on(cs_flags::ENABLE_SERVE)
        ),
    ))
}

/// `ndnctl cs erase PREFIX`.
pub async fn cs_erase(
    face: &Face,
    prefix: Name,
    count: Option<u64>,
) -> Result<(Value, String), CtlError> {
    let p = ControlParameters {
        name: Some(prefix.clone()),
        count,
        ..Default::default()
    };
    let r = command(face, "cs", "erase", &p).await?;
    let n = r.body.and_then(|b| b.count).unwrap_or(0);
    Ok((
        json!({"prefix": prefix.to_string(), "erased": n}),
        format!("cs-erased prefix={prefix} count={n}\n"),
    ))
}

/// `ndnctl channel list`.
pub async fn channel_list(face: &Face) -> Result<(Value, String), CtlError> {
    let ch: Vec<ChannelStatus> = decode_dataset(dataset(face, "faces", "channels", None).await?)
        .map_err(|e| CtlError::Command(e.to_string()))?;
    let text: String = ch.iter().map(|c| format!("{}\n", c.local_uri)).collect();
    Ok((
        Value::Array(ch.iter().map(|c| json!(c.local_uri)).collect()),
        text,
    ))
}
