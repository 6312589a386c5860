#!/usr/bin/env bash
# Starts the console under xvfb-run with a small live load (streams, some paused, publishes on a
# few topics, a log with kicks), saves a PNG of each of its eight views and checks that none is
# blank. With --connect the load goes to `ssehub --headless` and the console is attached to it
# (`--connect URL`) instead of running the engine itself.
# Usage: tests/ui/screenshots.sh [--connect] [OUT_DIR] (default: build/screenshots)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${SSEHUB_BUILD_DIR:-$root/build}
attached=0
if [ "${1:-}" = --connect ]; then
    attached=1
    shift
fi
out=${1:-$build/screenshots}
ssehub=$build/app/ssehub
[ -x "$ssehub" ] || { echo "screenshots: $ssehub is missing; build first" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run is missing (apt-get install xvfb)" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/*.png
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# The console; it saves its views after 8 s and exits. Attached, the engine is a headless
# server with the same options, and the console watches it over GET /console/feed.
engine_args=(--listen "127.0.0.1:$port" --heartbeat 2s --max-queue 2M --data-dir '')
console_args=("${engine_args[@]}")
if [ $attached -eq 1 ]; then
    XDG_CONFIG_HOME="$work/config-server" XDG_DATA_HOME="$work/data-server" \
        "$ssehub" --headless "${engine_args[@]}" >"$work/server.log" 2>&1 &
    for _ in $(seq 100); do
        grep -q 'listening on' "$work/server.log" && break
        sleep 0.1
    done
    console_args=(--connect "http://127.0.0.1:$port")
fi
env -u QT_QPA_PLATFORM SSEHUB_SCREENSHOTS="$out" SSEHUB_SCREENSHOT_DELAY_MS=8000 \
    XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" \
    xvfb-run -a -s "-screen 0 1280x1024x24" "$ssehub" "${console_args[@]}" \
    --lang "${SSEHUB_SCREENSHOT_LANG:-en}" >"$work/console.log" 2>&1 &
console=$!

# The load: 40 streams over sensor and alert topics, 20 publishes a second for 6 s.
python3 - "$port" <<'PY' &
import json, socket, sys, time
port = int(sys.argv[1])
def wait():
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit("the console did not listen")
def request(method, path, body=b""):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
              f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    s.recv(65536)
    s.close()
wait()
streams = []
# Two cameras whose readers read nothing: their queues grow (amber past a quarter of --max-queue,
# red past three quarters) while the hub keeps them.
for name in ("a", "b"):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(f"GET /events?topic=video/cam-{name}&client_id=camera-{name} HTTP/1.1\r\n"
              f"Host: 127.0.0.1\r\nUser-Agent: gst-launch/1.22\r\n\r\n".encode())
    globals()["camera_" + name] = s
agents = ["Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0", "okhttp/4.12", "curl/7.88.1", "python-requests/2.31"]
for i in range(40):
    s = socket.create_connection(("127.0.0.1", port))
    topic = "sensor/%2B/data" if i % 3 else "alerts/%23"
    s.sendall(f"GET /events?topic={topic}&client_id=device-{i:02d} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              f"User-Agent: {agents[i % 4]}\r\n\r\n".encode())
    s.setblocking(False)
    streams.append(s)
request("PATCH", "/subscriptions/device-05", json.dumps({"state": "paused"}).encode())
# Stored clients without a stream (the Clients view lists them), one of them paused.
for name, topics in (("tablet-kitchen", ["home/kitchen/#"]), ("tablet-hall", ["home/+/door", "alerts/#"])):
    request("POST", "/subscribe", json.dumps({"client_id": name, "topics": topics, "ttl_seconds": 86400}).encode())
request("PATCH", "/subscriptions/tablet-hall", json.dumps({"topics": ["alerts/#"], "state": "paused"}).encode())
time.sleep(0.3)
def queued(client):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /stats?streams=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    body = json.loads(data.split(b"\r\n\r\n", 1)[1])
    return max([x.get("bytes_queued", 0) for x in body.get("streams", []) if x.get("client_id") == client] or [0])
frame = "x" * 16000
# Past what the kernel's buffers take: camera-a into amber (a quarter of 2M), camera-b into red.
for name, goal in (("a", 700_000), ("b", 1_650_000)):
    for _ in range(1000):
        if queued(f"camera-{name}") >= goal:
            break
        request("POST", "/publish", json.dumps({"topic": f"video/cam-{name}", "type": "frame",
                                                "payload": frame}).encode())
for n in range(120):
    topic = f"sensor/{n % 5}/data" if n % 4 else "alerts/fire/floor-2"
    request("POST", "/publish", json.dumps({"topic": topic, "type": "reading",
                                            "payload": {"n": n, "celsius": 20 + n % 7}}).encode())
    for s in streams:
        if s is None:
            continue
        try:
            s.recv(65536)
        except OSError:
            pass
    time.sleep(0.05)
streams[7].close()  # one client leaves
time.sleep(10)
PY

status=0
wait "$console" || status=$?
if [ $status -ne 0 ]; then
    echo "screenshots: the console exited with $status"
    cat "$work/console.log"
    [ $attached -eq 0 ] || cat "$work/server.log"
    exit 1
fi
ls "$out"/*.png
python3 "$here/pngcheck.py" "$out"/*.png
[ "$(ls "$out"/*.png | wc -l)" -eq 8 ] || { echo "screenshots: expected 8 views"; exit 1; }
