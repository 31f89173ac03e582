"""Linked-data shapes of a stored statement: W3C Web Annotation, schema.org Quotation and
ClaimReview, as JSON-LD objects (one per statement; ``sayso export --format ...``).

- Web Annotation (https://www.w3.org/TR/annotation-model/): the target is the statement, from
  its first to its last character (source, cue and content), with a TextQuoteSelector (exact,
  prefix, suffix) and a TextPositionSelector, both on the input's own text when the store knows
  it (:class:`~sayso.models.Origin`), so that annotation tools anchor it in the original file;
  the body is a TextualBody holding the content, extended (sayso's context) with the speaker,
  cue, kind, hedge, parent and chain.
- Quotation (https://schema.org/Quotation): the content as ``text``, ``spokenByCharacter``,
  ``isBasedOn`` the NewsArticle, ``dateCreated`` (the statement's date, else the article's).
- ClaimReview (https://schema.org/ClaimReview, Google's fact-check markup): a skeleton whose
  ``itemReviewed`` Claim carries the author, appearance and date; the rating, the review's URL
  and its author are left empty for the fact-checker.
"""

from __future__ import annotations

import functools
from typing import Any

from ..models import Article, Attribution, Extraction, Origin, Speaker

#: The W3C Web Annotation context, and sayso's own terms for the body's extra fields.
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
SAYSO_NS = "urn:sayso:terms:"  # sayso publishes no vocabulary page; a URN names its terms
SAYSO_CONTEXT = {
    "sayso": SAYSO_NS,
    "speaker": "sayso:speaker",
    "cue": "sayso:cue",
    "kind": "sayso:kind",
    "hedged": "sayso:hedged",
    "parent": {"@id": "sayso:parent", "@type": "@id"},
    "chain": {"@id": "sayso:chain", "@type": "@id", "@container": "@list"},
    "extractor": "sayso:extractor",
    "name": "http://schema.org/name",
}
SCHEMA_CONTEXT = "https://schema.org"
#: Characters of context kept before and after the exact quote (TextQuoteSelector).
QUOTE_CONTEXT_CHARS = 32
#: schema.org types for sayso's speaker kinds (spokenByCharacter and author take a Person or an
#: Organization; groups, places and documents speak for an organisation more often than not).
SCHEMA_SPEAKER_TYPES = {"person": "Person"}


def article_uri(article: Article) -> str:
    """The article's address, or a URN naming it by its content hash."""
    return article.url or f"urn:sayso:article:{article.id}"


def statement_uri(article: Article, a: Attribution) -> str:
    """A URN naming one statement (article id, extractor, attribution id)."""
    return f"urn:sayso:statement:{article.id}:{a.extractor}:{a.id}"


def _extent(a: Attribution) -> tuple[int, int]:
    pieces = [a.cue, *a.content] + ([a.source] if a.source else [])
    return min(p.start for p in pieces), max(p.end for p in pieces)


def _chain(ex: Extraction, a: Attribution) -> list[Attribution]:
    """The statements ``a`` is reported inside, outermost first (cycles cut)."""
    by_id = {x.id: x for x in ex.attributions if x.extractor == a.extractor}
    out: list[Attribution] = []
    seen = {a.id}
    cur = a
    while cur.parent in by_id and cur.parent not in seen:
        seen.add(cur.parent)
        cur = by_id[cur.parent]
        out.append(cur)
    return out[::-1]


def _speaker_name(ex: Extraction, a: Attribution) -> tuple[Speaker | None, str | None]:
    sp = ex.speaker(a.speaker)
    return sp, sp.name if sp else (a.source.text if a.source else None)


@functools.lru_cache(maxsize=8)
def _input_text(text: str, origin: Origin) -> str:
    # an article's statements are exported one after another: rebuild its input text once
    return origin.input_text(text)


def _selectors(article: Article, start: int, end: int) -> list[dict[str, Any]]:
    """TextQuoteSelector and TextPositionSelector of ``[start, end)`` in the input's text (in
    the stored text when the input is unknown; the quote alone when the span is not in it)."""
    text, o = article.text, article.origin
    original, o_start, o_end = text, start, end
    if o is not None:
        original = _input_text(text, o)
        o_start, o_end = o.original_offset(start), o.original_offset(end, end=True)
    exact = original[o_start:o_end]
    quote = {
        "type": "TextQuoteSelector",
        "exact": exact if exact else text[start:end],
        "prefix": original[max(0, o_start - QUOTE_CONTEXT_CHARS) : o_start],
        "suffix": original[o_end : o_end + QUOTE_CONTEXT_CHARS],
    }
    if not exact:  # a headline the input kept apart (a JSON record's title): no position
        return [quote]
    return [quote, {"type": "TextPositionSelector", "start": o_start, "end": o_end}]


