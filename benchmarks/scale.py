"""Ingest at volume: words per second at --jobs 1, --jobs 2 and on a Dask LocalCluster, and peak
memory at 1x and 4x the input.

    python benchmarks/scale.py                       # 96 Wikinews articles; 4x = 384
    python benchmarks/scale.py --articles 48 --json  # quicker, JSON

Each run is a fresh child process (``--child``) that ingests a JSONL file into a new database
through the library (``sayso.engines``), the way ``sayso ingest`` does, and reports its wall
time, the words of the articles it added and its own peak RSS (``ru_maxrss``; at --jobs 2 and
on Dask the workers' memory is theirs, not counted).  The engine is started and its models
loaded before the clock starts (that start-up is reported on its own: a few seconds, once per
run, which a long run does not notice), so words/s compares the engines' throughput.  The 4x
input is the 1x articles four times, each copy's headline tagged so that its content id
differs (a copy would be skipped as already stored).  The machine's load average is printed
before and after: on a shared machine the parallel figures are only as good as the cores
left free.

Texts: Wikinews from the data folder (see benchmarks/speed.py), else the bundled sample.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))


def write_input(source: Path, out: Path, articles: int, copies: int) -> int:
    """Write ``copies`` x the first ``articles`` records of ``source`` to ``out``; its words."""
    records = []
    with source.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                records.append(json.loads(line))
            if len(records) >= articles:
                break
    words = 0
    with out.open("w", encoding="utf-8") as fh:
        for copy in range(copies):
            for rec in records:
                title = rec.get("title") or ""
                rec = {**rec, "title": f"{title} [{copy}]" if copy else title}
                rec.pop("id", None)
                words += len(f"{rec['title']}\n\n{rec['text']}".split())
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return words


def child(args: argparse.Namespace) -> int:
    """Ingest one file in this process; print one JSON line with time, words and peak RSS.

    The engine is started and its models loaded first (timed as ``startup_seconds``); the
    words per second are those of the ingest itself, as in a long run where start-up is
    negligible.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, wait

    from sayso.engines import ingest, ingest_dask, load
    from sayso.engines.batch import prepare_worker
    from sayso.engines.dask import client_for
    from sayso.extract import resolve_name
    from sayso.ingest import read_inputs
    from sayso.models import Article
    from sayso.store import Store

    name = resolve_name("fast")
    words = 0

    def count(item: object) -> None:
        nonlocal words
        if isinstance(item, Article):
            words += len(item.text.split())

    with contextlib.ExitStack() as stack:
        t0 = time.perf_counter()
        pool = client = None
        if args.engine == "dask":
            client = stack.enter_context(client_for(None, args.jobs))
            client.run(prepare_worker, name)
        elif args.jobs > 1:
            pool = stack.enter_context(
                ProcessPoolExecutor(
                    args.jobs, multiprocessing.get_context("spawn"),
                    initializer=prepare_worker, initargs=(name,),
                )
            )  # fmt: skip
            # one task per worker, each held long enough that every worker has started
            wait([pool.submit(time.sleep, 2) for _ in range(args.jobs)])
        else:
            prepare_worker(name)
        startup = time.perf_counter() - t0
        started, cpu_started = time.perf_counter(), time.process_time()
        with Store(args.db) as store:
            items = read_inputs([args.input])
            if client is not None:
                out = args.parquet or None
                report = ingest_dask(store, items, progress=count, client=client, out_parquet=out)
            else:
                report = ingest(store, items, progress=count, jobs=args.jobs, pool=pool)
        seconds = time.perf_counter() - started
        # this process's own CPU: all the work at --jobs 1; reading, screening and writing
        # (the part that does not parallelise) with workers
        main_cpu = time.process_time() - cpu_started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row = {
        "added": report.added, "errors": report.errors, "statements": report.statements,
        "words": words, "seconds": round(seconds, 2), "words_per_second": round(words / seconds, 1),
        "startup_seconds": round(startup, 2), "peak_rss_mib": round(peak_mib, 1),
        "main_cpu_seconds": round(main_cpu, 2),
    }  # fmt: skip
    if args.parquet:  # the one writer alone: merge the parts into a new database
        parts = Path(args.parquet)
        row["parquet_mib"] = round(sum(p.stat().st_size for p in parts.iterdir()) / 2**20, 2)
        started, cpu = time.perf_counter(), time.process_time()
        with Store(args.db + ".loaded") as store:
            loaded = load(store, parts)
        row["load_seconds"] = round(time.perf_counter() - started, 2)
        row["load_articles_per_second"] = round(loaded.added / row["load_seconds"], 1)
        # per CPU-second of the writer: what it sustains on a core of its own
        row["load_articles_per_cpu_second"] = round(loaded.added / (time.process_time() - cpu), 1)
    print(json.dumps(row))
    return 0




