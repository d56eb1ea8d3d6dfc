#!/usr/bin/env bash
# Two builds of `eventloom serve` at the same paced load, alternating A/B (issue 17;
# BENCHMARKS.md). Each connection waits GAP_MS between requests, so with a gap much longer
# than the latency both builds get about the same rate (connections ÷ gap) and their added
# latencies compare at that rate. Prints the client's (wrk) and the server's own p50/p99.
#
# Needs wrk and two release builds (cargo build --release --no-default-features --features serve).
#   GAP_MS=5 CONNECTIONS=200 ROUNDS=3 benches/serve/paced-ab.sh OLD/eventloom NEW/eventloom
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
GAP_MS=${GAP_MS:-5}
CONNECTIONS=${CONNECTIONS:-200}
ROUNDS=${ROUNDS:-3}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
PORT=18803
work="$(mktemp -d)"
server=""
stop_server() {
    if [ -n "$server" ]; then
        kill -INT "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
        server=""
    fi
}
trap stop_server EXIT

echo "# round build requests/s client_p50 client_p99 server   (GAP_MS=$GAP_MS, $CONNECTIONS connections)"
for round in $(seq 1 "$ROUNDS"); do
    build=0
    for bin in "$@"; do
        build=$((build + 1))
        "$bin" serve "$here/one-function.ron" --port $PORT --no-clients --for 10m \
            > "$work/serve-$build.out" 2>&1 &
        server=$!
        for _ in $(seq 1 300); do
            curl -s -o /dev/null -X POST "http://127.0.0.1:$PORT/api" -d '{}' && break
            sleep 0.1
        done
        GAP_MS=$GAP_MS wrk -t1 -c"$CONNECTIONS" -d2s -s "$here/paced.lua" \
            "http://127.0.0.1:$PORT/api" > /dev/null
        GAP_MS=$GAP_MS wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency \
            -s "$here/paced.lua" "http://127.0.0.1:$PORT/api" > "$work/wrk-$build"
        stop_server
        rps=$(awk '/^Requests\/sec/ { print $2 }' "$work/wrk-$build")
        p50=$(awk '/^ +50%/ { print $2 }' "$work/wrk-$build")
        p99=$(awk '/^ +99%/ { print $2 }' "$work/wrk-$build")
        srv=$(grep -o "p50 [0-9.]* ms, p99 [0-9.]* ms" "$work/serve-$build.out" || echo "-")
        echo "$round $bin $rps $p50 $p99 server: $srv load=$(cut -d' ' -f1 /proc/loadavg)"
    done
done
