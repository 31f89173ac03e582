"""Stories and comparisons: articles grouped by the event they report, accounts compared.

``update(store)`` is what ``sayso ingest`` runs after writing articles: it links
near-duplicates to their originals, puts each new article in a story, and recomputes the claims
of the stories that changed.  ``stories(store)`` and ``compare(store, story_id)`` read them back.

Flow: ``signature`` (names, MinHash; no NLP) -> ``grouping`` (blocking by name and date window)
-> ``claims`` (statements and narrated acts aligned, with a status).
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, Protocol

from ..errors import PipelineError
from ..models import Claim, Comparison, Extraction, Story
from ..store import Store
from ..store import stories as _sql
from . import settings
from .claims import compare as compare_claims
from .claims import uses_embeddings
from .grouping import GroupingReport, group_new


@dataclass(frozen=True, slots=True)
class UpdateReport:
    """What one :func:`update` did."""

    grouping: GroupingReport  #: the grouping pass
    compared: int  #: stories whose claims were recomputed


def compare_stale(
    store: Store,
    progress: Callable[[int], None] | None = None,
    *,
    jobs: int = 1,
    client: Any = None,
) -> int:
    """Recompute the claims of every story that changed since it was last compared.

    ``jobs`` > 1 sends each story of several accounts (the ones MiniLM reads) to one of
    ``jobs`` worker processes, started at the first such story (each loads MiniLM once); a
    one-article story, compared by words in milliseconds, is done here.  ``client``, a
    ``distributed.Client``, sends them to its Dask workers instead (``jobs`` is then ignored:
    each worker holds at most ``CLAIMS_TASKS_PER_WORKER`` stories at once).  This process reads
    the accounts and stores the claims in story order: the same rows as with one job.  Returns
    the number of stories compared.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    work = _stale_accounts(store)
    if client is not None:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        return _save_all(store, _in_pool(_DaskPool(client), work, workers), progress)
    if jobs == 1:
        results: Iterator[tuple[int, list[Claim]]] = (
            (story_id, compare_claims(accounts)) for story_id, accounts in work
        )
        return _save_all(store, results, progress)
    with _LazyPool(jobs) as pool:
        return _save_all(store, _in_pool(pool, work, jobs), progress)


class _Pool(Protocol):
    """Where the stories of several accounts are compared: ``submit`` returns a future;
    ``hint`` says what to do when a task fails there."""

    hint: str

    def submit(self, accounts: list[Extraction]) -> Any: ...


class _DaskPool:
    """A Dask client's workers (each loads MiniLM at its first story)."""

    hint = ("Install sayso and its models on every worker machine (scripts/setup.sh), the same "
            "version as here.")  # fmt: skip

    def __init__(self, client: Any) -> None:
        self.client = client

    def submit(self, accounts: list[Extraction]) -> Any:
        # pure=False: two stories with equal accounts are still two tasks, and Dask does not
        # hash every extraction to name the task
        return self.client.submit(compare_claims, accounts, pure=False)


class _LazyPool:
    """A process pool started on first use (spawn, not fork: this process holds an open
    database and, in the CLI, rich's threads); shut down on leaving the ``with``."""

    hint = "A worker that dies is most often out of memory: try fewer --jobs."

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None

    def submit(self, accounts: list[Extraction]) -> Future[list[Claim]]:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context(
                "spawn"), initializer=_one_thread)  # fmt: skip
        return self.pool.submit(compare_claims, accounts)

    def __enter__(self) -> _LazyPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _stale_accounts(store: Store) -> Iterator[tuple[int, list[Extraction]]]:
    for story_id in _sql.stale_stories(store):
        st = _sql.story(store, story_id)
        if st is not None:
            yield story_id, _accounts(store, st)


def _save_all(
    store: Store,
    results: Iterable[tuple[int, list[Claim]]],
    progress: Callable[[int], None] | None,
) -> int:
    n = 0
    for story_id, claims in results:
        _sql.save_claims(store, story_id, claims)
        n += 1
        if progress is not None:
            progress(story_id)
    return n


