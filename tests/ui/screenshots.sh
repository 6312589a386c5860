#!/usr/bin/env bash
# Starts the console under xvfb-run with a small live load (streams, some paused, publishes on a
# few topics, a log with kicks), saves a PNG of every view (every tab the window has) and checks
# that none is blank - in English and Chinese, at scale 1 and 2 (QT_SCALE_FACTOR), with a light
# and a dark palette: OUT_DIR/<lang>-<scale>x-<palette>/<view>.png. With --connect the load goes
# to `ssehub --headless` and the console is attached to it (`--connect URL`) instead of running
# the engine itself. Access is as an application would set it up: a JWKS URL and an auth hook
# (a small backend the script starts: the hook allows every stream after ~10 ms), an HS256
# secret and an ACL for the admin token the load publishes with, and a few refused tokens - so
# that the Overview's Identity tiles show a loaded key set, the hook's latency and refusals. A
# chat room with --presence-events chat/# (clients joining and one leaving) is selected in the
# Topics view (SSEHUB_SCREENSHOT_TOPIC) so that its presence panel shows who listens and the join
# and leave events.
# Usage: tests/ui/screenshots.sh [--connect] [--quick] [OUT_DIR] (default: build/screenshots)
#   --quick  two of the eight combinations (en at 1x light, zh_CN at 2x dark), for CTest
#   SSEHUB_SCREENSHOT_SETS="en:1:light zh_CN:2:dark" chooses the combinations explicitly.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${SSEHUB_BUILD_DIR:-$root/build}
attached=0
quick=0
while [ $# -gt 0 ]; do
    case "$1" in
    --connect) attached=1 ;;
    --quick) quick=1 ;;
    *) break ;;
    esac
    shift
done
out=${1:-$build/screenshots}
ssehub=$build/app/ssehub
[ -x "$ssehub" ] || { echo "screenshots: $ssehub is missing; build first" >&2; exit 1; }
command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run is missing (apt-get install xvfb)" >&2; exit 1; }
sets=${SSEHUB_SCREENSHOT_SETS:-}
if [ -z "$sets" ]; then
    if [ $quick -eq 1 ]; then
        sets="en:1:light zh_CN:2:dark"
    else
        sets="en:1:light en:1:dark en:2:light en:2:dark zh_CN:1:light zh_CN:1:dark zh_CN:2:light zh_CN:2:dark"
    fi
fi
mkdir -p "$out"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

# Identity: the secret, the ACL and the admin token (sub "ops"), and the backend for the JWKS URL
# and the auth hook, on a free port for every run.
head -c 48 /dev/urandom | base64 >"$work/secret"
cat >"$work/acl.json" <<'JSON'
{"anonymous": null,
 "roles": {"admin": {"subscribe": ["#"], "publish": ["#"], "admin": true},
           "home": {"subscribe": ["home/#", "alerts/#"]}},
 "clients": {"ops": ["admin"], "tablet-kitchen": ["home"], "tablet-hall": ["home"]}}
JSON
python3 - "$work" <<'PY'
import base64, hashlib, hmac, json, sys, time
work = sys.argv[1]
secret = open(f"{work}/secret", "rb").read().rstrip(b"\n")
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=")
def token(claims):
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    sig = b64(hmac.new(secret, head + b"." + body, hashlib.sha256).digest())
    return (head + b"." + body + b"." + sig).decode()
open(f"{work}/admin.jwt", "w").write(token({"sub": "ops", "exp": int(time.time()) + 3600}))
open(f"{work}/expired.jwt", "w").write(token({"sub": "old-tablet", "exp": int(time.time()) - 86400}))
PY
backend_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$backend_port" <<'PY' >"$work/backend.log" 2>&1 &
import http.server, json, sys, time
# An Ed25519 public key: the key set the identity provider publishes.
JWKS = json.dumps({"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "idp-2026",
                             "x": "kJIz-FQllT2zRcbPvSGsBWtR_3x9c8E3tCAtWGxH0qw"}]}).encode()
class Backend(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def answer(self, body, cache):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", cache)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        self.answer(JWKS, "max-age=300")
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        time.sleep(0.01)  # the application's session lookup
        self.answer(b'{"allow": true}', "max-age=60")
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Backend).serve_forever()
PY
identity_args=(--jwt-secret-file "$work/secret" --acl "$work/acl.json"
    --jwks-url "http://127.0.0.1:$backend_port/jwks" --auth-hook "http://127.0.0.1:$backend_port/auth")

