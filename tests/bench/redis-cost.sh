#!/usr/bin/env bash
# What one cluster-mode publish costs Redis: wrk posts small events to one `ssehub --redis`
# instance (with one subscriber on the topic) for 10 s; prints the request rate and the CPU time
# redis-server and ssehub spent per publish. Server side on core 0, wrk on core 1, loopback only.
#
#   tests/bench/redis-cost.sh [CONNECTIONS]     (default 100)
#
# With --batch, the same for batch intake: ssehub-loadgen posts 50,000 small events in batches
# (POST /publish, application/x-ndjson, EVENTS_PER_BATCH lines each; 4 keep-alive connections,
# 4 batches in flight on each) over 10 topics with one stream each, checks that every stream
# got every accepted event of its topic once and in order, and prints the CPU time redis-server
# and ssehub spent per accepted event.
#
#   tests/bench/redis-cost.sh --batch [EVENTS_PER_BATCH]    (default 100)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
build=${SSEHUB_BUILD_DIR:-$root/build}
batch=0
connections=100
case "${1:-}" in
    --batch) batch=${2:-100}
        [ -x "$build/tests/bench/ssehub-loadgen" ] || { echo "redis-cost: build ssehub-loadgen first" >&2; exit 1; } ;;
    "") ;;
    *) connections=$1 ;;
esac
for tool in redis-server wrk curl taskset python3; do
    command -v "$tool" >/dev/null || { echo "redis-cost: $tool is missing (scripts/setup-deps.sh installs it)" >&2; exit 1; }
done
[ -x "$build/app/ssehub" ] || { echo "redis-cost: build first (scripts/build.sh)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"

start_scratch ssehub-redis-cost

redis_port=$(free_port)
taskset -c 0 redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
    >"$work/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
wait_port "$redis_port"
port=$(free_port)
# A batch of 100 events is beyond the default 64K body limit once payloads grow.
taskset -c 0 "$build/app/ssehub" --headless --listen "127.0.0.1:$port" --data-dir '' --max-body 4M \
    --redis "redis://127.0.0.1:$redis_port" >"$work/ssehub.log" 2>&1 &
ssehub_pid=$!
pids+=("$ssehub_pid")
wait_port "$port"
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }

if [ "$batch" -gt 0 ]; then
    sleep 1
    redis_before=$(cpu "$redis_pid")
    ssehub_before=$(cpu "$ssehub_pid")
    timeout 180 taskset -c 1 "$build/tests/bench/ssehub-loadgen" --port "$port" --subscribers 10 --topics 10 \
        --batch "$batch" --count 50000 --publishers 4 --pipeline 4 --rate 0 --drain 10 >"$work/loadgen.json"
    redis_after=$(cpu "$redis_pid")
    ssehub_after=$(cpu "$ssehub_pid")
    python3 - "$work/loadgen.json" "$redis_before" "$redis_after" "$ssehub_before" "$ssehub_after" \
        "$(getconf CLK_TCK)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
rb, ra, sb, sa, tck = (float(v) for v in sys.argv[2:])
redis, ssehub = (ra - rb) / tck, (sa - sb) / tck
accepted = r["events_accepted"]
answers = ", ".join(f"{k}: {n:,}" for k, n in r["batch_answers"].items()) or "none"
print(f"events: {accepted:,} of {r['events_sent']:,} accepted ({r['accepted_per_second']:,.0f}/s) in "
      f"{r['batches_sent']:,} batches of {r['batch']}; failed: {r['events_failed']:,} "
      f"(batch answers: {answers})")
if r.get("first_error"):
    print(f"first error: {r['first_error']}")
print(f"deliveries: {r['delivered']:,} of {r['expected']:,}, lost {r['lost']}, duplicates {r['duplicates']}, "
      f"out of order {r['out_of_order']}; latency p99: {r['latency_p99_ms']:.2f} ms")
per = lambda cpu: f"{cpu / accepted * 1e6:.2f} us per event" if accepted else "- (no event accepted)"
print(f"redis-server CPU: {redis:.2f} s = {per(redis)}"
      + (f" (one core: ~{accepted / redis:,.0f} events/s)" if accepted and redis else ""))
print(f"ssehub CPU: {ssehub:.2f} s = {per(ssehub)}")
bad = (r["events_failed"] or r["events_not_sent"] or not accepted or r["lost"] or r["duplicates"]
       or r["out_of_order"] or r["unexpected"] or r["answer_mismatches"])
sys.exit(1 if bad else 0)
PY
    exit $?
fi

curl -sN "http://127.0.0.1:$port/events?topic=intake" >/dev/null 2>&1 &
pids+=($!)
sleep 1

redis_before=$(cpu "$redis_pid")
ssehub_before=$(cpu "$ssehub_pid")
BENCH_PATH=/publish BENCH_BODY='{"topic":"intake","payload":{"n":1}}' timeout 60 taskset -c 1 \
    wrk -t1 -c"$connections" -d10s --latency -s "$here/publish.lua" "http://127.0.0.1:$port" >"$work/wrk.txt"
redis_after=$(cpu "$redis_pid")
ssehub_after=$(cpu "$ssehub_pid")

python3 - "$work/wrk.txt" "$redis_before" "$redis_after" "$ssehub_before" "$ssehub_after" "$(getconf CLK_TCK)" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
rb, ra, sb, sa, tck = (float(v) for v in sys.argv[2:])
requests = int(re.search(r"(\d+) requests in", text).group(1))
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
redis = (ra - rb) / tck
ssehub = (sa - sb) / tck
print(f"publishes: {requests:,} ({rate:,.0f}/s), non-2xx: {int(errors.group(1)) if errors else 0}, "
      f"latency p99: {p99.group(1) if p99 else '-'}")
print(f"redis-server CPU: {redis:.2f} s = {redis / requests * 1e6:.1f} us per publish "
      f"(one core: ~{requests / redis if redis else 0:,.0f} publishes/s)")
print(f"ssehub CPU: {ssehub:.2f} s = {ssehub / requests * 1e6:.1f} us per publish")
sys.exit(1 if errors else 0)
PY
