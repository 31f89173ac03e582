"""MiniLM token vectors (sayso/extract/_encoder.py): one row per spaCy token, linear chunks."""

from __future__ import annotations

import numpy as np
import pytest

from sayso import nlp
from sayso.extract import _encoder

pytestmark = pytest.mark.skipif(not _encoder.available(), reason="MiniLM encoder not installed")


def test_each_token_gets_the_mean_of_its_wordpieces_and_whitespace_none() -> None:
    doc = nlp.load()("Zelenskyy thanked Biden.\n\nThe talks went on.")
    vec = _encoder.vectors(doc)
    assert vec.shape == (len(doc), _encoder.width())
    for t in doc:
        assert (np.abs(vec[t.i]).sum() == 0) == t.is_space
    # The same words give the same vectors in a window of their own as in the whole text
    # when the text is encoded window by window.
    wins = [(0, 4), (5, len(doc))]
    alone = _encoder.vectors(nlp.load()("Zelenskyy thanked Biden."))
    np.testing.assert_allclose(_encoder.vectors(doc, wins)[:4], alone, atol=1e-4)


def test_long_text_is_cut_into_chunks_under_the_limit() -> None:
    doc = nlp.load()(" ".join(["The minister said the talks had failed."] * 200))
    chunks = _encoder._chunks(doc, [(0, len(doc))])
    assert chunks[0][0] == 0 and chunks[-1][1] == len(doc)
    assert all(b - a <= _encoder.MAX_PIECES // 2 for a, b in chunks)
    assert all(a == b for (_, a), (b, _) in zip(chunks, chunks[1:], strict=False))
    assert not np.abs(_encoder.vectors(doc)[len(doc) - 2]).sum() == 0
