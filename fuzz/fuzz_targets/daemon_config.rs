//! `ndnd`'s TOML configuration (`ndnd::config::Config::parse`) on arbitrary UTF-8.
//!
//! Never panics; an error names the file and, when it has one, a line number within the text
//! (at most one past the last line). An accepted configuration's strategy names, listen URIs and
//! route prefixes go through the parsers the daemon applies at start-up
//! (`ndnd::daemon::parse_strategy`, `FaceUri::parse`, `Name::from_uri`) without panicking.

#![no_main]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use libfuzzer_sys::fuzz_target;
use ndn::Name;
use ndn::face_uri::FaceUri;
use ndnd::config::Config;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = match Config::parse(text, "fuzz.toml") {
        Ok(c) => c,
        Err(e) => {
            assert_eq!(e.path, "fuzz.toml");
            if let Some(rest) = e.message.strip_prefix("line ")
                && let Some((n, _)) = rest.split_once(':')
                && let Ok(n) = n.parse::<usize>()
            {
                let lines = text.matches('\n').count() + 1;
                assert!(n >= 1 && n <= lines, "line {n} of {lines}: {e}");
            }
            let _ = e.to_string();
            return;
        }
    };
    let _ = ndnd::daemon::parse_strategy(&config.forwarder.default_strategy);
    for s in &config.strategies {
        let _ = Name::from_uri(&s.prefix);
        let _ = ndnd::daemon::parse_strategy(&s.strategy);
    }
    for uri in &config.listen {
        let _ = FaceUri::parse(uri);
    }
    for r in &config.routes {
        let _ = Name::from_uri(&r.prefix);
        let _ = FaceUri::parse(&r.face);
    }
    let _ = config
        .faces
        .multicast_group
        .parse::<std::net::SocketAddrV4>();
    let _ = config.metrics.listen.parse::<std::net::SocketAddr>();
});
