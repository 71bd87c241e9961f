#!/usr/bin/env bash
# Interoperability test: Google's Node.js client stack (google-gax over
# @grpc/grpc-js) runs a reseller workflow against channel-emulator over gRPC.
#
#   bash tests/interop/node/run.sh
#
# Needs Node 20+ with npm, and cargo. Environment:
#   CARGO_TARGET_DIR  honoured by the cargo build
#   NODE              node binary (default: node)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../../.." && pwd)"
NODE="${NODE:-node}"

READY_TIMEOUT_S=60
WORKFLOW_TIMEOUT_S=300
STOP_TIMEOUT_S=10
NPM_TIMEOUT_S=1200
BUILD_TIMEOUT_S=3600

log() { printf 'interop-node: %s\n' "$*" >&2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/interop-node.XXXXXX")"
# shellcheck source=tests/interop/emulator.sh
source "$HERE/../emulator.sh"

cleanup() {
    stop_emulator
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- (a) the Node packages ---------------------------------------------------
if ! command -v "$NODE" >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    log "node and npm are needed"
    exit 1
fi
node_major="$("$NODE" -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
    log "Node 20 or later is needed, found $("$NODE" --version)"
    exit 1
fi
# A copy of the lockfile inside node_modules records what was installed.
stamp="$HERE/node_modules/.interop-package-lock.json"
if [ -f "$stamp" ] && cmp -s "$HERE/package-lock.json" "$stamp"; then
    log "node_modules is up to date"
else
    log "installing packages with npm ci ($("$NODE" --version), npm $(npm --version 2>/dev/null))"
    if ! (
        cd "$HERE"
        timeout "$NPM_TIMEOUT_S" npm ci --quiet --no-audit --no-fund --ignore-scripts \
            --loglevel=error
    ) >"$work/npm.log" 2>&1; then
        log "npm ci failed:"
        sed 's/^/    /' "$work/npm.log" >&2 || true
        exit 1
    fi
    cp "$HERE/package-lock.json" "$stamp"
fi

# --- (b) the emulator --------------------------------------------------------
build_emulator || exit 1

# --- (c) the emulator on loopback, and the workflow against it ---------------
# Reads one key of the ready line's JSON.
ready_field() {
    "$NODE" -e 'const v = JSON.parse(process.argv[1])[process.argv[2]];
if (typeof v !== "string" || !v) process.exit(1);
console.log(v);' "$ready_line" "$1"
}

passed=0
failed=0
ready_line=""
if ! start_emulator "$work/emulator.out" "$work/emulator.err"; then
    stop_emulator
    log "grpc: FAILED (emulator did not start)"
    failed=$((failed + 1))
else
    log "ready: $ready_line"
    status=0
    if ! endpoint="$(ready_field grpc)" || ! account="$(ready_field account)"; then
        log "the ready line lacks grpc or account: $ready_line"
        status=1
    else
        timeout "$WORKFLOW_TIMEOUT_S" "$NODE" "$HERE/workflow.js" \
            --endpoint "$endpoint" --account "$account" || status=$?
    fi
    stop_emulator
    if [ "$status" -eq 0 ]; then
        log "grpc: passed"
        passed=$((passed + 1))
    else
        if [ "$status" -eq 124 ]; then
            log "grpc: workflow timed out after ${WORKFLOW_TIMEOUT_S}s"
        fi
        log "grpc: FAILED (exit $status); emulator stderr:"
        sed 's/^/    /' "$work/emulator.err" >&2 || true
        failed=$((failed + 1))
    fi
fi

# --- (d) the summary ---------------------------------------------------------
echo "interop-node: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
