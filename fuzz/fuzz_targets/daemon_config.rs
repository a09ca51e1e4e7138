//! `ndnd`'s configuration readers on arbitrary UTF-8: its TOML configuration
//! (`ndnd::config::Config::parse`) and NFD's INFO one (`ndnd::nfd_conf::translate`).
//!
//! Never panics; an error names the file and, when it has one, a line number within the text
//! (at most one past the last line). An accepted configuration's strategy names, listen URIs and
//! route prefixes go through the parsers the daemon applies at start-up and on reload
//! (`ndnd::settings::ForwarderSettings::from_config`, `FaceUri::parse`, `Name::from_uri`)
//! without panicking.

#![no_main]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use libfuzzer_sys::fuzz_target;
use ndn::Name;
use ndn::face_uri::FaceUri;
use ndnd::config::{Config, ConfigError};

/// An error names `path` and a line of `text`, when it names one.
fn check_error(e: &ConfigError, text: &str, path: &str) {
    assert_eq!(e.path, path);
    if let Some(rest) = e.message.strip_prefix("line ")
        && let Some((n, _)) = rest.split_once(':')
        && let Ok(n) = n.parse::<usize>()
    {
        let lines = text.matches('\n').count() + 1;
        assert!(n >= 1 && n <= lines, "line {n} of {lines}: {e}");
    }
    let _ = e.to_string();
}

/// What the daemon does with an accepted configuration before it opens anything.
fn check_config(config: &Config) {
    // certificates are files: only `any` here, so that no input makes the target read the disk
    let mut config = config.clone();
    config.mgmt.authorize.retain(|a| a.certificate == "any");
    let config = &config;
    let _ = ndnd::settings::ForwarderSettings::from_config(config);
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
    let f = &config.faces;
    use ndnd::face::interface_filter::{InterfaceFilter, InterfaceInfo};
    for (white, black) in [
        (&f.multicast_whitelist, &f.multicast_blacklist),
        (&f.ethernet_whitelist, &f.ethernet_blacklist),
    ] {
        if let Ok(filter) = InterfaceFilter::parse(white, black) {
            let _ = filter.allows(&InterfaceInfo {
                name: "eth0".into(),
                mac: Some([2, 0, 0, 0, 0, 1]),
                addresses: vec!["192.0.2.1".parse().unwrap(), "fe80::1".parse().unwrap()],
            });
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Config::parse(text, "fuzz.toml") {
        Ok(c) => check_config(&c),
        Err(e) => check_error(&e, text, "fuzz.toml"),
    }
    match ndnd::nfd_conf::translate(text, "nfd.conf") {
        Ok(t) => {
            check_config(&t.config);
            let _ = ndnd::settings::needing_restart(&Config::default(), &t.config);
        }
        Err(e) => check_error(&e, text, "nfd.conf"),
    }
});
