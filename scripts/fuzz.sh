#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (AddressSanitizer and UndefinedBehaviorSanitizer on the
# whole engine library) and runs each for a bounded time, starting from the seeds in
# tests/fuzz/corpus. Exits non-zero when a target crashes or breaks one of its invariants; the
# input that did it is left in the fuzz build directory.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]    (default 30)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
build=${SSEHUB_FUZZ_BUILD_DIR:-$here/build-fuzz}
for tool in clang-14 clang++-14; do
    command -v "$tool" >/dev/null || { echo "fuzz: $tool is missing (scripts/setup-deps.sh installs clang-14 and libclang-rt-14-dev)" >&2; exit 1; }
done
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g"
CC=clang-14 CXX=clang++-14 cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSSEHUB_BUILD_UI=OFF -DSSEHUB_BUILD_TESTS=OFF -DSSEHUB_BUILD_FUZZERS=ON \
    -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$build" -j"${SSEHUB_JOBS:-2}" --target fuzz_topicfilter fuzz_jwt fuzz_jwks fuzz_authhook fuzz_publish fuzz_eventid fuzz_http
status=0
for target in topicfilter jwt jwks authhook publish eventid http; do
    corpus=$build/corpus-$target
    mkdir -p "$corpus"
    cp -n "$here/tests/fuzz/corpus/$target/"* "$corpus/" 2>/dev/null || true
    echo "fuzz: $target for ${seconds}s"
    if ! (cd "$build" && ASAN_OPTIONS=detect_leaks=1 "./tests/fuzz/fuzz_$target" "$corpus" \
            -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
            >"$build/fuzz-$target.log" 2>&1); then
        echo "fuzz: $target FAILED (see $build/fuzz-$target.log)" >&2
        tail -n 40 "$build/fuzz-$target.log" >&2
        status=1
    else
        grep -E "stat::number_of_executed_units|cov:" "$build/fuzz-$target.log" | tail -n 2
    fi
done
exit $status
