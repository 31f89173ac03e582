"""The public API: what `import sayso` offers is pinned, sorted, and importable."""

from __future__ import annotations

import sayso

PINNED = [
    "Article", "Attribution", "Extraction", "GoldDataError", "InputError", "InputRejected",
    "PipelineError", "QueryError", "SaysoError", "Span", "Speaker", "StoreError",
    "extract_article", "extract_many", "extract_text",
]


def test_all_is_sorted_and_pinned() -> None:
    assert sayso.__all__ == sorted(sayso.__all__) == PINNED
    for name in sayso.__all__:
        assert getattr(sayso, name) is not None


def test_records_are_frozen_and_offsets_checked() -> None:
    import dataclasses

    import pytest

    span = sayso.Span.of("hello world", 6, 11)
    assert span.text == "world"
    with pytest.raises(dataclasses.FrozenInstanceError):
        span.start = 0  # type: ignore[misc]
    with pytest.raises(ValueError):
        sayso.Span(5, 2, "x")
    art = sayso.Article(text="same text")
    assert art.id == sayso.Article(text="same text", title="other").id
