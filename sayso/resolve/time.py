"""Resolve a time expression ("on Friday", "yesterday", "March 3") to an ISO date."""

from __future__ import annotations

import datetime as dt
import re
import warnings

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_LEADING = re.compile(r"^(on|last|this|earlier|early|late|on\s+the)\s+", re.I)


def resolve_time(expr: str | None, published: dt.date | None) -> str | None:
    """The ISO date an expression refers to, counted back from the publication date.

    News reports the past: a bare weekday is the most recent such day on or before publication.
    Returns None when there is no publication date to count from or the expression is vague.
    """
    if not expr or published is None:
        return None
    words = _LEADING.sub("", expr.strip().lower()).strip(" ,.")
    words = re.sub(r"\s+(morning|afternoon|evening|night)$", "", words)
    if words in _WEEKDAYS:
        back = (published.weekday() - _WEEKDAYS.index(words)) % 7
        return (published - dt.timedelta(days=back)).isoformat()
    if words in {"today", "tonight"}:
        return published.isoformat()
    if words in {"yesterday", "last night"}:
        return (published - dt.timedelta(days=1)).isoformat()
    return _dateparser(words, published)


def _dateparser(words: str, published: dt.date) -> str | None:
    if not re.search(
        r"\d|january|february|march|april|may|june|july|august|september|october|"
        r"november|december|jan\b|feb\b|mar\b|apr\b|jun\b|jul\b|aug\b|sept?\b|oct\b|"
        r"nov\b|dec\b",
        words,
    ):
        return None  # "recently", "this week": too vague for a date
    import dateparser

    base = dt.datetime(published.year, published.month, published.day, 12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = dateparser.parse(
            words,
            languages=["en"],
            settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "STRICT_PARSING": False},
        )
    if got is None or got.date() > published + dt.timedelta(days=1):
        return None
    return got.date().isoformat()
