#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (what CI runs).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup-deps.sh"
"$here/scripts/build.sh"
cd "${SSEHUB_BUILD_DIR:-$here/build}"
ctest --output-on-failure --timeout 600 "$@"
