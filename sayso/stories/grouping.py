"""Stories: each new article joins the story of the most similar recent article, or opens one.

Incremental and local: an article is compared only with the articles that share one of its
names within ``WINDOW_DAYS`` (an index range per name), so the cost of grouping grows with the
article count, not its square, and nothing already grouped is re-clustered.  Near-duplicates are
found first (MinHash bands) and join their original's story without being compared.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..store import Store
from ..store import stories as sql
from . import settings
from .signature import (
    PERSON,
    PLACE_KEYS,
    Signature,
    date_of,
    home,
    is_address,
    is_readout,
    jaccard,
    lead_keys,
    lead_names,
    principal,
    signature,
)


@dataclass(frozen=True, slots=True)
class GroupingReport:
    """What one grouping pass did."""

    articles: int  #: articles grouped in this pass
    duplicates: int  #: of which near-duplicates linked to an original
    new_stories: int  #: stories opened
    seconds: float  #: wall-clock time


def similarity(a: dict[str, float], b: dict[str, float], idf: dict[str, float]) -> float:
    """Cosine similarity of two weighted name sets, each name also weighted by its rarity."""
    shared = a.keys() & b.keys()
    if not shared:
        return 0.0
    dot = sum(a[k] * b[k] * idf.get(k, 1.0) ** 2 for k in shared)
    na = math.sqrt(sum((w * idf.get(k, 1.0)) ** 2 for k, w in a.items()))
    nb = math.sqrt(sum((w * idf.get(k, 1.0)) ** 2 for k, w in b.items()))
    return dot / (na * nb) if na and nb else 0.0


def compatible(
    a: dict[str, float], b: dict[str, float], a_outlet: str | None = None,
    b_outlet: str | None = None,
) -> bool:  # fmt: skip
    """Whether two articles' leads may report one event.  False when

    - each lead names someone the other article does not: two calls of one leader on
      consecutive days, one guest in two capitals (Macron in Moscow, Macron in Kyiv);
    - one outlet's leader takes part in its article and the other article never names him:
      Biden's and Putin's calls with Macron and Scholz on one day;
    - one lead names nobody but its own outlet's leader (a speech, an address) and the other
      names a party that this lead does not: an account of a call names the other party.
    """
    la, lb = lead_names(a), lead_names(b)
    if la - b.keys() and lb - a.keys():
        return False
    pa, pb = principal(a_outlet), principal(b_outlet)
    if (pa in la and pa not in b and PERSON + pa not in b) or (
        pb in lb and pb not in a and PERSON + pb not in a
    ):
        return False
    homes = {home(a_outlet), home(b_outlet)}
    lka, lkb = lead_keys(a), lead_keys(b)
    return _names_party(la - {pa}, lka, (lb - {pa}) | (lkb & PLACE_KEYS) - homes) and (
        _names_party(lb - {pb}, lkb, (la - {pb}) | (lka & PLACE_KEYS) - homes)
    )


def parties(keys: dict[str, float], outlet: str | None) -> set[str]:
    """Who and where an article's lead names besides its outlet's own leader and country."""
    return (lead_names(keys) | (lead_keys(keys) & PLACE_KEYS)) - {principal(outlet), home(outlet)}


def _names_party(counterparts: set[str], lead: set[str], others: set[str]) -> bool:
    """A lead without counterparts must name one of the other lead's parties (if it has any)."""
    return bool(counterparts) or not others or bool(others & lead)


def find_original(store: Store, sig: Signature) -> str | None:
    """The stored original that ``sig``'s article near-duplicates, or None."""
    best, best_j = None, settings.DUPLICATE_JACCARD
    for article_id, blob in sql.band_matches(store, sig.bands()):
        if article_id == sig.article_id:
            continue
        j = jaccard(sig.minhash, np.frombuffer(blob, dtype=np.uint64))
        if j >= best_j:
            best, best_j = article_id, j
    return best


def choose_story(store: Store, sig: Signature) -> tuple[int | None, float]:
    """The story ``sig``'s article belongs to and its similarity, or (None, best score)."""
    if sig.day is None or not sig.keys or sig.address:
        return None, 0.0  # a leader's address of the day is a story of its own
    rows = sql.window_candidates(store, sig.keys, sig.day, settings.WINDOW_DAYS)
    cands = [(day, json.loads(keys), story, outlet, is_readout(title))
             for _, day, keys, story, outlet, title in rows if not is_address(title)]  # fmt: skip
    if not cands:
        return None, 0.0
    spans = sql.story_days(store, {c[2] for c in cands})
    starts = {s: _days(start) for s, (start, _) in spans.items() if start is not None}
    return decide(sig, cands, starts)


