"""Rule extractor ``sayso.rules.v1``: attributions from the dependency parse, quotes and cue words.

Constructions, each covered by a golden test row (tests/test_rules_golden.py):
  * preposed speech  ``X said (that) …``, ``X told reporters …``, ``X stated on Facebook that …``
  * postposed speech ``"…," X said.`` and ``…, X said.``
  * ``according to X``
  * colon and dash attributions ``X: "…"``
  * direct, indirect and mixed quotes (a quoted fragment inside reported speech)
  * floating quotes: a quoted sentence with no cue continues the previous speaker
  * nested chains: a cue inside another attribution's content is found like any other
It finds spans only (:class:`~sayso.models.Found`); the shared pass in ``sayso.assemble`` adds
headline cues, kind, hedge, cue class, addressee, channel, time and parent links, the same way
for every extractor.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..lexicon import (
    ADDRESSEE_OBJECT_VERBS,
    ADDRESSEE_TO_VERBS,
    COLON_LABELS,
    CONTENT_PREPOSITIONS,
    FLOATING_QUOTE_CONFIDENCE,
    FLOATING_QUOTE_LOOKBACK_SENTENCES,
    MAX_COLON_SOURCE_TOKENS,
    NEEDS_PREPOSITION,
    OBJECT_CONTENT_VERBS,
    SPEECH_VERBS,
    THOUGHT_VERBS,
)
from ..models import Article, Found, Span
from ..nlp import char_range, speaker_label, token_pieces, tokens_with_lemma, trim
from ..quotes import Quote, Quotes, find_quotes
from . import Extractor, register

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

NAME = "sayso.rules.v1"
#: Marks that can stand for a cue between a name and its words (``X: "…"``, ``X — "…"``).
COLON_MARKS = (":", "\u2014", "\u2013", "--")

_SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
_CLAUSES = {"ccomp", "xcomp", "parataxis"}


def _drop_stage_direction(tokens: list[Token]) -> list[Token]:
    """A speaker turn without the transcript's closing stage direction: "… (CROSSTALK.)"."""
    if not tokens or tokens[-1].text != ")":
        return tokens
    for k in range(len(tokens) - 2, max(-1, len(tokens) - 8), -1):
        if tokens[k].text == "(":
            words = [t.text for t in tokens[k + 1 : -1] if t.is_alpha]
            return tokens[:k] if words and all(w.isupper() for w in words) else tokens
    return tokens



def _turn_starts(doc: Doc, marks: list[int]) -> list[int]:
    """Token indices of the sentences that open with a short label and a colon (a transcript's
    turns, "Question:" included), in order."""
    out = []
    for i in marks:
        if doc[i].text != ":":
            continue
        start = doc[i].sent.start
        words = [t for t in doc[start:i] if not t.is_space and not t.is_quote]
        if words and len(words) <= MAX_COLON_SOURCE_TOKENS and not any(
            t.pos_ in {"VERB", "AUX"} for t in words
        ):
            out.append(start)
    return out


def _turn_end(doc: Doc, newlines: list[int], mark: Token, turn_starts: list[int]) -> int:
    """Where the speaker turn opened by ``mark`` ends: the end of its paragraph (``newlines``:
    the text's newline offsets, and its length last), or the next turn's sentence if one comes
    first (token index)."""
    stop = newlines[bisect.bisect_left(newlines, mark.idx)]
    k = bisect.bisect_right(turn_starts, mark.i)
    if k < len(turn_starts) and doc[turn_starts[k]].idx < stop:
        return turn_starts[k]
    end = mark.sent.end
    while end < len(doc) and doc[end].idx < stop:
        end += 1
    return end



def _inverted_speaker(verb: Token) -> Token | None:
    """The speaker of a cue right after a closing quotation mark that the parser took for its
    object ('"…," said a protester'): the verb has no subject, and a noun after it does."""
    doc = verb.doc
    k = verb.i - 1
    if k >= 0 and doc[k].text == ",":
        k -= 1
    if k < 0 or not doc[k].is_quote or verb.tag_ not in {"VBD", "VBZ", "VBP"}:
        return None
    if any(c.dep_ in _SUBJECTS for c in verb.children):
        return None
    after = [
        c
        for c in verb.children
        if c.dep_ in {"dobj", "attr", "npadvmod"} and c.i > verb.i and c.pos_ in {"NOUN", "PROPN"}
    ]
    return after[0] if after else None


