"""Story grouping: throughput, and how the cost of adding articles grows with the store's size.

    python benchmarks/stories.py                       # 1k, 10k, 100k; table on stdout
    python benchmarks/stories.py --sizes 1000 10000 --json

Articles: the gov-readouts collection (../shared/data/gov-readouts: 1,412 White House, 819
Kremlin and 994 Kyiv items).  Volume beyond it is SYNTHETIC: copy k of an item has every word
suffixed with k ("Biden" -> "Biden7", "call" -> "call7"), so copies keep the collection's
lengths, dates (the same days: the store gets k times denser per day), name counts and lead
structure, but share no names and no shingles with the originals or each other (no copy is a
near-duplicate; each copy's names block only among its own copy).

For each size N: a scratch store is filled with N copies already grouped (written in bulk, as
``sayso ingest`` would have left them: signature, name index, MinHash bands, one story each),
then ``--probe`` fresh copies are grouped by :func:`sayso.stories.grouping.group_new` and timed.
Cost per article is CPU seconds of this process (the machine may be shared; wall time is in the
JSON), so linear total cost shows as a flat cost per article.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sayso.models import Article, Extraction  # noqa: E402
from sayso.store import Store  # noqa: E402
from sayso.stories.collection import read_collection  # noqa: E402
from sayso.stories.grouping import group_new  # noqa: E402
from sayso.stories.signature import signature  # noqa: E402

COLLECTION = REPO.parent / "shared" / "data" / "gov-readouts"
_WORD = re.compile(r"\w+")


def copy_of(a: Article, k: int) -> Article:
    """Copy ``k`` of an article: every word suffixed with ``k`` (see the module docstring)."""
    if k == 0:
        return a
    text = _WORD.sub(lambda m: f"{m.group(0)}{k}", a.text)
    title = _WORD.sub(lambda m: f"{m.group(0)}{k}", a.title) if a.title else None
    return Article(text=text, title=title, source=a.source, published=a.published,
                   url=f"{a.url}#copy{k}")  # fmt: skip


def fill(store: Store, base: list[Article], n: int, rng: random.Random) -> None:
    """N grouped copies written in bulk (signatures computed once per original, then suffixed)."""
    sigs = [signature(a) for a in base]
    conn = store._conn  # a benchmark may fill the tables directly; the library never does
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    for i in range(n):
        k, a = divmod(i, len(base))
        # the stored text of a filler copy is its original's (same size; grouping the probes
        # reads only signatures, whose names carry the copy's suffix)
        art, sig = base[a], sigs[a]
        keys = {(f"{key}{k + 1}"): w for key, w in sig.keys.items()}
        pd = art.published_date
        conn.execute(
            "INSERT INTO articles (id, url, outlet, published, published_date, title, text,"
            " ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'bench')",
            (f"{art.id}-{k + 1}", f"{art.url}#copy{k + 1}", art.source, art.published,
             pd.isoformat() if pd else None, art.title, art.text),
        )  # fmt: skip
        art = Article(text=art.text, id=f"{art.id}-{k + 1}")
        mh = rng.randbytes(len(sig.minhash) * 8)
        conn.execute(
            "INSERT INTO story_signatures (article_id, day, keys, minhash) VALUES (?, ?, ?, ?)",
            (art.id, sig.day, json.dumps(keys), mh),
        )
        if sig.day is not None:
            conn.executemany(
                "INSERT OR IGNORE INTO story_keys (key, day, article_id) VALUES (?, ?, ?)",
                [(key, sig.day, art.id) for key in keys],
            )
        conn.executemany(
            "INSERT INTO duplicate_bands (band, hash, article_id) VALUES (?, ?, ?)",
            [(b, rng.getrandbits(62), art.id) for b in range(16)],
        )
        cur = conn.execute(
            "INSERT INTO stories (title, start_date, end_date, updated_at, compared_at)"
            " VALUES (?, ?, ?, 'bench', 'bench')",
            (art.title or "", pd.isoformat() if pd else None, pd.isoformat() if pd else None),
        )
        conn.execute(
            "INSERT INTO story_articles (article_id, story_id, score) VALUES (?, ?, 1.0)",
            (art.id, cur.lastrowid),
        )
    conn.execute("COMMIT")


def probe(store: Store, base: list[Article], start: int, count: int) -> dict[str, float]:
    """Group ``count`` fresh copies (written first, untimed); CPU and wall seconds per article."""
    fresh = [copy_of(base[i % len(base)], i // len(base) + 1) for i in range(start, start + count)]
    for a in fresh:
        store.write(Extraction(a, (), ()), extractor="bench.none")
    cpu, wall = time.process_time(), time.perf_counter()
    report = group_new(store)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {"grouped": report.articles, "cpu_ms_per_article": 1000 * cpu / report.articles,
            "wall_ms_per_article": 1000 * wall / report.articles,
            "articles_per_cpu_second": report.articles / cpu}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    ap.add_argument("--probe", type=int, default=500, help="articles grouped and timed per size")
    ap.add_argument("--collection", type=Path, default=COLLECTION)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    # one item read from two files of the collection with the same text is one article
    base = list({a.id: a for a in read_collection([args.collection]) if isinstance(a, Article)}
                .values())  # fmt: skip
    rng = random.Random(11)
    rows: list[dict[str, Any]] = []
    # throughput on the real collection, from an empty store
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "real.db") as store:
        store._conn.execute("PRAGMA synchronous = OFF")
        for a in base:
            store.write(Extraction(a, (), ()), extractor="bench.none")
        cpu, wall = time.process_time(), time.perf_counter()
        rep = group_new(store)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        real = {"articles": rep.articles, "stories": rep.new_stories, "duplicates": rep.duplicates,
                "cpu_s": round(cpu, 2), "wall_s": round(wall, 2),
                "articles_per_cpu_second": round(rep.articles / cpu, 1)}  # fmt: skip
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
            t = time.perf_counter()
            fill(store, base, n, rng)
            filled = time.perf_counter() - t
            r = probe(store, base, n, args.probe)
            rows.append({"size": n, "fill_s": round(filled, 1), **{k: round(v, 3) for k, v in
                                                                    r.items()}})  # fmt: skip
        if not args.json:
            print(f"size {n:>7,}: {rows[-1]['cpu_ms_per_article']:.2f} ms CPU per added article "
                  f"({rows[-1]['articles_per_cpu_second']:.0f}/s)", file=sys.stderr, flush=True)
    out = {"collection": real, "growth": rows, "probe": args.probe}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"Real collection ({real['articles']:,} articles, empty store): {real['cpu_s']} s CPU, "
          f"{real['articles_per_cpu_second']} articles per CPU second, {real['stories']:,} "
          f"stories, {real['duplicates']} near-duplicates")
    print("| articles already stored | CPU ms per added article | added articles per CPU s |")
    print("|---:|---:|---:|")
    for r in rows:
        print(f"| {r['size']:,} | {r['cpu_ms_per_article']:.2f} | "
              f"{r['articles_per_cpu_second']:.0f} |")


if __name__ == "__main__":
    main()
