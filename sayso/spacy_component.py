"""sayso as a spaCy pipeline component: ``nlp.add_pipe("sayso")``.

Add it to any English pipeline with a parser (after the parser; NER helps the speaker
resolver but is optional)::

    import spacy
    import sayso  # registers the factory (installed sayso also registers it by entry point)

    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("sayso", config={"extractor": "fast"})
    doc = nlp(text)
    for span in doc._.attributions:          # spaCy Spans over each whole statement
        record = span._.attribution          # the sayso.Attribution record
        print(span._.speaker, span._.cue, span._.content, record.kind)

What the component sets on each Doc:

- ``doc._.sayso``: the :class:`~sayso.models.Extraction` (article, speakers, attributions);
- ``doc._.attributions``: one :class:`spacy.tokens.Span` per statement, from its first to its
  last character (source, cue and content), labelled with the statement's kind and with the
  attribution id as ``span.id_``;
- ``doc._.speakers``: the :class:`~sayso.models.Speaker` records.

and on each of those Spans: ``span._.attribution`` (the record), ``span._.speaker`` (its
Speaker or None), ``span._.cue``, ``span._.source`` (Spans or None) and ``span._.content``
(a list of Spans).  The Doc's text is the article: offsets in the records index ``doc.text``.

The records are Python objects kept in ``doc.user_data``: ``Doc.to_bytes`` / ``DocBin``
cannot carry them (re-run the component after loading, or keep ``doc._.sayso.to_json()``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import Article, Attribution, Extraction, Speaker
from .models import Span as TextSpan

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.tokens import Doc, Span

#: The factory name (``nlp.add_pipe(FACTORY)``).
FACTORY = "sayso"
#: The component's default configuration: the pipeline alias or versioned extractor name.
DEFAULT_CONFIG = {"extractor": "fast"}


class SaysoComponent:
    """Runs one sayso extractor, the shared labelling pass and the speaker resolver on each
    parsed Doc (see the module docstring for what it sets)."""

    def __init__(self, nlp: Language, name: str, extractor: str) -> None:
        from . import extract

        self.name = name
        # The versioned name, resolved now so that a typo fails at add_pipe, not on first use.
        self.extractor = extract.resolve_name(extractor)
        if "parser" not in nlp.pipe_names:
            from .errors import PipelineError

            raise PipelineError(
                f"the sayso component needs a dependency parser, and this pipeline has none "
                f"({', '.join(nlp.pipe_names) or 'no components'}); add it to an English "
                "pipeline such as en_core_web_sm"
            )

    def __call__(self, doc: Doc) -> Doc:
        """Set ``doc._.sayso`` (the Extraction) on one parsed Doc."""
        from .pipeline import extract_doc

        doc._.sayso = extract_doc(doc, Article(text=doc.text), self.extractor)
        return doc

    def pipe(self, docs: Any, batch_size: int = 128) -> Any:
        """Process a stream of Docs (spaCy's ``nlp.pipe`` calls this)."""
        for doc in docs:
            yield self(doc)


# ``nlp: Any``: spaCy validates a factory's arguments against their annotations at run time,
# and with postponed annotations a TYPE_CHECKING-only ``Language`` cannot be resolved there.
def make_sayso(nlp: Any, name: str, extractor: str = "fast") -> SaysoComponent:
    """The spaCy factory (registered as ``sayso``): a component running ``extractor``."""
    return SaysoComponent(nlp, name, extractor)


def _char_span(doc: Doc, span: TextSpan | None) -> Span | None:
    if span is None:
        return None
    # expand: every sayso span starts and ends on token boundaries in practice; expanding
    # keeps a span that does not (a quote mark glued to a word) rather than dropping it.
    return doc.char_span(span.start, span.end, alignment_mode="expand")


def _statement_span(doc: Doc, a: Attribution) -> Span:
    pieces = [a.cue, *a.content] + ([a.source] if a.source else [])
    start, end = min(p.start for p in pieces), max(p.end for p in pieces)
    span = doc.char_span(start, end, label=a.kind, alignment_mode="expand", span_id=a.id)
    assert span is not None  # expand mode always finds tokens inside the Doc's text
    return span


def _attributions(doc: Doc) -> list[Span]:
    ex: Extraction | None = doc._.sayso
    return [] if ex is None else [_statement_span(doc, a) for a in ex.attributions]


def _speakers(doc: Doc) -> list[Speaker]:
    ex: Extraction | None = doc._.sayso
    return [] if ex is None else list(ex.speakers)


def _record(span: Span) -> Attribution | None:
    ex: Extraction | None = span.doc._.sayso
    if ex is None:
        return None
    return next((a for a in ex.attributions if a.id == span.id_), None)


def _speaker(span: Span) -> Speaker | None:
    a = _record(span)
    return None if a is None else span.doc._.sayso.speaker(a.speaker)


def _cue(span: Span) -> Span | None:
    a = _record(span)
    return None if a is None else _char_span(span.doc, a.cue)


def _source(span: Span) -> Span | None:
    a = _record(span)
    return None if a is None else _char_span(span.doc, a.source)


def _content(span: Span) -> list[Span]:
    a = _record(span)
    if a is None:
        return []
    return [s for s in (_char_span(span.doc, c) for c in a.content) if s is not None]


def register() -> None:
    """Register the ``sayso`` factory and the Doc and Span extensions (safe to call again)."""
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    if not Doc.has_extension("sayso"):
        Doc.set_extension("sayso", default=None)
    if not Doc.has_extension("attributions"):
        Doc.set_extension("attributions", getter=_attributions)
    if not Doc.has_extension("speakers"):
        Doc.set_extension("speakers", getter=_speakers)
    for name, span_getter in (
        ("attribution", _record),
        ("speaker", _speaker),
        ("cue", _cue),
        ("source", _source),
        ("content", _content),
    ):
        if not Span.has_extension(name):
            Span.set_extension(name, getter=span_getter)
    if not Language.has_factory(FACTORY):
        Language.factory(FACTORY, default_config=DEFAULT_CONFIG)(make_sayso)


# Importing this module registers the factory: spaCy's entry point (pyproject.toml,
# ``spacy_factories``) loads ``make_sayso`` from here, and ``import sayso`` imports this
# module when spaCy is already loaded.  This is the one module besides sayso.nlp that imports
# spaCy, and only when spaCy is wanted anyway.
register()
