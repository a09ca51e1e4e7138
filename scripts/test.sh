#!/usr/bin/env bash
# Run every test of the workspace: unit, integration, vector, property and interoperability tests.
# Interoperability tests use python-ndn (an independent NDN implementation) from a virtual
# environment in .venv, made here from PyPI when absent, and NDNts (another one, in JavaScript)
# from forwarder/daemon/tests/interop/ndnts/node_modules, installed here with npm when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -c "import ndn" 2>/dev/null; then
  echo "== installing python-ndn into .venv (for interoperability tests)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "python-ndn==0.5.2"
fi
export NDN_INTEROP_PYTHON="$PWD/.venv/bin/python"
ndnts=forwarder/daemon/tests/interop/ndnts
# npm writes node_modules/.package-lock.json last: reinstall when it is missing or older than
# the lock file (a partial or outdated install)
if [ ! -f "$ndnts/node_modules/.package-lock.json" ] \
  || [ "$ndnts/package-lock.json" -nt "$ndnts/node_modules/.package-lock.json" ]; then
  echo "== installing NDNts into $ndnts/node_modules (for interoperability tests)"
  (cd "$ndnts" && npm ci --no-audit --no-fund)
fi
NDN_INTEROP_NODE="$(command -v node)" || { echo "node (Node.js >= 20.18) is needed" >&2; exit 1; }
export NDN_INTEROP_NODE
# multi-host tests run in network namespaces they make (tools/tests/netns.rs); where this shell
# can make one, they must run rather than skip
probe="ndnrs-probe-$$"
if ip netns add "$probe" 2>/dev/null; then
  ip netns del "$probe"
  export NDN_REQUIRE_NETNS=1
else
  echo "== network namespaces unavailable (needs root and ip): the multi-host tests will be skipped"
fi
cargo test --workspace --all-targets --locked "$@" -- --include-ignored
cargo test --workspace --doc --locked
