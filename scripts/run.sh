#!/usr/bin/env bash
# Quick start: installs what is missing, builds, and launches the console on the embedded default
# (http://127.0.0.1:8080, no Redis). Extra arguments go to ssehub, e.g. --headless.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup-deps.sh" --run-only
"$here/scripts/build.sh"
exec "${SSEHUB_BUILD_DIR:-$here/build}/app/ssehub" "$@"
