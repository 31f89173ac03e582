"""The shared pass: what an extractor found -> labelled, linked attributions.

Extractors find spans (:class:`~sayso.models.Found`: cue, source, content pieces, confidence).
Everything else happens here, the same way for every extractor, in this order:

1. a cue the extractor left without content takes the clause its verb governs in the parse
   (``nested.recovered_content``); hedge adverbs and "as"-clauses ("As I said, …") become
   cues of their own (``hedges.py``); "This was stated by X" takes the sentences before it
   (``backward.py``); then screen: statements still with no content, with a cue
   that is not speech or thought, or found twice are dropped (``screen.py``);
2. the headline's cue ("Kremlin Claims …") when the extractor found none there (``headline.py``);
3. siblings and parent links (``chains.py``);
4. labels and circumstances: kind, hedge, cue class, addressee, channel, time (``context.py``).

Speakers are resolved afterwards by ``sayso.resolve``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..models import Article, Attribution, Found
from ..quotes import find_quotes
from ..resolve.time import day_first, resolve_time
from . import chains, context, nested, screen
from .backward import backward_statements
from .headline import headline_statement
from .hedges import as_clause_statements, hedge_statements

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc


def assemble(doc: Doc, article: Article, found: list[Found], extractor: str) -> list[Attribution]:
    """The attributions of one article from what ``extractor`` found in its parse ``doc``."""
    text = article.text
    quotes = find_quotes(text)
    # A cue the extractor left without content takes what its verb reports in the parse.
    found = [
        f
        if any(c.end > c.start for c in f.content)
        else replace(f, content=nested.recovered_content(doc, text, f.cue))
        for f in found
    ]
    found = as_clause_statements(doc, text, hedge_statements(doc, text, found))
    found = backward_statements(doc, text, found)
    found = screen.select(doc, found)
    end = article.headline_length
    if end and not any(f.cue.start < end for f in found):
        head = headline_statement(doc, article)
        if head is not None:
            found.append(head)
    found.sort(key=lambda f: (f.cue.start, f.content[0].start, f.cue.end))
    tokens = [context.cue_tokens(doc, f.cue) for f in found]
    verbs = [context.cue_verb(t) for t in tokens]
    found = chains.beside_earlier(chains.siblings(found, verbs), quotes)
    # siblings() moves sources and trims contents, never cues: drop what it emptied, keeping
    # each statement's cue tokens.
    keep = [k for k, f in enumerate(found) if any(c.end > c.start for c in f.content)]
    found, tokens, verbs = (
        [found[k] for k in keep],
        [tokens[k] for k in keep],
        [verbs[k] for k in keep],
    )
    # Speech and thought verbs inside reported words that the extractor did not take.
    extra = nested.nested_statements(doc, text, found, chains.all_stretches(found, quotes, text))
    added = set()
    if extra:
        rows = sorted(
            [(f, tokens[k], verbs[k], False) for k, f in enumerate(found)]
            + [
                (f, t, context.cue_verb(t), True)
                for f in extra
                for t in [context.cue_tokens(doc, f.cue)]
            ],
            key=lambda r: (r[0].cue.start, r[0].content[0].start, r[0].cue.end),
        )
        found, tokens, verbs = [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
        added = {k for k, r in enumerate(rows) if r[3]}
    parent = chains.beside_clauses(chains.parents(found, quotes, text), verbs)
    found, parent = chains.coordinated_reports(found, parent, verbs, quotes)
    # Quoted words that no statement reports cannot be placed in a chain: drop their cues, and
    # the nested cues found here that no statement holds after all.
    drop = chains.unplaced(found, parent, quotes) | {k for k in added if parent[k] is None}
    if drop:
        keep = [k for k in range(len(found)) if k not in drop]
        found, tokens, verbs = (
            [found[k] for k in keep],
            [tokens[k] for k in keep],
            [verbs[k] for k in keep],
        )
        parent = chains.beside_clauses(chains.parents(found, quotes, text), verbs)
        found, parent = chains.coordinated_reports(found, parent, verbs, quotes)
    published = article.published_date
    dmy = day_first(article.url)  # how this outlet writes numeric dates
    ids = [f"a{k + 1}" for k in range(len(found))]
    pieces_index = context.quote_pieces(quotes)
    dates = context.SentenceDates(doc)
    out = []
    for k, f in enumerate(found):
        toks, verb = tokens[k], verbs[k]
        expr = context.time_expression(toks, verb, dates)
        out.append(
            Attribution(
                id=ids[k],
                cue=f.cue,
                content=f.content,
                kind=context.kind(f.cue.text, f.content, quotes, text, pieces_index),
                source=f.source,
                parent=ids[p] if (p := parent[k]) is not None else None,
                addressee=context.addressee(verb) if verb is not None else None,
                channel=context.channel(verb) if verb is not None else None,
                time=resolve_time(expr, published, day_first=dmy) if expr else None,
                hedged=context.hedged(toks, verb),
                cue_class=context.cue_class(toks),
                extractor=extractor,
                confidence=f.confidence,
            )
        )
    return out
