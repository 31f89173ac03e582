"""Rule extractor ``sayso.rules.v1`` (being written; see the lead's work in progress)."""

from __future__ import annotations

from ..models import Article, Attribution
from . import Extractor, register

NAME = "sayso.rules.v1"


@register(NAME)
def make() -> Extractor:
    """Build the rule extractor."""

    def run(doc: object, article: Article) -> list[Attribution]:
        return []

    return run