def _in_pool(
    pool: _Pool, work: Iterable[tuple[int, list[Extraction]]], jobs: int
) -> Iterator[tuple[int, list[Claim]]]:
    """The claims of ``work``'s stories in story order: those of several accounts computed in
    ``pool`` by ``jobs`` workers (at most ``CLAIMS_TASKS_PER_WORKER`` per worker in flight),
    the others here; at most ``CLAIMS_PENDING`` stories held at once, so memory stays
    bounded."""
    # (story, its claims computed here, or None and the future of the pool's)
    pending: deque[tuple[int, list[Claim] | None, Any]] = deque()
    tasks = 0

    def head() -> tuple[int, list[Claim]]:
        nonlocal tasks
        story_id, claims, future = pending.popleft()
        if claims is None:
            tasks -= 1
            try:
                return story_id, future.result()
            except Exception as e:  # noqa: BLE001 - whatever the worker raised, say where
                detail = " ".join(f"{type(e).__name__}: {e}".split())[:200]
                raise PipelineError(
                    f"comparing the accounts of story {story_id} failed in a worker ({detail}); "
                    f"{pool.hint} The claims stored so far are kept; the next ingest or "
                    "`sayso compare DB STORY_ID` computes the others."
                ) from e
        return story_id, claims

    for story_id, accounts in work:
        if uses_embeddings(accounts):
            pending.append((story_id, None, pool.submit(accounts)))
            tasks += 1
        else:
            pending.append((story_id, compare_claims(accounts), None))
        while pending and (pending[0][1] is not None or pending[0][2].done()):
            yield head()  # whatever is ready at the front, in order
        while pending and (tasks >= jobs * settings.CLAIMS_TASKS_PER_WORKER
                           or len(pending) >= settings.CLAIMS_PENDING):  # fmt: skip
            yield head()  # wait for the oldest
    while pending:
        yield head()


def _one_thread() -> None:
    """A claims worker: one thread per math library (one process per core), torch included."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def update(
    store: Store, compare_claims_too: bool = True, *, jobs: int = 1, client: Any = None
) -> UpdateReport:
    """Group the articles not in a story yet and recompute the claims of changed stories
    (in ``jobs`` worker processes, or on ``client``'s Dask workers: :func:`compare_stale`)."""
    grouping = group_new(store)
    compared = compare_stale(store, jobs=jobs, client=client) if compare_claims_too else 0
    return UpdateReport(grouping, compared)


def stories(
    store: Store, min_outlets: int = 1, limit: int | None = None, offset: int = 0
) -> list[Story]:
    """Stories, newest first, reported by at least ``min_outlets`` outlets (``sayso stories``)."""
    return _sql.stories(store, min_outlets=min_outlets, limit=limit, offset=offset)


def story(store: Store, story_id: int) -> Story | None:
    """One story, or None."""
    return _sql.story(store, story_id)


def _accounts(store: Store, st: Story, extractor: str | None = None) -> list[Extraction]:
    """The story's articles with one extractor's statements each: ``extractor``'s, or by default
    the article's newest extractor's, so that an article ingested with two pipelines is one
    account, not two (the rule every reading command follows); ``"all"`` keeps every one's."""
    out: list[Extraction] = []
    for a in st.articles:
        ex = store.article(a.id)
        if ex is None:
            continue
        if extractor == "all":
            out.append(ex)
            continue
        name = extractor or _sql.newest_extractor(store, a.id)
        out.append(replace(ex, attributions=tuple(t for t in ex.attributions
                                                  if t.extractor == name)))  # fmt: skip
    return out


def compare(store: Store, story_id: int, extractor: str | None = None) -> Comparison | None:
    """A story's accounts compared claim by claim (``sayso compare``), or None if no such story.

    Computes the claims first when the story changed since they were stored.  With
    ``extractor``, the claims are computed from that extractor's statements (not stored).
    """
    if extractor is not None:
        st = _sql.story(store, story_id)
        if st is None:
            return None
        claims = compare_claims(_accounts(store, st, extractor))
        return Comparison(st, _sql.canonical_credits(store, claims))
    if story_id in _sql.stale_stories(store) and not store.read_only:
        st = _sql.story(store, story_id)
        if st is not None:
            _sql.save_claims(store, story_id, compare_claims(_accounts(store, st)))
    return _sql.comparison(store, story_id)


__all__ = ["UpdateReport", "compare", "compare_stale", "stories", "story", "update"]
