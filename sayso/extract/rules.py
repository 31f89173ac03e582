"""Rule extractor ``sayso.rules.v1``: attributions from the dependency parse, quotes and cue words.

Constructions, each covered by a golden test row (tests/test_rules_golden.py):
  * preposed speech  ``X said (that) …``, ``X told reporters …``, ``X stated on Facebook that …``
  * postposed speech ``"…," X said.`` and ``…, X said.``
  * ``according to X``
  * colon and dash attributions ``X: "…"``
  * direct, indirect and mixed quotes (a quoted fragment inside reported speech)
  * headline cues ``Russia Claims Trump Reached Out to Putin``
  * floating quotes: a quoted sentence with no cue continues the previous speaker
  * nested chains: a cue inside another attribution's content gets that attribution as parent
Each attribution carries addressee, channel, time (resolved against the publication date),
a hedge flag and the cue class (speech or thought).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..models import Article, Attribution, AttributionKind, Span
from ..resolve.time import resolve_time
from . import Extractor, register
from .lexicon import (
    ADDRESSEE_OBJECT_VERBS,
    ADDRESSEE_TO_VERBS,
    CHANNEL_NOUNS,
    COLON_LABELS,
    CONTENT_PREPOSITIONS,
    FLOATING_QUOTE_CONFIDENCE,
    FLOATING_QUOTE_LOOKBACK_SENTENCES,
    HEADLINE_CUES,
    HEDGE_ADVERBS,
    HEDGE_VERBS,
    MAX_COLON_SOURCE_TOKENS,
    MAX_HEADLINE_SOURCE_TOKENS,
    NEEDS_PREPOSITION,
    OBJECT_CONTENT_VERBS,
    PLATFORMS,
    SPEECH_VERBS,
    THOUGHT_VERBS,
)
from .quotes import Quote, find_quotes

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

NAME = "sayso.rules.v1"
#: Marks that can stand for a cue between a name and its words (``X: "…"``, ``X — "…"``).
COLON_MARKS = (":", "\u2014", "\u2013", "--")

_SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
_CLAUSES = {"ccomp", "xcomp", "parataxis"}
_TRIM = set(" \t\n\r,;:.\u2014\u2013-")


@dataclass
class _Draft:
    """An attribution under construction, in token and character terms."""

    cue: tuple[int, int]
    content: list[tuple[int, int]]
    kind: AttributionKind
    source: tuple[int, int] | None = None
    addressee: str | None = None
    channel: str | None = None
    time_text: str | None = None
    hedged: bool = False
    thought: bool = False
    confidence: float = 0.9
    floating_of: int | None = None  # index of the draft a floating quote continues


# --- small helpers over tokens and character ranges ------------------------------------------


def _char_range(tokens: Iterable[Token]) -> tuple[int, int] | None:
    toks = sorted(tokens, key=lambda t: t.i)
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a range past whitespace and edge punctuation (not past quote marks)."""
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def _pieces(tokens: Iterable[Token], text: str) -> list[tuple[int, int]]:
    """Contiguous character pieces covering the given tokens (gaps split the pieces)."""
    toks = sorted(set(tokens), key=lambda t: t.i)
    pieces: list[tuple[int, int]] = []
    run: list[Token] = []
    for t in toks:
        if run and t.i != run[-1].i + 1:
            pieces.append(_char_range(run))  # type: ignore[arg-type]
            run = []
        run.append(t)
    if run:
        pieces.append(_char_range(run))  # type: ignore[arg-type]
    out = []
    for s, e in pieces:
        s, e = _trim(text, s, e)
        if e > s:
            out.append((s, e))
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _inside(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return b[0] <= a[0] and a[1] <= b[1]


def _quote_at(quotes: list[Quote], pos: int) -> Quote | None:
    for q in quotes:
        for s, e in q.pieces:
            if s <= pos < e:
                return q
    return None


def _subject(verb: Token) -> Token | None:
    """The subject of a cue verb, looking through conjunctions and participles."""
    for child in verb.children:
        if child.dep_ in _SUBJECTS:
            return child
        if child.dep_ == "agent":  # passive: "was told by X"
            for g in child.children:
                if g.dep_ == "pobj":
                    return g
    head = verb.head
    if (
        head.i != verb.i
        and verb.dep_ in {"conj", "advcl", "xcomp"}
        and head.pos_ in {"VERB", "AUX"}
    ):
        # "…, asserting that …" / "X met Y and said …": the participle shares the head's subject.
        for child in head.children:
            if child.dep_ in {"nsubj", "nsubjpass"}:
                return child
    return None


def _source_tokens(subj: Token, cue: Token) -> list[Token]:
    """The subject's subtree, cut at the cue and without a trailing relative clause."""
    if subj.lower_ in {"who", "that", "which"} and subj.head.dep_ == "relcl":
        subj = subj.head.head
    toks = [t for t in subj.subtree if (t.i < cue.i) == (subj.i < cue.i)]
    rel = [c for c in subj.children if c.dep_ in {"relcl", "acl"} and c.i > subj.i]
    if rel:
        cut = min(t.i for t in rel[0].subtree)
        toks = [t for t in toks if t.i < cut]
    return toks


def _doc_text(doc: Doc, article: Article) -> str:
    """The document's text: the article's when the parse covers exactly it (``Doc.text`` is
    rebuilt token by token on each call)."""
    if len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) == len(article.text):
        if doc[0].text == article.text[doc[0].idx : doc[0].idx + len(doc[0].text)]:
            return article.text
    return doc.text


