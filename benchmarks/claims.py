"""The claims pass of ``sayso ingest``: its cost against extraction's, and in worker processes.

    python benchmarks/claims.py                          # February 2022 readouts; table
    python benchmarks/claims.py --start 2022-02-01 --end 2022-02-28 --jobs 1 2 --json
    python benchmarks/claims.py --jobs 1 --embed-min-articles 1   # MiniLM on every story (before)
    python benchmarks/claims.py --jobs 1 2 --dask 2     # also on a LocalCluster of 2 Dask workers

Articles: the gov-readouts collection (``../shared/data/gov-readouts``: White House, Kremlin
and Kyiv accounts) published between ``--start`` and ``--end``, a busy stretch in which many
events have accounts from two or three governments.  Into a scratch store they are extracted
with ``--pipeline`` (``sayso.engines.ingest``, one process) and grouped
(``sayso.stories.grouping.group_new``); then a copy of that store per ``--jobs`` value has its
claims computed by :func:`sayso.stories.compare_stale`, as ``sayso ingest --jobs N`` does;
with ``--dask N``, also on a LocalCluster of N single-threaded Dask worker processes, as
``sayso ingest --engine dask --jobs N`` (or ``--scheduler``) does on the cluster it extracted
with: the cluster is started before the clock, and the CPU counted is this process's (the
scheduler runs in it) and the workers' own during the pass.  Every run's stored claims are
checked to be the rows of the first run.

Costs are CPU seconds of this process and its finished worker processes (``getrusage``): the
machine may be shared, so wall seconds are printed beside them and say less.  MiniLM loads in
the process that computes claims (in each worker with ``--jobs`` > 1); its loading is part of
the claims pass's cost, as it is for ``sayso ingest``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as sayso's console script does
os.environ.setdefault("OMP_NUM_THREADS", "1")  # torch (MiniLM) on one core: costs per core

from sayso.engines import client_for, ingest  # noqa: E402
from sayso.models import Article  # noqa: E402
from sayso.store import Store  # noqa: E402
from sayso.stories import compare_stale, settings  # noqa: E402
from sayso.stories.collection import read_collection  # noqa: E402
from sayso.stories.grouping import group_new  # noqa: E402

COLLECTION = REPO.parent / "shared" / "data" / "gov-readouts"


def cpu() -> float:
    """CPU seconds of this process and of its finished children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def own_cpu() -> float:
    """CPU seconds of the calling process alone (a Dask worker's, when run on one)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime


def articles(collection: Path, start: str, end: str) -> list[Article]:
    """The collection's articles published from ``start`` to ``end`` (ISO days), one per text."""
    seen: set[str] = set()
    out = []
    for a in read_collection([collection]):
        if not isinstance(a, Article) or not a.published or a.id in seen:
            continue
        if start <= a.published[:10] <= end:
            seen.add(a.id)
            out.append(a)
    return out


def shape(db: Path) -> dict[str, int]:
    """Stories, those with two accounts or more, and the mentions of the stored claims."""
    with sqlite3.connect(db) as conn:
        sizes = [n for (n,) in conn.execute(
            "SELECT count(*) FROM story_articles GROUP BY story_id")]  # fmt: skip
        mentions = conn.execute("SELECT count(*) FROM claim_mentions").fetchone()[0]
        claims = conn.execute("SELECT count(*) FROM claims").fetchone()[0]
    return {"stories": len(sizes), "stories_of_two_or_more": sum(n > 1 for n in sizes),
            "claims": claims, "mentions": mentions}  # fmt: skip


