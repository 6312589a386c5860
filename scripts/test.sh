#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (what CI runs).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup-deps.sh"
# Paths relative to the source tree in ccache's keys: the headless build below then reuses the
# engine's objects from build/ instead of compiling them again.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$here} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
"$here/scripts/build.sh"

# Tests labelled "root" need CAP_NET_ADMIN (a private network namespace); run as another user
# they report "Skipped". When this script is not root they run once more through password-less
# sudo; SSEHUB_REQUIRE_ROOT=1 (CI) makes it an error when that is not possible either.
as_root=()
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
        as_root=(sudo -n)
    elif [ "${SSEHUB_REQUIRE_ROOT:-0}" = 1 ]; then
        echo "ssehub: the tests labelled root need root or password-less sudo" >&2
        exit 1
    else
        echo "ssehub: not root: the tests labelled root report Skipped" >&2
    fi
fi

# run_ctest <build dir> <ctest arguments...>
run_ctest() {
    local dir=$1
    shift
    (cd "$dir" && ctest --output-on-failure --timeout 600 "$@")
    if [ ${#as_root[@]} -gt 0 ]; then
        (cd "$dir" && "${as_root[@]}" env ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
            UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" "$(command -v ctest)" --output-on-failure \
            --timeout 600 -L '^root$' "$@")
        # The test records go back to the user who runs this script.
        "${as_root[@]}" chown -R "$(id -u):$(id -g)" "$dir/Testing"
    fi
}

run_ctest "${SSEHUB_BUILD_DIR:-$here/build}" "$@"

# Without the console (SSEHUB_BUILD_UI=OFF, what a server installs), under -Werror as well:
# only the binary and tst_app, which runs it (the rest is the same code as above).
if [ "${SSEHUB_HEADLESS:-ON}" = ON ]; then
    headless_dir=${SSEHUB_HEADLESS_BUILD_DIR:-$here/build-headless}
    SSEHUB_BUILD_DIR=$headless_dir "$here/scripts/build.sh" -DSSEHUB_BUILD_UI=OFF \
        -- --target ssehub tst_app
    (cd "$headless_dir" && ctest --output-on-failure --timeout 600 -R '^tst_app$')
fi

# The engine's suites once more under AddressSanitizer and UndefinedBehaviorSanitizer (the
# benchmark and the browser test exercise the same code and would only be slower there).
if [ "${SSEHUB_SANITIZERS:-ON}" = ON ]; then
    asan_dir=${SSEHUB_ASAN_BUILD_DIR:-$here/build-asan}
    cmake -S "$here" -B "$asan_dir" -DCMAKE_BUILD_TYPE=Debug -DSSEHUB_WERROR=ON \
        -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
        -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
    cmake --build "$asan_dir" -j"${SSEHUB_JOBS:-2}"
    ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 run_ctest "$asan_dir" \
        -E "bench_smoke|console_bench|browser_|cmake_nogui_check|package_check" "$@"
fi

# libFuzzer targets (topic filters, tokens, publish bodies, event ids), each for a bounded time.
if [ "${SSEHUB_FUZZ:-ON}" = ON ]; then
    "$here/scripts/fuzz.sh" "${SSEHUB_FUZZ_SECONDS:-30}"
fi
