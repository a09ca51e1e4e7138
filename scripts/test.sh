#!/usr/bin/env bash
# Run every test of the workspace: unit, integration, vector and property tests.
# Interoperability tests use python-ndn from a virtual environment in .venv (made here when absent).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace --all-targets --locked "$@"
cargo test --workspace --doc --locked
