#!/usr/bin/env bash
# Differential test of our proto3 JSON against the reference implementation
# (the Python protobuf package's json_format):
#   (a) values written by us are parsed by the reference, and
#   (b) values written by the reference are parsed by us,
# and each result is compared with the original binary encoding.
#
#   bash tests/json/run.sh
#
# Environment:
#   JSON_DIFF_SEED      run seed (default 20261130); a failure prints the
#                       seed of the one value, which the same run seed makes again
#   JSON_DIFF_PER_TYPE  values per message type (default 30)
#   JSON_VENV           virtualenv folder; relative to the workspace root
#                       (default: target/json-venv)
#   PYTHON              interpreter for the venv (default: python3.11, else python3)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
REQUIREMENTS="$HERE/requirements.txt"
SEED="${JSON_DIFF_SEED:-20261130}"
PER_TYPE="${JSON_DIFF_PER_TYPE:-30}"
DESCRIPTORS="$ROOT/crates/channel-types/src/generated/file_descriptor_set.bin"
PIP_TIMEOUT_S=600

log() { printf 'json: %s\n' "$*" >&2; }

venv="${JSON_VENV:-target/json-venv}"
case "$venv" in
    /*) ;;
    *) venv="$ROOT/$venv" ;;
esac

python="${PYTHON:-}"
if [ -z "$python" ]; then
    if command -v python3.11 >/dev/null 2>&1; then python=python3.11; else python=python3; fi
fi
stamp="$venv/json-requirements.txt"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && cmp -s "$REQUIREMENTS" "$stamp"; then
    log "venv $venv is up to date"
else
    log "creating venv $venv with $("$python" --version 2>&1)"
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv"
    timeout "$PIP_TIMEOUT_S" "$venv/bin/python" -m pip install --quiet \
        --disable-pip-version-check --no-input --timeout 60 -r "$REQUIREMENTS"
    cp "$REQUIREMENTS" "$stamp"
fi
py="$venv/bin/python"

work="$(mktemp -d "${TMPDIR:-/tmp}/json-diff.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cd "$ROOT"
log "building the Rust half"
cargo build --quiet -p channel-types --example json_differential
bin="${CARGO_TARGET_DIR:-$ROOT/target}/debug/examples/json_differential"

log "seed $SEED, $PER_TYPE values per message type"
"$bin" write "$work/ours.jsonl" "$SEED" "$PER_TYPE"

status=0
"$py" "$HERE/differential.py" check "$DESCRIPTORS" "$work/ours.jsonl" "$work/reference.jsonl" || status=1
"$bin" read "$work/reference.jsonl" "$work/read.jsonl"
"$py" "$HERE/differential.py" compare "$DESCRIPTORS" "$work/reference.jsonl" "$work/read.jsonl" || status=1
# Hand-written edge texts: our strict reader and the reference agree on
# each (both refuse, or both read the same message).
"$py" "$HERE/differential.py" edges "$DESCRIPTORS" "$work/edges.jsonl" -
"$bin" read "$work/edges.jsonl" "$work/edges-read.jsonl"
"$py" "$HERE/differential.py" verdicts "$DESCRIPTORS" "$work/edges.jsonl" "$work/edges-read.jsonl" || status=1
exit "$status"
