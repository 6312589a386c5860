#!/usr/bin/env bash
# Runs the same scenarios against `ssehub --headless` and nginx + Nchan, one after the other on
# this machine (server pinned to core 0, load generator to core 1), and prints one table with
# each figure and the ratio ssehub/Nchan. Loopback only; every step is bounded in time.
#
#   tests/bench/run-bench.sh            the full comparison (a few minutes)
#   tests/bench/run-bench.sh --smoke    hundreds of connections, seconds (CI keeps it working)
#   tests/bench/run-bench.sh --only 1,2 selected scenarios
#   tests/bench/run-bench.sh --repeat 3 every scenario three times (ssehub and Nchan alternating),
#                                       the table shows medians; this VM's run-to-run spread is
#                                       larger than many of the differences being measured
#
# Scenarios 8-12 are ssehub's alone (Nchan has neither JWT access control nor batch publishes,
# nor presence events): 11 and 12 repeat 1 and 5 with --presence-events '#' and no rate bound
# on them (--presence-events-rate 0: a join and a leave event published for every subscriber)
# and are compared with 1 and 5 of the same run.
# 8 and 9 repeat 6 and 5 with HS256 tokens (minted by mint-tokens.py) and an ACL that refuses
# anonymous requests, and are compared with 6 and 5 of the same run; 10 is batch intake.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
build=${SSEHUB_BUILD_DIR:-$root/build}
ssehub=$build/app/ssehub
loadgen=$build/tests/bench/ssehub-loadgen
mode=full
only=""
repeat=1
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) mode=smoke ;;
        --only) only=$2; shift ;;
        --repeat) repeat=$2; shift ;;
        *) echo "usage: $0 [--smoke] [--only 1,2,...] [--repeat N]" >&2; exit 2 ;;
    esac
    shift
done

for tool in "$ssehub" "$loadgen"; do
    [ -x "$tool" ] || { echo "run-bench: $tool is missing; build first (scripts/build.sh)" >&2; exit 1; }
done
for tool in nginx wrk taskset python3 redis-server; do
    command -v "$tool" >/dev/null || { echo "run-bench: $tool is missing (scripts/setup-deps.sh installs it)" >&2; exit 1; }
done
[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ] || { echo "run-bench: Nchan is missing (libnginx-mod-nchan)" >&2; exit 1; }

# One process may hold at most 20,000 descriptors here: take all of it.
ulimit -n "$(ulimit -Hn)"
cores=$(nproc)
server_cpu=0
load_cpu=$(( cores > 1 ? 1 : 0 ))

work=$(mktemp -d /tmp/ssehub-bench.XXXXXX)
results=$work/results.jsonl
server_pid=""
server_args=() # extra ssehub options for the next start_server
cluster_pids=()
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    [ -f "$work/nchan/nginx.pid" ] && kill "$(cat "$work/nchan/nginx.pid")" 2>/dev/null || true
    for pid in "${cluster_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pidfile in "$work"/nchan-*/nginx.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# Scenarios 8 and 9: a fixed HS256 secret (not a secret: loopback only) and an ACL that lets
# role publisher publish to intake and role subscriber subscribe, anonymous requests refused.
auth=$work/auth
mkdir -p "$auth"
printf '%s' 'ssehub-bench-secret-loopback-only-0123456789abcdef' >"$auth/secret"
cat >"$auth/acl.json" <<'JSON'
{
  "anonymous": null,
  "roles": {
    "publisher": {"publish": ["intake"]},
    "subscriber": {"subscribe": ["intake", "bench/#"]}
  }
}
JSON
auth_args=(--jwt-secret-file "$auth/secret" --acl "$auth/acl.json")
# mint SUB [--roles R] [--count N]: tokens valid for an hour, one a line
mint() { python3 "$here/mint-tokens.py" "$auth/secret" "$@"; }

# nchan_worker DIR: the pid of the nginx worker of the instance in DIR. nginx listens before it
# writes its pid file and forks the worker, so wait (up to 5 s) for both.
nchan_worker() {
    local dir=$1 worker=""
    for _ in $(seq 1 100); do
        [ -f "$dir/nginx.pid" ] && worker=$(pgrep -P "$(cat "$dir/nginx.pid")" | head -n 1) && [ -n "$worker" ] && break
        sleep 0.05
    done
    [ -n "$worker" ] || { echo "run-bench: nginx in $dir did not start" >&2; cat "$dir/error.log" >&2; return 1; }
    echo "$worker"
}