def _speech_cue(tok: Token) -> str | None:
    """'speech', 'thought', or None: is this token a cue verb?"""
    if tok.pos_ not in {"VERB"}:
        return None
    lemma = tok.lemma_.lower()
    if lemma in SPEECH_VERBS or lemma in NEEDS_PREPOSITION:
        return "speech"
    if lemma in THOUGHT_VERBS:
        return "thought"
    return None


# --- the extractor ---------------------------------------------------------------------------


class RuleExtractor:
    """Finds attributions with dependency rules; see the module docstring."""

    name = NAME

    def __init__(self, times: bool = True) -> None:
        #: Read the time of each statement (off when only the spans are wanted: faster).
        self.times = times

    def __call__(self, doc: Doc, article: Article) -> list[Attribution]:
        text = _doc_text(doc, article)
        quotes = find_quotes(text)
        drafts: list[_Draft] = []
        used_cues: set[int] = set()
        headline_end = self._headline_end(article, text)

        if headline_end:
            drafts.extend(self._headline(doc, text, headline_end, used_cues))
        # Only verbs and "according" can open a construction here: find them column-wise.
        strings = doc.vocab.strings
        cols = doc.to_array(["POS", "LOWER"])
        firsts = (cols[:, 0] == strings["VERB"]) | (cols[:, 1] == strings.add("according"))
        for i in np.flatnonzero(firsts).tolist():
            tok = doc[i]
            if tok.i in used_cues or tok.idx < headline_end:
                continue
            if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
                d = self._according_to(doc, tok, text, quotes)
                if d:
                    drafts.append(d)
                    used_cues.update({tok.i, tok.i + 1})
                continue
            cls = _speech_cue(tok)
            if cls is None:
                continue
            d = self._verb(doc, tok, text, quotes, cls)
            if d:
                drafts.append(d)
                used_cues.add(tok.i)
        drafts.extend(self._colon(doc, text, quotes, drafts))
        drafts.extend(self._quote_cues(doc, text, quotes, drafts, used_cues))
        drafts.extend(self._floating(doc, text, quotes, drafts))
        return self._finish(drafts, text, article)

    # --- constructions ---------------------------------------------------------------------

    @staticmethod
    def _headline_end(article: Article, text: str) -> int:
        if article.title and text.startswith(article.title):
            return len(article.title)
        return 0

    def _headline(self, doc: Doc, text: str, end: int, used: set[int]) -> list[_Draft]:
        """``Russia Claims Trump Reached Out to Putin``: cue words matched as words."""
        toks = [t for t in doc if t.idx < end and not t.is_space]
        for k, t in enumerate(toks):
            if t.lower_ not in HEADLINE_CUES or k == 0 or k > MAX_HEADLINE_SOURCE_TOKENS:
                continue
            before, after = toks[:k], toks[k + 1 :]
            if not after or not any(b.pos_ in {"PROPN", "NOUN", "PRON"} for b in before):
                continue
            if before[-1].is_punct:
                continue
            src = _char_range(before)
            content = _pieces(after, text)
            if not src or not content:
                continue
            used.add(t.i)
            hedged = t.lemma_.lower() in HEDGE_VERBS or t.lower_.rstrip("s") in HEDGE_VERBS
            kind: AttributionKind = "direct" if _all_quoted(content, text) else "indirect"
            return [
                _Draft(
                    cue=(t.idx, t.idx + len(t.text)),
                    content=content,
                    kind=kind,
                    source=src,
                    hedged=hedged,
                    confidence=0.7,
                )
            ]
        return []

    def _according_to(self, doc: Doc, tok: Token, text: str, quotes: list[Quote]) -> _Draft | None:
        """``According to X, …`` / ``…, according to X.``"""
        sent = tok.sent
        to = doc[tok.i + 1]
        # The source runs from after "to" to the next comma or the end of the sentence.
        src_toks = []
        for t in doc[to.i + 1 : sent.end]:
            if t.is_punct and t.text in {",", ".", ";", ":", "!", "?"} or t.is_space:
                break
            src_toks.append(t)
        if not src_toks:
            return None
        phrase = {tok.i, to.i} | {t.i for t in src_toks}
        # A comma right after the phrase belongs to it, as does one right before it.
        content_toks = [
            t
            for t in sent
            if t.i not in phrase
            and not t.is_space
            and not (t.is_punct and t.i == src_toks[-1].i + 1)
        ]
        content = _pieces(content_toks, text)
        if not content:
            return None
        kind: AttributionKind = "according_to"
        return _Draft(
            cue=(tok.idx, to.idx + len(to.text)),
            content=content,
            kind=kind,
            source=_char_range(src_toks),
            time_text=_date_in(sent, exclude=set()) if self.times else None,
            confidence=0.85,
        )

    def _verb(
        self, doc: Doc, verb: Token, text: str, quotes: list[Quote], cls: str
    ) -> _Draft | None:
        """A cue verb with a subject and a complement clause, object, or adjacent quote."""
        lemma = verb.lemma_.lower()
        if _quote_at(quotes, verb.idx):
            # Cue words inside a quotation are part of someone's words, not a report of them.
            return None
        if verb.dep_ in {"amod", "compound"}:
            return None
        content_heads: list[Token] = []
        addressee_tok: Token | None = None
        prep_content: Token | None = None
        for child in verb.children:
            if child.dep_ in {"ccomp", "parataxis"} or (
                child.dep_ == "xcomp" and lemma in THOUGHT_VERBS
            ):
                content_heads.append(child)
            elif child.dep_ in {"dobj", "dative"} and lemma in ADDRESSEE_OBJECT_VERBS:
                if child.dep_ == "dative" or addressee_tok is None:
                    addressee_tok = child
            elif child.dep_ == "prep" and child.lower_ in CONTENT_PREPOSITIONS.get(lemma, ()):
                prep_content = child
            elif child.dep_ == "prep" and child.lower_ == "to" and lemma in ADDRESSEE_TO_VERBS:
                pobj = [g for g in child.children if g.dep_ == "pobj"]
                if pobj:
                    addressee_tok = pobj[0]
        if lemma in NEEDS_PREPOSITION and prep_content is None:
            # "called for Trump to reduce sanctions" parses "for" as the mark of an advcl.
            marked = [
                c
                for c in verb.children
                if c.dep_ == "advcl"
                and any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children)
            ]
            if not marked:
                return None
            content_heads = marked
            prep_content = next(m for m in marked[0].children if m.dep_ == "mark")
        if not content_heads and prep_content is not None and prep_content.dep_ == "prep":
            content_heads = [g for g in prep_content.children if g.dep_ in {"pobj", "pcomp"}]
            # "called for Trump to reduce sanctions": the clause hangs off the verb as advcl.
            content_heads += [
                c for c in verb.children if c.dep_ == "advcl" and c.i > prep_content.i
            ]
        if not content_heads and lemma in OBJECT_CONTENT_VERBS:
            objs = [
                c
                for c in verb.children
                if c.dep_ == "dobj" and (addressee_tok is None or c.i != addressee_tok.i)
            ]
            content_heads = objs
            if not content_heads and addressee_tok is not None:
                content_heads = [c for c in verb.children if c.dep_ == "xcomp"]
        if lemma == "tell" and not content_heads:
            content_heads = [c for c in verb.children if c.dep_ == "xcomp"]
        content_toks: set[Token] = set()
        for h in content_heads:
            content_toks.update(h.subtree)
        for d in list(content_toks):
            # "X said A while Y wrote B": a coordinated report by someone else is not X's content.
            if (
                d.dep_ in {"conj", "advcl"}
                and _speech_cue(d)
                and any(c.dep_ in _SUBJECTS for c in d.children)
            ):
                content_toks -= set(d.subtree)
                content_toks -= {c for c in d.head.children if c.dep_ == "cc" and c.i < d.i}
        if not content_toks:
            content_toks = _that_clause_after(verb)
        if (
            not content_toks
            and verb.dep_ in {"parataxis", "advcl"}
            and verb.head.pos_ in {"VERB", "AUX"}
        ):
            # "Lenox was a juggernaut, Mr. Clarke said, until it went bankrupt": the cue is a
            # parenthetical inside its content, which it splits in two.
            if not any(c.dep_ == "mark" for c in verb.children):
                content_toks = set(verb.head.subtree) - set(verb.subtree)
        subj = _subject(verb)
        if subj is not None:
            content_toks -= set(subj.subtree)
        content_toks.discard(verb)
        if prep_content is not None:
            content_toks.discard(prep_content)
        content = _pieces(content_toks, text) if content_toks else []
        content = _snap_to_quotes(content, quotes, text)
        if not content:
            content = self._adjacent_quote(verb, quotes, text)
        if not content:
            return None
        if cls == "thought" and not any(h.dep_ in {"ccomp", "xcomp"} for h in content_heads):
            return None
        if subj is None and not _quote_adjacent(content, verb):
            return None
        src = None
        if subj is not None:
            st = _source_tokens(subj, verb)
            src = _char_range(st) if st else None
            if src:
                src = _trim(text, *src)
        cue_toks = [verb] + [c for c in verb.children if c.dep_ == "prt"] + _auxiliaries(verb)
        cue_toks += _cue_modifiers(verb, content_toks)
        if prep_content is not None and lemma in NEEDS_PREPOSITION | {"warn", "ask"}:
            cue_toks.append(prep_content)
        cue = _char_range(cue_toks)
        assert cue is not None
        hedged = lemma in HEDGE_VERBS or _hedge_adverb(verb)
        kind = _kind(content, quotes, text)
        return _Draft(
            cue=cue,
            content=content,
            kind=kind,
            source=src,
            addressee=_phrase(addressee_tok) if addressee_tok is not None else None,
            channel=_channel(verb),
            time_text=_time_of(verb, content) if self.times else None,
            hedged=hedged,
            thought=cls == "thought",
            confidence=0.85 if subj is not None else 0.6,
        )

    @staticmethod
    def _adjacent_quote(verb: Token, quotes: list[Quote], text: str) -> list[tuple[int, int]]:
        """A quote right before (``"…," X said``) or right after (``X said: "…"``) the clause."""
        sent = verb.sent
        before = [q for q in quotes if q.end <= verb.idx and q.end >= sent.start_char]
        after = [q for q in quotes if q.start >= verb.idx and q.start <= sent.end_char]
        if before and not text[before[-1].end : verb.idx].strip(" ,\u2014-").count(" ") > 6:
            return list(before[-1].pieces)
        if after and text[verb.idx + len(verb.text) : after[0].start].strip(" ,:\u2014-") == "":
            return list(after[0].pieces)
        return []

    def _colon(
        self, doc: Doc, text: str, quotes: list[Quote], drafts: list[_Draft]
    ) -> list[_Draft]:
        """``X: "…"``, ``X — "…"`` and headline-style ``Sanders: Clinton needs …``.

        A short name phrase with no verb opens the sentence; the colon or dash is the cue and
        the quotation after it (or, unquoted, the rest of the sentence) the content.
        """
        out = []
        taken = [c for d in drafts for c in d.content] + [d.cue for d in drafts]
        strings = doc.vocab.strings
        marks = np.array([strings.add(m) for m in COLON_MARKS], np.uint64)
        for i in np.flatnonzero(np.isin(doc.to_array("ORTH"), marks)).tolist():
            mark = doc[i]
            if _quote_at(quotes, mark.idx):
                continue
            sent = mark.sent
            prefix = [t for t in doc[sent.start : mark.i] if not t.is_space]
            if not prefix or len(prefix) > MAX_COLON_SOURCE_TOKENS:
                continue
            if any(t.pos_ in {"VERB", "AUX"} or _speech_cue(t) for t in prefix):
                continue  # "X said: …" is the verb rule's
            named = [
                t
                for t in prefix
                if t.pos_ == "PROPN"
                or t.ent_type_ in {"PERSON", "ORG"}
                # The tagger often calls a capitalised surname before a colon a noun.
                or t.is_title
                and t.tag_ in {"NN", "NNS"}
                and t.lower_ not in COLON_LABELS
            ]
            if not named or all(t.ent_type_ in {"GPE", "DATE"} for t in named):
                continue
            if len(prefix) == 1 and prefix[0].text.isupper() and prefix[0].ent_type_ != "ORG":
                continue  # a dateline ("WASHINGTON:")
            after = [q for q in quotes if 0 <= q.start - (mark.idx + len(mark.text)) <= 2]
            if after:
                content = list(after[0].pieces)
            else:
                rest = [t for t in doc[mark.i + 1 : sent.end] if not t.is_space]
                content = _pieces(rest, text) if len(rest) >= 3 else []
            cue = (mark.idx, mark.idx + len(mark.text))
            src = _char_range(prefix)
            if not content or src is None:
                continue
            if any(_overlaps(c, t) for c in content + [cue] for t in taken):
                continue
            out.append(
                _Draft(
                    cue=cue,
                    content=content,
                    kind=_kind(content, quotes, text),
                    source=src,
                    confidence=0.75 if after else 0.6,
                )
            )
        return out

    def _quote_cues(
        self, doc: Doc, text: str, quotes: list[Quote], drafts: list[_Draft], used: set[int]
    ) -> list[_Draft]:
        """Quotes the parse did not link to a cue: ``"…," said X`` with a cue verb next to it."""
        out = []
        for q in quotes:
            if _covered(q, drafts):
                continue
            span = doc.char_span(q.end, min(len(text), q.end + 80), alignment_mode="contract")
            if span is None:
                continue
            for t in span:
                if t.is_sent_start or t.text in {".", "!", "?"}:
                    break
                if t.i in used or not _speech_cue(t):
                    continue
                subj = _subject(t)
                if subj is None:
                    # "…," said Sean Spicer: the subject may be parsed as an object after the verb.
                    objs = [c for c in t.children if c.dep_ in {"dobj", "attr", "npadvmod"}]
                    subj = objs[0] if objs else None
                src = None
                if subj is not None:
                    src = _char_range(_source_tokens(subj, t))
                used.add(t.i)
                out.append(
                    _Draft(
                        cue=(t.idx, t.idx + len(t.text)),
                        content=list(q.pieces),
                        kind="direct",
                        source=src,
                        channel=_channel(t),
                        time_text=_time_of(t, list(q.pieces)) if self.times else None,
                        hedged=t.lemma_.lower() in HEDGE_VERBS or _hedge_adverb(t),
                        confidence=0.8,
                    )
                )
                break
        return out

    def _floating(
        self, doc: Doc, text: str, quotes: list[Quote], drafts: list[_Draft]
    ) -> list[_Draft]:
        """A quoted sentence with no cue of its own continues the previous speaker."""
        out: list[_Draft] = []
        sents = list(doc.sents)
        for q in quotes:
            if _covered(q, drafts + out):
                continue
            span = doc.char_span(q.start, q.start + 1, alignment_mode="expand")
            if span is None:
                continue
            sent = span[0].sent
            # Only a quotation that is (most of) its sentence: not a scare-quoted phrase.
            if q.start - sent.start_char > 2 or (q.pieces[0][1] - q.pieces[0][0]) < 0.6 * len(
                sent.text.strip()
            ):
                continue
            si = next(k for k, s in enumerate(sents) if s.start == sent.start)
            lo = sents[max(0, si - FLOATING_QUOTE_LOOKBACK_SENTENCES)].start_char
            prev = [
                (k, d)
                for k, d in enumerate(drafts + out)
                if lo <= d.cue[0] < q.start and d.source is not None and d.kind != "according_to"
            ]
            if not prev:
                continue
            k, d = max(prev, key=lambda kd: kd[1].cue[0])
            out.append(
                _Draft(
                    cue=d.cue,
                    content=list(q.pieces),
                    kind="direct",
                    source=d.source,
                    confidence=FLOATING_QUOTE_CONFIDENCE,
                    floating_of=k,
                )
            )
        return out

    # --- assembly -----------------------------------------------------------------------------

    def _finish(self, drafts: list[_Draft], text: str, article: Article) -> list[Attribution]:
        drafts = _dedupe(drafts)
        order = sorted(
            range(len(drafts)), key=lambda k: (drafts[k].cue[0], drafts[k].content[0][0])
        )
        ids = {k: f"a{n + 1}" for n, k in enumerate(order)}
        published = article.published_date
        out: list[Attribution] = []
        for k in order:
            d = drafts[k]
            parent = _parent(k, drafts)
            out.append(
                Attribution(
                    id=ids[k],
                    cue=Span.of(text, *d.cue),
                    content=tuple(Span.of(text, s, e) for s, e in d.content),
                    kind=d.kind,
                    source=Span.of(text, *d.source) if d.source else None,
                    parent=ids[parent] if parent is not None else None,
                    addressee=d.addressee,
                    channel=d.channel,
                    time=resolve_time(d.time_text, published) if d.time_text else None,
                    hedged=d.hedged,
                    cue_class="thought" if d.thought else "speech",
                    extractor=NAME,
                    confidence=d.confidence,
                )
            )
        return out


