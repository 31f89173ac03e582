"""Resolve attribution sources to canonical speakers within one article."""

from __future__ import annotations

from typing import Any

from ..models import Article, Attribution, Speaker


def resolve_speakers(
    doc: Any, article: Article, attributions: list[Attribution]
) -> tuple[list[Speaker], list[Attribution]]:
    """Speakers of the article and the attributions with their ``speaker`` ids filled in."""
    return [], list(attributions)