Candidate = tuple[int, dict[str, float], int, str | None, bool]
"""A grouped article near a new one: (event day, keys, story, outlet, is a readout)."""


def decide(
    sig: Signature, cands: list[Candidate], starts: dict[int, int]
) -> tuple[int | None, float]:
    """The choice of :func:`choose_story` from its candidates, without the store: ``cands``
    are the grouped articles sharing a name with ``sig`` within the window, ``starts`` the
    first day of their stories.

    A story is out when an article of the same outlet in it reports a different day (an
    outlet publishes its accounts of one event the same day: two White House readouts a day
    apart are two calls), when both are that outlet's one item on an act (a readout, an
    executive order, a greeting: :func:`~sayso.stories.signature.is_readout`), or
    when most of its articles' leads name people this one does not; of the rest, the most
    similar joins at ``JOIN_SIMILARITY`` or more."""
    if sig.day is None or not cands:
        return None, 0.0
    # A name's rarity among the articles of these days: "Ukraine" in every one of them tells
    # nothing, "Yermak" in two of them tells a lot.
    df: dict[str, int] = defaultdict(int)
    for _, keys, _, _, _ in cands:
        for k in keys:
            df[k] += 1
    n = len(cands) + 1
    idf = {k: math.log(1.0 + n / (df.get(k, 0) + 1)) for k in sig.keys}
    for k in df:
        idf.setdefault(k, math.log(1.0 + n / (df[k] + 1)))
    score: dict[int, float] = {}
    votes: dict[int, int] = defaultdict(int)  # compatible members minus incompatible ones
    vetoed: set[int] = set()
    for day, keys, story, outlet, their_readout in cands:
        if outlet is not None and outlet == sig.outlet and (
            day != sig.day or (their_readout and sig.readout)
        ):
            vetoed.add(story)
            continue
        if not compatible(sig.keys, keys, sig.outlet, outlet):
            votes[story] -= 1
            continue
        votes[story] += 1
        s = similarity(sig.keys, keys, idf)
        if settings.PARTY_MATCH and s < settings.PARTY_MATCH:
            pa, pb = parties(sig.keys, sig.outlet), parties(keys, outlet)
            if pa and pb and (pa <= pb or pb <= pa) and any(
                df[k] <= settings.PARTY_MAX_DF for k in pa & pb
            ):
                s = settings.PARTY_MATCH
        if s > score.get(story, 0.0):
            score[story] = s
    for story, vote in votes.items():
        if vote < 0:  # most of its articles are about other people
            score.pop(story, None)
    for story in vetoed:
        score.pop(story, None)
    best, best_s = None, 0.0
    for story, s in score.items():
        start = starts.get(story)
        if start is not None and abs(start - sig.day) > settings.STORY_MAX_DAYS:
            continue
        if s > best_s:
            best, best_s = story, s
    if best is not None and best_s >= settings.JOIN_SIMILARITY:
        return best, best_s
    return None, best_s


def _days(iso: str) -> int:
    return (_dt.date.fromisoformat(iso) - _dt.date(1970, 1, 1)).days


def group_new(
    store: Store, progress: Callable[[str], None] | None = None
) -> GroupingReport:
    """Group every article that is in no story yet, earliest first (what ``sayso ingest`` runs).

    Each article is signed, checked for being a near-duplicate of an earlier one (then linked to
    it, its statements dropped, and it joins the original's story), else put in the story of its
    most similar recent article, else in a new story.
    """
    started = time.perf_counter()
    done = dups = opened = 0
    for article_id, original in sql.unassigned(store):
        art = sql.article_for_grouping(store, article_id)
        if art is None:
            continue
        sig = signature(art)
        if original is None:
            original = find_original(store, sig)
            if original is not None:
                sql.mark_duplicate(store, article_id, original)
        sql.put_signature(store, article_id, sig.day, sig.keys, sig.minhash.tobytes(), sig.bands())
        story: int | None
        if original is not None:
            dups += 1
            story, score = sql.story_of(store, original), 1.0
        else:
            story, score = choose_story(store, sig)
            score = score if story is not None else 1.0
        if story is None:
            opened += 1
        sql.join_story(store, article_id, story, score,
                       date_of(sig.day) if sig.day is not None else None)  # fmt: skip
        done += 1
        if progress is not None:
            progress(article_id)
    return GroupingReport(done, dups, opened, time.perf_counter() - started)