def run_child(
    input_path: Path, engine: str, jobs: int, folder: Path, label: str, parquet: bool = False
) -> dict[str, Any]:
    """One measured run in a fresh process."""
    db = folder / f"{label}.db"
    cmd = [sys.executable, __file__, "--child", "--input", str(input_path), "--db", str(db),
           "--engine", engine, "--jobs", str(jobs)]  # fmt: skip
    if parquet:
        cmd += ["--parquet", str(folder / f"{label}-parts")]
    print(f"run {label}: {engine} --jobs {jobs} on {input_path.name} ...", file=sys.stderr)
    done = subprocess.run(cmd, check=False, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"run {label} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    row: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    db_bytes = sum(p.stat().st_size for p in folder.glob(f"{label}.db*"))
    if parquet:  # the database the parts were loaded into
        db_bytes = sum(p.stat().st_size for p in folder.glob(f"{label}.db.loaded*"))
    row.update(label=label, engine=engine, jobs=jobs, db_mib=round(db_bytes / 2**20, 2))
    return row


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table (or JSON)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--articles", type=int, default=96, help="articles in the 1x input")
    ap.add_argument("--json", action="store_true", help="print JSON instead of a table")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--input", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    ap.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--parquet", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child(args)

    from speed import default_input

    source = default_input()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="sayso-scale-") as tmp:
        folder = Path(tmp)
        one, four = folder / "x1.jsonl", folder / "x4.jsonl"
        words1 = write_input(source, one, args.articles, 1)
        words4 = write_input(source, four, args.articles, 4)
        rows = [
            run_child(one, "local", 1, folder, "jobs1"),
            run_child(one, "local", 2, folder, "jobs2"),
            run_child(one, "dask", 2, folder, "dask2"),
            run_child(four, "local", 1, folder, "jobs1-x4"),
            run_child(one, "dask", 2, folder, "dask2-parquet", parquet=True),
        ]
    load_after = os.getloadavg()
    base = rows[0]["words_per_second"]
    for row in rows:
        row["speedup"] = round(row["words_per_second"] / base, 2)
    report = {
        "input": str(source), "articles_1x": args.articles, "words_1x": words1,
        "words_4x": words4, "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "peak_rss_ratio_4x_to_1x": round(rows[3]["peak_rss_mib"] / rows[0]["peak_rss_mib"], 3),
        "rows": rows,
    }  # fmt: skip
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Ingest at volume: {args.articles} articles, {words1:,} words (1x)")
    cols = ("run", "articles", "words/s", "x --jobs 1", "peak RSS MiB", "seconds", "start-up s",
            "main CPU s")  # fmt: skip
    for col in (*cols, "db MiB"):
        table.add_column(col, justify="left" if col == "run" else "right")
    for row in rows:
        table.add_row(
            f"{row['engine']} --jobs {row['jobs']}"
            + (" (4x)" if "x4" in row["label"] else "")
            + (" (Parquet)" if "parquet" in row["label"] else ""),
            str(row["added"]), f"{row['words_per_second']:,.0f}", f"{row['speedup']:.2f}",
            f"{row['peak_rss_mib']:,.0f}", f"{row['seconds']:.1f}",
            f"{row['startup_seconds']:.1f}", f"{row['main_cpu_seconds']:.1f}",
            f"{row['db_mib']:.1f}",
        )  # fmt: skip
    console = Console(width=max(Console().width, 110))  # the table's columns stay readable
    console.print(table)
    console.print(
        f"peak RSS 4x / 1x: {report['peak_rss_ratio_4x_to_1x']:.3f}; {os.cpu_count()} CPUs; "
        f"load average before {report['load_average_before']}, after {report['load_average_after']}"
    )
    pq = rows[4]
    console.print(
        f"Parquet parts: {pq['parquet_mib']:.2f} MiB for {pq['added']} articles; one writer loads "
        f"them at {pq['load_articles_per_second']:,.0f} articles/s "
        f"({pq['load_articles_per_cpu_second']:,.0f} per CPU-second); database "
        f"{rows[3]['db_mib'] / rows[3]['added'] * 1024:.1f} KiB per article (4x run)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
