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
    store: Store, progress: Callable[[int], None] | None = None, *, jobs: int = 1
) -> int:
    """Recompute the claims of every story that changed since it was last compared.

    ``jobs`` > 1 sends each story of several accounts (the ones MiniLM reads) to one of
    ``jobs`` worker processes, started at the first such story (each loads MiniLM once); a
    one-article story, compared by words in milliseconds, is done here.  This process reads the
    accounts and stores the claims in story order: the same rows as with one job.  Returns the
    number of stories compared.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    work = _stale_accounts(store)
    if jobs == 1:
        results: Iterator[tuple[int, list[Claim]]] = (
            (story_id, compare_claims(accounts)) for story_id, accounts in work
        )
        return _save_all(store, results, progress)
    with _LazyPool(jobs) as pool:
        return _save_all(store, _in_pool(pool, work, jobs), progress)


class _LazyPool:
    """A process pool started on first use (spawn, not fork: this process holds an open
    database and, in the CLI, rich's threads); shut down on leaving the ``with``."""

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
    pool: _LazyPool, work: Iterable[tuple[int, list[Extraction]]], jobs: int
) -> Iterator[tuple[int, list[Claim]]]:
    """The claims of ``work``'s stories in story order: those of several accounts computed in
    ``pool`` (at most ``CLAIMS_TASKS_PER_WORKER`` per worker in flight), the others here; at
    most ``CLAIMS_PENDING`` stories held at once, so memory stays bounded."""
    pending: deque[tuple[int, list[Claim] | Future[list[Claim]]]] = deque()
    tasks = 0

    def head() -> tuple[int, list[Claim]]:
        nonlocal tasks
        story_id, value = pending.popleft()
        if isinstance(value, Future):
            tasks -= 1
            return story_id, value.result()
        return story_id, value

    for story_id, accounts in work:
        if uses_embeddings(accounts):
            pending.append((story_id, pool.submit(accounts)))
            tasks += 1
        else:
            pending.append((story_id, compare_claims(accounts)))
        while pending and not (isinstance(pending[0][1], Future) and not pending[0][1].done()):
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


def update(store: Store, compare_claims_too: bool = True, *, jobs: int = 1) -> UpdateReport:
    """Group the articles not in a story yet and recompute the claims of changed stories
    (in ``jobs`` worker processes: :func:`compare_stale`)."""
    grouping = group_new(store)
    compared = compare_stale(store, jobs=jobs) if compare_claims_too else 0
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
        return Comparison(st, tuple(compare_claims(_accounts(store, st, extractor))))
    if story_id in _sql.stale_stories(store) and not store.read_only:
        st = _sql.story(store, story_id)
        if st is not None:
            _sql.save_claims(store, story_id, compare_claims(_accounts(store, st)))
    return _sql.comparison(store, story_id)


__all__ = ["UpdateReport", "compare", "compare_stale", "stories", "story", "update"]
