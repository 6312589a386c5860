#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (what CI runs).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup-deps.sh"
"$here/scripts/build.sh"
cd "${SSEHUB_BUILD_DIR:-$here/build}"
ctest --output-on-failure --timeout 600 "$@"

# The engine's suites once more under AddressSanitizer and UndefinedBehaviorSanitizer (the
# benchmark and the browser test exercise the same code and would only be slower there).
if [ "${SSEHUB_SANITIZERS:-ON}" = ON ]; then
    asan_dir=${SSEHUB_ASAN_BUILD_DIR:-$here/build-asan}
    cmake -S "$here" -B "$asan_dir" -DCMAKE_BUILD_TYPE=Debug -DSSEHUB_WERROR=ON \
        -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
        -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
    cmake --build "$asan_dir" -j"${SSEHUB_JOBS:-2}"
    cd "$asan_dir"
    ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --output-on-failure --timeout 600 -E "bench_smoke|console_bench|browser_|cmake_nogui_check|package_check" "$@"
fi

# libFuzzer targets (topic filters, tokens, publish bodies, event ids), each for a bounded time.
if [ "${SSEHUB_FUZZ:-ON}" = ON ]; then
    "$here/scripts/fuzz.sh" "${SSEHUB_FUZZ_SECONDS:-30}"
fi
