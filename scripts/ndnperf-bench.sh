#!/usr/bin/env bash
# End-to-end load test of one ndnd with ndnperf (see docs/performance.md, "ndnd end to end").
#
#   scripts/ndnperf-bench.sh TRANSPORT PAYLOAD WINDOW SECONDS [NDND_ARGS...]
#
# TRANSPORT is unix or udp. Starts target/release/ndnd on a fresh Unix socket and UDP port
# (remote prefix registration on, so a server over UDP can register), an `ndnperf server /perf
# --payload PAYLOAD` and an `ndnperf client /perf --window WINDOW --duration SECONDS`, both
# over TRANSPORT (SERVER_TRANSPORT=unix puts the server on the Unix socket instead), then prints one line of JSON: the client's report plus the daemon's CPU
# time (user, system) during the client run, CPU time per exchange, its resident memory when
# the client started, every 10 s and when it ended, and the load average. BUSY_POLL_US sets the
# daemon's busy-poll bound (default 500, the default configuration's; 0 turns polling off). PERF_OUT=FILE records a profile
# of the daemon with `perf record -g` meanwhile (PERF_EVENT and PERF_CALLGRAPH change what is
# sampled, e.g. PERF_EVENT="-e page-faults" PERF_CALLGRAPH="--call-graph dwarf"); STAT_OUT=FILE
# counts its system calls. Build first with
# `cargo build --release -p ndnd -p ndn-tools --bin ndnd --bin ndnperf`.
set -euo pipefail

transport=${1:?unix or udp}
payload=${2:?payload bytes}
window=${3:?window}
seconds=${4:?seconds}
shift 4

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${NDN_BIN:-$root/target/release}
dir=$(mktemp -d)
sock=$dir/ndnd.sock
port=$((20000 + RANDOM % 20000))
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

"$bin/ndnd" --print-default-config |
    sed -e 's/^localhop_rib_register = false/localhop_rib_register = true/' \
        -e "s/^busy_poll_us = .*/busy_poll_us = ${BUSY_POLL_US:-500}/" >"$dir/ndnd.toml"
"$bin/ndnd" --config "$dir/ndnd.toml" --listen "unix://$sock" --listen "udp4://127.0.0.1:$port" --log warn "$@" &
ndnd=$!
pids+=("$ndnd")
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.05; done

uri_of() {
    case $1 in
    unix) echo "unix://$sock" ;;
    udp) echo "udp4://127.0.0.1:$port" ;;
    *) echo "transport must be unix or udp" >&2; exit 2 ;;
    esac
}
uri=$(uri_of "$transport")
server_uri=$(uri_of "${SERVER_TRANSPORT:-$transport}")

NDN_CLIENT_TRANSPORT=$server_uri "$bin/ndnperf" server /perf --payload "$payload" 2>"$dir/server.log" &
server=$!
pids+=("$server")
for _ in $(seq 100); do grep -q serving "$dir/server.log" 2>/dev/null && break; sleep 0.05; done

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14, $15}' "/proc/${1:-$ndnd}/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$ndnd/status"; }
if [ -n "${PERF_OUT:-}" ]; then
    # profile the daemon during the client run
    perf record -q ${PERF_EVENT:--F 999} ${PERF_CALLGRAPH:--g} -p "$ndnd" -o "$PERF_OUT" 2>/dev/null &
    pids+=("$!")
fi
if [ -n "${STAT_OUT:-}" ]; then
    # count the daemon's system calls and context switches during the client run
    perf stat -e 'syscalls:sys_enter_sendmsg,syscalls:sys_enter_sendto,syscalls:sys_enter_recvmmsg,syscalls:sys_enter_recvfrom,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_read,context-switches' \
        -p "$ndnd" -o "$STAT_OUT" &
    stat_pid=$!
fi
# the daemon's resident memory every 10 s of the client run (memory must stay flat)
(while kill -0 "$ndnd" 2>/dev/null; do sleep 10; rss >>"$dir/rss.trace" 2>/dev/null || break; done) &
sampler=$!
pids+=("$sampler")
read -r u0 s0 < <(cpu)
read -r su0 ss0 < <(cpu "$server")
rss0=$(rss)
report=$(NDN_CLIENT_TRANSPORT=$uri /usr/bin/time -o "$dir/client.time" -f "%U %S" \
    "$bin/ndnperf" client /perf --window "$window" --duration "${seconds}s" --json)
read -r u1 s1 < <(cpu)
if [ -n "${STAT_OUT:-}" ]; then kill -INT "$stat_pid"; wait "$stat_pid" || true; fi
read -r su1 ss1 < <(cpu "$server")
client_cpu=$(awk '{print $1 + $2}' "$dir/client.time")
server_cpu=$(( (su1 + ss1 - su0 - ss0) ))
rss1=$(rss)
kill "$sampler" 2>/dev/null || true
rss_trace=$(paste -sd, "$dir/rss.trace" 2>/dev/null || true)
load=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$report" "$u0" "$s0" "$u1" "$s1" "$ticks" "$rss0" "$rss1" "$load" "$transport/${SERVER_TRANSPORT:-$transport}" "$payload" "$window" "$client_cpu" "$server_cpu" "$rss_trace" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
u0, s0, u1, s1, hz = (int(x) for x in sys.argv[2:7])
user, system = (u1 - u0) / hz, (s1 - s0) / hz
n = max(r["exchanges"], 1)
out = {
    "transport": sys.argv[10], "payload": int(sys.argv[11]), "window": int(sys.argv[12]),
    "interests_per_second": round(r["interests_per_second"]),
    "goodput_mbps": round(r["goodput_mbps"], 1),
    "rtt_ms_p50_p90_p99": [r["rtt_ms"][1], r["rtt_ms"][2], r["rtt_ms"][3]],
    "timeouts": r["timeouts"], "nacks": r["nacks"],
    "ndnd_cpu_s_user_sys": [user, system],
    "ndnd_cpu_us_per_exchange": round((user + system) / n * 1e6, 2),
    "ndnd_rss_kib_start_end": [int(sys.argv[7]), int(sys.argv[8])],
    "client_server_cpu_s": [float(sys.argv[13]), int(sys.argv[14]) / hz],
    "ndnd_rss_kib_every_10s": [int(x) for x in sys.argv[15].split(",") if x],
    "load": sys.argv[9],
}
print(json.dumps(out))
EOF