# --- features of a cue -----------------------------------------------------------------------


#: Dependents of a cue verb that PolNeAR counts as part of the cue when they follow it
#: directly ("said sarcastically", "said last month").
CUE_MODIFIER_DEPS = frozenset({"advmod", "npadvmod"})  # measured: +prep loses 2 cue F1 on dev


def _cue_modifiers(verb: Token, content: set[Token]) -> list[Token]:
    """Modifiers right after the cue verb, up to the content or the end of the clause."""
    out: list[Token] = []
    i = verb.i + 1
    taken = {t.i for t in content}
    for child in verb.children:
        if child.i < i:
            continue
        if child.i != i or child.dep_ not in CUE_MODIFIER_DEPS or child.i in taken:
            break
        sub = list(child.subtree)
        if any(t.i in taken for t in sub):
            break
        out.extend(sub)
        i = sub[-1].i + 1
    return out


def _auxiliaries(verb: Token) -> list[Token]:
    """Auxiliaries, negation and "also" right before the cue belong to it ("has also said",
    "did not say"), as PolNeAR marks cues."""
    out: list[Token] = []
    i = verb.i - 1
    while i >= verb.sent.start:
        t = verb.doc[i]
        if t.head.i == verb.i and (t.dep_ in {"aux", "auxpass", "neg"} or t.lower_ == "also"):
            out.append(t)
            i -= 1
            continue
        break
    return out


