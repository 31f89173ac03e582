"""The paragraph-break component reads its marks from token columns and walks token by token
only where a stretch is long enough to need a cut; both give the same sentence starts."""

from __future__ import annotations

import pytest

from sayso import nlp

TEXTS = [
    'He said it was "useful." According to aides, it was not.\nNew paragraph "here".',
    "Line one\nline two\n\n  \nline three. And \"quoted!\" she said.'Glued,' he said.",
    "A" + ", b" * 200 + ".\nNext.",  # one stretch longer than MAX_SENTENCE_TOKENS
    " ".join(["word"] * 400) + "; tail.",  # no soft break in the second half
    '"Yes." "No." \u201cMaybe.\u201d Fine...\u201d So\u2026 ok',
    "",
    "x",
]


@pytest.mark.parametrize("text", TEXTS)
def test_column_reading_and_walk_set_the_same_sentence_starts(text: str) -> None:
    model = nlp.load()
    doc1 = model.make_doc(text)
    doc2 = model.make_doc(text)
    nlp._paragraph_breaks(doc1)
    nlp._paragraph_breaks_walk(doc2)
    starts1 = [t.is_sent_start for t in doc1]
    assert starts1 == [t.is_sent_start for t in doc2]
    if "\n" in text and len(doc1) > 2:
        assert True in starts1  # the texts above do break somewhere


def test_a_long_stretch_is_cut() -> None:
    doc = nlp.parse("A" + ", b" * 200 + ".")
    assert max(len(s) for s in doc.sents) <= nlp.MAX_SENTENCE_TOKENS + 1
