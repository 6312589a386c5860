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
#
# With --replica, redis-server gets a replica, and the single publishes run twice in the same
# script: answered once the primary has them, then with --redis-min-replicas 1 (each publish
# followed by WAIT 1); prints both and the ratios (the cost of the replica's acknowledgement).
#
#   tests/bench/redis-cost.sh --replica [CONNECTIONS]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
build=${SSEHUB_BUILD_DIR:-$root/build}
batch=0
replica=0
connections=100
case "${1:-}" in
    --batch) batch=${2:-100}
        [ -x "$build/tests/bench/ssehub-loadgen" ] || { echo "redis-cost: build ssehub-loadgen first" >&2; exit 1; } ;;
    --replica) replica=1; connections=${2:-100} ;;
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
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
replica_pid=
if [ "$replica" = 1 ]; then
    replica_port=$(free_port)
    taskset -c 0 redis-server --port "$replica_port" --bind 127.0.0.1 --save '' --appendonly no \
        --dir "$work" --replicaof 127.0.0.1 "$redis_port" >"$work/replica.log" 2>&1 &
    replica_pid=$!
    pids+=("$replica_pid")
    wait_port "$replica_port"
    for _ in $(seq 1 100); do
        redis-cli -p "$redis_port" INFO replication | grep -q 'state=online' && break
        sleep 0.1
    done
    redis-cli -p "$redis_port" INFO replication | grep -q 'state=online' \
        || { echo "redis-cost: the replica did not come in sync" >&2; exit 1; }
fi

# start_ssehub [ARGS...]: one instance on Redis (sets port and ssehub_pid).
start_ssehub() {
    port=$(free_port)
    # A batch of 100 events is beyond the default 64K body limit once payloads grow.
    taskset -c 0 "$build/app/ssehub" --headless --listen "127.0.0.1:$port" --data-dir '' --max-body 4M \
        --redis "redis://127.0.0.1:$redis_port" "$@" >"$work/ssehub-$port.log" 2>&1 &
    ssehub_pid=$!
    pids+=("$ssehub_pid")
    wait_port "$port"
}

if [ "$batch" -gt 0 ]; then
    start_ssehub
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

# single LABEL [SSEHUB ARGS...]: wrk posts single publishes for 10 s to a new instance; one JSON
# line of figures goes to $work/single.jsonl.
single() {
    local label=$1
    shift
    start_ssehub "$@"
    curl -sN "http://127.0.0.1:$port/events?topic=intake" >/dev/null 2>&1 &
    local reader=$!
    sleep 1
    local redis_before ssehub_before replica_before=0 redis_after ssehub_after replica_after=0
    redis_before=$(cpu "$redis_pid")
    ssehub_before=$(cpu "$ssehub_pid")
    [ -n "$replica_pid" ] && replica_before=$(cpu "$replica_pid")
    BENCH_PATH=/publish BENCH_BODY='{"topic":"intake","payload":{"n":1}}' timeout 60 taskset -c 1 \
        wrk -t1 -c"$connections" -d10s --latency -s "$here/publish.lua" "http://127.0.0.1:$port" >"$work/wrk.txt"
    redis_after=$(cpu "$redis_pid")
    ssehub_after=$(cpu "$ssehub_pid")
    [ -n "$replica_pid" ] && replica_after=$(cpu "$replica_pid")
    kill "$reader" "$ssehub_pid" 2>/dev/null || true
    wait "$ssehub_pid" 2>/dev/null || true
    python3 - "$label" "$work/wrk.txt" "$redis_before" "$redis_after" "$ssehub_before" "$ssehub_after" \
        "$replica_before" "$replica_after" "$(getconf CLK_TCK)" "$replica" >>"$work/single.jsonl" <<'PY'
import json, re, sys
label, path = sys.argv[1:3]
rb, ra, sb, sa, pb, pa, tck = (float(v) for v in sys.argv[3:10])
with_replica = sys.argv[10] == "1"
text = open(path).read()
requests = int(re.search(r"(\d+) requests in", text).group(1))
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
redis, ssehub, replica = (ra - rb) / tck, (sa - sb) / tck, (pa - pb) / tck
print(json.dumps({"label": label, "requests": requests, "rate": rate,
                  "errors": int(errors.group(1)) if errors else 0, "p99": p99.group(1) if p99 else "-",
                  "redis_us": redis / requests * 1e6, "ssehub_us": ssehub / requests * 1e6,
                  "replica_us": replica / requests * 1e6 if with_replica else None,
                  "redis_rate": requests / redis if redis else 0}))
PY
}

single "answered once the primary has it"
[ "$replica" = 1 ] && single "--redis-min-replicas 1" --redis-min-replicas 1

python3 - "$work/single.jsonl" <<'PY'
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
for r in runs:
    print(f"{r['label']}:")
    print(f"  publishes: {r['requests']:,} ({r['rate']:,.0f}/s), non-2xx: {r['errors']}, latency p99: {r['p99']}")
    print(f"  redis-server CPU: {r['redis_us']:.1f} us per publish (one core: ~{r['redis_rate']:,.0f} publishes/s)")
    if r["replica_us"] is not None:
        print(f"  replica CPU: {r['replica_us']:.1f} us per publish")
    print(f"  ssehub CPU: {r['ssehub_us']:.1f} us per publish")
if len(runs) == 2:
    a, b = runs
    print(f"with/without replica acknowledgement: rate {b['rate'] / a['rate']:.2f}x, "
          f"redis-server CPU per publish {b['redis_us'] / a['redis_us']:.2f}x, "
          f"ssehub CPU per publish {b['ssehub_us'] / a['ssehub_us']:.2f}x")
sys.exit(1 if any(r["errors"] for r in runs) else 0)
PY