def _agent(sp: Speaker | None, name: str | None) -> dict[str, Any] | None:
    if name is None:
        return None
    kind = sp.kind if sp else "unknown"
    agent: dict[str, Any] = {"@type": SCHEMA_SPEAKER_TYPES.get(kind, "Organization"), "name": name}
    if kind == "unknown":  # an unresolved source: no type rather than a guessed one
        del agent["@type"]
    if sp is not None:
        agent["@id"] = f"urn:sayso:speaker:{sp.id}"
    return agent


def _news_article(article: Article) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "NewsArticle", "@id": article_uri(article)}
    if article.url:
        out["url"] = article.url
    if article.title:
        out["headline"] = article.title
    if article.published:
        out["datePublished"] = article.published
    if article.source:
        out["publisher"] = {"@type": "Organization", "name": article.source}
    if article.external_id:
        out["identifier"] = article.external_id
    return out


def web_annotation(ex: Extraction, a: Attribution) -> dict[str, Any]:
    """One statement as a W3C Web Annotation (JSON-LD)."""
    art = ex.article
    start, end = _extent(a)
    sp, name = _speaker_name(ex, a)
    body: dict[str, Any] = {
        "type": "TextualBody",
        "purpose": "describing",
        "format": "text/plain",
        "value": a.content_text,
        "speaker": ({"id": f"urn:sayso:speaker:{sp.id}", "name": sp.name} if sp else
                    {"name": name} if name else None),
        "cue": a.cue.text,
        "kind": a.kind,
        "hedged": a.hedged,
        "parent": statement_uri(art, ex_parent) if (ex_parent := _parent(ex, a)) else None,
        "chain": [statement_uri(art, c) for c in _chain(ex, a)],
        "extractor": a.extractor,
    }  # fmt: skip
    return {
        "@context": [ANNO_CONTEXT, SAYSO_CONTEXT],
        "id": statement_uri(art, a),
        "type": "Annotation",
        "motivation": "describing",
        "body": body,
        "target": {
            "type": "SpecificResource",
            "source": article_uri(art),
            "selector": _selectors(art, start, end),
        },
    }


def _parent(ex: Extraction, a: Attribution) -> Attribution | None:
    return next(
        (x for x in ex.attributions if x.extractor == a.extractor and x.id == a.parent), None
    )


def _date(ex: Extraction, a: Attribution) -> str | None:
    return a.time or (ex.article.published[:10] if ex.article.published else None)


def quotation(ex: Extraction, a: Attribution) -> dict[str, Any]:
    """One statement as a schema.org Quotation (JSON-LD)."""
    sp, name = _speaker_name(ex, a)
    out: dict[str, Any] = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Quotation",
        "@id": statement_uri(ex.article, a),
        "text": a.content_text,
        "isBasedOn": _news_article(ex.article),
    }
    if (agent := _agent(sp, name)) is not None:
        out["spokenByCharacter"] = agent
    if (date := _date(ex, a)) is not None:
        out["dateCreated"] = date
    return out


def claim_review(ex: Extraction, a: Attribution) -> dict[str, Any]:
    """A schema.org ClaimReview skeleton for one statement: the Claim filled in, the review's
    rating, URL and author left empty for the fact-checker."""
    sp, name = _speaker_name(ex, a)
    claim: dict[str, Any] = {
        "@type": "Claim",
        "@id": statement_uri(ex.article, a),
        "text": a.content_text,
        "appearance": _news_article(ex.article),
    }
    if (agent := _agent(sp, name)) is not None:
        claim["author"] = agent
    if (date := _date(ex, a)) is not None:
        claim["datePublished"] = date
    return {
        "@context": SCHEMA_CONTEXT,
        "@type": "ClaimReview",
        "claimReviewed": a.content_text,
        "itemReviewed": claim,
        "url": "",  # the fact-check's own page
        "author": {"@type": "Organization", "name": ""},  # the fact-checker
        "datePublished": "",
        "reviewRating": {
            "@type": "Rating",
            "alternateName": "",  # the verdict in words ("False", "Mostly true")
            "ratingValue": None,
            "bestRating": None,
            "worstRating": None,
        },
    }