# start_server ssehub|nchan PORT -> sets server_pid (the process that does the work)
start_server() {
    local flavor=$1 port=$2
    if [ "$flavor" = ssehub ]; then
        taskset -c $server_cpu "$ssehub" --headless --listen "127.0.0.1:$port" --history 10000 --max-connections 0 --data-dir '' \
            "${server_args[@]}" >"$work/ssehub.log" 2>&1 &
        server_pid=$!
        wait_port "$port" || { cat "$work/ssehub.log" >&2; exit 1; }
    else
        mkdir -p "$work/nchan"
        sed -e "s|@PORT@|$port|" -e "s|@DIR@|$work/nchan|g" "$here/nchan.conf.in" >"$work/nchan/nginx.conf"
        taskset -c $server_cpu nginx -c "$work/nchan/nginx.conf" -p "$work/nchan" >"$work/nchan/out.log" 2>&1 &
        wait_port "$port"
        server_pid=$(nchan_worker "$work/nchan")
    fi
}

stop_server() {
    local flavor=$1
    if [ "$flavor" = ssehub ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    else
        kill "$(cat "$work/nchan/nginx.pid")" 2>/dev/null || true
        for _ in $(seq 1 100); do [ -f "$work/nchan/nginx.pid" ] || break; sleep 0.05; done
        wait 2>/dev/null || true
    fi
    server_pid=""
    sleep 0.5
}

# run_loadgen SCENARIO FLAVOR ARGS...
run_loadgen() {
    local scenario=$1 flavor=$2
    shift 2
    local port
    port=$(free_port)
    start_server "$flavor" "$port"
    timeout 300 taskset -c $load_cpu "$loadgen" --flavor "$flavor" --port "$port" --server-pid "$server_pid" "$@" \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); d["scenario"]=sys.argv[1]; print(json.dumps(d))' "$scenario" \
        >>"$results"
    stop_server "$flavor"
}

# run_wrk SCENARIO FLAVOR CONNECTIONS SECONDS [auth]
# With `auth` (ssehub only): the server checks tokens and the ACL above, wrk publishes with one
# publisher token, the subscriber streams with a subscriber token, and an anonymous publish is
# tried first (it must be refused).
run_wrk() {
    local scenario=$1 flavor=$2 connections=$3 seconds=$4 with_auth=${5:-}
    local port path body sub bench_auth="" sub_headers=() anonymous_status=""
    port=$(free_port)
    if [ -n "$with_auth" ]; then
        server_args=("${auth_args[@]}")
        bench_auth="Bearer $(mint publisher-1 --roles publisher)"
        sub_headers=(-H "Authorization: Bearer $(mint subscriber-1 --roles subscriber)")
    fi
    start_server "$flavor" "$port"
    server_args=()
    if [ "$flavor" = ssehub ]; then
        path=/publish; body='{"topic":"intake","payload":{"n":1}}'; sub="/events?topic=intake"
    else
        path=/pub/intake; body='{"n":1}'; sub=/sub/intake
    fi
    # The subscriber's answer (status line, events) goes to a file: it must be 200. Nchan's
    # eventsource location answers 403 to a request without the EventSource Accept header.
    curl -sN -i -H 'Accept: text/event-stream' "${sub_headers[@]}" "http://127.0.0.1:$port$sub" \
        >"$work/subscriber.txt" 2>/dev/null &
    local subscriber=$!
    if [ -n "$with_auth" ]; then
        anonymous_status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
            --data "$body" "http://127.0.0.1:$port$path" || true)
    fi
    sleep 0.3
    local cpu_before cpu_after
    cpu_before=$(awk '{print $14+$15}' "/proc/$server_pid/stat")
    BENCH_PATH=$path BENCH_BODY=$body BENCH_AUTH=$bench_auth timeout 120 taskset -c $load_cpu wrk -t1 -c"$connections" \
        -d"${seconds}s" --latency -s "$here/publish.lua" "http://127.0.0.1:$port" >"$work/wrk.txt" 2>&1 || true
    cpu_after=$(awk '{print $14+$15}' "/proc/$server_pid/stat")
    sleep 0.2
    kill $subscriber 2>/dev/null || true
    wait $subscriber 2>/dev/null || true
    local subscriber_status subscriber_events
    subscriber_status=$(head -n 1 "$work/subscriber.txt" | awk '{print $2}')
    subscriber_events=$(grep -c '"n":1' "$work/subscriber.txt" || true)
    rm -f "$work/subscriber.txt"
    python3 - "$scenario" "$flavor" "$work/wrk.txt" "$cpu_before" "$cpu_after" "$(getconf CLK_TCK)" \
        "${subscriber_status:-0}" "${subscriber_events:-0}" "$anonymous_status" >>"$results" <<'PY'
