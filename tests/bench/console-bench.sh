#!/usr/bin/env bash
# The console under load: the same ssehub binary serves the same load four times - headless;
# with the console window open in the same process (under xvfb-run, on the Connections view with
# every row); headless with a console attached over HTTP (`remote`: the console feed, read by
# curl - the console window itself would run on another machine); and the same with the console
# window (`remote-gui`, `--connect`) - and the script compares what the engine delivered, how
# responsive the GUI threads stayed and how many bytes the feed carried. The engine is pinned to
# core 0 (with the in-process console's GUI thread), the load generator and the remote console
# window to core 1 (so `remote-gui` slows the clients down: only its GUI figures count).
#
#   tests/bench/console-bench.sh            10,000 streams over 100 topics, 1,000 events/s, 20 s
#   tests/bench/console-bench.sh --smoke    300 streams, a few seconds (CI keeps it working)
#   tests/bench/console-bench.sh --repeat 3 medians of three rounds (headless/console alternating)
#
# GUI responsiveness comes from SSEHUB_UI_PROBE: a 10 ms timer on the GUI thread records how late
# it fires (the longest time the event loop was busy). The feed's bytes are counted by a second
# reader of the feed (curl), sampled every second, and the engine's cost of serving the feed from
# the `remote` run. Exit status 1 when the in-process console
# delivered less than 90% of headless or the remote one less than 95%, events were lost or
# reordered, a GUI thread stalled over 250 ms (in-process) or 100 ms (remote), or the feed
# carried more than 200 KB/s (median second) while counters moved.
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
    load=${CONSOLE_BENCH_LOAD:-"--subscribers 10000 --topics 100 --rate 1000 --count 20000 --drain 15"}
fi

work=$(mktemp -d /tmp/ssehub-console-bench.XXXXXX)
results=$work/results.jsonl
wrapper_pid=""
cleanup() {
    [ -n "$wrapper_pid" ] && kill "$wrapper_pid" 2>/dev/null || true
    pkill -f "$work/marker" 2>/dev/null || true
    pkill -f "$work/feed-" 2>/dev/null || true
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
    local console_pid="" sampler_pid="" curl_pid=""
    if [ "$kind" = remote ] || [ "$kind" = remote-gui ]; then
        taskset -c 0 "$ssehub" --headless "${args[@]}" >"$work/ssehub.log" 2>&1 &
        wrapper_pid=$!
        wait_port "$port"
        server_pid=$wrapper_pid
        local feeds=1
        if [ "$kind" = remote-gui ]; then
            # The console window itself: it would run on another machine, so here it can only
            # take the load generator's core, which slows the clients down; this run gives the
            # console's GUI figures, the run above the engine's cost.
            env -u QT_QPA_PLATFORM SSEHUB_UI_PROBE="$probe" XDG_CONFIG_HOME="$work/config-$round-$kind" \
                xvfb-run -a -s "-screen 0 1280x1024x24" taskset -c $load_cpu "$ssehub" \
                --connect "http://127.0.0.1:$port" >"$work/console.log" 2>&1 &
            console_pid=$!
            feeds=2
        fi
        curl -sN "http://127.0.0.1:$port/console/feed" -o "$work/feed-$round.bin" &
        curl_pid=$!
        # Attached: the server logs each feed.
        for _ in $(seq 1 200); do
            [ "$(grep -c 'console attached' "$work/ssehub.log" || true)" -ge "$feeds" ] && break
            sleep 0.05
        done
        (while :; do printf '%s %s\n' "$(date +%s.%N)" "$(stat -c %s "$work/feed-$round.bin" 2>/dev/null || echo 0)"; sleep 1; done) \
            >"$work/feed-$round.samples" &
        sampler_pid=$!
    elif [ "$kind" = headless ]; then
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
    if [ -n "$curl_pid" ]; then
        kill "$sampler_pid" "$curl_pid" 2>/dev/null || true
    fi
    if [ -n "$console_pid" ]; then
        kill -TERM "$(pgrep -n -f "ssehub --connect http://127.0.0.1:$port")" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$console_pid" 2>/dev/null || break; sleep 0.05; done
        wait "$console_pid" 2>/dev/null || true
    fi
    if [ -n "$curl_pid" ]; then
        python3 - "$results" "$work/feed-$round.samples" <<'PY'
import json, statistics, sys
path, samples = sys.argv[1], sys.argv[2]
points = [tuple(map(float, l.split())) for l in open(samples) if len(l.split()) == 2]
rates = [(b2 - b1) / (t2 - t1) for (t1, b1), (t2, b2) in zip(points, points[1:]) if t2 > t1]
lines = open(path).read().splitlines()
last = json.loads(lines[-1])
if rates:
    last["feed_median_bytes_per_s"] = statistics.median(rates)
    last["feed_p90_bytes_per_s"] = sorted(rates)[int(0.9 * (len(rates) - 1))]
    last["feed_max_bytes_per_s"] = max(rates)
lines[-1] = json.dumps(last)
open(path, "w").write("\n".join(lines) + "\n")
PY
    fi
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
    wait "$wrapper_pid" 2>/dev/null || true
    wrapper_pid=""
    if [ "$kind" = console ] || [ "$kind" = remote-gui ]; then
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
    run "$round" remote
    run "$round" remote-gui
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
      f"{rows[0]['published']} events; medians of {len(rows) // 4} round(s)")
