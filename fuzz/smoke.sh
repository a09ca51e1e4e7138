#!/usr/bin/env bash
# What CI does with the fuzz targets: build them (they live outside the main workspace, so
# nothing else compiles them), then run each over its seed corpus and RUNS (default 20000)
# mutated inputs. Plain `cargo build`: no coverage instrumentation and no cargo-fuzz needed, so
# this is a smoke test that keeps the targets and their invariants from rotting, not a fuzzing
# campaign (see run-all.sh for that). A crash fails the script and leaves its input in
# fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
runs="${1:-20000}"
./seed-corpus.sh
cargo build --release --locked --bins
for target in tlv interest data lp_packet reassembler forwarder text_parsers mgmt_records sim_text \
    daemon_config; do
  mkdir -p "corpus/$target" "artifacts/$target"
  printf '%-14s ' "$target"
  if ! "target/release/$target" -seed=1 -runs="$runs" -artifact_prefix="artifacts/$target/" \
      "corpus/$target" >"artifacts/$target.log" 2>&1; then
    echo "FAILED"
    tail -40 "artifacts/$target.log"
    exit 1
  fi
  grep -E '^Done' "artifacts/$target.log" || true
done
