#!/usr/bin/env python
"""Throughput of spaCy's parse alone vs parse + ``sayso.learned.v1`` on the same texts.

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 taskset -c 0 \\
        python scripts/bench_learned_speed.py /work/shared/data/polnear/dev/text [--repeats 3]
    (or pass /work/shared/data/cofenet-polnear/valid.txt: its paragraphs, one text each;
    --no-rerank leaves the content-boundary reranker out, to measure what it costs)

Prints words/s of both and their ratio (the target is >= 0.80).  Each measurement is the best
of ``--repeats`` runs, because the machine is shared.  The parse is timed on its own, then the
extractor is timed on the same parsed Docs, so ratio = parse / (parse + extract).
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

from sayso import nlp
from sayso.extract import learned
from sayso.models import Article


def main() -> None:
    """Command-line entry point."""
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path, help="folder of .txt articles, or a CofeNet BIO file")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--model", type=Path, default=learned.MODEL_FILE)
    ap.add_argument("--no-rerank", action="store_true",
                    help="switch the content-boundary reranker off (to measure its cost)")
    args = ap.parse_args()
    if args.folder.is_file():  # CofeNet paragraphs, rebuilt as the evaluation does
        from sayso.evaluate import cofenet

        texts = [cofenet.rebuild_text(p.tokens).text for p in cofenet.read_bio(args.folder)]
    else:
        texts = [p.read_text(encoding="utf-8") for p in sorted(args.folder.glob("*.txt"))]
    if args.limit:
        texts = texts[: args.limit]
    articles = [Article(text=t) for t in texts]
    model = learned.load_model(args.model)
    if args.no_rerank:
        model = copy.copy(model)  # the cached model stays as shipped
        model.rerank = None
    pipe = nlp.load()
    list(pipe.pipe(texts[:5]))  # warm up
    parse_best = extract_best = float("inf")
    docs = []
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        docs = list(pipe.pipe(texts, batch_size=16))
        parse_best = min(parse_best, time.perf_counter() - t0)
        t0 = time.perf_counter()
        n_attr = 0
        for doc, art in zip(docs, articles, strict=True):
            n_attr += len(learned.attributions(doc, art, model))
        extract_best = min(extract_best, time.perf_counter() - t0)
    words = sum(len(d) for d in docs)
    print(f"{len(texts)} texts, {words} tokens, {n_attr} attributions")
    print(f"parse only      : {words / parse_best:8.0f} tokens/s ({parse_best:.2f}s)")
    print(f"extract only    : {words / extract_best:8.0f} tokens/s ({extract_best:.2f}s)")
    total = parse_best + extract_best
    print(f"parse + extract : {words / total:8.0f} tokens/s ({total:.2f}s)")
    print(f"throughput ratio: {parse_best / total:.3f}  (target >= 0.80)")


if __name__ == "__main__":
    main()
