"""Stories and comparisons: articles grouped by the event they report, accounts compared.

``update(store)`` is what ``sayso ingest`` runs after writing articles: it links
near-duplicates to their originals, puts each new article in a story, and recomputes the claims
of the stories that changed.  ``stories(store)`` and ``compare(store, story_id)`` read them back.

Flow: ``signature`` (names, MinHash; no NLP) -> ``grouping`` (blocking by name and date window)
-> ``claims`` (statements and narrated acts aligned, with a status).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..models import Comparison, Extraction, Story
from ..store import Store
from ..store import stories as _sql
from .claims import compare as compare_claims
from .grouping import GroupingReport, group_new


@dataclass(frozen=True, slots=True)
class UpdateReport:
    """What one :func:`update` did."""

    grouping: GroupingReport  #: the grouping pass
    compared: int  #: stories whose claims were recomputed


def compare_stale(store: Store, progress: Callable[[int], None] | None = None) -> int:
    """Recompute the claims of every story that changed since it was last compared."""
    n = 0
    for story_id in _sql.stale_stories(store):
        st = _sql.story(store, story_id)
        if st is None:
            continue
        exs: list[Extraction] = []
        for a in st.articles:
            ex = store.article(a.id)
            if ex is not None:
                exs.append(ex)
        _sql.save_claims(store, story_id, compare_claims(exs))
        n += 1
        if progress is not None:
            progress(story_id)
    return n


def update(store: Store, compare_claims_too: bool = True) -> UpdateReport:
    """Group the articles not in a story yet and recompute the claims of changed stories."""
    grouping = group_new(store)
    compared = compare_stale(store) if compare_claims_too else 0
    return UpdateReport(grouping, compared)


def stories(
    store: Store, min_outlets: int = 1, limit: int | None = None, offset: int = 0
) -> list[Story]:
    """Stories, newest first, reported by at least ``min_outlets`` outlets (``sayso stories``)."""
    return _sql.stories(store, min_outlets=min_outlets, limit=limit, offset=offset)


def story(store: Store, story_id: int) -> Story | None:
    """One story, or None."""
    return _sql.story(store, story_id)


def compare(store: Store, story_id: int) -> Comparison | None:
    """A story's accounts compared claim by claim (``sayso compare``), or None if no such story.

    Computes the claims first when the story changed since they were stored.
    """
    if story_id in _sql.stale_stories(store) and not store.read_only:
        st = _sql.story(store, story_id)
        if st is not None:
            exs = [ex for a in st.articles if (ex := store.article(a.id)) is not None]
            _sql.save_claims(store, story_id, compare_claims(exs))
    return _sql.comparison(store, story_id)


__all__ = ["UpdateReport", "compare", "compare_stale", "stories", "story", "update"]
