# Shell helpers shared by the benchmark scripts (sourced, not run).

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Waits up to 5 s for something to accept connections on 127.0.0.1:PORT.
wait_port() {
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "$(basename "$0"): nothing listens on port $1" >&2
    return 1
}

# A scratch directory in $work (named after PREFIX) and a list $pids of background processes:
# at exit the processes are stopped and the directory removed.
start_scratch() {
    work=$(mktemp -d "/tmp/$1.XXXXXX")
    pids=()
    trap stop_scratch EXIT
}

stop_scratch() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}
