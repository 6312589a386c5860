#!/usr/bin/env bash
# What a console attached over HTTP costs the engine, apart from any load it cannot carry:
# 10,000 streams over 100 topics at a light load (100 publishes/s: 10,000 deliveries a second),
# the engine's CPU over 10 s of steady publishing, once headless and once with the console feed
# (GET /console/feed) read by curl. The engine on core 0, the load generator on core 1.
#
#   tests/bench/feed-cost.sh            prints both figures and the difference in % of a core
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
build=${SSEHUB_BUILD_DIR:-$root/build}
ssehub=$build/app/ssehub
loadgen=$build/tests/bench/ssehub-loadgen
for tool in "$ssehub" "$loadgen"; do
    [ -x "$tool" ] || { echo "feed-cost: $tool is missing; build first (scripts/build.sh)" >&2; exit 1; }
done
ulimit -n "$(ulimit -Hn)"
tick=$(getconf CLK_TCK)
server="" reader="" load=""
cleanup() { kill $reader $load $server 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A used
for mode in headless feed; do
    port=$(free_port)
    taskset -c 0 "$ssehub" --headless --listen "127.0.0.1:$port" --max-connections 0 --data-dir '' \
        >/dev/null 2>&1 &
    server=$!
    wait_port "$port"
    taskset -c 1 "$loadgen" --flavor ssehub --port "$port" --server-pid "$server" --subscribers 10000 \
        --topics 100 --rate 100 --count 3000 --drain 2 >/dev/null &
    load=$!
    # The streams connect; then steady publishing.
    for _ in $(seq 1 300); do
        [ "$(curl -fs "http://127.0.0.1:$port/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connections"])')" -ge 10000 ] && break
        sleep 0.1
    done
    if [ "$mode" = feed ]; then
        curl -sN "http://127.0.0.1:$port/console/feed" -o /dev/null &
        reader=$!
    fi
    sleep 3
    before=$(cpu_of "$server")
    sleep 10
    after=$(cpu_of "$server")
    used[$mode]=$(( (after - before) * 100 / tick / 10 ))
    wait "$load" || true
    load=""
    [ -n "$reader" ] && kill "$reader" 2>/dev/null; reader=""
    kill -TERM "$server"; wait "$server" 2>/dev/null || true; server=""
done
echo "engine CPU, 10,000 streams, 10,000 deliveries/s: headless ${used[headless]}% of a core," \
     "with a console feed ${used[feed]}% (+$(( used[feed] - used[headless] )) points)"
