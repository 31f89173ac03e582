"""Resolve a time expression ("on Friday", "in July", "2017", "05/04/2019") to an ISO 8601 date
only as precise as the text: ``2019-07-26`` (day), ``2019-07`` (month) or ``2017`` (year).

News reports the past, so an expression is counted back from the publication date: "Friday" is
the most recent Friday on or before it (the same day for an article published on a Friday),
"last Friday" the one before that day, "July" the most recent July.  A numeric date that reads
both ways ("05/04/2019") is read month-first (:data:`NUMERIC_DATE_ORDER`), or day-first when
the article's address is in a country that writes dates day-first (:data:`DAY_FIRST_TLDS`);
one that reads only one way ("13/04/2019") is read that way.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from urllib.parse import urlsplit

from ..models import TimePrecision

#: How an ambiguous numeric date ("05/04/2019") is read by default: month first, as in the US
#: news that most English-language text comes from.
NUMERIC_DATE_ORDER = "MDY"
#: Country-code top-level domains of outlets whose numeric dates are read day-first instead
#: (the UK, Ireland, Australia, New Zealand, India, South Africa, and others writing D/M/Y).
DAY_FIRST_TLDS = frozenset(
    "uk ie au nz in za ng ke gh sg my pk lk bd ph eu fr de es it nl be pt ch at se no dk fi "
    "pl cz ru ua br ar mx il tr gr ro hu".split()
)

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_LEADING = re.compile(r"^(?:on|in|this|earlier|early|late|on\s+the|during)\s+", re.I)
_PART_OF_DAY = re.compile(r"\s+(?:morning|afternoon|evening|night)$")
_MONTHS = (
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec"
)
_DATE_WORDS = re.compile(rf"\d|\b(?:{_MONTHS})\b|\blast\s+(?:month|year)\b|\bago\b")
_THIS_PERIOD = re.compile(r"(?:(?:earlier|early|later|late) )?this (month|year)")
#: what a day-precise reading needs in the text: a day number or a count back ("two days ago")
_DAY_EVIDENCE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\b|\bago\b")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_DECADE = re.compile(r"\b(?:the\s+)?(?:1[89]|20)?\d0s\b|'\d0s")


def day_first(url: str | None) -> bool:
    """Whether numeric dates in an article from ``url`` are read day-first (by its domain)."""
    if not url:
        return NUMERIC_DATE_ORDER == "DMY"
    host = (urlsplit(url).hostname or "").rstrip(".")
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    return tld in DAY_FIRST_TLDS or NUMERIC_DATE_ORDER == "DMY"


def resolve_time(
    expr: str | None, published: dt.date | None, *, day_first: bool = False
) -> str | None:
    """The ISO date, year-month or year an expression refers to, counted back from publication.

    Returns None when there is no publication date to count from, or when the expression is
    too vague for a calendar date ("recently", "last week", "the 1990s").
    """
    if not expr or published is None:
        return None
    words = " ".join(expr.strip().lower().split()).strip(" ,.")
    if words in {"last night", "overnight"}:
        return (published - dt.timedelta(days=1)).isoformat()
    this = _THIS_PERIOD.fullmatch(words)
    if this:
        return time_of(published, "month" if this.group(1) == "month" else "year")
    words = _PART_OF_DAY.sub("", words)
    last = words.startswith("last ")
    if last:
        words = words[5:]
    words = _LEADING.sub("", words).strip()
    if words in _WEEKDAYS:
        back = (published.weekday() - _WEEKDAYS.index(words)) % 7
        if last and back == 0:
            back = 7  # "last Friday" in Friday's paper is a week ago, not today
        return (published - dt.timedelta(days=back)).isoformat()
    if last:
        words = "last " + words
    if words in {"today", "tonight"}:
        return published.isoformat()
    if words == "yesterday":
        return (published - dt.timedelta(days=1)).isoformat()
    if _YEAR.fullmatch(words):
        return words if int(words) <= published.year else None
    return _dateparser(words, published, day_first)


def time_of(date: dt.date, precision: TimePrecision) -> str:
    """``date`` written only as precisely as ``precision``."""
    return {"day": date.isoformat(), "month": date.isoformat()[:7], "year": str(date.year)}[
        precision
    ]


def _dateparser(words: str, published: dt.date, day_first: bool) -> str | None:
    if not _DATE_WORDS.search(words) or _DECADE.search(words):
        return None  # "recently", "this week", "the 1990s": no calendar date to give
    from dateparser.date import DateDataParser  # type: ignore[import-untyped]  # slow import

    base = dt.datetime(published.year, published.month, published.day, 12)
    settings = {
        "RELATIVE_BASE": base,
        "PREFER_DATES_FROM": "past",
        "DATE_ORDER": "DMY" if day_first else "MDY",
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = DateDataParser(languages=["en"], settings=settings).get_date_data(words)
    got, period = data.date_obj, data.period
    if got is None or period not in ("day", "month", "year"):
        return None  # a week, or a time of day alone
    if period == "day" and not _DAY_EVIDENCE.search(words):
        return None  # a day read out of words that name none (dateparser falls back to today)
    precision: TimePrecision = period
    date = got.date()
    start = {"day": date, "month": date.replace(day=1), "year": date.replace(month=1, day=1)}
    if start[precision] > published + dt.timedelta(days=1):
        return None  # in the future of the article: not a report of the past
    return time_of(date, precision)
