"""Words per second on ONE core: each sayso extractor vs spaCy alone vs textacy's quotations.

    python benchmarks/speed.py                 # Wikinews articles, table on stdout
    python benchmarks/speed.py --json          # the same numbers as JSON
    python benchmarks/speed.py --input FILE.jsonl --limit 50 --repeat 3

All contenders read the same texts in the same process, pinned to one CPU with BLAS/OpenMP
threads set to 1 before numpy or spaCy is imported, so the ratio to the spaCy-only run says what
sayso's extraction costs on top of parsing.  Words are whitespace-separated tokens of the texts.
Every contender is warmed up on the first text (models loaded), and spaCy parses all texts once
untimed (its vocabulary grows on first sight of a word; the first pass is ~25 % slower); then
--repeat rounds run the contenders in turn, and each one's best round counts.  Speed is words per
CPU second of this (single-threaded, pinned) process: on a machine shared with other work, wall
time measures the neighbours too.  Wall-clock seconds are in the JSON for reference.

Texts: --input, else Wikinews from the data folder (wikinews-en/articles.jsonl: $SAYSO_DATA,
../shared/data, /work/shared/data), else the bundled sample (sayso/data/samples/wikinews.jsonl).
Each JSONL record gives ``title`` + blank line + ``text``, as sayso's ingest builds an article.

textacy (requirements-bench.txt) is optional: when it cannot be imported its row says why.
"""

from __future__ import annotations

import os

# Before numpy / spaCy / thinc are imported anywhere: one thread each.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "sayso" / "data" / "samples" / "wikinews.jsonl"
#: spaCy batch size for every contender (sayso.pipeline's default).
BATCH_SIZE = 16


def pin_one_core() -> str:
    """Pin this process to one CPU; a note saying which (or why not)."""
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this OS); threads limited to 1"


def default_input() -> Path:
    """Wikinews from the data folder when present, else the bundled sample."""
    from gate import DATA_CANDIDATES  # benchmarks/gate.py, next to this script

    roots = [Path(os.environ["SAYSO_DATA"])] if os.environ.get("SAYSO_DATA") else []
    for root in [*roots, *DATA_CANDIDATES]:
        path = root / "wikinews-en" / "articles.jsonl"
        if path.is_file():
            return path
    return BUNDLED


def read_texts(path: Path, limit: int | None) -> list[str]:
    """Article texts (title, blank line, body) from a JSONL file."""
    texts = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            title, body = rec.get("title") or "", rec.get("text") or ""
            texts.append(f"{title}\n\n{body}" if title else body)
            if limit and len(texts) >= limit:
                break
    return texts


@functools.lru_cache(maxsize=1)
def stock_spacy() -> Any:
    """spaCy's small English pipeline exactly as the model package ships it: the baseline.

    (sayso's own ``nlp.load()`` adds a paragraph-break component and applies the attribute
    ruler's patterns by table lookups; measuring against it would hide what that saves.)"""
    import spacy

    from sayso import nlp

    return spacy.load(nlp.MODEL_PACKAGE)


def spacy_only(texts: list[str]) -> int:
    """Parse with spaCy's small English pipeline, as shipped, and nothing else."""
    return sum(1 for _ in stock_spacy().pipe(texts, batch_size=BATCH_SIZE))


@functools.lru_cache(maxsize=1)
def matmul_spacy() -> Any:
    """The stock pipeline with one change of sayso's parse: its layers' matrix products done
    by numpy's matmul (``sayso.nlp._use_numpy_matmul``) instead of thinc's blis calls.  Not the
    baseline: a row that shows how much of sayso's lead is that choice of BLAS, which any spaCy
    user could make, and how much the rest of sayso's parse saves or its extraction costs."""
    import spacy

    from sayso import nlp

    pipe = spacy.load(nlp.MODEL_PACKAGE)
    nlp._use_numpy_matmul(pipe)
    return pipe


def spacy_matmul(texts: list[str]) -> int:
    """Parse with the stock pipeline whose matrix products go through numpy's matmul."""
    return sum(1 for _ in matmul_spacy().pipe(texts, batch_size=BATCH_SIZE))


def textacy_quotes(texts: list[str]) -> tuple[int, int]:
    """Parse, then textacy's direct_quotations per article: (quotations, articles it refused)."""
    from textacy.extract.triples import direct_quotations

    found = failed = 0
    for doc in stock_spacy().pipe(texts, batch_size=BATCH_SIZE):
        try:
            found += sum(1 for _ in direct_quotations(doc))
        except ValueError:
            # textacy raises on an odd number of quote marks in a document.
            failed += 1
    return found, failed


def sayso_run(pipeline: str) -> Callable[[list[str]], int]:
    """A run of one sayso extractor through the public pipeline; counts attributions."""

    def run(texts: list[str]) -> int:
        from sayso.models import Article
        from sayso.pipeline import extract_many

        arts = (Article(text=t) for t in texts)
        return sum(len(ex.attributions) for ex in extract_many(arts, pipeline, BATCH_SIZE))

    return run