@dataclass
class _Draft:
    """An attribution under construction, in character terms."""

    cue: tuple[int, int]
    content: list[tuple[int, int]]
    source: tuple[int, int] | None = None
    confidence: float = 0.9
    floating_of: int | None = None  # index of the draft a floating quote continues


# --- small helpers over tokens and character ranges ------------------------------------------


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _inside(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return b[0] <= a[0] and a[1] <= b[1]


def _quote_at(quotes: list[Quote], pos: int) -> Quote | None:
    if isinstance(quotes, Quotes):
        return quotes.at(pos)  # by bisection: a scan per word is quadratic on many quotes
    for q in quotes:
        for s, e in q.pieces:
            if s <= pos < e:
                return q
    return None


def _subject(verb: Token) -> Token | None:
    """The subject of a cue verb, looking through conjunctions and participles.  Of two
    subjects the parser gives one verb, the nearer: the other is usually a transcript's
    speaker label ("Yury Ushakov: Like I said, the presidents agreed …")."""
    subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
    if len(subjects) > 1:
        return min(subjects, key=lambda c: abs(c.i - verb.i))
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
    toks = _after_according_to(toks, cue)
    rel = [c for c in subj.children if c.dep_ in {"relcl", "acl"} and c.i > subj.i]
    if rel:
        cut = min(t.i for t in rel[0].subtree)
        toks = [t for t in toks if t.i < cut]
    return toks


def _after_according_to(toks: list[Token], cue: Token) -> list[Token]:
    """A source without the "according to X," phrase before it: "According to ISNA, the
    prosecutor said" is often parsed with ISNA as the subject and the prosecutor beside it."""
    if not toks:
        return toks
    according = [c for c in cue.children if c.lower_ == "according" and c.i < toks[0].i]
    if not according:
        return toks
    comma = next((t.i for t in cue.doc[according[0].i : cue.i] if t.text == ","), None)
    if comma is None or comma < toks[0].i:
        return toks
    rest = [t for t in toks if t.i > comma]
    return rest or toks


def _doc_text(doc: Doc, article: Article) -> str:
    """The document's text: the article's when the parse covers exactly it (``Doc.text`` is
    rebuilt token by token on each call)."""
    if len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) == len(article.text):
        if doc[0].text == article.text[doc[0].idx : doc[0].idx + len(doc[0].text)]:
            return article.text
    return doc.text


def _made_clear(verb: Token) -> tuple[Token, list[Token]] | None:
    """"has made (it) clear that X", "have been clear that X": the word "clear" and the clauses
    of X (the parse hangs X off "clear" as ccomp, csubj or advcl, or off the verb after
    "clear"), else None."""
    if verb.lemma_.lower() not in {"make", "be"}:
        return None
    for c in verb.children:
        if c.lower_ == "clear" and c.dep_ in {"ccomp", "acomp", "oprd", "dobj"}:
            heads = [
                g
                for g in c.children
                if g.dep_ in {"ccomp", "csubj", "advcl"} and g.pos_ in {"VERB", "AUX"} and g.i > c.i
            ]
            # "been very clear that X", "made clear that if Y, X": the clause on the verb.
            heads += [g for g in verb.children if g.dep_ == "ccomp" and g.i > c.i]
            return (c, heads) if heads else None
    return None


def _speech_cue(tok: Token) -> str | None:
    """'speech', 'thought', or None: is this token a cue verb?"""
    if tok.pos_ in {"VERB", "AUX"} and _made_clear(tok) is not None:
        return "speech"
    if tok.pos_ not in {"VERB"}:
        return None
    lemma = tok.lemma_.lower()
    if lemma in SPEECH_VERBS or lemma in NEEDS_PREPOSITION:
        return "speech"
    if lemma in THOUGHT_VERBS:
        return "thought"
    return None


#: Lemmas of the verbs ``_speech_cue`` can accept ("make" and "be" for "made clear").
_CUE_LEMMAS = frozenset(SPEECH_VERBS | NEEDS_PREPOSITION | THOUGHT_VERBS | {"make", "be"})


# --- the extractor ---------------------------------------------------------------------------


def _says_itself(xcomp: Token) -> bool:
    """"I want to note that X", "we wish to stress that X": the infinitive is a speech verb
    with a clause of its own, a statement of the same speaker, and the wish around it is none."""
    return xcomp.lemma_.lower() in SPEECH_VERBS and any(
        c.dep_ == "ccomp" for c in xcomp.children
    )


