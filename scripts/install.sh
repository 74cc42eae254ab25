#!/usr/bin/env bash
# Install Manara into a virtual environment: the same steps for `make run` / `make test` and the Containerfile.
# Usage: scripts/install.sh VENV runtime|dev [editable|package]
#   runtime: what `manara serve` and the CLI need (no browser, no test or lint tools)
#   dev:     runtime plus the [dev] extra (pytest, playwright with Debian's Chromium, ruff, mypy, import-linter)
#   editable (default) installs the working tree with `pip install -e`; package installs a copy (containers).
set -euo pipefail
venv="${1:?usage: scripts/install.sh VENV runtime|dev [editable|package]}"
set_="${2:?usage: scripts/install.sh VENV runtime|dev [editable|package]}"
mode="${3:-editable}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
case "$set_" in
  runtime) "$here/ensure-system-deps.sh" build; target="$root" ;;
  dev) "$here/ensure-system-deps.sh" build browser; target="$root[dev]" ;;
  *) echo "unknown set: $set_ (runtime or dev)" >&2; exit 2 ;;
esac
test -d "$venv" || "${PY:-python3}" -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
case "$mode" in
  editable) "$venv/bin/pip" install -q -e "$target" ;;
  package) "$venv/bin/pip" install -q --no-cache-dir "$target" ;;
  *) echo "unknown mode: $mode (editable or package)" >&2; exit 2 ;;
esac
