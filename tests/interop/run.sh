#!/usr/bin/env bash
# Interoperability test: Google's official Python clients (GAPIC over gRPC,
# discovery over REST) run a reseller workflow, then a transfer from another
# reseller, against channel-emulator seeded with the example scenario; then
# PyYAML reads the CLI's YAML output back.
#
#   bash tests/interop/run.sh
#
# Environment:
#   INTEROP_VENV      virtualenv folder; a relative path is taken from the
#                     workspace root (default: target/interop-venv)
#   PYTHON            interpreter for the venv (default: python3.11, else python3)
#   CARGO_TARGET_DIR  honoured by the cargo build
#   INTEROP_WIRES     wires to run (default: "grpc rest")
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
REQUIREMENTS="$HERE/requirements.txt"
SCENARIO="$ROOT/crates/channel-mock/examples/scenario.yaml"
WIRES="${INTEROP_WIRES:-grpc rest}"

READY_TIMEOUT_S=60
WORKFLOW_TIMEOUT_S=300
STOP_TIMEOUT_S=10
PIP_TIMEOUT_S=1200
BUILD_TIMEOUT_S=3600

log() { printf 'interop: %s\n' "$*" >&2; }

venv="${INTEROP_VENV:-target/interop-venv}"
case "$venv" in
    /*) ;;
    *) venv="$ROOT/$venv" ;;
esac

work="$(mktemp -d "${TMPDIR:-/tmp}/interop.XXXXXX")"
# shellcheck source=tests/interop/emulator.sh
source "$HERE/emulator.sh"

cleanup() {
    stop_emulator
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- (a) the Python environment -------------------------------------------
python="${PYTHON:-}"
if [ -z "$python" ]; then
    if command -v python3.11 >/dev/null 2>&1; then
        python=python3.11
    else
        python=python3
    fi
fi
stamp="$venv/interop-requirements.txt"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$REQUIREMENTS" "$stamp"; then
    log "venv $venv is up to date"
else
    log "creating venv $venv with $("$python" --version 2>&1)"
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    if ! "$python" -m venv "$venv"; then
        log "could not create a venv with $python"
        exit 1
    fi
    log "installing $REQUIREMENTS"
    if ! timeout "$PIP_TIMEOUT_S" "$venv/bin/python" -m pip install --quiet \
        --disable-pip-version-check --no-input --timeout 60 -r "$REQUIREMENTS"; then
        log "pip install failed"
        exit 1
    fi
    cp "$REQUIREMENTS" "$stamp"
fi
py="$venv/bin/python"

# --- (b) the emulator --------------------------------------------------------
build_emulator || exit 1

# --- (c) one emulator and one workflow per wire -----------------------------
# Reads one key of the ready line's JSON.
ready_field() {
    "$py" -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$ready_line" "$1"
}

passed=0
failed=0
for wire in $WIRES; do
    log "=== $wire ==="
    ready_line=""
    # The example world: another reseller's customer to take over with its
    # auth token (the transfer part of the workflow).
    if ! start_emulator "$work/$wire.out" "$work/$wire.err" --scenario "$SCENARIO"; then
        stop_emulator
        log "$wire: FAILED (emulator did not start)"
        failed=$((failed + 1))
        continue
    fi
    log "ready: $ready_line"
    case "$wire" in
        grpc) endpoint="$(ready_field grpc)" ;;
        rest) endpoint="$(ready_field http)" ;;
        *) log "unknown wire $wire"; stop_emulator; failed=$((failed + 1)); continue ;;
    esac
    account="$(ready_field account)"
    status=0
    timeout "$WORKFLOW_TIMEOUT_S" "$py" "$HERE/workflow.py" \
        --wire "$wire" --endpoint "$endpoint" --account "$account" || status=$?
    stop_emulator
    if [ "$status" -eq 0 ]; then
        log "$wire: passed"
        passed=$((passed + 1))
    else
        if [ "$status" -eq 124 ]; then
            log "$wire: workflow timed out after ${WORKFLOW_TIMEOUT_S}s"
        fi
        log "$wire: FAILED (exit $status); emulator stderr:"
        sed 's/^/    /' "$work/$wire.err" >&2 || true
        failed=$((failed + 1))
    fi
done

# --- (d) the CLI's YAML output, read by PyYAML (a YAML 1.1 reader) ----------
log "=== cli yaml ==="
if YAML11_PYTHON="$py" timeout "$BUILD_TIMEOUT_S" cargo test -q -p channel-cli --test cli \
    yaml_output_parses_back_to_the_json_output >"$work/yaml.out" 2>&1; then
    log "cli yaml: passed"
    passed=$((passed + 1))
else
    log "cli yaml: FAILED"
    sed 's/^/    /' "$work/yaml.out" >&2 || true
    failed=$((failed + 1))
fi

# --- (e) the summary ---------------------------------------------------------
echo "interop: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