def add_run_options(ap: argparse.ArgumentParser, limit: int | None) -> None:
    """The options every one-core benchmark takes: --input, --limit, --repeat, --json."""
    ap.add_argument("--input", type=Path, help="JSONL of articles (title, text)")
    ap.add_argument("--limit", type=int, default=limit, help="only the first N articles")
    ap.add_argument("--repeat", type=int, default=3, help="rounds; the best of each counts")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")


def main(argv: list[str] | None = None) -> int:
    """Run every contender and print the table (or JSON)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_run_options(ap, limit=None)
    args = ap.parse_args(argv)

    pinned = pin_one_core()
    path = args.input or default_input()
    texts = read_texts(path, args.limit)
    words = sum(len(t.split()) for t in texts)

    from sayso import extract, nlp
    from sayso.errors import SaysoError

    aliases: dict[str, list[str]] = {}
    for alias, name in sorted(extract.PIPELINES.items()):
        aliases.setdefault(name, []).append(alias)

    contenders: list[tuple[str, Callable[[list[str]], Any], Callable[[Any], str]]] = [
        ("spaCy only (en_core_web_sm as shipped, parse)", spacy_only, lambda n: f"{n} docs parsed"),
        (
            "spaCy only, matrix products by numpy's matmul as in sayso (parse)",
            spacy_matmul,
            lambda n: f"{n} docs parsed (not the baseline)",
        ),
    ]
    for name in extract.available():
        label = f"sayso {name}"
        if name in aliases:
            label += f" (pipeline {', '.join(aliases[name])})"
        contenders.append((label, sayso_run(name), lambda n: f"{n} attributions"))
    contenders.append(
        (
            "textacy 0.13 direct_quotations (+ parse)",
            textacy_quotes,
            lambda r: f"{r[0]} quotations; refused {r[1]} of {len(texts)} articles (odd quotes)",
        )
    )

    # Warm up every contender (load its models) before any clock starts; one that cannot run
    # (optional package or model missing) becomes a row that says why, not a crash.
    ready, failed = [], {}
    for name, run, note in contenders:
        print(f"loading {name} ...", file=sys.stderr)
        try:
            run(texts[:1])
            ready.append((name, run, note))
        except (ImportError, SaysoError) as exc:
            failed[name] = f"not run: {str(exc).split(' (')[0].split(';')[0]}"
    # spaCy's vocabulary grows as it meets new words, and the first pass over the texts pays for
    # it (measured: ~25 % slower than later passes): make one untimed pass so no contender does
    # (the stock pipelines and sayso's own have separate vocabularies: one pass each).
    spacy_only(texts)
    spacy_matmul(texts)
    for _ in nlp.load().pipe(texts, batch_size=BATCH_SIZE):
        pass
    # What the models hold lives as long as the process: leave it out of the garbage
    # collector's full passes, as sayso's own CLI and workers do once their models are loaded
    # (sayso.engines.batch.warm_up).  Every contender runs in this process, so all gain alike;
    # without it a full pass (about 0.13 s) lands in whichever round crosses the threshold.
    import gc

    gc.freeze()
    # Rounds interleave the contenders so that a burst of other work on the machine hits them
    # alike; the best round of each counts.
    best: dict[str, float] = {}  # CPU seconds of this process
    wall: dict[str, float] = {}  # wall-clock seconds, for reference
    results: dict[str, Any] = {}
    for r in range(args.repeat):
        for name, run, _ in ready:
            print(f"round {r + 1}/{args.repeat}: {name} ...", file=sys.stderr)
            t0, c0 = time.perf_counter(), time.process_time()
            results[name] = run(texts)
            wall[name] = min(wall.get(name, float("inf")), time.perf_counter() - t0)
            best[name] = min(best.get(name, float("inf")), time.process_time() - c0)

    rows: list[dict[str, Any]] = []
    for name, _, note in contenders:
        if name in failed:
            rows.append(
                {"name": name, "cpu_seconds": None, "words_per_second": None, "note": failed[name]}
            )
            continue
        rows.append(
            {
                "name": name,
                "cpu_seconds": round(best[name], 3),
                "wall_seconds": round(wall[name], 3),
                "words_per_second": round(words / best[name], 1),
                "note": note(results[name]),
            }
        )

    base = rows[0]["words_per_second"]
    for row in rows:
        wps = row["words_per_second"]
        row["ratio_to_spacy"] = round(wps / base, 3) if wps and base else None

    report = {
        "input": str(path),
        "articles": len(texts),
        "words": words,
        "repeat": args.repeat,
        "cpu": pinned,
        "spacy_model": nlp.model_version(),
        "threads": {
            v: os.environ[v] for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
        },
        "rows": rows,
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Speed on one core: {len(texts)} articles, {words:,} words ({path.name})")
    table.add_column("run")
    table.add_column("words/s", justify="right")
    table.add_column("x spaCy alone", justify="right")
    table.add_column("note")
    for row in rows:
        wps = row["words_per_second"]
        ratio = row["ratio_to_spacy"]
        table.add_row(
            row["name"],
            f"{wps:,.0f}" if wps else "-",
            f"{ratio:.2f}" if ratio else "-",
            row["note"],
        )
    console = Console()
    console.print(table)
    console.print(f"{pinned}; {report['spacy_model']}; best of {args.repeat} run(s) each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
