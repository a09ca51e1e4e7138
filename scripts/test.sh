#!/usr/bin/env bash
# Run every test of the workspace: unit, integration, vector, property and interoperability tests.
# Interoperability tests use python-ndn (an independent NDN implementation) from a virtual
# environment in .venv, made here from PyPI when absent.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! .venv/bin/python -c "import ndn" 2>/dev/null; then
  echo "== installing python-ndn into .venv (for interoperability tests)"
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "python-ndn==0.5.2"
fi
export NDN_INTEROP_PYTHON="$PWD/.venv/bin/python"
cargo test --workspace --all-targets --locked "$@" -- --include-ignored
cargo test --workspace --doc --locked
