//! `ndnpeek` and `ndnpoke`: one Interest, one Data.

use std::future::Future;
use std::io::Write;
use std::time::Duration;

use bytes::Bytes;
use ndn::app::{ExpressError, Face, Registration};
use ndn::sign::Signer;
use ndn::{Data, DataBuilder, Interest, InterestBuilder, Name};

use crate::cli::{CodedError, EXIT_NACK, EXIT_TIMEOUT};
use crate::dissect::{DissectError, TreeOptions, tree};

/// The Interest `ndnpeek` sends.
#[derive(Debug, Clone, Default)]
pub struct PeekOptions {
    /// The Interest name.
    pub name: Name,
    /// CanBePrefix.
    pub can_be_prefix: bool,
    /// MustBeFresh.
    pub must_be_fresh: bool,
    /// InterestLifetime; the default (4 s) when `None`.
    pub lifetime: Option<Duration>,
    /// HopLimit.
    pub hop_limit: Option<u8>,
    /// ApplicationParameters (a ParametersSha256DigestComponent is added to the name).
    pub app_params: Option<Bytes>,
    /// ForwardingHint delegations, in order of preference (none when empty).
    pub forwarding_hint: Vec<Name>,
    /// How long to wait; the InterestLifetime when `None`.
    pub timeout: Option<Duration>,
}

impl PeekOptions {
    /// The Interest to send (without Nonce; the face adds one).
    pub fn interest(&self) -> InterestBuilder {
        let mut b = InterestBuilder::new(self.name.clone())
            .can_be_prefix(self.can_be_prefix)
            .must_be_fresh(self.must_be_fresh);
        if let Some(l) = self.lifetime {
            b = b.lifetime_ms(u64::try_from(l.as_millis()).unwrap_or(u64::MAX));
        }
        if let Some(h) = self.hop_limit {
            b = b.hop_limit(h);
        }
        if let Some(p) = &self.app_params {
            b = b.app_parameters(p.clone());
        }
        if !self.forwarding_hint.is_empty() {
            b = b.forwarding_hint(self.forwarding_hint.clone());
        }
        b
    }
}

/// Express the Interest and wait for its Data. A timeout exits with status 3 and a Nack
/// with status 4, as ndn-tools' ndnpeek does.
pub async fn peek(face: &Face, opts: &PeekOptions) -> anyhow::Result<Data> {
    let interest = opts.interest();
    let lifetime = opts
        .lifetime
        .unwrap_or(Duration::from_millis(ndn::packet::DEFAULT_LIFETIME_MS));
    let wait = opts.timeout.unwrap_or(lifetime);
    match face.express(interest, Some(wait)).await {
        Ok(d) => Ok(d),
        Err(ExpressError::Timeout) => Err(CodedError::new(
            EXIT_TIMEOUT,
            format!(
                "timeout: no Data for {} within {} ms",
                opts.name,
                wait.as_millis()
            ),
        )
        .into()),
        Err(ExpressError::Nack(reason)) => {
            Err(CodedError::new(EXIT_NACK, format!("Nack ({reason}) for {}", opts.name)).into())
        }
        Err(e) => Err(e.into()),
    }
}

/// How `ndnpeek` shows the Data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeekOutput {
    /// The element tree, as `ndn-dissect` prints it.
    #[default]
    Tree,
    /// The Content bytes only.
    Payload,
    /// The Data wire.
    Raw,
}

