"""The labelling pass reads each sentence's first date once per document: the same answer as
walking the sentence of every statement."""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Token

from sayso import nlp
from sayso.assemble import context


def _date_in(tokens: Iterable[Token]) -> str | None:
    """The walk the labelling pass made per statement before: the first DATE entity that
    starts among ``tokens``, with its I tokens."""
    for t in tokens:
        if t.ent_type_ == "DATE" and t.ent_iob_ == "B":
            doc, end = t.doc, t.i + 1
            while end < len(doc) and doc[end].ent_iob_ == "I":
                end += 1
            return doc[t.i : end].text
    return None


def test_sentence_dates_equal_the_walk_over_each_sentence() -> None:
    text = (
        "On Monday, the minister said the talks of March 3, 2022 failed. Nothing else.\n\n"
        "Officials said last week that a deal was near on Tuesday. Critics said on "
        "Friday the 13th that it was not.\n\nNo dates here at all."
    )
    doc = nlp.parse(text)
    dates = context.SentenceDates(doc)
    got = [dates.of(t) for t in doc]
    assert got == [_date_in(t.sent) for t in doc]
    assert "Monday" in got and None in got


def test_sentence_dates_of_an_empty_document() -> None:
    dates = context.SentenceDates(nlp.parse(""))
    dates._read()
    assert dates._first == {} and dates._sent == []