def _that_clause_after(verb: Token) -> set[Token]:
    """``said in a statement on Twitter that …`` when the parse lost the clause: the rest of
    the sentence from a ``that`` reached over prepositional phrases only."""
    sent = verb.sent
    for t in verb.doc[verb.i + 1 : sent.end]:
        if t.lower_ == "that" and t.dep_ == "mark":
            return {u for u in verb.doc[t.i : sent.end] if not u.is_space}
        if not (
            t.dep_ in {"prep", "pobj", "det", "compound", "amod", "advmod", "npadvmod", "poss"}
            or t.ent_type_ == "DATE"
            or t.is_punct
            and t.text == ","
        ):
            return set()
    return set()


def _phrase(tok: Token) -> str:
    toks = list(tok.subtree)
    return tok.doc[toks[0].i : toks[-1].i + 1].text.strip(" ,")


def _hedge_adverb(verb: Token) -> bool:
    if any(c.dep_ == "advmod" and c.lower_ in HEDGE_ADVERBS for c in verb.children):
        return True
    head = verb.head
    return (
        any(c.dep_ == "advmod" and c.lower_ in HEDGE_ADVERBS for c in head.children)
        if verb.dep_ in {"xcomp"}
        else False
    )


def _channel(verb: Token) -> str | None:
    """The medium: ``in a statement on Telegram`` -> "Telegram", ``at a news conference``."""
    best: str | None = None
    for prep in verb.children:
        if prep.dep_ != "prep" or prep.lower_ not in {
            "in",
            "on",
            "at",
            "via",
            "during",
            "through",
            "over",
        }:
            continue
        sub = list(prep.subtree)
        for t in sub:
            if t.lower_ in PLATFORMS and t.pos_ in {"PROPN", "NOUN"}:
                return t.text
        pobj = [g for g in prep.children if g.dep_ == "pobj"]
        if pobj and pobj[0].lemma_.lower() in CHANNEL_NOUNS:
            best = _phrase(pobj[0])
    return best