class RuleExtractor:
    """Finds attributions with dependency rules; see the module docstring."""

    name = NAME

    def __call__(self, doc: Doc, article: Article) -> list[Found]:
        text = _doc_text(doc, article)
        quotes = find_quotes(text)
        drafts: list[_Draft] = []
        # Statements inside quotations: kept apart so that they never hide a quotation from
        # the colon, quote-cue and floating-quote rules, which read the drafts found so far.
        quoted: list[_Draft] = []
        used_cues: set[int] = set()
        # Headline cues ("Kremlin Claims …") are the shared pass's, for every extractor.
        headline_end = len(article.title) if article.title and text.startswith(article.title) else 0
        # Only verbs and "according" can open a construction here: find them column-wise.
        strings = doc.vocab.strings
        cols = doc.to_array(["POS", "LOWER"])
        firsts = cols[:, 1] == strings.add("according")
        # A verb can be a cue only by its lemma (``_speech_cue``).
        firsts[tokens_with_lemma(doc, "VERB", _CUE_LEMMAS.__contains__)] = True
        firsts |= (cols[:, 0] == strings["AUX"]) & (cols[:, 1] == strings.add("been"))
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
            if d and _quote_at(quotes, tok.idx) is not None:
                quoted.append(d)
            elif d:
                drafts.append(d)
                used_cues.add(tok.i)
        drafts.extend(self._colon(doc, text, quotes, drafts))
        drafts.extend(self._quote_cues(doc, text, quotes, drafts, used_cues))
        drafts.extend(self._floating(doc, text, quotes, drafts))
        return self._finish(drafts + quoted, text)

    # --- constructions ---------------------------------------------------------------------

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
        # "according to police, who said officers arrived …": the relative clause is the
        # source's own statement, not part of what is attributed to it.
        after = src_toks[-1].i + 2  # past the comma
        if after < sent.end and doc[after].tag_ in {"WP", "WDT"}:
            verb = doc[after].head
            if verb.i > after and verb.dep_ != "ROOT":
                phrase |= {u.i for u in verb.subtree if u.i >= after - 1}
        # The content stays in the phrase's part of the sentence between semicolons ("there
        # were reportedly four on board; according to investigators, one was …"), and a phrase
        # followed by a coordinated clause reports what precedes it only ("killing at least
        # 20 according to officials, and leaving …").
        lo, hi = sent.start, sent.end
        for t in sent:
            if t.text == ";":
                if t.i < tok.i:
                    lo = t.i + 1
                elif t.i > src_toks[-1].i:
                    hi = t.i
                    break
        nxt = src_toks[-1].i + 1
        if (
            lo < tok.i - 1
            and nxt + 1 < hi
            and doc[nxt].text == ","
            and doc[nxt + 1].lower_ in {"and", "but"}
        ):
            hi = nxt
        # A comma right after the phrase belongs to it, as does one right before it.
        content_toks = [
            t
            for t in doc[lo:hi]
            if t.i not in phrase
            and not t.is_space
            and not (t.is_punct and t.i == src_toks[-1].i + 1)
        ]
        content = token_pieces(content_toks, text)
        if not content:
            return None
        return _Draft(
            cue=(tok.idx, to.idx + len(to.text)),
            content=content,
            source=char_range(src_toks),
            confidence=0.85,
        )

    def _verb(
        self, doc: Doc, verb: Token, text: str, quotes: list[Quote], cls: str
    ) -> _Draft | None:
        """A cue verb with a subject and a complement clause, object, or adjacent quote."""
        lemma = verb.lemma_.lower()
        # A cue inside a quotation is a statement reported inside the quoted one ("He said,
        # \"I think …\""): it needs a subject of its own and content inside the same quotation.
        in_quote = _quote_at(quotes, verb.idx)
        if verb.dep_ in {"amod", "compound"}:
            return None
        content_heads: list[Token] = []
        addressee_tok: Token | None = None
        prep_content: Token | None = None
        clear = _made_clear(verb)
        if clear is not None:
            content_heads = list(clear[1])
        for child in verb.children:
            if clear is not None and child.i == clear[0].i:
                continue
            if child.dep_ in {"ccomp", "parataxis"} or (
                child.dep_ == "xcomp" and lemma in THOUGHT_VERBS and not _says_itself(child)
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
        embedded = _embedded(verb)
        if embedded and not content_heads and prep_content is None:
            # Inside a reported clause PolNeAR's one role per token does not bind us: "said
            # he expects no turmoil", "the officers claimed to be seeking a bomb".
            content_heads = [
                c
                for c in verb.children
                if c.dep_ in {"xcomp", "dobj"} and (addressee_tok is None or c.i != addressee_tok.i)
            ]
        right = [h for h in content_heads if h.i > verb.i and h.left_edge.i <= verb.i + 2]
        if right and any(h.i < verb.i for h in content_heads):
            # "Analysts considered this settled, however Bonham noted the swing was …": a
            # clause hung before a cue that reports the one right after it is not its content.
            content_heads = [h for h in content_heads if h.i > verb.i]
        # '"…," said a protester using a pseudonym': after a closing quotation the parser may
        # take the speaker for the object of an inverted cue; it is the source.
        inverted = _inverted_speaker(verb)
        if inverted is not None:
            content_heads = [h for h in content_heads if h.i != inverted.i]
        content_toks: set[Token] = set()
        for h in content_heads:
            content_toks.update(h.subtree)
        for d in list(content_toks):
            # "X said A while Y wrote B": a coordinated report by someone else is not X's content
            # (but inside X's quoted words it is: 'X said "I love them and I believe …"').
            if (
                d.dep_ in {"conj", "advcl"}
                and not (clear is not None and d in clear[1])
                and (in_quote is not None or _quote_at(quotes, d.idx) is None)
                and _speech_cue(d)
                and any(c.dep_ in _SUBJECTS for c in d.children)
                # "… and that the American people expect …": one more clause of X's.
                and not any(c.dep_ == "mark" and c.lower_ == "that" for c in d.children)
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
        subj = _subject(verb) if inverted is None else inverted
        if subj is not None:
            content_toks -= set(subj.subtree)
        content_toks.discard(verb)
        if prep_content is not None:
            content_toks.discard(prep_content)
        content = token_pieces(content_toks, text) if content_toks else []
        if in_quote is not None:
            if subj is None or verb.dep_ != "conj" and subj.head.i != verb.i:
                return None  # its own subject, or its conjunct's ("I love them and believe …")
            content = _clip(content, in_quote.pieces)
        else:
            content = _snap_to_quotes(content, quotes, text)
            if not content:
                content = self._adjacent_quote(verb, quotes, text)
        if not content:
            return None
        if (
            cls == "thought"
            and not embedded
            and not any(h.dep_ in {"ccomp", "xcomp"} for h in content_heads)
        ):
            return None
        if subj is None and not _quote_adjacent(content, verb):
            return None
        src = None
        if subj is not None:
            st = _source_tokens(subj, verb)
            src = char_range(st) if st else None
            if src:
                src = trim(text, *src)
        cue_toks = [verb] + [c for c in verb.children if c.dep_ == "prt"] + _auxiliaries(verb)
        if clear is not None:
            cue_toks.append(clear[0])  # "made clear", "made it clear", "been clear"
        cue_toks += _cue_modifiers(verb, content_toks)
        if prep_content is not None and lemma in NEEDS_PREPOSITION | {"warn", "ask"}:
            cue_toks.append(prep_content)
        cue = char_range(cue_toks)
        assert cue is not None
        return _Draft(
            cue=cue,
            content=content,
            source=src,
            confidence=0.85 if subj is not None else 0.6,
        )

    @staticmethod
    def _adjacent_quote(verb: Token, quotes: list[Quote], text: str) -> list[tuple[int, int]]:
        """A quote right before (``"…," X said``) or right after (``X said: "…"``) the clause."""
        sent = verb.sent
        if isinstance(quotes, Quotes):  # by bisection (quotations never overlap)
            b, a = quotes.ending_by(verb.idx), quotes.starting_from(verb.idx)
            before = [b] if b is not None and b.end >= sent.start_char else []
            after = [a] if a is not None and a.start <= sent.end_char else []
        else:
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
        at = np.flatnonzero(np.isin(doc.to_array("ORTH"), marks)).tolist()
        turn_starts = _turn_starts(doc, at)
        newlines: list[int] | None = None  # the text's newline offsets, found once if needed
        for i in at:
            mark = doc[i]
            sent = mark.sent
            prefix = [t for t in doc[sent.start : mark.i] if not t.is_space]
            while prefix and prefix[0].text == "*":
                prefix = prefix[1:]  # the Kremlin's section break: "* * * Vladimir Putin: …"
            inside = _quote_at(quotes, mark.idx)
            # Inside a quotation only a whole quoted transcript turn: “PENCE: … ”
            whole = (
                inside is not None
                and bool(prefix)
                and any(s == prefix[0].idx and s <= mark.idx < e for s, e in inside.pieces)
            )
            if inside is not None and not whole:
                continue
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
            if any(t.is_lower and t.is_alpha for t in prefix) and not any(
                t.ent_type_ in {"PERSON", "ORG"} for t in prefix
            ):
                continue  # a section heading ("Frustration with police:"), not a speaker
            if (
                len(prefix) == 1
                and prefix[0].text.isupper()
                and prefix[0].ent_type_ != "ORG"
                and (len(prefix[0].text) > 3 or prefix[0].ent_type_ in {"GPE", "LOC"})
            ):
                continue  # a dateline ("WASHINGTON:"), not a transcript's initials ("NG:")
            label = prefix[1:] if prefix[0].is_quote else prefix  # a quoted transcript: “PENCE:
            # A transcript's speaker turn ("Yury Ushakov: Like I said, …"), or any label
            # opening its paragraph, holds the statements inside it; elsewhere a statement
            # already there wins.
            speaker_turn = mark.text == ":" and speaker_label(" ".join(t.text for t in label))
            para_start = sent.start_char == 0 or text[sent.start_char - 1] == "\n"
            turn = para_start or speaker_turn
            after = [q for q in quotes if 0 <= q.start - (mark.idx + len(mark.text)) <= 2]
            if after:
                content = list(after[0].pieces)
            else:
                # A transcript's speaker turn runs to the end of its paragraph or to the next
                # turn (transcripts printed as one paragraph: "… Question: … Yury Ushakov: …").
                end = sent.end
                if speaker_turn:
                    if newlines is None:
                        newlines = [m.start() for m in re.finditer("\n", text)] + [len(text)]
                    end = _turn_end(doc, newlines, mark, turn_starts)
                rest = [t for t in doc[mark.i + 1 : end] if not t.is_space]
                rest = _drop_stage_direction(rest)
                while whole and rest and rest[-1].is_quote:  # its closing mark
                    rest = rest[:-1]
                content = token_pieces(rest, text) if len(rest) >= 3 else []
            cue = (mark.idx, mark.idx + len(mark.text))
            src = char_range(label)
            if not content or src is None:
                continue
            if any(_overlaps(c, t) for c in content + [cue] for t in taken) and not (
                turn and not any(_overlaps(cue, t) for t in taken)
            ):
                continue
            out.append(
                _Draft(
                    cue=cue,
                    content=content,
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
        cover = _Cover(drafts)
        for q in quotes:
            if _covered(q, cover):
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
                    src = char_range(_source_tokens(subj, t))
                used.add(t.i)
                out.append(
                    _Draft(
                        cue=(t.idx, t.idx + len(t.text)),
                        content=list(q.pieces),
                        source=src,
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
        cover = _Cover(drafts)
        for q in quotes:
            if _covered(q, cover):
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
                if lo <= d.cue[0] < q.start
                and d.source is not None
                and not text[d.cue[0] : d.cue[1]].lower().startswith("according")
            ]
            if not prev:
                continue
            k, d = max(prev, key=lambda kd: kd[1].cue[0])
            out.append(
                _Draft(
                    cue=d.cue,
                    content=list(q.pieces),
                    source=d.source,
                    confidence=FLOATING_QUOTE_CONFIDENCE,
                    floating_of=k,
                )
            )
            cover.add(out[-1])
        return out

    # --- assembly -----------------------------------------------------------------------------

    def _finish(self, drafts: list[_Draft], text: str) -> list[Found]:
        out = []
        for d in _dedupe(drafts):
            out.append(
                Found(
                    cue=Span.of(text, *d.cue),
                    content=tuple(Span.of(text, s, e) for s, e in d.content),
                    source=Span.of(text, *d.source) if d.source else None,
                    confidence=d.confidence,
                    continues=d.floating_of is not None,
                )
            )
        out.sort(key=lambda f: (f.cue.start, f.content[0].start if f.content else 0))
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


#: Dependency labels a reported clause hangs from its cue by ("said [he expects …]").
_EMBEDDING_DEPS = frozenset({"ccomp", "xcomp", "conj", "advcl", "relcl", "pcomp", "pobj", "prep"})
#: How far up the parse a reporting cue is looked for.
_EMBEDDING_DEPTH = 4


def _embedded(verb: Token) -> bool:
    """Whether a verb sits in a clause reported by another cue verb, a few heads up."""
    tok = verb
    for _ in range(_EMBEDDING_DEPTH):
        if tok.dep_ not in _EMBEDDING_DEPS or tok.head.i == tok.i:
            return False
        tok = tok.head
        if _speech_cue(tok) is not None or tok.lower_ == "according":
            return True
    return False


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


def _snap_to_quotes(
    content: list[tuple[int, int]], quotes: list[Quote], text: str
) -> list[tuple[int, int]]:
    """A content that is (nearly) a whole quotation becomes that quotation, marks included."""
    if not content:
        return content
    lo, hi = content[0][0], content[-1][1]
    # With Quotes, lookups by bisection, not scans.
    for q in quotes.spanning(lo + 2, hi - 1) if isinstance(quotes, Quotes) else quotes:
        if q.start <= lo + 2 and hi <= q.end + 1 and hi - lo >= 0.5 * (q.end - q.start - 2):
            return list(q.pieces)
    # The last sentences of a quotation of several, up to its closing mark ('"S1. S2. S3,"
    # the President said': the parse gives S3): the whole quotation is what was said.
    if isinstance(quotes, Quotes):
        hit = quotes.at(lo)
        if hit is not None and len(hit.pieces) == 1:
            if hit.start < lo and hit.end - 3 <= hi <= hit.end:
                return list(hit.pieces)
            # ... and its first sentences, from its opening mark ('He said: "S1. S2."').
            if hit.start <= lo <= hit.start + 1 and hi < hit.end:
                return list(hit.pieces)
    # A quote the content ends inside, just before its closing mark (the trim or the parse
    # cut it short: 'was "frank but useful.'): take the mark too.
    out = []
    for s, e in content:
        if isinstance(quotes, Quotes):
            piece = quotes.piece_at(e)
            if piece is not None and piece[0] < e < piece[1] <= e + 3:
                e = piece[1]
            out.append((s, e))
            continue
        for q in quotes:
            for qs, qe in q.pieces:
                if qs < e < qe <= e + 3:
                    e = qe
        out.append((s, e))
    return out


def _clip(
    content: list[tuple[int, int]], within: tuple[tuple[int, int], ...]
) -> list[tuple[int, int]]:
    """The parts of ``content`` inside the pieces ``within`` (a quotation's), marks left out."""
    out = []
    for s, e in content:
        for qs, qe in within:
            lo, hi = max(s, qs + 1), min(e, qe - 1)
            if hi > lo:
                out.append((lo, hi))
    return out


def _quote_adjacent(content: list[tuple[int, int]], verb: Token) -> bool:
    return bool(content) and abs(content[0][0] - verb.idx) < 200


def _covered(q: Quote, drafts: list[_Draft] | _Cover) -> bool:
    if isinstance(drafts, _Cover):
        return any(drafts.overlaps(p) for p in q.pieces)
    return any(_overlaps(p, c) for p in q.pieces for d in drafts for c in d.content)


class _Cover:
    """The content pieces of some drafts, for overlap queries by bisection (a scan of every
    draft per quotation is quadratic on texts with thousands of quotations)."""

    def __init__(self, drafts: list[_Draft]) -> None:
        self._set(sorted(c for d in drafts for c in d.content))

    def _set(self, pieces: list[tuple[int, int]]) -> None:
        self.pieces = pieces
        self.starts = [s for s, _ in pieces]
        self.reach = list(itertools.accumulate((e for _, e in pieces), max))  # max end so far

    def add(self, draft: _Draft) -> None:
        """Cover ``draft``'s content too (pieces added in text order are appended)."""
        for s, e in draft.content:
            if self.starts and s < self.starts[-1]:  # out of order: sort again
                self._set(sorted([*self.pieces, (s, e)]))
                continue
            self.pieces.append((s, e))
            self.starts.append(s)
            self.reach.append(max(self.reach[-1], e) if self.reach else e)

    def overlaps(self, piece: tuple[int, int]) -> bool:
        """Does any covered piece overlap ``piece``?"""
        k = bisect.bisect_left(self.starts, piece[1])  # pieces starting before its end
        return bool(k) and self.reach[k - 1] > piece[0]


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


@register(NAME)
def make() -> Extractor:
    """Build the rule extractor."""
    return RuleExtractor()


__all__ = ["NAME", "RuleExtractor", "make"]
