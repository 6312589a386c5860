#!/usr/bin/env bash
# Cluster mode on one Redis vs on a Redis Cluster of three shards (--redis-cluster), in the same
# script: ssehub-loadgen posts COUNT small events in batches of BATCH over 30 topics (one stream
# each, every delivery checked: once, in order) to one ssehub instance, first on one
# redis-server, then on three cluster primaries (no replicas). Prints the rates, the CPU time
# each redis-server spent per event published to the whole deployment, and the ratios; RUNS
# runs, then the medians.
#
#   tests/bench/redis-shards.sh [RUNS] [COUNT] [BATCH]   (default 3 runs of 60,000 events, 20)
#
# With BATCH 1 every request carries one event: one script call per event on either side. A
# larger batch is one script call on one Redis, but one per partition it touches on a cluster.
#
# Redis servers and ssehub share core 0, the load generator has core 1, loopback only. The
# topics are bench/0 .. bench/29 with --redis-partition-depth 2, so that they spread over the
# partitions (16) and the shards.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
build=${SSEHUB_BUILD_DIR:-$root/build}
runs=${1:-3}
count=${2:-60000}
batch=${3:-20}
for tool in redis-server redis-cli taskset python3; do
    command -v "$tool" >/dev/null || { echo "redis-shards: $tool is missing (scripts/setup-deps.sh installs it)" >&2; exit 1; }
done
[ -x "$build/app/ssehub" ] && [ -x "$build/tests/bench/ssehub-loadgen" ] \
    || { echo "redis-shards: build first (scripts/build.sh)" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"

start_scratch ssehub-redis-shards
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }

# redis_node DIR [ARGS...]: a redis-server on a free port (sets node_port, node_pid).
redis_node() {
    local dir=$1
    shift
    mkdir -p "$dir"
    node_port=$(free_port)
    # A cluster node also listens on port + 10000 (the cluster bus).
    while [ "$node_port" -gt 55000 ]; do node_port=$(free_port); done
    taskset -c 0 redis-server --port "$node_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
        "$@" >"$dir/redis.log" 2>&1 &
    node_pid=$!
    pids+=("$node_pid")
    wait_port "$node_port"
}

# measure LABEL "PID..." SSEHUB-ARGS...: one ssehub on the deployment, the load, one JSON line.
measure() {
    local label=$1 redis_pids=$2
    shift 2
    local port ssehub_pid
    port=$(free_port)
    taskset -c 0 "$build/app/ssehub" --headless --listen "127.0.0.1:$port" --data-dir '' --max-body 4M \
        "$@" >"$work/ssehub-$port.log" 2>&1 &
    ssehub_pid=$!
    pids+=("$ssehub_pid")
    wait_port "$port"
    for _ in $(seq 1 100); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ] && break
        sleep 0.1
    done
    local before=() after=() pid
    for pid in $redis_pids $ssehub_pid; do before+=("$(cpu "$pid")"); done
    timeout 300 taskset -c 1 "$build/tests/bench/ssehub-loadgen" --port "$port" --subscribers 30 --topics 30 \
        --batch "$batch" --count "$count" --publishers 4 --pipeline 4 --rate 0 --drain 10 >"$work/load.json" \
        || { echo "redis-shards: $label: the load failed" >&2; cat "$work/load.json" >&2; }
    for pid in $redis_pids $ssehub_pid; do after+=("$(cpu "$pid")"); done
    kill "$ssehub_pid" 2>/dev/null || true
    wait "$ssehub_pid" 2>/dev/null || true
    python3 - "$label" "$work/load.json" "$(getconf CLK_TCK)" "${before[*]}" "${after[*]}" >>"$work/runs.jsonl" <<'PY'
import json, sys
label, path, tck = sys.argv[1], sys.argv[2], float(sys.argv[3])
before = [float(v) for v in sys.argv[4].split()]
after = [float(v) for v in sys.argv[5].split()]
r = json.load(open(path))
accepted = r["events_accepted"]
per_pid = [(a - b) / tck / accepted * 1e6 if accepted else 0 for a, b in zip(after, before)]
per_node, ssehub = per_pid[:-1], per_pid[-1]
print(json.dumps({"label": label, "accepted": accepted, "rate": r["accepted_per_second"],
                  "failed": r["events_failed"], "lost": r["lost"], "duplicates": r["duplicates"],
                  "out_of_order": r["out_of_order"], "p99": r["latency_p99_ms"],
                  "per_node_us": per_node, "ssehub_us": ssehub}))
PY
}

for run in $(seq 1 "$runs"); do
    redis_node "$work/one-$run"
    one_pid=$node_pid
    one_port=$node_port
    measure one "$one_pid" --redis "redis://127.0.0.1:$one_port"
    kill "$one_pid"

    shard_pids=()
    shard_ports=()
    for n in 1 2 3; do
        redis_node "$work/cluster-$run-$n" --cluster-enabled yes --cluster-config-file nodes.conf \
            --cluster-node-timeout 2000
        shard_pids+=("$node_pid")
        shard_ports+=("$node_port")
    done
    redis-cli --cluster create "127.0.0.1:${shard_ports[0]}" "127.0.0.1:${shard_ports[1]}" \
        "127.0.0.1:${shard_ports[2]}" --cluster-yes >"$work/create.log" 2>&1
    for _ in $(seq 1 100); do
        redis-cli -p "${shard_ports[0]}" CLUSTER INFO | grep -q 'cluster_state:ok' && break
        sleep 0.1
    done
    measure three "${shard_pids[*]}" --redis-cluster "127.0.0.1:${shard_ports[0]}" \
        --redis-partition-depth 2
    kill "${shard_pids[@]}"
done

python3 - "$work/runs.jsonl" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
bad = False
ratios = {"rate": [], "busiest": [], "mean": [], "ssehub": []}
for i in range(0, len(runs) - 1, 2):
    one, three = runs[i], runs[i + 1]
    for r in (one, three):
        nodes = ", ".join(f"{v:.2f}" for v in r["per_node_us"])
        print(f"run {i // 2 + 1} {r['label']:>5}: {r['accepted']:,} events ({r['rate']:,.0f}/s), failed "
              f"{r['failed']}, lost {r['lost']}, duplicates {r['duplicates']}, out of order "
              f"{r['out_of_order']}, p99 {r['p99']:.1f} ms; CPU per event: redis-server {nodes} us, "
              f"ssehub {r['ssehub_us']:.2f} us")
        bad = bad or r["failed"] or r["lost"] or r["duplicates"] or r["out_of_order"] or not r["accepted"]
    single = one["per_node_us"][0]
    ratios["rate"].append(three["rate"] / one["rate"])
    ratios["busiest"].append(max(three["per_node_us"]) / single)
    ratios["mean"].append(statistics.mean(three["per_node_us"]) / single)
    ratios["ssehub"].append(three["ssehub_us"] / one["ssehub_us"])
med = {k: statistics.median(v) for k, v in ratios.items()}
print(f"three shards / one Redis (medians of {len(ratios['rate'])}): rate {med['rate']:.2f}x; "
      f"redis-server CPU per event: busiest shard {med['busiest']:.2f}x, average shard {med['mean']:.2f}x; "
      f"ssehub CPU per event {med['ssehub']:.2f}x")
sys.exit(1 if bad else 0)
PY
