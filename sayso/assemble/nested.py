"""Nested cues for every extractor: speech and thought verbs inside what someone reports.

"Fars reported Iran issued warrants … and demanded from Interpol …", '"I don't believe it," she
said': a token tagger trained on PolNeAR (one role per token) never tags a cue inside another
statement's content, and the rules want a complement clause the parse often does not give.  A
speech or thought verb with a speaker inside a statement's content (or inside the quotation its
content starts in) reports something itself, so it is found here, once, for every extractor.

Only statements that end up with a parent are kept (``keep_placed``): the top-level statements,
which the span benchmarks score, stay exactly what the extractor found.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from ..models import Found, Span
from ..nlp import char_range, token_pieces, tokens_with_lemma, trim
from .chains import could_speak
from .context import cue_tokens, cue_verb
from .screen import CLAUSE_ONLY_INSIDE, NESTED_CUE_LEMMAS

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token

#: Confidence of a nested cue found here: a cue word with a speaker, placed by the parse.
NESTED_CONFIDENCE = 0.6
#: Cue lemmas that inside reported words are nearly always plain verbs ("saw the twelve",
#: "had ordered a review", "planned a funeral", "will be called a museum", "responded by
#: saying"): on the chain gold's dev split none of them is a gold cue there.
NOT_NESTED_HERE = frozenset(
    {"see", "plan", "view", "regard", "figure", "order", "call", "cite", "respond"}
)
#: Verbs whose subject is their infinitive's too ("he continues to believe …").
RAISING_VERBS = frozenset({"continue", "seem", "appear", "keep", "come", "begin", "start"})
#: Nouns that are cues inside reported words when a clause or an of-phrase says what is
#: claimed ("denied all claims that …"): gold cues on the chain gold's dev split.
CLAIM_NOUNS = frozenset({"claim", "allegation", "assertion"})
#: Dependents of a nested cue verb that hold what it reports.
CONTENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "parataxis", "oprd", "attr", "dative"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
#: Relative pronouns: a subject that is one stands for the noun the clause hangs on.
_RELATIVES = frozenset({"who", "that", "which"})


def _subject(verb: Token) -> Token | None:
    """The verb's own subject, or for a subjectless conjunct its head's ("Iran issued … and
    demanded …"); None when there is none or it cannot speak."""
    subj = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
    if subj is not None:
        # A verb of speech or thought with a subject of its own speaks whatever the subject
        # ("it says right at the top of the paper"); "there" and "it" of "it is said" do not.
        return None if subj.dep_ == "expl" else _antecedent(subj)
    if (
        verb.dep_ == "conj"
        and verb.head.pos_ == "VERB"
        or verb.dep_ == "xcomp"
        and (
            verb.head.lemma_.lower() in RAISING_VERBS
            # "the researchers claim to hope": the cue's subject is its infinitive's too,
            # unless it has an object ("urged the crowd to consider": the crowd considers)
            or verb.head.lemma_.lower() in NESTED_CUE_LEMMAS
            and not any(c.dep_ in {"dobj", "dative"} for c in verb.head.children)
        )
    ):
        subj = next((c for c in verb.head.children if c.dep_ in _SUBJECTS), None)
    if subj is None:
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        pobj = [g for g in agent.children if g.dep_ == "pobj"] if agent is not None else []
        subj = pobj[0] if pobj else None
    if subj is None:
        return None
    subj = _antecedent(subj)
    return subj if could_speak(subj) or subj.pos_ == "PROPN" else None


def _antecedent(subj: Token) -> Token:
    """A relative pronoun's noun ("officials who said" -> officials), else the subject."""
    if subj.lower_ in _RELATIVES and subj.head.dep_ == "relcl":
        return subj.head.head
    return subj


def _source(subj: Token, verb: Token) -> list[Token]:
    """The subject's words on its side of the verb, without a trailing relative clause."""
    toks = [t for t in subj.subtree if (t.i < verb.i) == (subj.i < verb.i) and not t.is_space]
    rel = [c for c in subj.children if c.dep_ in {"relcl", "acl"} and c.i > subj.i]
    if rel:
        cut = min(t.i for t in rel[0].subtree)
        toks = [t for t in toks if t.i < cut]
    return toks


def _cue(verb: Token) -> list[Token]:
    """The verb with its particle and the auxiliaries and negation right before it."""
    out = [verb] + [c for c in verb.children if c.dep_ == "prt"]
    i = verb.i - 1
    while i >= verb.sent.start:
        t = verb.doc[i]
        if t.head.i != verb.i or t.dep_ not in {"aux", "auxpass", "neg"}:
            break
        out.append(t)
        i -= 1
    return out


def _content(verb: Token, subj: Token | None, cue: list[Token]) -> list[Token]:
    """What the verb reports: its clause, object or for/of/about phrase, else the noun a
    relative clause hangs on ("the questions politicians asked")."""
    heads = [c for c in verb.children if c.dep_ in CONTENT_DEPS]
    heads += [
        g
        for c in verb.children
        if c.dep_ == "prep" and c.i > verb.i
        for g in c.children
        if g.dep_ in {"pobj", "pcomp"}
    ]
    skip = {t.i for t in cue} | ({t.i for t in subj.subtree} if subj is not None else set())
    toks = [t for h in heads for t in h.subtree if t.i not in skip and not t.is_space]
    if not toks and verb.dep_ in {"relcl", "acl"} and verb.head.i < verb.i:
        toks = [verb.head]
    sent = verb.sent
    return [t for t in toks if sent.start <= t.i < sent.end]


def _noun_cues(
    doc: Doc,
    text: str,
    holder: Callable[[int], tuple[int, int] | None],
    is_cue: Callable[[int, int], bool],
) -> list[Found]:
    """Claim nouns inside reported words with their content: "denied all claims that
    Khashoggi was slain", "no evidence to support the President's claims of fraud"; the
    possessor, when there is one, is the source."""
    out = []
    for i in tokens_with_lemma(doc, "NOUN", CLAIM_NOUNS.__contains__):
        noun = doc[i]
        within = holder(noun.idx)
        if within is None or is_cue(noun.idx, noun.idx + len(noun.text)):
            continue
        heads = [
            c
            for c in noun.children
            if c.i > noun.i
            and (
                c.dep_ in {"acl", "ccomp"}
                and any(m.lower_ == "that" for m in c.children)
                or c.dep_ == "prep"
                and c.lower_ in {"of", "about", "that"}
            )
        ]
        words = [
            t
            for h in heads
            for t in h.subtree
            if t.i != h.i or h.dep_ != "prep"  # "claims [of fraud]": the phrase, not "of"
        ]
        content = token_pieces(
            [t for t in words if within[0] <= t.idx < within[1] and not t.is_space], text
        )
        if not content:
            continue
        poss = next((c for c in noun.children if c.dep_ == "poss"), None)
        src = char_range(poss.subtree) if poss is not None else None
        out.append(
            Found(
                cue=Span.of(text, noun.idx, noun.idx + len(noun.text)),
                content=tuple(Span.of(text, s, e) for s, e in content),
                source=Span.of(text, *src) if src is not None else None,
                confidence=NESTED_CONFIDENCE,
            )
        )
    return out


def recovered_content(doc: Doc, text: str, cue: Span) -> tuple[Span, ...]:
    """What a cue the extractor left without content reports, read off the parse: the cue
    verb's clause, object or for/of/about phrase in its sentence ("… told reporters he lost
    control"), else nothing (the statement is then dropped: no statement has empty content)."""
    tokens = cue_tokens(doc, cue)
    verb = cue_verb(tokens)
    if verb is None:
        return ()
    held = {t.i for t in tokens}
    sent = verb.sent
    words = [
        t
        for c in verb.children
        if c.dep_ in {"ccomp", "parataxis"}
        for t in c.subtree
        if t.i not in held and not t.is_space and sent.start <= t.i < sent.end
    ]
    return tuple(Span.of(text, s, e) for s, e in token_pieces(words, text))


def _merged(stretches: Sequence[Sequence[tuple[int, int]]]) -> list[tuple[int, int]]:
    """The union of every statement's stretches as sorted, disjoint ranges."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(r for spans in stretches for r in spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def nested_statements(
    doc: Doc, text: str, found: list[Found], stretches: Sequence[Sequence[tuple[int, int]]]
) -> list[Found]:
    """Statements for the speech and thought verbs with a speaker that lie inside some
    statement's ``stretches`` (``chains.all_stretches``) and that no statement has as its cue."""
    union = _merged(stretches)
    if not union:
        return []
    starts = [s for s, _ in union]
    taken = sorted((f.cue.start, f.cue.end) for f in found)
    taken_starts = [s for s, _ in taken]
    taken_reach: list[int] = []
    for _, e in taken:
        taken_reach.append(max(e, taken_reach[-1]) if taken_reach else e)

    def holder(at: int) -> tuple[int, int] | None:
        k = bisect.bisect_right(starts, at) - 1
        return union[k] if k >= 0 and at < union[k][1] else None

    def is_cue(lo: int, hi: int) -> bool:
        k = bisect.bisect_left(taken_starts, hi)
        return bool(k) and taken_reach[k - 1] > lo

    out = _noun_cues(doc, text, holder, is_cue)
    for i in tokens_with_lemma(
        doc, "VERB", lambda lemma: lemma in NESTED_CUE_LEMMAS and lemma not in NOT_NESTED_HERE
    ):
        verb = doc[i]
        lemma = verb.lemma_.lower()
        if verb.dep_ in {"amod", "compound"}:
            continue
        within = holder(verb.idx)
        if within is None or is_cue(verb.idx, verb.idx + len(verb.text)):
            continue
        subj = _subject(verb)
        if subj is None:
            continue
        if lemma in CLAUSE_ONLY_INSIDE and not any(
            c.dep_ in {"ccomp", "parataxis"} for c in verb.children
        ):
            continue
        cue = _cue(verb)
        # Inside the words that hold it: a nested statement never reaches past its reporter's
        # content to take a later top-level statement for a child.
        words = [t for t in _content(verb, subj, cue) if within[0] <= t.idx < within[1]]
        content = token_pieces(words, text)
        src = char_range(_source(subj, verb))
        cue_at = char_range(cue)
        if not content or src is None or cue_at is None:
            continue
        src = trim(text, *src)
        out.append(
            Found(
                cue=Span.of(text, *cue_at),
                content=tuple(Span.of(text, s, e) for s, e in content),
                source=Span.of(text, *src) if src[1] > src[0] else None,
                confidence=NESTED_CONFIDENCE,
            )
        )
    return out
