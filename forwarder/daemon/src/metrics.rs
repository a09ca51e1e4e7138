//! The Prometheus endpoint: `/metrics` in the text format, built at scrape time from a snapshot
//! of the core's counters (no per-packet cost).

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use ndn_fw::{FaceCounters, ForwarderCounters};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

use crate::face::ToForwarder;

/// Counters of one face at scrape time.
#[derive(Debug, Clone)]
pub struct FaceSnapshot {
    /// Face id.
    pub id: u64,
    /// Remote URI.
    pub remote_uri: String,
    /// Local URI.
    pub local_uri: String,
    /// Packet and byte counters.
    pub counters: FaceCounters,
    /// Frames dropped because the send queue was full.
    pub queue_drops: u64,
    /// Packets marked with a CongestionMark because the face's send queue was congested.
    pub congestion_marks: u64,
    /// NDNLPv2 reliability counters, for a face that has used it.
    pub reliability: Option<crate::link::ReliabilityCounters>,
}

/// The forwarder's state at scrape time.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// Forwarder-wide counters.
    pub counters: ForwarderCounters,
    /// PIT entries.
    pub pit_entries: u64,
    /// FIB entries.
    pub fib_entries: u64,
    /// CS entries.
    pub cs_entries: u64,
    /// CS bytes.
    pub cs_bytes: u64,
    /// CS hits.
    pub cs_hits: u64,
    /// CS misses.
    pub cs_misses: u64,
    /// Per-face counters.
    pub faces: Vec<FaceSnapshot>,
}

type Labels = Vec<(String, String)>;

/// (direction, type, count) of the six packet counters NFD keeps.
fn by_direction_and_type(
    in_i: u64,
    in_d: u64,
    in_n: u64,
    out_i: u64,
    out_d: u64,
    out_n: u64,
) -> [(&'static str, &'static str, u64); 6] {
    [
        ("in", "interest", in_i),
        ("in", "data", in_d),
        ("in", "nack", in_n),
        ("out", "interest", out_i),
        ("out", "data", out_d),
        ("out", "nack", out_n),
    ]
}

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn counter_family(reg: &mut Registry, name: &str, help: &str) -> Family<Labels, Counter> {
    let f = Family::<Labels, Counter>::default();
    reg.register(name, help, f.clone());
    f
}

fn gauge(reg: &mut Registry, name: &str, help: &str, v: u64) {
    let g = Gauge::<i64>::default();
    g.set(v as i64);
    reg.register(name, help, g);
}

