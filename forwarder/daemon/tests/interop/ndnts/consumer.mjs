// NDNts consumer for the ndnd interoperability test (forwarder/daemon/tests/interop_ndnts.rs).
//
// Connects to ndnd's WebSocket channel at NDND_WS (ws://127.0.0.1:PORT), as a browser app
// would, runs the checks and prints one JSON object with the results.
import "./polyfill.mjs";

import { consume } from "@ndn/endpoint";
import { Forwarder } from "@ndn/fw";
import { Certificate, createVerifier } from "@ndn/keychain";
import { AltUri, ImplicitDigest, Interest, Nack, Name } from "@ndn/packet";
import { WsTransport } from "@ndn/ws-transport";

const wsUri = process.env.NDND_WS;
const results = {};
const text = (data) => new TextDecoder().decode(data.content);

async function fetch(name, ...flags) {
  const data = await consume(new Interest(name, Interest.Lifetime(2000), ...flags));
  return data;
}

async function summary(name, ...flags) {
  const data = await fetch(name, ...flags);
  return [AltUri.ofName(data.name), text(data)];
}

// NDNts's forwarder drops Nacks (a consumer sees a timeout); record what came in on the face
const nacks = new Map();
Forwarder.getDefault().addEventListener("pktrx", ({ packet }) => {
  if (packet.l3 instanceof Nack) {
    nacks.set(AltUri.ofName(packet.l3.interest.name), packet.l3.reason);
  }
});

let face;
try {
  if (!wsUri) {
    throw new Error("NDND_WS (ws://host:port of ndnd's WebSocket channel) is not set");
  }
  face = await WsTransport.createFace({}, wsUri);

  // signed Data through the forwarder; verify its ECDSA signature with the certificate that
  // the KeyLocator names, fetched through the forwarder as well (CanBePrefix)
  const first = await fetch("/interop/a");
  results.first = [AltUri.ofName(first.name), text(first)];
  results.sigType = first.sigInfo.type;
  const keyName = first.sigInfo.keyLocator?.name;
  results.keyLocator = keyName ? AltUri.ofName(keyName) : null;
  if (keyName) {
    const certData = await fetch(keyName, Interest.CanBePrefix);
    const cert = Certificate.fromData(certData);
    const verifier = await createVerifier(cert);
    try {
      await verifier.verify(first);
      results.verified = true;
    } catch (err) {
      results.verified = String(err);
    }
  }

  // the same name again: the content store answers (the producer counter does not move)
  results.repeat = await summary("/interop/a");

  // the full name with the implicit SHA-256 digest component matches the cached Data
  const digest = await first.computeImplicitDigest();
  const full = await fetch(first.name.append(ImplicitDigest.create(digest)));
  results.implicitDigest = text(full) === text(first);

  // CanBePrefix: a Data under the prefix answers
  results.prefix = await summary("/interop", Interest.CanBePrefix);

  // MustBeFresh: stale cached Data does not answer; the producer is asked again
  results.fresh1 = await summary("/interop/fresh", Interest.MustBeFresh);
  await new Promise((r) => setTimeout(r, 300));
  results.fresh2 = await summary("/interop/fresh", Interest.MustBeFresh);

  // a Data larger than a typical Ethernet MTU, over WebSocket from a Unix-socket producer
  const big = await fetch("/interop/big/1");
  results.bigLength = big.content.length;

  // a name with no route: ndnd answers Nack NoRoute; NDNts's consumer sees it time out
  const noRoute = "/no/route/here";
  try {
    await consume(new Interest(noRoute, Interest.Lifetime(1000)));
    results.noRoute = "data";
  } catch (err) {
    results.noRoute = String(err.message).split(" @")[0];
  }
  results.nack = nacks.get(noRoute) ?? null;

  // 300 concurrent Interests
  const names = Array.from({ length: 300 }, (_, i) => `/interop/many/${i}`);
  const got = await Promise.allSettled(names.map((n) => summary(n)));
  results.concurrentOk = got.filter((g, i) => g.status === "fulfilled" && g.value[0] === names[i]).length;
} catch (err) {
  results.error = `${err?.name}: ${err?.message}`;
} finally {
  console.log(JSON.stringify(results));
  face?.close();
  process.exit(0);
}
