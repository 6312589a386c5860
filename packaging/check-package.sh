#!/usr/bin/env bash
# Builds the Debian package from a build directory and checks it the way a user would meet it:
# computed dependencies, a valid desktop entry and AppStream metainfo, the man page, the unit's
# hardening, and the installed binary (unpacked into a scratch root): --version, and a headless
# smoke test that publishes one event and receives it over SSE.
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
for lib in libqt6core6 libqt6network6 libqt6widgets6 libqt6charts6 libhiredis; do
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
echo "check-package: ok"