/// Render a snapshot in the Prometheus text format.
pub fn render(s: &Snapshot) -> String {
    let mut reg = Registry::with_prefix("ndnd");
    let packets = counter_family(
        &mut reg,
        "face_packets",
        "Packets per face, direction and type",
    );
    let bytes = counter_family(
        &mut reg,
        "face_bytes",
        "Link-layer bytes per face and direction",
    );
    let face_drops = counter_family(&mut reg, "face_drops", "Packets a face dropped, by reason");
    let lp_frames = counter_family(
        &mut reg,
        "face_lp_frames",
        "NDNLPv2 reliability: frames the peer acknowledged, and frames sent again",
    );
    let marks = counter_family(
        &mut reg,
        "face_congestion_marks",
        "Packets a face marked with an NDNLPv2 CongestionMark for its own congested send queue",
    );
    for f in &s.faces {
        let id = f.id.to_string();
        marks
            .get_or_create(&labels(&[("face", &id), ("uri", &f.remote_uri)]))
            .inc_by(f.congestion_marks);
        let c = &f.counters;
        for (dir, kind, v) in by_direction_and_type(
            c.n_in_interests,
            c.n_in_data,
            c.n_in_nacks,
            c.n_out_interests,
            c.n_out_data,
            c.n_out_nacks,
        ) {
            packets
                .get_or_create(&labels(&[
                    ("face", &id),
                    ("uri", &f.remote_uri),
                    ("direction", dir),
                    ("type", kind),
                ]))
                .inc_by(v);
        }
        for (dir, v) in [("in", c.n_in_bytes), ("out", c.n_out_bytes)] {
            bytes
                .get_or_create(&labels(&[
                    ("face", &id),
                    ("uri", &f.remote_uri),
                    ("direction", dir),
                ]))
                .inc_by(v);
        }
        for (reason, v) in [
            ("queue_full", f.queue_drops),
            ("malformed", c.n_in_malformed),
        ] {
            face_drops
                .get_or_create(&labels(&[
                    ("face", &id),
                    ("uri", &f.remote_uri),
                    ("reason", reason),
                ]))
                .inc_by(v);
        }
        if let Some(r) = &f.reliability {
            for (event, v) in [
                ("acknowledged", r.acknowledged),
                ("retransmitted", r.retransmitted),
            ] {
                lp_frames
                    .get_or_create(&labels(&[
                        ("face", &id),
                        ("uri", &f.remote_uri),
                        ("event", event),
                    ]))
                    .inc_by(v);
            }
            face_drops
                .get_or_create(&labels(&[
                    ("face", &id),
                    ("uri", &f.remote_uri),
                    ("reason", "retx_exhausted"),
                ]))
                .inc_by(r.retx_exhausted);
        }
    }
    let c = &s.counters;
    let fwd = counter_family(
        &mut reg,
        "packets",
        "Packets through the forwarder, by direction and type",
    );
    for (dir, kind, v) in by_direction_and_type(
        c.n_in_interests,
        c.n_in_data,
        c.n_in_nacks,
        c.n_out_interests,
        c.n_out_data,
        c.n_out_nacks,
    ) {
        fwd.get_or_create(&labels(&[("direction", dir), ("type", kind)]))
            .inc_by(v);
    }
    let nacks = counter_family(&mut reg, "nacks", "Nacks by direction and reason");
    for (dir, n) in [("in", &c.in_nacks), ("out", &c.out_nacks)] {
        for (reason, v) in [
            ("congestion", n.congestion),
            ("duplicate", n.duplicate),
            ("no_route", n.no_route),
            ("other", n.other),
        ] {
            nacks
                .get_or_create(&labels(&[("direction", dir), ("reason", reason)]))
                .inc_by(v);
        }
    }
    let drops = counter_family(
        &mut reg,
        "drops",
        "Packets the forwarder dropped, by reason",
    );
    let d = &c.drops;
    for (reason, v) in [
        ("malformed", d.malformed),
        ("unknown_face", d.unknown_face),
        ("localhost_violation", d.localhost_violation),
        ("hop_limit_zero", d.hop_limit_zero),
        ("loop", d.loop_detected),
        ("pit_full", d.pit_full),
        ("unsolicited_data", d.unsolicited_data),
        ("invalid_nack", d.invalid_nack),
        ("nack_not_sent", d.nack_not_sent),
        ("invalid_prefix_announcement", d.invalid_prefix_announcement),
    ] {
        drops
            .get_or_create(&labels(&[("reason", reason)]))
            .inc_by(v);
    }
    let interests = counter_family(&mut reg, "interests", "PIT entries by outcome");
    interests
        .get_or_create(&labels(&[("outcome", "satisfied")]))
        .inc_by(c.n_satisfied_interests);
    interests
        .get_or_create(&labels(&[("outcome", "unsatisfied")]))
        .inc_by(c.n_unsatisfied_interests);
    let cs = counter_family(&mut reg, "cs_lookups", "Content store lookups by result");
    cs.get_or_create(&labels(&[("result", "hit")]))
        .inc_by(s.cs_hits);
    cs.get_or_create(&labels(&[("result", "miss")]))
        .inc_by(s.cs_misses);
    gauge(&mut reg, "pit_entries", "Entries in the PIT", s.pit_entries);
    gauge(&mut reg, "fib_entries", "Entries in the FIB", s.fib_entries);
    gauge(
        &mut reg,
        "cs_entries",
        "Data in the content store",
        s.cs_entries,
    );
    gauge(
        &mut reg,
        "cs_bytes",
        "Bytes of Data in the content store",
        s.cs_bytes,
    );
    gauge(&mut reg, "faces", "Faces", s.faces.len() as u64);
    let mut out = String::new();
    // writing into a String cannot fail
    let _ = encode(&mut out, &reg);
    out
}

async fn respond(
    req: Request<hyper::body::Incoming>,
    fw: mpsc::Sender<ToForwarder>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let reply = |status: StatusCode, body: String| {
        let mut r = Response::new(Full::new(Bytes::from(body)));
        *r.status_mut() = status;
        r
    };
    if req.uri().path() != "/metrics" {
        return Ok(reply(StatusCode::NOT_FOUND, "try /metrics\n".into()));
    }
    let (tx, rx) = oneshot::channel();
    if fw.send(ToForwarder::Metrics(tx)).await.is_err() {
        return Ok(reply(
            StatusCode::SERVICE_UNAVAILABLE,
            "forwarder stopped\n".into(),
        ));
    }
    match rx.await {
        Ok(s) => {
            let mut r = reply(StatusCode::OK, render(&s));
            if let Ok(v) = "text/plain; version=0.0.4; charset=utf-8".parse() {
                r.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
            }
            Ok(r)
        }
        Err(_) => Ok(reply(
            StatusCode::SERVICE_UNAVAILABLE,
            "forwarder stopped\n".into(),
        )),
    }
}

/// Serve `/metrics` on an already bound listener until the task is aborted.
pub async fn serve(listener: TcpListener, fw: mpsc::Sender<ToForwarder>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let fw = fw.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| respond(req, fw.clone()));
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Bind the metrics endpoint.
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}
