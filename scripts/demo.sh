#!/usr/bin/env bash
# Publish a file by name and fetch it back through the forwarder, on a private socket:
# builds ndnd and the tools, starts ndnd, publishes 1 MB with ndnput, fetches it with ndnget
# (signature checked), then fetches it again with the publisher gone: the forwarder's cache answers.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== building ndnd and the tools (release)"
cargo build --release --quiet -p ndnd -p ndn-tools
bin="$PWD/target/release"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export NDN_CLIENT_TRANSPORT="unix://$work/nfd.sock"
export NDN_KEYCHAIN_DIR="$work/keychain"

echo "== starting ndnd on $NDN_CLIENT_TRANSPORT"
"$bin/ndnd" --listen "$NDN_CLIENT_TRANSPORT" --log warn &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/nfd.sock" ] && break; sleep 0.1; done

head -c 1000000 /dev/urandom > "$work/original.bin"
echo "== publishing 1 MB as /demo/file"
"$bin/ndnput" /demo/file "$work/original.bin" > "$work/name.txt" &
put=$!
pids+=($put)
for _ in $(seq 100); do [ -s "$work/name.txt" ] && break; sleep 0.1; done
versioned=$(cat "$work/name.txt")
echo "   published as $versioned"

echo "== fetching /demo/file by name"
"$bin/ndnget" /demo/file -o "$work/copy.bin"
cmp "$work/original.bin" "$work/copy.bin" && echo "   identical to the original"

kill "$put"
echo "== publisher stopped; fetching $versioned again"
"$bin/ndnget" "$versioned" -o "$work/again.bin"
cmp "$work/original.bin" "$work/again.bin" && echo "   identical, served from the forwarder's content store"
"$bin/ndnctl" cs info