def _date_in(span: Iterable[Token], exclude: set[int]) -> str | None:
    for t in span:
        if t.ent_type_ in {"DATE"} and t.ent_iob_ == "B" and t.i not in exclude:
            ent = next(e for e in t.doc.ents if e.start == t.i)
            return ent.text
    return None


def addressee_of(verb: Token) -> str | None:
    """Who the cue verb addresses: ``told reporters``, ``said to Congress``."""
    lemma = verb.lemma_.lower()
    found: Token | None = None
    for child in verb.children:
        if child.dep_ in {"dobj", "dative"} and lemma in ADDRESSEE_OBJECT_VERBS:
            if child.dep_ == "dative" or found is None:
                found = child
        elif child.dep_ == "prep" and child.lower_ == "to" and lemma in ADDRESSEE_TO_VERBS:
            pobj = [g for g in child.children if g.dep_ == "pobj"]
            if pobj:
                found = pobj[0]
    return _phrase(found) if found is not None else None


def _time_of(verb: Token, content: list[tuple[int, int]]) -> str | None:
    """The time the cue's clause gives: a DATE on the cue, else the first DATE in its sentence."""
    for child in verb.children:
        if child.ent_type_ == "DATE":
            return _phrase(child)
        if child.dep_ == "prep":
            for g in child.children:
                if g.ent_type_ == "DATE":
                    return _phrase(g)
    return _date_in(verb.sent, exclude=set())


