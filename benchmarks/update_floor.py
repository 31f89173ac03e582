"""Rewrite benchmarks/quality_floor.json from a fresh dev-split run.

    python benchmarks/update_floor.py                     # every extractor behind a pipeline
    python benchmarks/update_floor.py --extractor sayso.rules.v1
    python benchmarks/update_floor.py --allow-regression  # accept lower floors; say why
    python benchmarks/update_floor.py --dry-run           # print, write nothing
    python benchmarks/update_floor.py --in-repo-only      # only chains.* / speakers.* (bundled
                                                          # golds); other floors kept as they are
    python benchmarks/update_floor.py --in-repo-only --only chains.   # only metrics so named

Raising a floor is an ordinary commit.  A run that would lower any floor stops with the list of
numbers that fell, unless --allow-regression is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

# Run as a script (python benchmarks/update_floor.py): make the repository importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks import gate  # noqa: E402


def _commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=gate.REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    """Measure, compare with the current floors, and write the file (unless refused)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--extractor", action="append", help="only this extractor (repeatable)")
    ap.add_argument("--allow-regression", action="store_true", help="allow lowering floors")
    ap.add_argument("--dry-run", action="store_true", help="print the new floors, write nothing")
    ap.add_argument(
        "--in-repo-only",
        action="store_true",
        help="measure only the metrics of the bundled golds (chains.*, speakers.*); keep the rest",
    )
    ap.add_argument(
        "--only",
        action="append",
        metavar="PREFIX",
        help="rewrite only the floors whose name starts with PREFIX (repeatable); keep the rest",
    )
    args = ap.parse_args(argv)

    data: Path | None = None
    where = "the bundled golds"
    if not args.in_repo_only:
        data, where = gate.find_data()
        if data is None:
            print(f"error: {where} (or pass --in-repo-only)", file=sys.stderr)
            return 2
    gated = gate.gated_extractors()
    wanted = args.extractor or sorted(gated)
    unknown = [e for e in wanted if e not in gated]
    if unknown:
        print(f"error: not behind any pipeline: {unknown}; gated: {sorted(gated)}", file=sys.stderr)
        return 2

    old = gate.load_floors() if gate.FLOOR_FILE.exists() else {"extractors": {}}
    tolerance = old.get("tolerance", gate.DEFAULT_TOLERANCE)
    extractors = {k: v for k, v in old["extractors"].items() if k in gated}
    for gone in sorted(set(old["extractors"]) - set(gated)):
        print(f"dropping {gone}: no pipeline points at it any more", file=sys.stderr)

    refused: list[str] = []
    commit = _commit()
    for name in wanted:
        print(f"measuring {name} on {where} ...", file=sys.stderr)
        new = gate.measure_in_repo(name)
        prev = extractors.get(name, {}).get("floors", {})
        kept: dict[str, float] = {}
        if data is not None:
            new.update(gate.measure_data(name, data))
        else:
            # Only the in-repo metrics were measured: compare those, keep the others as they are.
            kept, prev = gate.only(prev, in_repo=False), gate.only(prev, in_repo=True)
        if args.only:
            # Someone else's metrics (another helper's work in progress) stay as pinned.
            chosen = tuple(args.only)
            kept.update({m: v for m, v in prev.items() if not m.startswith(chosen)})
            prev = {m: v for m, v in prev.items() if m.startswith(chosen)}
            new = {m: v for m, v in new.items() if m.startswith(chosen)}
        for metric in sorted(new):
            before = prev.get(metric)
            mark = "" if before is None else f"  (was {before:.2f}, {new[metric] - before:+.2f})"
            print(f"  {metric:40s} {new[metric]:6.2f}{mark}", file=sys.stderr)
        down = gate.lowered(prev, new)
        if down and not args.allow_regression:
            refused.extend(
                f"{name} {m}: {prev[m]:.2f} -> {new.get(m, float('nan')):.2f}" for m in down
            )
            continue
        extractors[name] = {
            "pipelines": gated[name],
            "measured_at_commit": commit,
            "measured_on": dt.date.today().isoformat(),
            "floors": dict(sorted({**kept, **new}.items())),
        }

    if refused:
        print(
            "refusing to lower floors (rerun with --allow-regression if intended):\n  "
            + "\n  ".join(refused),
            file=sys.stderr,
        )
        return 1
    out = {
        "about": (
            "Dev-split quality floors per extractor (percent). tests/test_quality_gate.py fails "
            "when a measured number is more than `tolerance` below its floor. Written by "
            "`python benchmarks/update_floor.py`; lowering needs --allow-regression."
        ),
        "tolerance": tolerance,
        "data": {"polnear": gate.POLNEAR_DEV, "cofenet": gate.COFENET_VALID,
                 "stories": f"{gate.READOUTS} (distractors for "
                            f"{gate.STORIES_GOLD.relative_to(gate.REPO_ROOT)}, {gate.GOLD_SPLIT})"},
        "in_repo": {
            "chains": f"{gate.CHAIN_GOLD.relative_to(gate.REPO_ROOT)} ({gate.GOLD_SPLIT})",
            "speakers": f"{gate.SPEAKER_GOLD.relative_to(gate.REPO_ROOT)} ({gate.GOLD_SPLIT})",
        },
        "extractors": dict(sorted(extractors.items())),
    }
    text = json.dumps(out, indent=2) + "\n"
    if args.dry_run:
        print(text)
        return 0
    gate.FLOOR_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {gate.FLOOR_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