# One combination: a console (and, attached, a headless server) with the load; the console saves
# its views after 8 s and exits.
shoot() {
    local lang=$1 scale=$2 palette=$3 dir=$4
    mkdir -p "$dir"
    rm -f "$dir"/*.png
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    local engine_args=(--listen "127.0.0.1:$port" --heartbeat 2s --max-queue 2M --data-dir ''
        --presence-events 'chat/#' "${identity_args[@]}")
    local console_args=("${engine_args[@]}")
    local server=""
    rm -rf "$work/config" "$work/data" "$work/config-server" "$work/data-server"
    if [ $attached -eq 1 ]; then
        XDG_CONFIG_HOME="$work/config-server" XDG_DATA_HOME="$work/data-server" \
            "$ssehub" --headless "${engine_args[@]}" >"$work/server.log" 2>&1 &
        server=$!
        for _ in $(seq 100); do
            grep -q 'listening on' "$work/server.log" && break
            sleep 0.1
        done
        console_args=(--connect "http://127.0.0.1:$port" --token-file "$work/admin.jwt")
    fi
    env -u QT_QPA_PLATFORM SSEHUB_SCREENSHOTS="$dir" SSEHUB_SCREENSHOT_DELAY_MS=8000 \
        SSEHUB_SCREENSHOT_TOPIC=chat/lobby \
        SSEHUB_SCREENSHOT_PALETTE="$palette" QT_SCALE_FACTOR="$scale" \
        XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" \
        xvfb-run -a -s "-screen 0 1280x1024x24" "$ssehub" "${console_args[@]}" \
        --lang "$lang" >"$work/console.log" 2>&1 &
    local console=$!

    # The load: 40 streams over sensor and alert topics, 20 publishes a second for 6 s.
    python3 - "$port" "$(cat "$work/admin.jwt")" "$(cat "$work/expired.jwt")" <<'PY' &
import json, socket, sys, time
port = int(sys.argv[1])
# Streams go without a token (the auth hook lets them in); publishes and the admin routes carry
# the admin token.
admin = f"Authorization: Bearer {sys.argv[2]}\r\n"
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
              f"{admin}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
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
# A chat room (--presence-events chat/#): the Topics view shows who is in chat/lobby (mei on two
# devices, a moderator through chat/#) and who came and went.
chat = {}
def join(name, topic="chat/lobby"):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /events?topic={topic}&client_id={name} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              f"User-Agent: {agents[0]}\r\n\r\n".encode())
    s.setblocking(False)
    streams.append(s)
    chat.setdefault(name, []).append(s)
for name in ("mei", "tom", "lea", "mei", "sam-phone"):
    join(name)
join("moderator", "chat/%23")
request("PATCH", "/subscriptions/device-05", json.dumps({"state": "paused"}).encode())
# Stored clients without a stream (the Clients view lists them), one of them paused.
for name, topics in (("tablet-kitchen", ["home/kitchen/#"]), ("tablet-hall", ["home/+/door", "alerts/#"])):
    request("POST", "/subscribe", json.dumps({"client_id": name, "topics": topics, "ttl_seconds": 86400}).encode())
request("PATCH", "/subscriptions/tablet-hall", json.dumps({"topics": ["alerts/#"], "state": "paused"}).encode())
# Tokens refused: two that expired, one with a signature that does not verify.
forged = sys.argv[2][:-10] + ("A" if sys.argv[2][-10] != "A" else "B") + sys.argv[2][-9:]
for bad in (sys.argv[3], sys.argv[3], forged):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /events?topic=alerts/%23 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              f"Authorization: Bearer {bad}\r\nConnection: close\r\n\r\n".encode())
    s.recv(65536)
    s.close()
time.sleep(0.3)
def queued(client):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(f"GET /stats?streams=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n{admin}Connection: close\r\n\r\n".encode())
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
    if n == 60:  # tom leaves the room
        for s in chat.pop("tom"):
            streams.remove(s)
            s.close()
    time.sleep(0.05)
join("kai")
# A kiosk joins once the burst is over: the hook's last answer is one of a quiet moment.
kiosk = socket.create_connection(("127.0.0.1", port))
kiosk.sendall(b"GET /events?topic=alerts/%23&client_id=kiosk-lobby HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              b"User-Agent: Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0\r\n\r\n")
streams[7].close()  # one client leaves
time.sleep(10)
PY
    local load=$!

    local status=0
    wait "$console" || status=$?
    kill "$load" 2>/dev/null || true
    wait "$load" 2>/dev/null || true
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    if [ $status -ne 0 ]; then
        echo "screenshots: the console ($lang, ${scale}x, $palette) exited with $status"
        cat "$work/console.log"
        [ $attached -eq 0 ] || cat "$work/server.log"
        return 1
    fi
    python3 "$here/pngcheck.py" "$dir"/*.png
    # Every view: the console exits with 0 only when it saved one per tab (9 or more).
    [ "$(ls "$dir"/*.png | wc -l)" -ge 9 ] || { echo "screenshots: expected every view in $dir"; return 1; }
    echo "screenshots: $dir: $(cd "$dir" && ls *.png | tr '\n' ' ')"
}

for set in $sets; do
    IFS=: read -r lang scale palette <<<"$set"
    shoot "$lang" "$scale" "$palette" "$out/$lang-${scale}x-$palette"
done