def _kind(content: list[tuple[int, int]], quotes: list[Quote], text: str) -> AttributionKind:
    if _all_quoted(content, text):
        return "direct"
    for s, e in content:
        for q in quotes:
            for qs, qe in q.pieces:
                if s <= qs and qe <= e + 1:
                    return "mixed"
    return "indirect"


def _all_quoted(content: list[tuple[int, int]], text: str) -> bool:
    return all(
        text[s] in '"\u201c\u201e\u00ab' and text[e - 1] in '"\u201d\u00bb'
        for s, e in content
        if e - s >= 2
    )


def _snap_to_quotes(
    content: list[tuple[int, int]], quotes: list[Quote], text: str
) -> list[tuple[int, int]]:
    """A content that is (nearly) a whole quotation becomes that quotation, marks included."""
    if not content:
        return content
    lo, hi = content[0][0], content[-1][1]
    for q in quotes:
        if q.start <= lo + 2 and hi <= q.end + 1 and hi - lo >= 0.5 * (q.end - q.start - 2):
            return list(q.pieces)
    # A quote the content ends inside, just before its closing mark (the trim or the parse
    # cut it short: 'was "frank but useful.'): take the mark too.
    out = []
    for s, e in content:
        for q in quotes:
            for qs, qe in q.pieces:
                if qs < e < qe <= e + 3:
                    e = qe
        out.append((s, e))
    return out


