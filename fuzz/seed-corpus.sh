#!/usr/bin/env bash
# Seed fuzz/corpus/<target>/ with the packet vectors of ndn-lib/tests/vectors/ (one file per wire),
# so the fuzzer starts from valid packets instead of from nothing. Needs python3.
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
PY
