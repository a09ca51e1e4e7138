// NDNts producer for the ndnd interoperability test (forwarder/daemon/tests/interop_ndnts.rs).
//
// Connects to ndnd over the Unix socket in NDND_UNIX, registers /interop with NDNts's own
// NFD prefix registration (enableNfdPrefixReg: rib/register commands signed as NDNts signs
// them), and answers every Interest under /interop with Data signed by a fresh ECDSA key whose
// self-signed certificate it also serves. Before it prints "ready" it reads three status
// datasets with NDNts's decoders and prints one line "mgmt {json}" with what it found.
import "./polyfill.mjs";

import { produce } from "@ndn/endpoint";
import { ReadvertiseDestination } from "@ndn/fw";
import { Certificate, generateSigningKey } from "@ndn/keychain";
import { enableNfdPrefixReg, FaceStatus, GeneralStatus, list, RibEntry } from "@ndn/nfdmgmt";
import { UnixTransport } from "@ndn/node-transport";
import { AltUri, Data, Name } from "@ndn/packet";

const sockPath = process.env.NDND_UNIX;
if (!sockPath) {
  console.error("NDND_UNIX (path of ndnd's Unix socket) is not set");
  process.exit(2);
}

const uplink = await UnixTransport.createFace({ addRoutes: ["/localhost"] }, sockPath);
const reg = enableNfdPrefixReg(uplink, { refreshInterval: false, retry: { retries: 0 } });
// remember ndnd's answer to rib/register, for the message if registration fails
let lastResponse = "no ControlResponse";
const checkSuccess = reg.checkSuccess.bind(reg);
reg.checkSuccess = (cr) => {
  lastResponse = `ControlResponse ${cr.statusCode} ${cr.statusText}`;
  checkSuccess(cr);
};

const [privateKey, publicKey] = await generateSigningKey("/interop/signer");
const cert = await Certificate.selfSign({ privateKey, publicKey });

const FRESH = new Name("/interop/fresh");
const BIG = new Name("/interop/big");
let served = 0;
// the certificate, under its key name (a KeyLocator names the key; consumers fetch with
// CanBePrefix); not announced, the /interop route covers it
produce(publicKey.name, async () => cert.data, { announcement: false });
produce("/interop", async (interest) => {
  ++served;
  const data = new Data(interest.name);
  if (FRESH.isPrefixOf(interest.name)) {
    data.content = new TextEncoder().encode(`fresh ${served}`);
    data.freshnessPeriod = 100;
  } else if (BIG.isPrefixOf(interest.name)) {
    data.content = new Uint8Array(7000).fill(0x61);
    data.freshnessPeriod = 60000;
  } else {
    data.content = new TextEncoder().encode(`${AltUri.ofName(interest.name)} #${served}`);
    data.freshnessPeriod = 60000;
  }
  return data;
}, { dataSigner: privateKey, concurrency: 64 });

// wait until the rib/register command succeeded (NDNts keeps the status in the table of
// advertised prefixes; a protected member, read here because NDNts has no event for it)
const prefix = new Name("/interop");
const deadline = Date.now() + 20000;
while (reg.table.get(prefix)?.status !== ReadvertiseDestination.Status.ADVERTISED) {
  if (Date.now() > deadline) {
    console.error(`rib/register did not succeed within 20 s (${lastResponse})`);
    process.exit(1);
  }
  await new Promise((r) => setTimeout(r, 20));
}

// status datasets, decoded by NDNts
const mgmt = {};
try {
  const [general] = await list(GeneralStatus);
  mgmt.nfdVersion = general.nfdVersion;
  mgmt.nFibEntries = general.nFibEntries;
  const rib = await list(RibEntry);
  const entry = rib.find((e) => e.name.equals(prefix));
  mgmt.rib = entry ? entry.route.map((r) => ({
    faceId: r.faceId,
    origin: r.origin,
    cost: r.cost,
    capture: r.flagCapture,
    childInherit: r.flagChildInherit,
  })) : null;
  const faces = await list(FaceStatus);
  mgmt.faceUris = faces.map((f) => f.uri);
} catch (err) {
  mgmt.error = String(err);
}
console.log(`mgmt ${JSON.stringify(mgmt)}`);
console.log("ready");

// serve until killed; on SIGTERM, say how many Interests reached the producer
process.on("SIGTERM", () => {
  console.error(`served ${served}`);
  process.exit(0);
});
