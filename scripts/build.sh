#!/usr/bin/env bash
# Configures and builds ssehub into build/ (two parallel jobs, as on the CI machines).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${SSEHUB_BUILD_DIR:-$here/build}
cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=${SSEHUB_BUILD_TYPE:-RelWithDebInfo} \
    -DSSEHUB_WERROR=${SSEHUB_WERROR:-ON} >/dev/null
cmake --build "$build_dir" -j"${SSEHUB_JOBS:-2}"