import json, re, sys
scenario, flavor, path, before, after, tck, sub_status, sub_events, anonymous = sys.argv[1:]
text = open(path).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    if not m: return None
    f = float(m.group(1)); return f / 1000 if m.group(2) == "us" else f * 1000 if m.group(2) == "s" else f
rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
requests = re.search(r"(\d+) requests in", text)
p99 = re.search(r"^\s+99%\s+(\S+)", text, re.M)
p50 = re.search(r"^\s+50%\s+(\S+)", text, re.M)
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
sock = re.search(r"Socket errors: (.*)", text)
print(json.dumps({"scenario": scenario, "flavor": flavor,
    "requests_per_second": float(rps.group(1)) if rps else 0,
    "latency_p50_ms": ms(p50.group(1)) if p50 else None,
    "latency_p99_ms": ms(p99.group(1)) if p99 else None,
    "non_2xx": int(errors.group(1)) if errors else 0,
    "socket_errors": sock.group(1) if sock else "",
    "server_cpu_seconds": (float(after) - float(before)) / float(tck),
    "server_cpu_us_per_request": (float(after) - float(before)) / float(tck) * 1e6 / int(requests.group(1))
        if requests and int(requests.group(1)) else None,
    "subscriber_status": int(sub_status), "subscriber_events": int(sub_events),
    "anonymous_status": int(anonymous) if anonymous else None}))
PY
    stop_server "$flavor"
}

# run_cluster SCENARIO FLAVOR ARGS...: fan-out through Redis.
#   ssehub-embedded  one ssehub with the embedded broker (the reference)
#   ssehub           two ssehub instances sharing one redis-server
#   nchan            two nginx + Nchan instances sharing one redis-server
# Subscribers are spread over the instances, the publisher talks to the first one; the server
# CPU is that of every instance plus redis-server, all pinned to the server core.
run_cluster() {
    local scenario=$1 flavor=$2
    shift 2
    local redis_port p1 p2 pids=() loadgen_flavor=ssehub
    cluster_pids=()
    p1=$(free_port)
    if [ "$flavor" = ssehub-embedded ]; then
        taskset -c $server_cpu "$ssehub" --headless --listen "127.0.0.1:$p1" --history 10000 --max-connections 0 --data-dir '' \
            >"$work/ssehub-1.log" 2>&1 &
        cluster_pids+=($!)
        wait_port "$p1"
        pids=("${cluster_pids[@]}")
        ports=(--port "$p1")
    else
        redis_port=$(free_port)
        taskset -c $server_cpu redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
            --dir "$work" >"$work/redis.log" 2>&1 &
        cluster_pids+=($!)
        wait_port "$redis_port"
        p2=$(free_port)
        for port in "$p1" "$p2"; do
            if [ "$flavor" = ssehub ]; then
                taskset -c $server_cpu "$ssehub" --headless --listen "127.0.0.1:$port" --history 10000 --max-connections 0 \
                    --data-dir '' --redis "redis://127.0.0.1:$redis_port" >"$work/ssehub-$port.log" 2>&1 &
                cluster_pids+=($!)
                wait_port "$port"
            else
                loadgen_flavor=nchan
                mkdir -p "$work/nchan-$port"
                sed -e "s|@PORT@|$port|" -e "s|@DIR@|$work/nchan-$port|g" -e "s|@REDIS@|$redis_port|" \
                    "$here/nchan-redis.conf.in" >"$work/nchan-$port/nginx.conf"
                taskset -c $server_cpu nginx -c "$work/nchan-$port/nginx.conf" -p "$work/nchan-$port" \
                    >"$work/nchan-$port/out.log" 2>&1 &
                wait_port "$port"
                cluster_pids+=("$(nchan_worker "$work/nchan-$port")")
            fi
        done
        pids=("${cluster_pids[@]}")
        ports=(--port "$p1" --also-port "$p2")
        sleep 0.5 # both instances connected to Redis
    fi
    local pid_args=()
    for pid in "${pids[@]}"; do pid_args+=(--server-pid "$pid"); done
    timeout 300 taskset -c $load_cpu "$loadgen" --flavor "$loadgen_flavor" "${ports[@]}" "${pid_args[@]}" "$@" \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); d["scenario"]=sys.argv[1]; d["flavor"]=sys.argv[2]; print(json.dumps(d))' \
            "$scenario" "$flavor" >>"$results"
    for pidfile in "$work"/nchan-*/nginx.pid; do [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true; done
    for pid in "${cluster_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"/nchan-*
    cluster_pids=()
    sleep 0.5
}

wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }

if [ "$mode" = smoke ]; then
    s1="--subscribers 200 --rate 10 --count 20"
    s2="--subscribers 100 --rate 50 --count 50"
    s3="--subscribers 200 --topics 20 --rate 200 --count 200"
    s4="--subscribers 500 --rate 5 --count 3 --hold 0.5"
    s5="--subscribers 500 --count 0"
    s6="20 2"
    s7="--subscribers 200 --topics 4 --rate 20 --count 20"
    s8="20 2"
    s9="--subscribers 500 --count 0"
    s11=$s1
    s12=$s5
    s10="--subscribers 100 --topics 10 --batch 100 --count 2000 --payload-bytes 1000 --publishers 2 --pipeline 2 --rate 0"
else
    s1="--subscribers 10000 --rate 10 --count 100 --drain 10"
    s2="--subscribers 1000 --rate 50 --count 500"
    s3="--subscribers 10000 --topics 1000 --rate 200 --count 2000"
    s4="--subscribers 19000 --rate 5 --count 5 --hold 2 --ramp 20000 --drain 10"
    s5="--subscribers 10000 --count 0"
    s6="400 10"
    s7="--subscribers 10000 --topics 10 --rate 50 --count 500 --drain 10"
    s8=$s6
    s9=$s5
    s11=$s1
    s12=$s5
    s10="--subscribers 1000 --topics 100 --batch 100 --count 50000 --payload-bytes 1000 --publishers 4 --pipeline 4 --rate 0 --drain 20"
fi
# Scenario 9: one token per connection (distinct subs c0, c1, ...).
storm_tokens=$(sed -e 's/.*--subscribers \([0-9]*\).*/\1/' <<<"$s9")

# Each round runs every scenario for both servers, scenario by scenario, so that slow drifts of
# the machine hit both sides alike.
for round in $(seq 1 "$repeat"); do
    for scenario in 1 2 3 4 5 6 7 8 9 10 11 12; do
        wanted $scenario || continue
        case $scenario in
            7)
                for flavor in ssehub nchan ssehub-embedded; do
                    # shellcheck disable=SC2086
                    run_cluster 7 $flavor $s7
                done
                continue ;;
            8)
                # shellcheck disable=SC2086
                run_wrk 8 ssehub $s8 auth
                continue ;;
            9)
                mint c --roles subscriber --count "$storm_tokens" >"$auth/storm-tokens"
                server_args=("${auth_args[@]}")
                # shellcheck disable=SC2086
                run_loadgen 9 ssehub $s9 --token-file "$auth/storm-tokens"
                server_args=()
                continue ;;
            11 | 12)
                server_args=(--presence-events '#' --presence-events-rate 0)
                # shellcheck disable=SC2086
                if [ "$scenario" = 11 ]; then run_loadgen 11 ssehub $s11; else run_loadgen 12 ssehub $s12; fi
                server_args=()
                continue ;;
            10)
                # A batch of 100 events of ~1 KB is ~110 KB: above the 64K default body limit.
                server_args=(--max-body 1M)
                # shellcheck disable=SC2086
                run_loadgen 10 ssehub $s10
                server_args=()
                continue ;;
        esac
        for flavor in ssehub nchan; do
            case $scenario in
                # shellcheck disable=SC2086
                1) run_loadgen 1 $flavor $s1 ;;
                2) run_loadgen 2 $flavor $s2 ;;
                3) run_loadgen 3 $flavor $s3 ;;
                4) run_loadgen 4 $flavor $s4 ;;
                5) run_loadgen 5 $flavor $s5 ;;
                6) run_wrk 6 $flavor $s6 ;;
            esac
        done
    done
done

cp "$results" "$build/bench-results-$mode.jsonl"
echo "raw results: $build/bench-results-$mode.jsonl"
python3 "$here/report.py" "$results" "$mode"