def _quote_adjacent(content: list[tuple[int, int]], verb: Token) -> bool:
    return bool(content) and abs(content[0][0] - verb.idx) < 200


def _covered(q: Quote, drafts: list[_Draft]) -> bool:
    return any(_overlaps(p, c) for p in q.pieces for d in drafts for c in d.content)


def _dedupe(drafts: list[_Draft]) -> list[_Draft]:
    """Drop a draft whose cue another draft already uses for the same content."""
    seen: set[tuple[tuple[int, int], tuple[int, int]]] = set()
    out = []
    for d in drafts:
        key = (d.cue, d.content[0])
        if key in seen:
            continue
        seen.add(key)
        out.append(d)
    return out


def _parent(k: int, drafts: list[_Draft]) -> int | None:
    """The innermost other draft whose content contains this draft's cue."""
    d = drafts[k]
    if d.floating_of is not None:
        return None
    best: tuple[int, int] | None = None
    for j, o in enumerate(drafts):
        if j == k or o.floating_of is not None:
            continue
        for piece in o.content:
            if _inside(d.cue, piece):
                size = piece[1] - piece[0]
                if best is None or size < best[1]:
                    best = (j, size)
    return best[0] if best else None


@register(NAME)
def make() -> Extractor:
    """Build the rule extractor."""
    return RuleExtractor()


__all__ = ["NAME", "RuleExtractor", "addressee_of", "make"]