print("remote: a console attached over HTTP (the feed read by curl; the console window itself runs\n"
      "elsewhere); remote-gui: the same with the console window on the load generator's core\n"
      "(its GUI figures; its deliveries are held back by the clients it slows down)")
print(f"{'figure':38} {'headless':>12} {'console':>12} {'ratio':>8} {'remote':>12} {'ratio':>8} {'remote-gui':>12}")
for title, key in [("delivered events per second", "deliveries_per_second"),
                   ("delivery ratio", "delivery_ratio"),
                   ("server CPU us per delivery", "server_cpu_us_per_delivery"),
                   ("latency p50 ms", "latency_p50_ms"),
                   ("latency p99 ms", "latency_p99_ms")]:
    h, c, r = med("headless", key), med("console", key), med("remote", key)
    print(f"{title:38} {h:12.3f} {c:12.3f} {c / h if h else float('nan'):8.2f} "
          f"{r:12.3f} {r / h if h else float('nan'):8.2f} {med('remote-gui', key):12.3f}")
for title, key in [("GUI thread worst delay ms", "gui_worst_ms"), ("GUI thread p99 delay ms", "gui_p99_ms"),
                   ("GUI thread median delay ms", "gui_median_ms")]:
    print(f"{title:38} {'':>12} {med('console', key):12.2f} {'':>8} {'':>12} {'':>8} {med('remote-gui', key):12.2f}")
for title, key in [("feed KB/s, median second", "feed_median_bytes_per_s"),
                   ("feed KB/s, 90th percentile second", "feed_p90_bytes_per_s"),
                   ("feed KB/s, busiest second", "feed_max_bytes_per_s")]:
    print(f"{title:38} {'':>12} {'':>12} {'':>8} {med('remote', key) / 1000:12.1f}")
bad = []
for r in rows:
    if r["kind"] == "remote-gui":
        continue  # its clients share a core with the console window: figures for the GUI only
    if r["failed"] or r["duplicates"] or r["out_of_order"] or r["publish_errors"] or r["delivery_ratio"] < 1:
        bad.append(f"{r['kind']} round {r['round']}: lost, duplicated or reordered events, or failed connections")
ratio = med("console", "deliveries_per_second") / med("headless", "deliveries_per_second")
if ratio < 0.9:
    bad.append(f"the console delivered {ratio:.0%} of headless (at least 90% required)")
if med("console", "gui_worst_ms") > 250:
    bad.append(f"the GUI thread stalled {med('console', 'gui_worst_ms'):.0f} ms")
remote = med("remote", "deliveries_per_second") / med("headless", "deliveries_per_second")
if remote < 0.95:
    bad.append(f"with a remote console the engine delivered {remote:.0%} of headless (at least 95% required)")
if med("remote-gui", "gui_worst_ms") > 100:
    bad.append(f"the remote console's GUI thread stalled {med('remote-gui', 'gui_worst_ms'):.0f} ms")
if mode == "full" and med("remote", "feed_median_bytes_per_s") > 200_000:
    bad.append(f"the feed carried {med('remote', 'feed_median_bytes_per_s') / 1000:.0f} KB/s")
for b in bad:
    print("FAIL:", b)
sys.exit(1 if bad else 0)
PY
