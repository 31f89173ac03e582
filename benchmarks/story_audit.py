"""Story grouping outside the gold: how often a multi-article story mixes events.

    python benchmarks/story_audit.py

The stories gold scores grouping on its 69 events; the other ~3,100 items of the gov-readouts
collection count only when they join a gold story.  A story of two non-gold items that report
two different events goes unscored.  This audit scores it: ``benchmarks/gold/stories_audit``
holds 80 multi-article stories sayso made of non-gold items (two random samples of 40 of the
138 it made at commit 3fba9ed), each partitioned into events by reading the items.

The whole collection (plus the gold's bundled texts) is grouped as ``sayso evaluate stories``
groups it, then every pair of two audited items is scored: a true pair when sayso puts them in
one story and the audit says one event, a false pair when sayso joins two events, a missed pair
when it splits one.  Pairs between audited groups are not labelled and not scored, so the
recall is only over the pairs the 3fba9ed grouping had joined (1.000 there by construction).
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("OMP_NUM_THREADS", "1")

from sayso.evaluate.stories import article_key  # noqa: E402
from sayso.models import InputError  # noqa: E402
from sayso.stories.collection import read_collection  # noqa: E402
from sayso.stories.evaluation import _group, find_collection  # noqa: E402

GOLD = REPO / "benchmarks" / "gold" / "stories"
AUDIT = REPO / "benchmarks" / "gold" / "stories_audit" / "groups.jsonl"


def main() -> None:
    """Command-line entry point."""
    sources = find_collection(GOLD)
    if not sources:
        sys.exit("error: gov-readouts not found (../shared/data/gov-readouts)")
    articles = {}
    for item in read_collection([str(GOLD / "articles.jsonl"), *map(str, sources)]):
        if not isinstance(item, InputError) and item.id not in articles:
            articles[item.id] = item
    by_key: dict[str, list] = {}
    for a in articles.values():
        if a.url:
            by_key.setdefault(article_key(a.url), []).append(a)
    started = time.perf_counter()
    _, story = _group(articles.values(), by_key, None)
    seconds = time.perf_counter() - started
    groups = [json.loads(line) for line in AUDIT.read_text(encoding="utf-8").splitlines()]
    print(f"## Story grouping outside the gold ({len(articles):,} items grouped in "
          f"{seconds:.1f} s; {len(groups)} audited stories)")  # fmt: skip
    print()
    print("| sample | audited stories | one event (audit) | pairs: true | false | missed | "
          "pair precision | pair recall | stories still mixing events |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for sample in sorted({g["sample"] for g in groups}):
        tp = fp = fn = mixed = single = 0
        chosen = [g for g in groups if g["sample"] == sample]
        for g in chosen:
            event = {i: n for n, members in enumerate(g["events"]) for i in members}
            single += len(g["events"]) == 1
            keys = [article_key(a["url"]) for a in g["articles"]]
            joined = {}
            for i, j in itertools.combinations(range(len(keys)), 2):
                sid = story.get(keys[i])
                together = sid is not None and sid == story.get(keys[j])
                same = event[i] == event[j]
                tp += together and same
                fp += together and not same
                fn += same and not together
                if together and not same:
                    joined[story[keys[i]]] = True
            mixed += bool(joined)
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        print(f"| {sample} | {len(chosen)} | {single} | {tp} | {fp} | {fn} | {p:.3f} | {r:.3f} | "
              f"{mixed} |")


if __name__ == "__main__":
    main()
