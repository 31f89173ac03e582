"""Article -> Extraction.  Pure: no I/O beyond loading the models once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from . import extract, nlp
from .assemble import assemble
from .models import Article, Extraction, InputError
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
    return extract_doc(nlp.parse_article(article.text), article, pipeline)


def extract_many(
    articles: Iterable[Article], pipeline: str = DEFAULT_PIPELINE, batch_size: int = 16
) -> Iterator[Extraction]:
    """Extractions for many articles, parsed in batches; yields in input order."""
    extract.get(pipeline)
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.parse_in_pieces(pairs, batch_size=batch_size):
        assert isinstance(article, Article)
        yield extract_doc(doc, article, pipeline)


def article_name(article: Article) -> str:
    """How errors name an article: its URL, its input id, its headline, else its content id."""
    return article.url or article.external_id or article.title or article.id


def extraction_failed(article: Article, pipeline: str, exc: BaseException) -> InputError:
    """The error for an article that an extractor (a bug of sayso, not of the input) fails on."""
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
    return InputError(
        article_name(article),
        f"internal error while extracting with {pipeline} ({detail}); the article was skipped "
        "and the run goes on; this is a bug in sayso: please report it with the article's text",
    )


def extract_each(
    articles: Iterable[Article], pipeline: str = DEFAULT_PIPELINE, batch_size: int = 16
) -> Iterator[Extraction | InputError]:
    """Like :func:`extract_many`, but one article that fails to parse or extract yields an
    InputError naming it instead of ending the run; yields in input order."""
    name = extract.resolve_name(pipeline)
    extract.get(name)
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= batch_size:
            yield from extract_batch(batch, name)
            batch = []
    if batch:
        yield from extract_batch(batch, name)


def extract_batch(batch: list[Article], name: str) -> Iterator[Extraction | InputError]:
    """The Extraction of each article of ``batch`` (parsed together), or an InputError for one
    that fails to parse or extract with extractor ``name``; in order."""
    try:
        pairs = [(a.text, None) for a in batch]
        docs = [doc for doc, _ in nlp.parse_in_pieces(pairs, batch_size=len(batch))]
    except Exception:  # one bad text spoils spaCy's batch: parse one by one to find it
        docs = None
    for k, article in enumerate(batch):
        result: Extraction | InputError
        try:
            doc = docs[k] if docs is not None else nlp.parse_article(article.text)
            result = extract_doc(doc, article, name)
        except Exception as exc:  # an extractor bug costs one article, never the run
            result = extraction_failed(article, name, exc)
        yield result


def extract_text(text: str, **meta: object) -> Extraction:
    """Convenience: extract from a raw text (``meta`` fills Article fields such as published)."""
    return extract_article(Article(text=text, **meta))  # type: ignore[arg-type]
