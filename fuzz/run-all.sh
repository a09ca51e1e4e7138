#!/usr/bin/env bash
# Run every fuzz target for SECONDS (default 120) each on the stable toolchain, seeding the corpus
# first (packet vectors, test keys, examples), and print libFuzzer's closing line for each. Stops
# at the first crash (the input is saved under fuzz/artifacts/TARGET/).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-120}"
./seed-corpus.sh
for target in tlv interest data lp_packet reassembler forwarder text_parsers mgmt_records sim_text \
    daemon_config; do
    echo "== $target (${seconds}s)"
    cargo fuzz run "$target" --sanitizer none -- -max_total_time="$seconds" 2>&1 \
        | tee "/tmp/ndn-fuzz-$target.log" | grep -E '^Done|^#[0-9]+ +DONE|panicked|SUMMARY|Test unit written'
done
