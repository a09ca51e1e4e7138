#!/usr/bin/env bash
# Seed fuzz/corpus/<target>/ with the packet vectors of ndn-lib/tests/vectors/ (one file per wire),
# so the fuzzer starts from valid packets instead of from nothing; the text-parser targets get the
# test keys and certificate, face URIs, the simulator's examples and ndnd's default configuration,
# each behind the selector byte of its parser. Needs python3.
set -euo pipefail
cd "$(dirname "$0")"
python3 - <<'PY'
import json, os, glob, hashlib
wires = []
def collect(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if k in ("wire", "tlv", "fragment", "reassembled", "control_parameters") and isinstance(x, str):
                try:
                    wires.append(bytes.fromhex(x))
                except ValueError:
                    pass
            else:
                collect(x)
    elif isinstance(v, list):
        for x in v:
            collect(x)
for f in sorted(glob.glob("../ndn-lib/tests/vectors/*.json")):
    collect(json.load(open(f)))
for target in ("tlv", "interest", "data", "lp_packet", "reassembler"):
    d = f"corpus/{target}"
    os.makedirs(d, exist_ok=True)
    for w in wires:
        # the reassembler reads records: a 0 control byte, then one LpPacket element
        data = b"\x00" + w if target == "reassembler" else w
        open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb").write(data)
print(f"seeded {len(wires)} wires into corpus/*/")

import base64
def seed(target, selector, data):
    d = f"corpus/{target}"
    os.makedirs(d, exist_ok=True)
    data = (bytes([selector]) if selector is not None else b"") + data
    open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb").write(data)
def pem_der(text):
    body = "".join(l for l in text.splitlines() if l and not l.startswith("-----"))
    return base64.b64decode(body)
# text_parsers: 0 face URI, 1 socket address, 2 DER key, 3 PEM key, 4 key type, 5 certificate
# wire, 6 certificate base64, 7 ISO 8601 time
for uri in ("udp4://127.0.0.1:6363", "udp6://[::1]:6363", "tcp4://192.0.2.7:1234",
            "tcp6://[2001:db8::1]:6363", "unix:///run/nfd/nfd.sock", "ws://0.0.0.0:9696",
            "wsclient://127.0.0.1:5555", "fd://17", "internal://", "udp://example.net:6363",
            "dev://eth0", "ether://[01:00:5e:00:17:aa]"):
    seed("text_parsers", 0, uri.encode())
seed("text_parsers", 1, b"\x00\x7f\x00\x00\x01\x18\xdb")
seed("text_parsers", 1, b"\x01" + bytes(15) + b"\x01\x18\xdb")
for f in sorted(glob.glob("../ndn-lib/tests/keys/*.pem")):
    text = open(f).read()
    seed("text_parsers", 3, text.encode())
    seed("text_parsers", 2, pem_der(text))
for t in ("ed25519", "ECDSA", "rsa"):
    seed("text_parsers", 4, t.encode())
for f in sorted(glob.glob("../ndn-lib/tests/keys/*.ndncert.base64")):
    text = open(f).read()
    seed("text_parsers", 6, text.encode())
    seed("text_parsers", 5, base64.b64decode("".join(text.split())))
seed("text_parsers", 7, b"20240229T235959")
# mgmt_records: every wire under every selector
for w in wires:
    for sel in range(18):
        seed("mgmt_records", sel, w)
# sim_text: 0 rate, 1 time, 2 annotated topology, 3 scenario
for r in ("10Mbps", "1.5Mb/s", "1KiBps", "64000"):
    seed("sim_text", 0, r.encode())
for t in ("10ms", "1.5", "150us", "1min"):
    seed("sim_text", 1, t.encode())
for f in sorted(glob.glob("../sim/examples/*.txt")):
    seed("sim_text", 2, open(f, "rb").read())
for f in sorted(glob.glob("../sim/examples/*.toml")):
    seed("sim_text", 3, open(f, "rb").read())
# daemon_config: the embedded default
seed("daemon_config", None, open("../forwarder/daemon/src/default-config.toml", "rb").read())
# and an NFD configuration file (nfd.conf, INFO format)
seed("daemon_config", None, open("../forwarder/daemon/src/nfd_conf/typical.conf", "rb").read())
print("seeded the text-parser targets")
PY
