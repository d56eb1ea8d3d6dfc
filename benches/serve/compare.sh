#!/usr/bin/env bash
# `eventloom serve` against Node-RED 4 with wrk, back to back (issue 17; BENCHMARKS.md).
#
# Saturation: wrk -t1 -c32 -d10s --latency with post.lua against each server in turn,
# A/B/A/B (ROUNDS pairs). Then, at about half of each server's median saturation rate,
# wrk with paced.lua: the latency at that load is the added latency, since every simulated
# latency of one-function.ron is 0 (the server's --latency-log proves it).
#
# Needs: wrk (apt-get install wrk), Node-RED 4 installed outside the repository
# (cd /tmp/nodered && npm install node-red@4) and a release build of eventloom
# (cargo build --release --no-default-features --features serve).
# Everything listens on 127.0.0.1 only and every run is bounded in time.
#   EVENTLOOM=target/release/eventloom NODE_RED_DIR=/tmp/nodered ROUNDS=2 benches/serve/compare.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
EVENTLOOM=${EVENTLOOM:-target/release/eventloom}
NODE_RED_DIR=${NODE_RED_DIR:-/tmp/nodered}
ROUNDS=${ROUNDS:-2}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
CONNECTIONS=${CONNECTIONS:-32}
EL_PORT=18802
NR_PORT=18801
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

wait_port() {
    for _ in $(seq 1 300); do
        if curl -s -o /dev/null -X POST "http://127.0.0.1:$1/api" -d '{}'; then return 0; fi
        sleep 0.1
    done
    echo "nothing answers on port $1" >&2
    exit 1
}

start_eventloom() {
    "$EVENTLOOM" serve "$here/one-function.ron" --port $EL_PORT --no-clients --for 10m \
        --latency-log "$work/eventloom-latency-$1.csv" > "$work/eventloom-$1.out" 2>&1 &
    server=$!
    wait_port $EL_PORT
}

start_node_red() {
    mkdir -p "$work/node-red"
    cp "$here/node-red-flow.json" "$work/node-red/flows.json"
    node "$NODE_RED_DIR/node_modules/node-red/red.js" -u "$work/node-red" \
        -s "$here/node-red-settings.js" -p $NR_PORT > "$work/node-red-$1.out" 2>&1 &
    server=$!
    wait_port $NR_PORT
}

# wrk's report → "requests/s p50 p99" (latencies in ms).
summarise() {
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /^Requests\/sec/ { rps = $2 }
        /Non-2xx/ { bad = $5 }
        END { printf "%.0f %.3f %.3f %s\n", rps, p50, p99, (bad == "" ? 0 : bad) }
    '
}

saturate() {
    local port=$1 label=$2
    wrk -t1 -c"$CONNECTIONS" -d2s -s "$here/post.lua" "http://127.0.0.1:$port/api" > /dev/null
    wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -s "$here/post.lua" \
        "http://127.0.0.1:$port/api" > "$work/$label.wrk"
    echo "$label $(summarise < "$work/$label.wrk") load=$(cut -d' ' -f1 /proc/loadavg)"
}

# wrk 4 has no rate option: each connection waits 1 ms between requests (paced.lua), and three
# 3 s probes tell how many connections give about the target rate.
paced() {
    local port=$1 label=$2 target=$3
    local connections=4 probe
    for _ in 1 2 3; do
        GAP_MS=1 wrk -t1 -c"$connections" -d3s -s "$here/paced.lua" \
            "http://127.0.0.1:$port/api" > "$work/$label.probe"
        probe=$(summarise < "$work/$label.probe" | cut -d' ' -f1)
        connections=$(awk "BEGIN { c = int($target * $connections / ($probe + 1) + 0.5); print (c < 1 ? 1 : (c > 128 ? 128 : c)) }")
    done
    GAP_MS=1 wrk -t1 -c"$connections" -d"${SECONDS_PER_RUN}s" --latency \
        -s "$here/paced.lua" "http://127.0.0.1:$port/api" > "$work/$label.wrk"
    echo "$label $(summarise < "$work/$label.wrk") load=$(cut -d' ' -f1 /proc/loadavg) target=$target/s connections=$connections"
}

echo "# label requests/s p50_ms p99_ms non2xx load   (results in $work)"
: > "$work/saturation"
for round in $(seq 1 "$ROUNDS"); do
    start_eventloom "sat$round"
    saturate $EL_PORT "eventloom-$round" | tee -a "$work/saturation"
    stop_server
    start_node_red "sat$round"
    saturate $NR_PORT "node-red-$round" | tee -a "$work/saturation"
    stop_server
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
el=$(grep '^eventloom' "$work/saturation" | cut -d' ' -f2 | median)
nr=$(grep '^node-red' "$work/saturation" | cut -d' ' -f2 | median)
echo "median saturation: eventloom $el/s, node-red $nr/s, ratio $(awk "BEGIN { printf \"%.1f\", $el / $nr }")"

half_el=$(awk "BEGIN { print int($el / 2) }")
half_nr=$(awk "BEGIN { print int($nr / 2) }")
for round in $(seq 1 "$ROUNDS"); do
    start_eventloom "half$round"
    paced $EL_PORT "eventloom-half-$round" "$half_el"
    stop_server
    awk -F, 'NR > 1 && $2 != 0 { n++ } END { print "  simulated latency not 0 in " n + 0 " of " NR - 1 " answers" }' \
        "$work/eventloom-latency-half$round.csv"
    grep -h "added latency" "$work/eventloom-half$round.out" | sed 's/^.*added latency/  server-side added latency/'
    start_node_red "half$round"
    paced $NR_PORT "node-red-half-$round" "$half_nr"
    stop_server
done