/// Write `data` to `out` in the chosen form.
/// A closed pipe (`ndnpeek ... | head`) is not an error.
pub fn write_data(data: &Data, how: PeekOutput, out: &mut dyn Write) -> anyhow::Result<()> {
    let written = match how {
        PeekOutput::Payload => out.write_all(&data.content()),
        PeekOutput::Raw => out.write_all(data.wire()),
        PeekOutput::Tree => match tree::write_tree(out, data.wire(), TreeOptions::default()) {
            Ok(()) => Ok(()),
            Err(DissectError::Io(e)) => Err(e),
            Err(other) => return Err(other.into()),
        },
    }
    .and_then(|()| out.flush());
    match written {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// The Data `ndnpoke` offers.
#[derive(Debug, Clone, Default)]
pub struct PokeOptions {
    /// The Data name.
    pub name: Name,
    /// The Content.
    pub content: Bytes,
    /// FreshnessPeriod.
    pub freshness: Option<Duration>,
    /// Set FinalBlockId to the last name component.
    pub final_block: bool,
}

/// Build and sign the Data.
pub fn poke_data(opts: &PokeOptions, signer: &dyn Signer) -> anyhow::Result<Data> {
    let mut b = DataBuilder::new(opts.name.clone()).content(opts.content.clone());
    if let Some(f) = opts.freshness {
        b = b.freshness_period(u64::try_from(f.as_millis()).unwrap_or(u64::MAX));
    }
    if opts.final_block {
        let Some(last) = opts.name.last() else {
            anyhow::bail!("--final needs a name with at least one component");
        };
        b = b.final_block_id(Bytes::copy_from_slice(last.tlv()));
    }
    Ok(Data::decode(b.sign(signer)?)?)
}

/// True when `data` answers `interest`: the same name (or its full name with the implicit
/// digest), or a name under it with CanBePrefix.
pub fn satisfies(data: &Data, interest: &Interest) -> bool {
    let want = interest.name();
    if interest.can_be_prefix() {
        want.is_prefix_of(data.name()) || *want == data.full_name()
    } else {
        want == data.name() || *want == data.full_name()
    }
}

/// Wait on `reg` for an Interest that `data` satisfies and answer it; other Interests are
/// left unanswered. Returns the Interest's name, or an error with status 3 when `stop`
/// completes first.
pub async fn poke(
    reg: &mut Registration,
    data: &Data,
    stop: impl Future<Output = ()>,
) -> anyhow::Result<Name> {
    tokio::pin!(stop);
    loop {
        let next = tokio::select! {
            n = reg.recv() => n,
            _ = &mut stop => {
                return Err(CodedError::new(
                    EXIT_TIMEOUT,
                    format!("timeout: no Interest for {} arrived", data.name()),
                )
                .into());
            }
        };
        let Some((interest, responder)) = next else {
            anyhow::bail!("the forwarder closed the connection");
        };
        if satisfies(data, &interest) {
            responder.respond(data.wire().clone())?;
            return Ok(interest.name().clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndn::sign::DigestSha256;

    fn n(s: &str) -> Name {
        Name::from_uri(s).unwrap()
    }

    fn interest(b: InterestBuilder) -> Interest {
        Interest::decode(b.nonce(1).encode()).unwrap()
    }

    #[test]
    fn peek_options_shape_the_interest() {
        let o = PeekOptions {
            name: n("/a/b"),
            can_be_prefix: true,
            must_be_fresh: true,
            lifetime: Some(Duration::from_millis(1500)),
            hop_limit: Some(3),
            app_params: Some(Bytes::from_static(b"\x01\x02")),
            timeout: None,
            forwarding_hint: vec![n("/region/a"), n("/region/b")],
        };
        let i = interest(o.interest());
        assert!(i.can_be_prefix() && i.must_be_fresh());
        assert_eq!(i.forwarding_hint(), &[n("/region/a"), n("/region/b")][..]);
        assert_eq!(i.lifetime_ms(), 1500);
        assert_eq!(i.hop_limit(), Some(3));
        assert_eq!(i.app_parameters().as_deref(), Some(&b"\x01\x02"[..]));
        assert!(i.name().last().unwrap().is_parameters_digest());
    }

    #[test]
    fn poke_data_carries_the_options_and_matches_interests() {
        let o = PokeOptions {
            name: n("/a/b"),
            content: Bytes::from_static(b"hello"),
            freshness: Some(Duration::from_secs(2)),
            final_block: true,
        };
        let d = poke_data(&o, &DigestSha256).unwrap();
        assert_eq!(&d.content()[..], b"hello");
        assert_eq!(d.freshness_period(), Some(2000));
        assert_eq!(
            d.final_block_id().as_deref(),
            Some(n("/b").last().unwrap().tlv())
        );
        assert!(satisfies(&d, &interest(InterestBuilder::new(n("/a/b")))));
        assert!(!satisfies(&d, &interest(InterestBuilder::new(n("/a")))));
        assert!(satisfies(
            &d,
            &interest(InterestBuilder::new(n("/a")).can_be_prefix(true))
        ));
        assert!(satisfies(
            &d,
            &interest(InterestBuilder::new(d.full_name()))
        ));
        assert!(!satisfies(&d, &interest(InterestBuilder::new(n("/a/b/c")))));
    }

    #[test]
    fn output_forms() {
        let d = poke_data(
            &PokeOptions {
                name: n("/x"),
                content: Bytes::from_static(b"pay"),
                ..PokeOptions::default()
            },
            &DigestSha256,
        )
        .unwrap();
        let mut out = Vec::new();
        write_data(&d, PeekOutput::Payload, &mut out).unwrap();
        assert_eq!(out, b"pay");
        out.clear();
        write_data(&d, PeekOutput::Raw, &mut out).unwrap();
        assert_eq!(&out[..], &d.wire()[..]);
        out.clear();
        write_data(&d, PeekOutput::Tree, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("Data") && text.contains("/x"), "{text}");
    }
}
