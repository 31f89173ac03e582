"""Golden table: time expressions resolved only as precisely as the text (issue 14)."""

from __future__ import annotations

import datetime as dt

import pytest

from sayso.models import time_precision
from sayso.resolve.time import day_first, resolve_time

TUE = dt.date(2019, 7, 30)  # a Tuesday
FRI = dt.date(2019, 7, 26)  # a Friday

# (expression, publication date, day-first outlet, expected)
GOLDEN = [
    # issue 14: "in July" and "2017" borrowed the publication's day
    ("in July", TUE, False, "2019-07"),
    ("July", TUE, False, "2019-07"),
    ("2017", TUE, False, "2017"),
    ("in 2017", TUE, False, "2017"),
    ("March", TUE, False, "2019-03"),
    ("in August", TUE, False, "2018-08"),  # the last August before the article
    ("July 2018", TUE, False, "2018-07"),
    ("last month", TUE, False, "2019-06"),
    ("last year", TUE, False, "2018"),
    ("this month", TUE, False, "2019-07"),
    ("earlier this year", TUE, False, "2019"),
    # issue 14: "last Friday" in Friday's paper is a week before, a bare "Friday" the same day
    ("last Friday", FRI, False, "2019-07-19"),
    ("on Friday", FRI, False, "2019-07-26"),
    ("Friday", TUE, False, "2019-07-26"),
    ("last Friday", TUE, False, "2019-07-26"),
    ("on Monday morning", TUE, False, "2019-07-29"),
    ("Tuesday", TUE, False, "2019-07-30"),
    ("yesterday", TUE, False, "2019-07-29"),
    ("today", TUE, False, "2019-07-30"),
    ("last night", TUE, False, "2019-07-29"),
    ("July 4", TUE, False, "2019-07-04"),
    ("4 July", TUE, False, "2019-07-04"),
    ("March 3, 2019", TUE, False, "2019-03-03"),
    ("September 11", TUE, False, "2018-09-11"),
    ("two days ago", TUE, False, "2019-07-28"),
    # issue 14: a numeric date that reads both ways is month-first unless the outlet is day-first
    ("05/04/2019", TUE, False, "2019-05-04"),
    ("05/04/2019", TUE, True, "2019-04-05"),
    ("13/04/2019", TUE, False, "2019-04-13"),  # reads only one way
    ("04/13/2019", TUE, True, "2019-04-13"),
    # too vague for a calendar date, or in the article's future
    ("recently", TUE, False, None),
    ("last week", TUE, False, None),
    ("this week", TUE, False, None),
    ("the 1990s", TUE, False, None),
    ("2025", TUE, False, None),
    ("next Friday", TUE, False, None),
    ("", TUE, False, None),
]


@pytest.mark.parametrize(("expr", "published", "dmy", "expected"), GOLDEN)
def test_time_is_only_as_precise_as_the_text(
    expr: str, published: dt.date, dmy: bool, expected: str | None
) -> None:
    assert resolve_time(expr, published, day_first=dmy) == expected


def test_no_publication_date_no_time() -> None:
    assert resolve_time("Friday", None) is None


@pytest.mark.parametrize(
    ("time", "precision"),
    [("2019-07-30", "day"), ("2019-07", "month"), ("2017", "year"), (None, None)],
)
def test_precision_is_read_from_the_iso_form(time: str | None, precision: str | None) -> None:
    assert time_precision(time) == precision


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.bbc.co.uk/news/world-1", True),
        ("https://www.abc.net.au/news/x", True),
        ("https://www.nytimes.com/2019/07/30/x.html", False),
        ("https://en.wikinews.org/wiki/X", False),
        (None, False),
        ("not a url", False),
    ],
)
def test_day_first_outlets_by_domain(url: str | None, expected: bool) -> None:
    assert day_first(url) is expected


def test_extraction_carries_the_precision_end_to_end() -> None:
    import sayso

    article = sayso.Article(
        text="Budget news\n\nThe minister said in July that the budget was fine. The mayor told "
        "reporters last Friday that roads were closed. In 2017, the governor said taxes would "
        "fall.",
        title="Budget news",
        published="2019-07-26",  # a Friday
    )
    ex = sayso.extract_article(article, pipeline="rules")
    got = [(a.cue.text, a.time, a.to_json()["time_precision"]) for a in ex.attributions]
    assert got == [
        ("said", "2019-07", "month"),
        ("told", "2019-07-19", "day"),
        ("said", "2017", "year"),
    ]
