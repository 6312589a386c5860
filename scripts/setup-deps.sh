#!/usr/bin/env bash
# Installs what building, running and testing ssehub needs on Debian 12 (bookworm), and nothing
# when it is all there already. Usage: scripts/setup-deps.sh [--run-only]
#   --run-only  only what building and running the console needs (no browser, no benchmark peers)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-all}

build_packages=(
    build-essential cmake pkg-config dpkg-dev
    qt6-base-dev qt6-base-dev-tools
    qt6-charts-dev libqt6opengl6-dev libgl-dev
    qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    libhiredis-dev
    libssl-dev  # token signatures (libcrypto)
    fonts-wqy-microhei  # the console in Chinese needs a CJK font
    qt6-translations-l10n  # Qt's own dialogs (buttons, file dialog) in the console's language
)
test_packages=(
    redis-server redis-sentinel chromium nodejs npm xvfb xauth iproute2 python3 curl
    openssl  # tst_jwk makes keys and signatures with it
    nginx-light libnginx-mod-nchan wrk
    clang-14 libclang-rt-14-dev
    desktop-file-utils appstream
)

packages=("${build_packages[@]}")
if [ "$mode" != "--run-only" ]; then
    packages+=("${test_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
    # nodejs/npm may come from another packaging of Node.js: a working node is enough.
    if [ "$p" = nodejs ] || [ "$p" = npm ]; then
        command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue
    fi
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "ssehub: installing ${missing[*]}"
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo_cmd=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo_cmd[@]}" apt-get update -qq
    "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "$mode" != "--run-only" ]; then
    # playwright-core drives Debian's Chromium; it downloads no browser of its own.
    if [ ! -d "$here/tests/browser/node_modules/playwright-core" ]; then
        (cd "$here/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
    fi
fi
