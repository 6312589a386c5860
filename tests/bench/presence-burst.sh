#!/usr/bin/env bash
# How long a burst of cluster presence questions holds up an instance.
#
# Two `ssehub --headless` instances on one redis-server: B holds STREAMS anonymous streams
# (ssehub-loadgen, 100 topics), A holds none. QUESTIONS clients ask A `GET /presence` at once,
# each for another wildcard filter, right after A's last read of the others' presence went stale,
# so that all of them wait for one read and are answered together. Meanwhile a prober asks A
# `GET /health` every 10 ms; the longest it waited is how long A stopped serving anyone else.
#
#   tests/bench/presence-burst.sh [STREAMS [QUESTIONS [BUDGET [same]]]]
#                                              (default 15000 1000 200000)
#
# BUDGET is A's --presence-budget (0: none, as before it existed); `same` asks every question
# for `#` instead of a filter of its own. Loopback only, bounded in
# time (the loadgen holds its streams for 90 s at most).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
build=${SSEHUB_BUILD_DIR:-$root/build}
streams=${1:-15000}
questions=${2:-1000}
budget=${3:-200000}
same=${4:-}
ulimit -n "$(ulimit -Hn)"

start_scratch ssehub-presence

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" \
    >"$work/redis.log" 2>&1 &
pids+=($!)
wait_port "$redis_port"
url=redis://127.0.0.1:$redis_port
a_port=$(free_port)
b_port=$(free_port)
common=(--headless --redis "$url" --max-connections 0 --data-dir '' --log-level warning)
"$build/app/ssehub" "${common[@]}" --listen "127.0.0.1:$a_port" --node-id a \
    --presence-budget "$budget" >"$work/a.log" 2>&1 &
pids+=($!)
"$build/app/ssehub" "${common[@]}" --listen "127.0.0.1:$b_port" --node-id b >"$work/b.log" 2>&1 &
pids+=($!)
wait_port "$a_port"
wait_port "$b_port"
"$build/tests/bench/ssehub-loadgen" --port "$b_port" --subscribers "$streams" --topics 100 \
    --ramp 5000 --rate 0 --count 0 --hold 90 >"$work/loadgen.log" 2>&1 &
pids+=($!)

python3 - "$a_port" "$streams" "$questions" "$same" <<'PY'
import asyncio, json, sys, time

port, streams, questions = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
same = sys.argv[4] == "same"

async def get(path):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    await w.drain()
    data = await r.read()
    w.close()
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body

async def main():
    # Until A's answer counts B's streams (the loadgen ramps them up).
    deadline = time.monotonic() + 60
    while True:
        status, body = await get("/presence?topic=%23&count=1")
        if status == 200 and json.loads(body)["streams"] >= streams:
            break
        if time.monotonic() > deadline:
            sys.exit(f"presence-burst: A never saw {streams} streams (last: {status} {body[:200]})")
        await asyncio.sleep(0.5)
    await asyncio.sleep(1.5)  # the last read is stale, the budget full: the questions wait
    worst = 0.0
    done = False

    async def probe():
        nonlocal worst
        while not done:
            t = time.monotonic()
            await get("/health")
            worst = max(worst, time.monotonic() - t)
            await asyncio.sleep(0.01)

    prober = asyncio.create_task(probe())
    t0 = time.monotonic()
    answers = await asyncio.gather(
        *(get("/presence?topic=%23&count=1" if same else f"/presence?topic=bench/{i}/%23&count=1")
          for i in range(questions)))
    took = time.monotonic() - t0
    done = True
    await prober
    ok = sum(1 for s, _ in answers if s == 200)
    busy = sum(1 for s, _ in answers if s == 503)
    print(json.dumps({"streams_on_b": streams, "questions": questions,
                      "filters": "all #" if same else "one each", "answered_200": ok,
                      "answered_503": busy, "all_answered_s": round(took, 3),
                      "longest_health_wait_ms": round(worst * 1000, 1)}))

asyncio.run(main())
PY
