"""Markdown in the input: what reading links as their words changes.

    python benchmarks/markdown.py            # the White House readouts with Markdown links

Articles: the items of ``gov-readouts/wh_readouts_2021-2025.jsonl`` whose text holds a Markdown
link (``[words](target)``), headline first as ``sayso ingest`` stores them.  Each pipeline
extracts them twice: as sayso parses them (links read as their words by
``sayso.nlp.mask_markup``, offsets unchanged) and with that masking turned off (the text
parsed as it is stored, as before).  The table counts statements, and statements whose source
or cue holds link syntax (``](``, or ``[`` at an edge): a cue or source the link's brackets and
address cut apart.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_NUM_THREADS", "1")

from sayso import nlp  # noqa: E402
from sayso.models import Article  # noqa: E402
from sayso.pipeline import extract_many  # noqa: E402

READOUTS = REPO.parent / "shared" / "data" / "gov-readouts" / "wh_readouts_2021-2025.jsonl"


def articles(path: Path) -> list[Article]:
    """The readouts whose text holds a Markdown link."""
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if "](" in d["text"]:
                out.append(Article(text=f"{d['title']}\n\n{d['text']}", title=d["title"]))
    return out


def count(arts: list[Article], pipeline: str) -> tuple[int, int]:
    """Statements, and those whose source or cue holds link syntax."""
    statements = broken = 0
    for ex in extract_many(arts, pipeline):
        for a in ex.attributions:
            statements += 1
            spans = [a.cue] + ([a.source] if a.source is not None else [])
            broken += any("](" in s.text or s.text.startswith("[") or s.text.endswith("[")
                          for s in spans)  # fmt: skip
    return statements, broken


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readouts", type=Path, default=READOUTS)
    ap.add_argument("--pipelines", nargs="+", default=["fast", "rules"])
    args = ap.parse_args()
    if not args.readouts.is_file():
        raise SystemExit(f"{args.readouts}: no such file; give it with --readouts")
    arts = articles(args.readouts)
    words = sum(len(a.text.split()) for a in arts)
    print(f"{len(arts)} readouts with Markdown links ({words:,} words)")
    print(f"{'pipeline':9} {'links read as':14} {'statements':>10} "
          f"{'link syntax in source/cue':>26}")
    masked = nlp.mask_markup
    for pipeline in args.pipelines:
        for label, mask in (("text (before)", lambda t: t), ("words (now)", masked)):
            nlp.mask_markup = mask  # type: ignore[assignment]
            try:
                statements, broken = count(arts, pipeline)
            finally:
                nlp.mask_markup = masked  # type: ignore[assignment]
            print(f"{pipeline:9} {label:14} {statements:>10,} {broken:>26,}")


if __name__ == "__main__":
    main()
