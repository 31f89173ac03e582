"""Ingest on a Dask distributed cluster: chunks of articles are extracted on the workers.

With a database, the results come back to this process and one writer stores them in input
order, so the database holds exactly what ``jobs=1`` stores.  With ``out_parquet`` the workers
write their chunks as Parquet parts (:mod:`.parquet`) into a folder they all reach, and
``sayso load DB DIR`` merges them later.  Without ``scheduler`` a LocalCluster of ``jobs``
worker processes runs on this machine.

Resumable either way: articles already in the database, or already in the folder's parts, are
skipped before they are sent.  The workers need sayso and its models installed (the same
version: the extractor name is checked by each worker).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from ..errors import PipelineError, StoreError
from ..extract import resolve_name
from ..models import Article, InputError
from ..store import IngestOutcome, IngestReport, Store
from .batch import Progress, Result, Run, chunks, extract_chunk, ordered, prepare_worker
from .parquet import stored_ids, write_part
from .settings import CHUNK_ARTICLES, CHUNKS_PER_WORKER, DASK_CONNECT_SECONDS


@contextmanager
def client_for(scheduler: str | None, jobs: int, processes: bool = True) -> Iterator[Any]:
    """A Dask client of the scheduler at ``scheduler`` (``tcp://HOST:PORT``), or of a new
    LocalCluster of ``jobs`` single-threaded workers (threads of this process when
    ``processes`` is False, which is quick to start, for tests and small runs)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as e:  # pragma: no cover - depends on the install
        raise PipelineError(
            "the Dask engine needs dask[distributed]; install it with "
            "`pip install 'dask[distributed]'` (it is in requirements.lock)"
        ) from e
    if scheduler:
        try:
            client = Client(scheduler, timeout=DASK_CONNECT_SECONDS)
        except OSError as e:
            raise PipelineError(
                f"cannot reach the Dask scheduler at {scheduler} ({e}); start one with "
                "`dask scheduler` and workers with `dask worker tcp://HOST:8786`, then pass "
                "--scheduler tcp://HOST:8786"
            ) from e
        with client:
            yield client
        return
    with (
        LocalCluster(
            n_workers=jobs, threads_per_worker=1, processes=processes, dashboard_address=None,
            silence_logs=logging.ERROR,  # its start/stop chatter is not the user's business
            # no dashboard; its bare HTTP server on any free port, not 8787, which another
            # cluster on this machine may hold (distributed warns then)
            scheduler_kwargs={"dashboard_address": ":0"},
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def ingest_dask(
    store: Store,
    items: Iterable[Article | InputError],
    pipeline: str = "fast",
    progress: Progress | None = None,
    *,
    jobs: int = 1,
    scheduler: str | None = None,
    out_parquet: str | Path | None = None,
    chunk: int = CHUNK_ARTICLES,
    processes: bool = True,
    client: Any = None,
) -> IngestReport:
    """Extract every new article of ``items`` on a Dask cluster; store it, or write Parquet.

    ``store`` is written to unless ``out_parquet`` is given; then it is only read, to skip
    articles it already holds.  ``client`` is a ``distributed.Client`` of your own to run on
    (kept open, for many calls) instead of ``scheduler``/``jobs``.  See the module docstring.
    """
    name = resolve_name(pipeline)
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    folder = Path(out_parquet) if out_parquet is not None else None
    done_in_parts: set[str] = set()
    if folder is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{folder}: cannot create the Parquet folder ({e.strerror})") from e
        done_in_parts = stored_ids(folder, name)

    def skip(article_id: str) -> bool:
        return article_id in done_in_parts or store.has_article(article_id, name)

    run = Run(store, name, progress, skip=skip)
    if client is not None:
        _run_on(client, run, items, chunk, folder)
        return run.report()
    with client_for(scheduler, jobs, processes) as own:
        prepare_cluster(own, name)
        _run_on(own, run, items, chunk, folder)
    return run.report()


def prepare_cluster(client: Any, pipeline: str) -> None:
    """Every worker loads the models of ``pipeline`` before the first chunk; a worker that
    cannot is an error that says what to install, before any input is read.  ``ingest_dask``
    does this on a cluster of its own; call it on a ``client`` you pass it."""
    name = resolve_name(pipeline)
    try:
        # No gc.freeze on a Dask worker: the process is the cluster's, not sayso's.
        client.run(prepare_worker, name, False)
    except Exception as e:  # noqa: BLE001 - whatever the worker raised, the fix is the same
        raise PipelineError(
            f"the Dask workers cannot run sayso ({type(e).__name__}: {e}); install sayso and "
            "its models on every worker machine (scripts/setup.sh), the same version as here"
        ) from e


def _run_on(
    client: Any, run: Run, items: Iterable[object], chunk: int, folder: Path | None
) -> None:
    name = run.name
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = workers * CHUNKS_PER_WORKER
    if folder is None:
        submitted: Iterator[object] = (
            client.submit(extract_chunk, c, name, pure=False) for c in chunks(run, items, chunk)
        )
        for results in ordered(submitted, window, _result):
            for result in cast(list[Result], results):
                run.write(result)
    else:
        where = str(folder.resolve())
        submitted = (
            client.submit(write_part, where, run.index(c[0].id), c, name, pure=False)
            for c in chunks(run, items, chunk)
        )
        for counts in ordered(submitted, window, _result):
            for count in cast(list[int | InputError], counts):
                _record_part(run, count)


def _result(future: object) -> object:
    return cast(Any, future).result()


def _record_part(run: Run, count: int | InputError) -> None:
    i, article = run.pending[0]
    run.take(article.id)
    if isinstance(count, InputError):
        run.fail(i, article, count)
    else:
        outcome = IngestOutcome(article.id, article.title, count, "added", article.input)
        run.done(i, outcome, article)
