"""Article -> Extraction.  Pure: no I/O beyond loading the models once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from . import extract, nlp
from .assemble import assemble
from .models import Article, Extraction
from .resolve.speakers import resolve_speakers

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

#: The default pipeline name.
DEFAULT_PIPELINE = "fast"


def extract_doc(doc: Doc, article: Article, pipeline: str = DEFAULT_PIPELINE) -> Extraction:
    """Run a pipeline's extractor, the shared labelling pass and the speaker resolver on an
    already parsed article."""
    name = extract.resolve_name(pipeline)
    attributions = assemble(doc, article, extract.get(name)(doc, article), name)
    speakers, resolved = resolve_speakers(doc, article, attributions)
    return Extraction(article=article, speakers=tuple(speakers), attributions=tuple(resolved))


def extract_article(article: Article, pipeline: str = DEFAULT_PIPELINE) -> Extraction:
    """Every attributed statement in one article."""
    extract.get(pipeline)  # fail fast on an unknown name, before parsing
    return extract_doc(nlp.parse(article.text), article, pipeline)


def extract_many(
    articles: Iterable[Article], pipeline: str = DEFAULT_PIPELINE, batch_size: int = 16
) -> Iterator[Extraction]:
    """Extractions for many articles, parsed in batches; yields in input order."""
    extract.get(pipeline)
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.parse_with_context(pairs, batch_size=batch_size):
        assert isinstance(article, Article)
        yield extract_doc(doc, article, pipeline)


def extract_text(text: str, **meta: object) -> Extraction:
    """Convenience: extract from a raw text (``meta`` fills Article fields such as published)."""
    return extract_article(Article(text=text, **meta))  # type: ignore[arg-type]
