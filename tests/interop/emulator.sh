# Building, starting and stopping channel-emulator for the interop tests.
# Sourced by tests/interop/run.sh and tests/interop/node/run.sh, which
# define ROOT, work, log, READY_TIMEOUT_S, STOP_TIMEOUT_S and BUILD_TIMEOUT_S.

emulator_pid=""

# Builds the emulator and sets `emulator` to its binary.
build_emulator() {
    log "building channel-emulator"
    if ! (
        cd "$ROOT"
        timeout "$BUILD_TIMEOUT_S" cargo build -p channel-mock --bin channel-emulator \
            --message-format=json-render-diagnostics
    ) >"$work/build.json"; then
        log "cargo build failed"
        return 1
    fi
    # The last artifact line naming the binary says where cargo put it.
    emulator="$(grep -o '"executable":"[^"]*channel-emulator"' "$work/build.json" | tail -n 1 | cut -d'"' -f4)"
    if [ -z "$emulator" ]; then
        emulator="${CARGO_TARGET_DIR:-$ROOT/target}/debug/channel-emulator"
    fi
    if [ ! -x "$emulator" ]; then
        log "no emulator binary at $emulator"
        return 1
    fi
    log "emulator: $emulator"
}

# Starts the emulator on free loopback ports and waits for its ready line;
# sets ready_line. Arguments after the two output files go to the emulator
# (e.g. --scenario FILE). Returns non-zero if it exits or stays silent too long.
start_emulator() {
    local out="$1" err="$2"
    shift 2
    : >"$out"
    "$emulator" --grpc 127.0.0.1:0 --http 127.0.0.1:0 "$@" >"$out" 2>"$err" &
    emulator_pid=$!
    local waited=0
    while [ "$waited" -lt $((READY_TIMEOUT_S * 10)) ]; do
        if IFS= read -r ready_line <"$out" && [ -n "$ready_line" ]; then
            return 0
        fi
        if ! kill -0 "$emulator_pid" 2>/dev/null; then
            log "the emulator exited before it was ready; its stderr:"
            sed 's/^/    /' "$err" >&2 || true
            emulator_pid=""
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
    log "the emulator printed no ready line within ${READY_TIMEOUT_S}s"
    return 1
}

# Stops the running emulator, if any: SIGTERM, then SIGKILL after a bounded wait.
stop_emulator() {
    local pid="$emulator_pid"
    emulator_pid=""
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        local waited=0
        while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((STOP_TIMEOUT_S * 10)) ]; do
            sleep 0.1
            waited=$((waited + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "emulator $pid did not stop within ${STOP_TIMEOUT_S}s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
}
