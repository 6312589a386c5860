#!/usr/bin/env bash
# The console under load: the same ssehub binary serves the same load twice, once headless and
# once with the console window open (under xvfb-run, on the Connections view with every row),
# and the script compares what the engine delivered and how responsive the GUI thread stayed.
# ssehub is pinned to core 0 (engine and GUI threads share it), the load generator to core 1.
#
#   tests/bench/console-bench.sh            10,000 streams over 100 topics, 1,000 events/s, 20 s
#   tests/bench/console-bench.sh --smoke    300 streams, a few seconds (CI keeps it working)
#   tests/bench/console-bench.sh --repeat 3 medians of three rounds (headless/console alternating)
#
# GUI responsiveness comes from SSEHUB_UI_PROBE: a 10 ms timer on the GUI thread records how late
# it fires (the longest time the event loop was busy). Exit status 1 when the console delivered
# less than 90% of headless, lost or reordered events, or the GUI thread stalled over 250 ms.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
build=${SSEHUB_BUILD_DIR:-$root/build}
ssehub=$build/app/ssehub
loadgen=$build/tests/bench/ssehub-loadgen
mode=full
repeat=1
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) mode=smoke ;;
        --repeat) repeat=$2; shift ;;
        *) echo "usage: $0 [--smoke] [--repeat N]" >&2; exit 2 ;;
    esac
    shift
done
for tool in "$ssehub" "$loadgen"; do
    [ -x "$tool" ] || { echo "console-bench: $tool is missing; build first (scripts/build.sh)" >&2; exit 1; }
done
for tool in xvfb-run taskset python3; do
    command -v "$tool" >/dev/null || { echo "console-bench: $tool is missing (scripts/setup-deps.sh installs it)" >&2; exit 1; }
done

ulimit -n "$(ulimit -Hn)"
cores=$(nproc)
load_cpu=$(( cores > 1 ? 1 : 0 ))
if [ "$mode" = smoke ]; then
    load=${CONSOLE_BENCH_LOAD:-"--subscribers 300 --topics 10 --rate 100 --count 300 --drain 5"}
else
    load="--subscribers 10000 --topics 100 --rate 1000 --count 20000 --drain 15"
fi

work=$(mktemp -d /tmp/ssehub-console-bench.XXXXXX)
results=$work/results.jsonl
wrapper_pid=""
cleanup() {
    [ -n "$wrapper_pid" ] && kill "$wrapper_pid" 2>/dev/null || true
    pkill -f "$work/marker" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

run() {
    local round=$1 kind=$2 port server_pid probe=$work/probe-$1-$2.txt
    port=$(free_port)
    # A fresh settings directory: the console opens on the Connections view (tab 1).
    mkdir -p "$work/config-$round-$kind/ssehub"
    printf '[window]\ntab=1\n' >"$work/config-$round-$kind/ssehub/ssehub.conf"
    local args=(--listen "127.0.0.1:$port" --history 10000 --max-connections 0 --data-dir '')
    if [ "$kind" = headless ]; then
        taskset -c 0 "$ssehub" --headless "${args[@]}" >"$work/ssehub.log" 2>&1 &
        wrapper_pid=$!
        wait_port "$port"
        server_pid=$wrapper_pid
    else
        # xvfb-run's own X server is not pinned: on a desktop the display server has its own core.
        env -u QT_QPA_PLATFORM SSEHUB_UI_PROBE="$probe" XDG_CONFIG_HOME="$work/config-$round-$kind" \
            xvfb-run -a -s "-screen 0 1280x1024x24" taskset -c 0 "$ssehub" "${args[@]}" \
            >"$work/ssehub.log" 2>&1 &
        wrapper_pid=$!
        wait_port "$port"
        server_pid=$(pgrep -n -f "ssehub --listen 127.0.0.1:$port")
    fi
    timeout 300 taskset -c $load_cpu "$loadgen" --flavor ssehub --port "$port" --server-pid "$server_pid" $load \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); d["kind"]=sys.argv[1]; d["round"]=int(sys.argv[2]); print(json.dumps(d))' "$kind" "$round" \
        >>"$results"
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
    wait "$wrapper_pid" 2>/dev/null || true
    wrapper_pid=""
    if [ "$kind" = console ]; then
        [ -s "$probe" ] || { echo "console-bench: the console wrote no probe figures"; cat "$work/ssehub.log"; exit 1; }
        python3 - "$results" "$probe" <<'PY'
import json, sys
path, probe = sys.argv[1], sys.argv[2]
lines = open(path).read().splitlines()
last = json.loads(lines[-1])
for field in open(probe).read().split():
    key, value = field.split("=")
    last["gui_" + key] = float(value)
lines[-1] = json.dumps(last)
open(path, "w").write("\n".join(lines) + "\n")
PY
    fi
    sleep 0.5
}

for round in $(seq 1 "$repeat"); do
    run "$round" headless
    run "$round" console
done

cp "$results" "$build/console-bench-$mode.jsonl"
echo "raw results: $build/console-bench-$mode.jsonl"
python3 - "$results" "$mode" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
mode = sys.argv[2]
def med(kind, key):
    values = [r[key] for r in rows if r["kind"] == kind and key in r]
    return statistics.median(values) if values else float("nan")
print(f"console benchmark ({mode}): {rows[0]['subscribers']} streams, {rows[0]['topics']} topics, "
      f"{rows[0]['published']} events; medians of {len(rows) // 2} round(s)")
print(f"{'figure':38} {'headless':>12} {'console':>12} {'ratio':>8}")
for title, key in [("delivered events per second", "deliveries_per_second"),
                   ("delivery ratio", "delivery_ratio"),
                   ("server CPU us per delivery", "server_cpu_us_per_delivery"),
                   ("latency p50 ms", "latency_p50_ms"),
                   ("latency p99 ms", "latency_p99_ms")]:
    h, c = med("headless", key), med("console", key)
    ratio = c / h if h else float("nan")
    print(f"{title:38} {h:12.3f} {c:12.3f} {ratio:8.2f}")
for title, key in [("GUI thread worst delay ms", "gui_worst_ms"), ("GUI thread p99 delay ms", "gui_p99_ms"),
                   ("GUI thread median delay ms", "gui_median_ms")]:
    print(f"{title:38} {'':>12} {med('console', key):12.2f}")
bad = []
for r in rows:
    if r["failed"] or r["duplicates"] or r["out_of_order"] or r["publish_errors"] or r["delivery_ratio"] < 1:
        bad.append(f"{r['kind']} round {r['round']}: lost, duplicated or reordered events, or failed connections")
ratio = med("console", "deliveries_per_second") / med("headless", "deliveries_per_second")
if ratio < 0.9:
    bad.append(f"the console delivered {ratio:.0%} of headless (at least 90% required)")
if med("console", "gui_worst_ms") > 250:
    bad.append(f"the GUI thread stalled {med('console', 'gui_worst_ms'):.0f} ms")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
