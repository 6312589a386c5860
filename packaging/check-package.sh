#!/usr/bin/env bash
# Builds the Debian package from a build directory and checks it the way a user would meet it:
# computed dependencies, a valid desktop entry and AppStream metainfo, the man page, the unit's
# hardening, and the installed binary (unpacked into a scratch root): --version, a headless
# smoke test that publishes one event and receives it over SSE, and the packaged scenario: the
# unit's ExecStart command runs the service, streams connect to it, and the console started on
# the embedded default on the same port attaches from its banner and shows those streams
# (tests/ui/tst_packagedservice, from the same build).
# Usage: packaging/check-package.sh [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
for tool in cpack dpkg-deb dpkg-shlibdeps desktop-file-validate appstreamcli curl python3; do
    command -v "$tool" >/dev/null || { echo "check-package: $tool is missing (scripts/setup-deps.sh installs it)" >&2; exit 1; }
done
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/ssehub_*.deb)
echo "package: $(basename "$deb")"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libqt6core6 libqt6network6 libqt6widgets6 libqt6charts6 libhiredis libssl3; do
    grep -q "$lib" <<<"$depends" || { echo "check-package: $lib is not among the computed dependencies"; exit 1; }
done
dpkg-deb -c "$deb" >"$work/contents"
dpkg-deb -e "$deb" "$work/control"
grep -qx /etc/ssehub/ssehub.json "$work/control/conffiles"

root=$work/root
dpkg-deb -x "$deb" "$root"
for path in usr/bin/ssehub usr/share/applications/org.ssehub.ssehub.desktop \
    usr/share/metainfo/org.ssehub.ssehub.metainfo.xml usr/share/man/man1/ssehub.1.gz \
    usr/share/icons/hicolor/48x48/apps/org.ssehub.ssehub.png \
    usr/share/icons/hicolor/scalable/apps/org.ssehub.ssehub.svg \
    usr/share/ssehub/translations/ssehub_zh_CN.qm etc/ssehub/ssehub.json \
    lib/systemd/system/ssehub.service; do
    [ -e "$root/$path" ] || [ -e "$root/usr/$path" ] || { echo "check-package: /$path is missing"; exit 1; }
done
desktop-file-validate "$root/usr/share/applications/org.ssehub.ssehub.desktop"
appstreamcli validate --no-net "$root/usr/share/metainfo/org.ssehub.ssehub.metainfo.xml"
man=$(zcat "$root/usr/share/man/man1/ssehub.1.gz")
grep -q '^\.TH SSEHUB 1' <<<"$man" || { echo "check-package: the man page has no title line"; exit 1; }
unit=""
for candidate in "$root/usr/lib/systemd/system/ssehub.service" "$root/lib/systemd/system/ssehub.service"; do
    [ -f "$candidate" ] && unit=$candidate
done
[ -n "$unit" ] || { echo "check-package: no ssehub.service"; exit 1; }
for directive in 'DynamicUser=yes' 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'ProtectHome=yes' \
    'PrivateTmp=yes' 'StateDirectory=ssehub' 'ExecStart=/usr/bin/ssehub --headless'; do
    grep -q "^$directive" "$unit" || { echo "check-package: the unit lacks $directive"; exit 1; }
done

version=$("$root/usr/bin/ssehub" --version)
echo "installed binary: $version"
[[ "$version" == "ssehub "* ]]
# The shipped config must load; then a headless smoke test on a free port.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$root/usr/bin/ssehub" --config "$root/etc/ssehub/ssehub.json" --print-config >/dev/null
"$root/usr/bin/ssehub" --config "$root/etc/ssehub/ssehub.json" --listen "127.0.0.1:$port" \
    --data-dir "$work/state" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
curl -fs "http://127.0.0.1:$port/readyz" | grep -q ready
curl -sN --max-time 5 "http://127.0.0.1:$port/events?topic=smoke/%23" >"$work/stream.txt" &
reader=$!
for _ in $(seq 1 100); do grep -q '^event: session' "$work/stream.txt" 2>/dev/null && break; sleep 0.05; done
curl -fs -H 'Content-Type: application/json' -d '{"topic":"smoke/test","payload":{"hello":"package"}}' \
    "http://127.0.0.1:$port/publish" >/dev/null
for _ in $(seq 1 100); do grep -q '"hello":"package"' "$work/stream.txt" && break; sleep 0.05; done
grep -q '"hello":"package"' "$work/stream.txt" || { echo "check-package: the event did not arrive"; cat "$work/stream.txt" "$work/server.log"; exit 1; }
kill -TERM "$server"
wait "$server"
server=""
wait "$reader" 2>/dev/null || true

# The packaged scenario. The unit's command, with the scratch root's paths; the port and state
# directory come from the environment (the unit's own are 8080 and /var/lib/ssehub).
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
read -r -a command <<<"$exec_start"
for i in "${!command[@]}"; do
    case "${command[$i]}" in
        /usr/*|/etc/*) command[$i]=$root${command[$i]} ;;
    esac
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
SSEHUB_LISTEN="127.0.0.1:$port" SSEHUB_DATA_DIR="$work/service-state" "${command[@]}" \
    >"$work/service.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.05; done
curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "check-package: the service did not start"; cat "$work/service.log"; exit 1; }
readers=()
for client in kiosk-1 kiosk-2; do
    curl -sN --max-time 60 "http://127.0.0.1:$port/events?topic=display/%23&client_id=$client" \
        >"$work/$client.txt" &
    readers+=($!)
done
for _ in $(seq 1 100); do
    [ "$(curl -fs "http://127.0.0.1:$port/streams" | grep -o '"client_id"' | wc -l)" -ge 2 ] && break
    sleep 0.05
done
console_test=$build/tests/ui/tst_packagedservice
if [ -x "$console_test" ]; then
    mkdir -p "$work/console-config"
    QT_QPA_PLATFORM=offscreen XDG_CONFIG_HOME="$work/console-config" SSEHUB_SERVICE_PORT=$port \
        SSEHUB_SERVICE_CLIENTS=kiosk-1,kiosk-2 "$console_test" >"$work/console.log" 2>&1 \
        || { echo "check-package: the console did not attach to the packaged service"; cat "$work/console.log" "$work/service.log"; exit 1; }
    grep -q "attached to the packaged service" "$work/console.log" \
        || { echo "check-package: the console test did not run"; cat "$work/console.log"; exit 1; }
    echo "check-package: the console attached to the service from its banner and saw both streams"
else
    echo "check-package: $console_test is missing (a build without the console): scenario skipped"
fi
kill "${readers[@]}" 2>/dev/null || true
kill -TERM "$server"
wait "$server"
server=""
echo "check-package: ok"