def rows(db: Path) -> list[tuple[Any, ...]]:
    """Every stored claim and claim mention, in order."""
    with sqlite3.connect(db) as conn:
        return [tuple(r) for table in ("claims", "claim_mentions")
                for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3")]  # fmt: skip


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--collection", type=Path, default=COLLECTION)
    ap.add_argument("--start", default="2022-02-01")
    ap.add_argument("--end", default="2022-02-28")
    ap.add_argument("--pipeline", default="fast")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--dask", type=int, nargs="*", default=[],
                    help="also compare on a LocalCluster of this many Dask worker processes "
                         "(its start-up counted, as --jobs counts its pool's)")
    ap.add_argument("--embed-min-articles", type=int, default=None,
                    help="override settings.EMBED_MIN_ARTICLES in this process (1: MiniLM reads "
                         "one-article stories too, as before it existed); with --jobs 1 only")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.embed_min_articles is not None:
        if args.jobs != [1] or args.dask:
            raise SystemExit("--embed-min-articles changes this process only: use --jobs 1")
        settings.EMBED_MIN_ARTICLES = args.embed_min_articles
    if not args.collection.is_dir():
        raise SystemExit(f"{args.collection}: no such folder; give the gov-readouts folder with "
                         "--collection")  # fmt: skip
    arts = articles(args.collection, args.start, args.end)
    if not arts:
        raise SystemExit(f"no article published from {args.start} to {args.end}")
    words = sum(len(a.text.split()) for a in arts)
    out: dict[str, Any] = {"articles": len(arts), "words": words, "pipeline": args.pipeline,
                           "start": args.start, "end": args.end,
                           "embed_min_articles": settings.EMBED_MIN_ARTICLES,
                           "runs": []}  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="sayso-claims-") as tmp:
        base = Path(tmp) / "base.db"
        with Store(base) as store:
            c0, w0 = cpu(), time.perf_counter()
            report = ingest(store, arts, args.pipeline)
            out["extract_cpu_s"] = round(cpu() - c0, 2)
            out["extract_wall_s"] = round(time.perf_counter() - w0, 2)
            out["stored"] = report.added
            c0 = cpu()
            group_new(store)
            out["group_cpu_s"] = round(cpu() - c0, 2)
        first: list[tuple[Any, ...]] | None = None
        for label, jobs in [(str(j), j) for j in args.jobs] + [(f"dask{d}", d)
                                                               for d in args.dask]:
            db = Path(tmp) / f"{label}.db"
            shutil.copyfile(base, db)
            with Store(db) as store:
                c0, w0 = cpu(), time.perf_counter()
                if label.startswith("dask"):
                    # a running cluster, as `ingest --engine dask` has one from extraction: its
                    # start is not timed; its workers' CPU is read from them before and after
                    with client_for(None, jobs) as client:
                        client.run(own_cpu)  # the workers are up
                        before = client.run(own_cpu)
                        c0, w0 = own_cpu(), time.perf_counter()
                        n = compare_stale(store, client=client)
                        wall = time.perf_counter() - w0
                        after = client.run(own_cpu)
                        spent = own_cpu() - c0 + sum(after[w] - before[w] for w in after)
                else:
                    n = compare_stale(store, jobs=jobs)
                    spent, wall = cpu() - c0, time.perf_counter() - w0
                run = {"jobs": label, "stories_compared": n, "cpu_s": round(spent, 2),
                       "wall_s": round(wall, 2)}  # fmt: skip
            run.update(shape(db))
            got = rows(db)
            first = got if first is None else first
            run["same_rows_as_first"] = got == first
            out["runs"].append(run)
    if args.json:
        print(json.dumps(out))
        return
    print(f"{out['articles']} articles ({words:,} words) published {args.start} to {args.end}; "
          f"extracting them ({args.pipeline}, one process): {out['extract_cpu_s']} CPU-s, "
          f"{out['extract_wall_s']} s wall; grouping {out['group_cpu_s']} CPU-s; MiniLM reads "
          f"stories of {settings.EMBED_MIN_ARTICLES}+ articles")  # fmt: skip
    print(f"{'jobs':>5} {'stories':>8} {'of 2+':>6} {'claims':>7} {'mentions':>9} "
          f"{'CPU-s':>8} {'x extract':>9} {'wall s':>8} {'x 1 job':>8} {'same rows':>9}")
    one = next((r for r in out["runs"] if r["jobs"] == "1"), None)
    for r in out["runs"]:
        speed = f"{one['wall_s'] / r['wall_s']:.2f}" if one and r["wall_s"] else "-"
        print(f"{r['jobs']:>5} {r['stories']:>8} {r['stories_of_two_or_more']:>6} "
              f"{r['claims']:>7} {r['mentions']:>9} {r['cpu_s']:>8.1f} "
              f"{r['cpu_s'] / out['extract_cpu_s']:>9.2f} {r['wall_s']:>8.1f} {speed:>8} "
              f"{'yes' if r['same_rows_as_first'] else 'NO':>9}")


if __name__ == "__main__":
    main()
