"""What speaker resolution costs: words per second of the default pipeline with and without it.

    python benchmarks/resolve_cost.py                  # Wikinews articles, table on stdout
    python benchmarks/resolve_cost.py --json --limit 40 --repeat 3

One run, one process, pinned to one CPU (as ``speed.py``): every article is parsed once
(batched, as ``sayso ingest`` does) and the default pipeline's steps are timed per article in
CPU seconds: parse, extract + assemble (the labelling pass), and ``resolve_speakers``.  "Without
resolution" is parse + extract + assemble; "with" adds resolution; the cost is the share of the
words-per-second lost, which issue 9 caps at 10 %.  Texts as in ``speed.py`` (--input, else
Wikinews from the data folder, else the bundled sample).  Each round's steps are summed over all
articles; the best of --repeat rounds counts for each step.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import add_run_options, default_input, pin_one_core, read_texts  # noqa: E402

#: Issue 9's ceiling on the share of words per second that resolution may cost.
MAX_COST = 0.10


def measure(texts: list[str], repeat: int) -> dict[str, float]:
    """Best-of-``repeat`` CPU seconds of each step over all texts."""
    from sayso import extract, nlp
    from sayso.assemble import assemble
    from sayso.models import Article
    from sayso.pipeline import DEFAULT_PIPELINE
    from sayso.resolve.speakers import resolve_speakers

    name = extract.resolve_name(DEFAULT_PIPELINE)
    extractor = extract.get(name)
    articles = [Article(text=t) for t in texts]
    nlp.parse(texts[0])  # load the models
    list(nlp.parse_many(texts))  # spaCy's vocabulary grows on first sight of a word
    best = {"parse": float("inf"), "extract": float("inf"), "resolve": float("inf")}
    for _ in range(repeat):
        t0 = time.process_time()
        docs = list(nlp.parse_many(texts))
        took = {"parse": time.process_time() - t0, "extract": 0.0, "resolve": 0.0}
        for doc, article in zip(docs, articles, strict=True):
            t0 = time.process_time()
            atts = assemble(doc, article, extractor(doc, article), name)
            t1 = time.process_time()
            resolve_speakers(doc, article, atts)
            t2 = time.process_time()
            took["extract"] += t1 - t0
            took["resolve"] += t2 - t1
        best = {k: min(best[k], took[k]) for k in best}
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    add_run_options(ap, limit=40)
    args = ap.parse_args(argv)
    pinned = pin_one_core()
    path = args.input or default_input()
    texts = read_texts(path, args.limit)
    words = sum(len(t.split()) for t in texts)
    s = measure(texts, max(1, args.repeat))
    without = s["parse"] + s["extract"]
    with_ = without + s["resolve"]
    cost = 1 - (words / with_) / (words / without)
    out = {
        "input": str(path), "articles": len(texts), "words": words, "cpu": pinned,
        "seconds": {k: round(v, 3) for k, v in s.items()},
        "words_per_second_without": round(words / without, 1),
        "words_per_second_with": round(words / with_, 1),
        "cost": round(cost, 4), "max_cost": MAX_COST, "ok": cost <= MAX_COST,
    }  # fmt: skip
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print(f"{len(texts)} articles, {words} words ({path}); {pinned}")
        print(f"  parse {s['parse']:.2f}s  extract+assemble {s['extract']:.2f}s  "
              f"resolve {s['resolve']:.2f}s (CPU, best of {args.repeat})")  # fmt: skip
        print(f"  words/s without resolution {out['words_per_second_without']:>9}")
        print(f"  words/s with resolution    {out['words_per_second_with']:>9}")
        print(f"  cost {100 * cost:.1f} % (limit {100 * MAX_COST:.0f} %): "
              f"{'ok' if out['ok'] else 'TOO SLOW'}")  # fmt: skip
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
