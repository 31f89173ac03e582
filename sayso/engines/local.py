"""Ingest on this machine: in this process (``jobs=1``) or in ``jobs`` worker processes.

Either way one writer (this process) stores the results in input order, so ``jobs=2`` stores
exactly what ``jobs=1`` stores.  Inputs are read lazily, a bounded number ahead, and an article
already stored for the pipeline's extractor is skipped before it is parsed, so rerunning an
interrupted ingest picks up where it stopped at the cost of hashing what was done.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import cast

from ..extract import resolve_name
from ..models import Article, InputError
from ..store import IngestReport, Store
from .batch import Progress, Result, Run, chunks, extract_chunk, ordered, prepare_worker
from .settings import CHUNK_ARTICLES, CHUNKS_PER_WORKER


def ingest(
    store: Store,
    items: Iterable[Article | InputError],
    pipeline: str = "fast",
    progress: Progress | None = None,
    *,
    jobs: int = 1,
    chunk: int = CHUNK_ARTICLES,
    pool: Executor | None = None,
) -> IngestReport:
    """Extract and store every new article of ``items``; collect the input errors.

    ``items`` is read lazily (a generator such as :func:`sayso.ingest.read_inputs` is never
    read whole).  ``progress`` is called once per input (the Article or InputError) when it is
    done.  ``jobs`` > 1 extracts in that many worker processes, ``chunk`` articles at a time;
    ``pool`` is an executor of your own to extract in instead (kept open, for many calls: its
    workers should run :func:`~sayso.engines.batch.prepare_worker` once).
    """
    name = resolve_name(pipeline)  # fails fast on an unknown pipeline, before reading inputs
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    run = Run(store, name, progress, skip=lambda article_id: store.has_article(article_id, name))
    if pool is not None:
        _extract_in(pool, run, items, chunk, jobs * CHUNKS_PER_WORKER)
        return run.report()
    if jobs == 1:
        for articles in chunks(run, items, chunk):
            for result in extract_chunk(articles, name):
                run.write(result)
        return run.report()
    # spawn, not fork: the parent may hold threads (the reader, rich's refresh) and an open
    # database, neither of which survives a fork safely.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        jobs, mp_context=context, initializer=prepare_worker, initargs=(name,)
    ) as own:
        _extract_in(own, run, items, chunk, jobs * CHUNKS_PER_WORKER)
    return run.report()


def _extract_in(pool: Executor, run: Run, items: Iterable[object], chunk: int, window: int) -> None:
    submitted = (pool.submit(extract_chunk, c, run.name) for c in chunks(run, items, chunk))
    for results in ordered(submitted, window, _result):
        for result in cast(list[Result], results):
            run.write(result)


def _result(future: object) -> object:
    return cast("Future[list[Result]]", future).result()
