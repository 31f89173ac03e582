"""Stories and comparisons: articles grouped by the event they report, accounts compared.

``update(store)`` is what ``sayso ingest`` runs after writing articles: it links
near-duplicates to their originals, puts each new article in a story, and recomputes the claims
of the stories that changed.  ``stories(store)`` and ``compare(store, story_id)`` read them back.

Flow: ``signature`` (names, MinHash; no NLP) -> ``grouping`` (blocking by name and date window)
-> ``claims`` (statements and narrated acts aligned, with a status).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

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
        _sql.save_claims(store, story_id, compare_claims(_accounts(store, st)))
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
