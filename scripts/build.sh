#!/usr/bin/env bash
# Configures and builds ssehub into build/ (two parallel jobs, as on the CI machines).
# Usage: scripts/build.sh [cmake options...] [-- build options...]
#   e.g. scripts/build.sh -DSSEHUB_BUILD_UI=OFF -- --target ssehub
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${SSEHUB_BUILD_DIR:-$here/build}
configure_args=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    configure_args+=("$1")
    shift
done
[ $# -gt 0 ] && shift # the --
# ccache, when installed, makes rebuilds of unchanged files (other build dirs, worktrees) free.
launcher=()
if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=${SSEHUB_BUILD_TYPE:-RelWithDebInfo} \
    -DSSEHUB_WERROR=${SSEHUB_WERROR:-ON} "${launcher[@]}" "${configure_args[@]}" >/dev/null
cmake --build "$build_dir" -j"${SSEHUB_JOBS:-2}" "$@"
