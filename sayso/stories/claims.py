"""Claims: what each account of a story says, aligned across accounts, with a status.

A mention is either a statement sayso extracted (its content, credited to its speaker) or a
sentence the outlet narrates with an act in it ("The two presidents discussed ...", "President
Biden reaffirmed ...").  Mentions of different articles are grouped when they carry the same
proposition (content words with names folded, plus MiniLM similarity when it loads); each group
is a claim: ``shared`` when two or more outlets carry it compatibly, ``one_sided`` when one
outlet alone does, ``conflict`` when their versions disagree on negation, numbers or who acted.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..models import Attribution, Claim, ClaimMention, ClaimStatus, Extraction
from . import embed, settings
from .signature import fold, home, normalise_places, principal

# Verbs of an act an outlet narrates: who discussed, agreed, condemned what.
_ACTS = (
    r"discuss(?:ed|es)?|reaffirm(?:ed|s)?|affirm(?:ed|s)?|agree(?:d|s)?|emphasi[sz](?:ed|es)|"
    r"underscor(?:ed|es)|stress(?:ed|es)|express(?:ed|es)|thank(?:ed|s)|welcom(?:ed|es)|"
    r"condemn(?:ed|s)|highlight(?:ed|s)|not(?:ed|es)|reiterat(?:ed|es)|confirm(?:ed|s)|"
    r"inform(?:ed|s)|brief(?:ed|s)|urg(?:ed|es)|call(?:ed|s) (?:on|for)|pledg(?:ed|es)|"
    r"promis(?:ed|es)|announc(?:ed|es)|exchang(?:ed|es)|review(?:ed|s)|shar(?:ed|es)|"
    r"spoke|speaks|met|meets|held|hold|had a|took place|made clear|voic(?:ed|es)|rais(?:ed|es)|"
    r"warn(?:ed|s)|assur(?:ed|es)|invit(?:ed|es)|prais(?:ed|es)|support(?:ed|s)|"
    r"propos(?:ed|es)|request(?:ed|s)|declin(?:ed|es)|reject(?:ed|s)|focus(?:ed|es) on|"
    r"commend(?:ed|s)|applaud(?:ed|s)|hail(?:ed|s)|appreciat(?:ed|es)"
)
_ACT = re.compile(rf"\b({_ACTS})\b", re.IGNORECASE)
# A sentence ends at . ! ? (and a closing quote) before a space and a capital or a newline,
# not after an initial or a short title ("Joseph R. Biden, Jr. spoke", "Mr. Sullivan").
_END = re.compile(r"[.!?]+[\"”’)]?(?=\s+[\"“‘(]?[A-Z0-9]|\s*\n|\s*$)|\n+")
_ABBREVIATION = re.compile(
    r"\b(?:[A-Z]|Jr|Sr|Mr|Mrs|Ms|Dr|St|No|U\.S|Gov|Sen|Rep|Gen|Lt|Col|vs)\.$"
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|without|n't|refused|denied|rejected)\b",
                       re.IGNORECASE)  # fmt: skip
_INITIATOR = re.compile(
    r"\bat the (?:initiative|request|invitation) of (?:the )?([\w .'’-]{2,60}?)(?: side\b|[,.;])",
    re.IGNORECASE,
)
_STOP = frozenset(
    """
    a an the and or of in on at to for by with from as but if this that these those it its he she
    they we i you his her their our my your there here is are was were be been being has have had
    do does did will would shall should can could may might must also both all any each such which
    who whom what when where while than then so very just about into over under after before during
    two leaders sides parties president presidents today said says noted allies partners
    countries side
    """.split()
)


@dataclass(frozen=True, slots=True)
class _Unit:
    """A mention before alignment, with what alignment needs."""

    mention: ClaimMention  #: the mention as it will be stored
    words: frozenset[str]  #: its content words, names folded
    context: str  #: what MiniLM reads of it (:func:`core`)
    amounts: frozenset[float]  #: the amounts it names ("$225 million", "USD 1 billion")


_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_AMOUNT = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(thousand|million|billion|trillion)\b)?",
    re.IGNORECASE,
)


def amounts(text: str) -> frozenset[float]:
    """The amounts a text names, scaled ("$225 million" and "USD 225 million" are 225e6);
    bare numbers below 32 (days, ordinals) and years (1900-2100) are left out."""
    out = set()
    for m in _AMOUNT.finditer(text):
        value = float(m.group(1).replace(",", ""))
        if m.group(2):
            out.add(value * _SCALE[m.group(2).lower()])
        elif value >= 32 and not (1900 <= value <= 2100 and value.is_integer()):
            out.add(value)
    return frozenset(out)


#: Words that frame what an account says rather than say it ("gratitude to the United States
#: for ...", "the importance of ...", "reaffirmed the commitment of ..."): every account of a
#: call is full of them, so MiniLM reads the mentions without them.
_FRAME = re.compile(
    r"\b(?:(?:special |sincere )?gratitude|grateful|thank(?:ed|s)?|appreciat\w*|importance|"
    r"important|commitment|committed|reaffirm\w*|underscor\w*|emphasi\w*|stress\w*|noted?|"
    r"(?:the )?(?:United States|U\.S\.|US|America)(?:'s|’s)?|Ukraine(?:'s|’s)?|Russia(?:'s|’s)?|"
    r"(?:President|Joseph|Joe|R\.|Jr\.|Biden|Volodymyr|Zelensk\w*|Vladimir|Putin)(?:'s|’s)?|"
    r"personally|(?:allies|allied|partners)|the|of|to|for|and|a|an|that|its|our|their|his|"
    r"further)\b",
    re.IGNORECASE,
)


def core(text: str) -> str:
    """A mention without its framing words (what MiniLM compares)."""
    out = " ".join(_FRAME.sub(" ", text).split())
    return out if len(out) >= 12 else text


def _unit(m: ClaimMention) -> _Unit:
    context = core(m.text) if settings.EMBED_CORE else m.text
    return _Unit(m, _content_words(m.text), context, amounts(m.text))


def _content_words(text: str) -> frozenset[str]:
    norm = normalise_places(text)
    out = set()
    for w in _WORD.findall(norm):
        k = fold(w) if w[0].isupper() else w.casefold()
        if k not in _STOP and len(k) > 2:
            out.add(k[:6])  # a crude stem: "supported", "supports", "support" meet
    return frozenset(out)


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, surrounding spaces left out."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if m.group(0)[0] == "." and _ABBREVIATION.search(text, max(0, m.start() - 4), m.end()):
            continue
        end = m.end() if m.group(0)[0] != "\n" else m.start()
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        if piece.strip():
            out.append((start + lead, start + len(piece.rstrip())))
        start = m.end()
    if text[start:].strip():
        piece = text[start:]
        out.append((start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())))
    return out


_QUOTE_EDGES = " \t\n\"“”‘’',;:"


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` (quotation marks and commas trimmed at their
    edges) long enough to say something (``MIN_CLAIM_CHARS``); the whole span when none is."""
    out = []
    for s, e in sentences(text[start:end]):
        piece = text[start + s : start + e]
        lead = len(piece) - len(piece.lstrip(_QUOTE_EDGES))
        trail = len(piece) - len(piece.rstrip(_QUOTE_EDGES))
        s, e = start + s + lead, start + e - trail
        if e - s >= settings.MIN_CLAIM_CHARS:
            out.append((s, e))
    return out or [(start, end)]


#: Where one sentence passes from one point to the next ("gratitude for X, as well as for Y";
#: "no change in the dynamic, but we believe ..."; "support for the Normandy talks, expressing
#: his hope that the ceasefire ..."): each side is a mention of its own.
_CLAUSE = re.compile(
    r"(?:,|;)[\"”’]?\s+(?=(?:as well as|but|expressing|stressing|noting|adding)\b)|;[\"”’]?\s+"
)


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` cut where it passes to another point (:data:`_CLAUSE`), when
    ``SPLIT_CLAUSES`` is on and each side is long enough to say something."""
    if not settings.SPLIT_CLAUSES:
        return [(start, end)]
    out, at = [], start
    for m in _CLAUSE.finditer(text, start, end):
        if m.start() - at >= settings.MIN_CLAIM_CHARS and end - m.end() >= settings.MIN_CLAIM_CHARS:
            out.append((at, m.start()))
            at = m.end()
    out.append((at, end))
    return out


def mentions_of(ex: Extraction) -> list[ClaimMention]:
    """The statements and narrated act sentences of one article, in text order."""
    text = ex.article.text
    outlet = ex.article.source
    out: list[ClaimMention] = []
    covered: list[tuple[int, int]] = []
    people = person_surnames(ex)  # once per article, not per sentence
    groups = person_groups(ex)
    turns = transcript_turns(text, people)
    author = issuing_person(ex, people)
    for a in ex.attributions:
        if not a.content or a.parent is not None:
            continue
        start = min(s.start for s in a.content)
        end = max(s.end for s in a.content)
        if end - start < settings.MIN_CLAIM_CHARS:
            continue
        sp = ex.speaker(a.speaker)
        speaker = sp.name if sp else _unresolved_credit(a, turns)
        # A quotation of several sentences says several things, each of which another account
        # may carry alone: one mention per sentence of the content.
        pieces = (
            [c for ps, pe in _pieces(text, start, end) for c in _clauses(text, ps, pe)]
            if settings.SPLIT_STATEMENTS else [(start, end)]
        )  # fmt: skip
        for ps, pe in pieces:
            out.append(ClaimMention(ex.article.id, a.id, speaker, a.cue.text, text[ps:pe], ps,
                                    pe, a.hedged, outlet))  # fmt: skip
        covered.append((min(start, a.cue.start), max(end, a.cue.end)))
    head = ex.article.headline_length
    labels = {start: end for start, end, _, _ in _labels(text)}
    for start, end in sentences(text):
        # a turn's label is who speaks, not what is said ("MODERATOR: Thanks for joining")
        start = labels.get(start, start)
        if start < head or end - start > settings.MAX_CLAIM_CHARS or end - start < 20:
            continue
        if any(s < end and start < e for s, e in covered):
            continue
        # who narrates it: the transcript's speaker in a turn ("SENIOR ADMINISTRATION
        # OFFICIAL: ..."), else the person the title says wrote it ("Statement by President
        # Joe Biden on ..."), else the outlet
        narrator = turn_at(turns, start) or author or outlet
        if narrator in _NOT_THE_ACCOUNT:
            continue  # a reporter's question, the moderator's "Thanks for joining"
        act = _ACT.search(text, start, end)
        if act is None:
            if settings.EVERY_SENTENCE and text[end - 1] != "?":
                for cs, ce in _clauses(text, start, end):
                    out.append(ClaimMention(ex.article.id, None, narrator, "", text[cs:ce],
                                            cs, ce, False, outlet))  # fmt: skip
            continue
        subject = text[start : act.start()].strip(" ,")
        speaker = narrator_credit(subject, ex, outlet, people, narrator, groups)
        for cs, ce in _clauses(text, start, end):
            out.append(ClaimMention(ex.article.id, None, speaker, act.group(0), text[cs:ce],
                                    cs, ce, False, outlet))  # fmt: skip
    out.sort(key=lambda m: m.start)
    return out


#: The subject of a narrated act that is no one: an auxiliary at its end ("The conversation
#: was held": a passive), or an event or a pronoun as its first word after "the".
_PASSIVE_END = re.compile(r"\b(?:was|were|is|are|been|be|being)$", re.IGNORECASE)
_EVENTS = frozenset("call conversation meeting talks talk visit".split())
_NO_ONE = _EVENTS | frozenset("it this that there these those today".split())
#: Words of a leader's office ("The Head of State", "the Ukrainian President").
_OFFICE_WORDS = frozenset("president head state leader chancellor premier prime minister".split())
_FUNCTION = frozenset("the a an of our his her their its".split())


#: A transcript's turn label at the start of a line: "SENIOR ADMINISTRATION OFFICIAL:",
#: "President of Russia Vladimir Putin:", "* * * Aide to the President Yury Ushakov:", and the
#: White House's question mark "Q" (no colon).  A label is capitalised words, with "of", "the",
#: "to" and "and" between them: "Turning to the call that ...:" is a sentence, not a label.
_LABEL = re.compile(
    r"(?m)(?:^[ \t]*(?:\*[ \t]*\*[ \t]*\*[ \t]*)?|\*[ \t]*\*[ \t]*\*[ \t]*)"
    r"(?:((?:[A-Z][\w.'’-]*|of|the|to|and)(?:[ \t]+(?:[A-Z][\w.'’-]*|of|the|to|and)){0,7}):"
    r"|(Q))[ \t]+(?=\S)"
)
#: A label that runs on after a sentence, as in the Kremlin's transcripts stored without their
#: line breaks ("... business-like. Thank you. Question: Can you tell us ...").
_INLINE_LABEL = re.compile(
    r"(?:(?<=[.!?] )|(?<=[.!?][\"”’)] ))"
    r"((?:[A-Z][\w.'’-]*|of|the|to|and)(?:[ \t]+(?:[A-Z][\w.'’-]*|of|the|to|and)){0,7}):"
    r"[ \t]+(?=\S)"
)


def _labels(text: str) -> list[tuple[int, int, str, bool]]:
    """(start, end, label, inline) of each turn label of ``text``, in text order."""
    out = [(m.start(), m.end(), m.group(1) or m.group(2), False) for m in _LABEL.finditer(text)]
    seen = {start for start, _, _, _ in out}
    out += [(m.start(), m.end(), m.group(1), True) for m in _INLINE_LABEL.finditer(text)
            if m.start() not in seen]  # fmt: skip
    return sorted(out)


#: Labels of the one who asks, and whom their turn is credited to.
_ASKER = frozenset({"q", "question", "questions", "journalist", "reporter"})
REPORTER = "reporter"
#: Turns whose words are not what the account says: the questions, the chair.
_NOT_THE_ACCOUNT = frozenset({REPORTER, "moderator"})


def transcript_turns(text: str, people: dict[str, list[str]]) -> list[tuple[int, str]]:
    """(offset, who) of each turn of a transcript, in text order: the label's person by the
    surname the article knows ("President of Russia Vladimir Putin" -> "Vladimir Putin"), a
    role label as a role ("SENIOR ADMINISTRATION OFFICIAL" -> "senior administration
    official"), :data:`REPORTER` for a question.  A one-word label that is none of these
    ("Participants:", "Note:") is not a turn, and a label naming no one the article knows is
    one only in a transcript, a text of two labels or more: a lone "WASHINGTON:" is a
    dateline.  A label that runs on after a sentence instead of starting a line is a turn
    only when it is a question's or names someone the article knows."""
    out: list[tuple[int, str, bool]] = []  # (offset, who, sure)
    for start, _, label, inline in _labels(text):
        words = label.split()
        if words[-1].lower() in {"of", "the", "to", "and"}:
            continue
        key = fold(words[-1])
        if label.lower() in _ASKER:
            out.append((start, REPORTER, True))
        elif people.get(key):
            out.append((start, min(people[key], key=len), True))
        elif inline:
            continue
        elif label.isupper() and len(label) > 1:
            out.append((start, label.lower(), False))
        elif len(words) >= 2:
            out.append((start, label, False))
    transcript = len(out) >= 2
    return [(at, who) for at, who, sure in out if sure or transcript]


def turn_at(turns: list[tuple[int, str]], at: int) -> str | None:
    """Who speaks at offset ``at`` of a text with these :func:`transcript_turns`, or None
    before the first turn."""
    k = bisect.bisect_right(turns, (at, "\uffff")) - 1
    return turns[k][1] if k >= 0 else None


_FIRST_PERSON = frozenset("i we".split())
#: Sources that name no one: "You said", "Some have argued".
_NO_NAME = frozenset("you he she it they this that these those some others many".split())


def _unresolved_credit(a: Attribution, turns: list[tuple[int, str]]) -> str | None:
    """Whom a statement without a resolved speaker is credited to: "I" or "we" in a transcript's
    turn is the turn's speaker; a pronoun or quantifier naming no one is no one; else its
    source as written."""
    if a.source is None:
        return None
    words = a.source.text.lower().split()
    if len(words) == 1 and words[0] in _FIRST_PERSON:
        return turn_at(turns, a.source.start)
    if words and words[0] in _NO_NAME | _FIRST_PERSON:
        return None
    return a.source.text


#: Words of a subject that is several people together ("The two presidents", "Both leaders").
_GROUP_SUBJECT = frozenset(
    """the both two three all leaders presidents heads of state sides parties interlocutors
    ministers delegations""".split()
)


def person_groups(ex: Extraction) -> list[str]:
    """The names of the article's groups of two or more people, each once."""
    kinds = {sp.id: sp.kind for sp in ex.speakers}
    return list(dict.fromkeys(
        sp.name for sp in ex.speakers
        if sp.kind == "group" and sum(kinds.get(m) == "person" for m in sp.members) >= 2
    ))  # fmt: skip


#: A title that names the one person whose own words the whole text is: "Statement by
#: President Joe Biden on …", "Remarks of …", "Op-ed by …".  Readouts, briefings, calls and
#: interviews are told by the outlet about someone.
_AUTHORED = re.compile(
    r"^(?:joint\s+)?(?:statement|remarks|op-ed|article|letter|message|address|speech)s?\s+"
    r"(?:by|of|from)\s+(.+?)(?:\s+(?:on|at|following|after|before|in|regarding|announcing|"
    r"with|during|for|to)\b.*)?$",
    re.IGNORECASE,
)


def issuing_person(ex: Extraction, people: dict[str, list[str]]) -> str | None:
    """The one person of the article (``people``: :func:`person_surnames`) whose own text its
    title says it is, or None ("Statement by Press Secretary Jen Psaki on …": Jen Psaki when
    she speaks in it; "Remarks by Vice President Harris and President Zelenskyy": None)."""
    m = _AUTHORED.match(" ".join((ex.article.title or "").split()))
    if m is None:
        return None
    words = [fold(re.sub(r"[’']s$", "", w).strip(".,")) for w in m.group(1).split()]
    if "and" in words:
        return None  # two authors: each sentence's own credit decides
    names = {n for w in words for n in people.get(w, [])}
    return names.pop() if len(names) == 1 else None


def person_surnames(ex: Extraction) -> dict[str, list[str]]:
    """The names of the article's people by their folded surname, in speaker order."""
    out: dict[str, list[str]] = {}
    for sp in ex.speakers:
        if sp.kind == "person" and sp.name.split():
            out.setdefault(fold(sp.name.split()[-1]), []).append(sp.name)
    return out


#: First words of a subject that is no agent: a conjunction, an adverb, a pronoun of the
#: narrator ("And we discussed", "Similar concerns were raised", "We agreed").
_NOT_AGENT = frozenset(
    """and but so or then also however similar further in on at as after before during while
    today yesterday tonight now here there we i our my us""".split()
)
#: Words no name of an agent holds: an auxiliary, a second person, a greeting ("Can you tell
#: us if Russia", "The US has already", "All right", "Hi").
_CLAUSE_WORDS = frozenset(
    """has have had is are was were will would can could did do does may might should must
    shall you your let tell right hi hello thanks thank yes no well okay ok q""".split()
)
#: A pronoun subject names someone the sentence does not: no one can be credited by it.
_THIRD_PERSON = frozenset("he she they his her their".split())


def narrator_credit(
    subject: str, ex: Extraction, outlet: str | None,
    people: dict[str, list[str]] | None = None, narrator: str | None = None,
    groups: Sequence[str] | None = None,
) -> str | None:  # fmt: skip
    """Whom a narrated sentence credits, from the words before its act ("President Biden
    reaffirmed" -> the article's speaker "Joe Biden"; "The Head of State stressed", in the
    outlet's own text, -> its leader; "The conversation was held" or "And we discussed" -> the
    narrator; "He noted" -> None: someone the sentence does not name).  ``narrator``: who tells
    it, the outlet unless a transcript's turn says otherwise; ``people`` and ``groups``:
    :func:`person_surnames` and :func:`person_groups` of ``ex``, when the caller has them."""
    narrator = outlet if narrator is None else narrator
    if not subject or not subject[0].isupper() or len(subject) >= 80:
        return narrator
    words = re.findall(r"[^\W\d_][\w'’-]*", subject)
    if not words or re.search(r"[:?;!\"“”]", subject):
        return narrator  # a question or a label, not a subject
    first = re.sub(r"['’]s$", "", words[0]).lower()
    keys = {fold(w) for w in words}
    content = [re.sub(r"['’]s$", "", w).lower() for w in words if w.lower() not in _FUNCTION]
    if _PASSIVE_END.search(subject) or (content and content[0] in _NO_ONE) or any(
        w in _EVENTS for w in content
    ):  # "The conversation was", "It", "Another phone call"
        return narrator
    people = person_surnames(ex) if people is None else people
    # a speaker the article names, by its surname ("President Biden" is "Joe Biden"); two
    # names of one person ("President of Ukraine Volodymyr Zelenskyy") are one
    named = sorted({name for key in keys for name in people.get(key, ())}, key=len)
    if named and all(fold(n.split()[-1]) == fold(named[0].split()[-1]) for n in named):
        return named[0]
    lower = [w.lower() for w in words]
    if first in {"they", "both"} or not set(lower) - _GROUP_SUBJECT:
        # "They discussed", "The two presidents agreed": the article's one group of people,
        # when it has one ("Joseph R. Biden and Vladimir Putin")
        groups = person_groups(ex) if groups is None else groups
        if len(groups) == 1:
            return groups[0]
        if first == "they" or (first == "both" and len(words) == 1):
            return None
        return subject
    if first in _THIRD_PERSON:
        return None if len(words) == 1 else narrator
    if first in _NOT_AGENT or narrator == REPORTER or {w.lower() for w in words} & _CLAUSE_WORDS:
        return narrator  # a question's words, a greeting or a clause: who tells it
    lead = principal(outlet)
    rest = {w.lower() for w in words} - _OFFICE_WORDS - _FUNCTION
    if lead is not None and not rest - _home_words(outlet) and people.get(lead):
        # nothing but an office and the outlet's own country: the outlet's leader
        return min(people[lead], key=len)
    if len(words) > 6 or "," in subject:
        return narrator  # a clause, not a name ("But beyond that, I don't want to ...")
    return subject


def _home_words(outlet: str | None) -> set[str]:
    """The outlet's country in the words an office may carry ("of Ukraine", "Ukrainian")."""
    country = home(outlet)
    if country is None:
        return set()
    return {country, *_DEMONYMS.get(country, ())}


#: Adjectives of the countries of the collection's outlets.
_DEMONYMS: dict[str, tuple[str, ...]] = {
    "ukraine": ("ukrainian",), "russia": ("russian",),
    "usa": ("american", "united", "states", "us"),
}


def _similarities(units: Sequence[_Unit], embeddings: bool = True) -> np.ndarray:
    n = len(units)
    lex = np.zeros((n, n), dtype=np.float32)
    # A word's weight is its rarity among the story's mentions ("United States" is in half of
    # them, "lasted" in two); two mentions score the weight they share over the lighter one's.
    df: dict[str, int] = {}
    for u in units:
        for w in u.words:
            df[w] = df.get(w, 0) + 1
    weight = {w: math.log(1.0 + n / d) for w, d in df.items()}
    mass = [sum(weight[w] for w in u.words) for u in units]
    rare = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        wi = units[i].words
        for j in range(i + 1, n):
            wj = units[j].words
            if not (wi and wj):
                continue
            if settings.RARE_MATCH and any(df[w] <= settings.RARE_DF for w in wi & wj):
                rare[i, j] = rare[j, i] = 1.0
            shared = sum(weight[w] for w in wi & wj)
            lex[i, j] = lex[j, i] = shared / min(mass[i], mass[j])
    vecs = embed.encode([u.context for u in units]) if embeddings else None
    if vecs is None:
        sim = lex
    else:
        ew = settings.EMBEDDING_WEIGHT
        sim = (1 - ew) * lex + ew * np.clip(vecs @ vecs.T, 0.0, 1.0)
    if settings.RARE_MATCH:
        sim = np.maximum(sim, rare * np.minimum(sim + settings.RARE_MATCH, 1.0))
    # The same amount ("$225 million" / "USD 225 million") is the same package, however
    # differently the accounts thank for it or announce it.
    if settings.AMOUNT_MATCH:
        for i in range(n):
            for j in range(i + 1, n):
                if units[i].amounts & units[j].amounts:
                    sim[i, j] = sim[j, i] = max(sim[i, j], settings.AMOUNT_MATCH)
    # Who asked for the call is one proposition however it is worded ("at the request of the
    # Ukrainian side" / "at the initiative of the American side"): the classic conflict.
    asks = [i for i, u in enumerate(units) if _INITIATOR.search(u.mention.text)]
    for i in asks:
        for j in asks:
            if i != j:
                sim[i, j] = 1.0
    return sim


def _assignment(sub: np.ndarray) -> tuple[list[int], list[int]]:
    """The one-to-one matching of rows and columns with the largest total (the Hungarian
    method, O(n^2 m) with the inner loop over columns in numpy)."""
    if sub.shape[0] > sub.shape[1]:
        cols, rows = _assignment(sub.T)
        order = sorted(range(len(rows)), key=rows.__getitem__)
        return [rows[k] for k in order], [cols[k] for k in order]
    n, m = sub.shape
    cost = np.zeros((n + 1, m + 1))
    cost[1:, 1:] = -sub  # most similar = cheapest
    u, v = np.zeros(n + 1), np.zeros(m + 1)
    p = np.zeros(m + 1, dtype=np.int64)  # p[j]: the row matched to column j (0: none)
    way = np.zeros(m + 1, dtype=np.int64)
    for i in range(1, n + 1):
        p[0], j0 = i, 0
        minv = np.full(m + 1, np.inf)
        used = np.zeros(m + 1, dtype=bool)
        while True:
            used[j0] = True
            i0 = p[j0]
            free = ~used
            free[0] = False
            cur = cost[i0] - u[i0] - v
            better = free & (cur < minv)
            minv[better] = cur[better]
            way[better] = j0
            masked = np.where(free, minv, np.inf)
            j1 = int(masked.argmin())
            delta = masked[j1]
            u[p[used]] += delta
            v[used] -= delta
            minv[~used] -= delta
            j0 = j1
            if p[j0] == 0:
                break
        while j0:
            j1 = int(way[j0])
            p[j0] = p[j1]
            j0 = j1
    pairs = sorted((int(p[j]) - 1, j - 1) for j in range(1, m + 1) if p[j])
    return [r for r, _ in pairs], [c for _, c in pairs]


def _matched_points(units: Sequence[_Unit], sim: np.ndarray) -> list[tuple[float, int, int]]:
    """For each two articles, the one-to-one matching of their mentions with the largest total
    similarity (:func:`_assignment`), its pairs at ``MUTUAL_SIMILARITY`` or more: two accounts
    of one call paraphrase each other point by point, so a weaker match that the best matching
    of the two accounts keeps is the same point."""
    by_article: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        by_article.setdefault(u.mention.article_id, []).append(i)
    groups = list(by_article.values())
    out = []
    for x, a in enumerate(groups):
        for b in groups[x + 1 :]:
            if settings.MATCH_ACROSS_OUTLETS and (
                units[a[0]].mention.outlet == units[b[0]].mention.outlet
            ):
                continue
            sub = sim[np.ix_(a, b)]
            rows, cols = _assignment(sub)
            for ia, jb in zip(rows, cols, strict=True):
                if sub[ia, jb] >= settings.MUTUAL_SIMILARITY and (
                    not settings.MATCH_NEEDS_WORD
                    or units[a[ia]].words & units[b[jb]].words
                    or units[a[ia]].amounts & units[b[jb]].amounts
                ):
                    out.append((float(sub[ia, jb]), a[ia], b[jb]))
    return out


def align(
    mentions: Sequence[ClaimMention], embeddings: bool = True
) -> list[list[ClaimMention]]:
    """Mentions grouped into claims: most similar pairs first, one mention per article in a
    claim unless two of one article are alike (``SAME_ARTICLE_SIMILARITY``), nothing joined
    below ``CLAIM_SIMILARITY`` unless the best matching of two outlets' articles pairs them
    (``MUTUAL_SIMILARITY``).  ``embeddings=False`` compares by words only (no MiniLM)."""
    units = [_unit(m) for m in mentions]
    n = len(units)
    if n == 0:
        return []
    sim = _similarities(units, embeddings)
    art = [u.mention.article_id for u in units]
    pairs = [
        (float(sim[i, j]), i, j)
        for i in range(n) for j in range(i + 1, n)
        if sim[i, j] >= (settings.CLAIM_SIMILARITY if art[i] != art[j]
                         else settings.SAME_ARTICLE_SIMILARITY)
    ]  # fmt: skip
    pairs += _matched_points(units, sim)
    return [[units[k].mention for k in sorted(ks)] for ks in join_pairs(art, pairs)]


def join_pairs(art: Sequence[str], pairs: Sequence[tuple[float, int, int]]) -> list[list[int]]:
    """Mentions (by index; ``art``: each one's article) joined into claims along ``pairs``
    (score, i, j), highest score first, one mention per article in a claim unless the pair
    itself is of one article."""
    group = list(range(len(art)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(art))}
    for _, i, j in sorted(pairs, reverse=True):
        gi, gj = group[i], group[j]
        if gi == gj:
            continue
        # one mention per article in a claim, but for an article that says one thing twice
        # (a narrated point repeated in a quotation): without it, chains of loosely similar
        # sentences grow into claims that hold half an article (alignment F1 0.50 -> 0.22)
        arts_i = {art[k] for k in members[gi]}
        if any(art[k] in arts_i and art[k] != (art[i] if art[i] == art[j] else None)
               for k in members[gj]):  # fmt: skip
            continue
        for k in members[gj]:
            group[k] = gi
        members[gi].extend(members.pop(gj))
    return list(members.values())


def conflict_reason(mentions: Sequence[ClaimMention]) -> str | None:
    """Why the versions of one claim from different outlets disagree, or None."""
    for i, a in enumerate(mentions):
        for b in mentions[i + 1 :]:
            if a.outlet == b.outlet:
                continue
            ia, ib = _INITIATOR.search(a.text), _INITIATOR.search(b.text)
            if ia and ib and _content_words(ia.group(1)) != _content_words(ib.group(1)):
                return (f"different initiator: {ia.group(1).strip()} ({a.outlet}) vs "
                        f"{ib.group(1).strip()} ({b.outlet})")  # fmt: skip
            # A negation or another number is a conflict only between two wordings of one
            # statement: in a claim that joined two loosely similar sentences, "not" in one of
            # them is about something else ("we are not going to get into the details").
            if _overlap(a.text, b.text) < settings.CONFLICT_OVERLAP:
                continue
            na, nb = bool(_NEGATION.search(a.text)), bool(_NEGATION.search(b.text))
            if na != nb:
                neg, pos = (a, b) if na else (b, a)
                return f"{neg.outlet} negates what {pos.outlet} asserts"
            nums_a, nums_b = set(_NUMBER.findall(a.text)), set(_NUMBER.findall(b.text))
            if nums_a and nums_b and not nums_a & nums_b:
                return (f"different numbers: {', '.join(sorted(nums_a))} ({a.outlet}) vs "
                        f"{', '.join(sorted(nums_b))} ({b.outlet})")  # fmt: skip
    return None


def _overlap(a: str, b: str) -> float:
    """The share of the shorter text's content words (negations and numbers aside) that the
    other has too."""
    wa = {w for w in _content_words(_NEGATION.sub(" ", a)) if not w[0].isdigit()}
    wb = {w for w in _content_words(_NEGATION.sub(" ", b)) if not w[0].isdigit()}
    return len(wa & wb) / min(len(wa), len(wb)) if wa and wb else 0.0


def uses_embeddings(extractions: Sequence[Extraction]) -> bool:
    """Whether MiniLM reads the mentions of a story of these accounts: one of
    ``settings.EMBED_MIN_ARTICLES`` articles or more."""
    return len({ex.article.id for ex in extractions}) >= settings.EMBED_MIN_ARTICLES


def compare(extractions: Sequence[Extraction]) -> list[Claim]:
    """The claims of a story's articles (near-duplicates already left out), most outlets first.

    MiniLM reads the mentions only of a story of ``EMBED_MIN_ARTICLES`` articles or more; one
    article's claims are joined by words alone (``settings.EMBED_MIN_ARTICLES``)."""
    mentions = [m for ex in extractions for m in mentions_of(ex)]
    claims: list[tuple[int, int, Claim]] = []
    for group in align(mentions, embeddings=uses_embeddings(extractions)):
        outlets = tuple(sorted({m.outlet or "unknown" for m in group}))
        reason = conflict_reason(group) if len(outlets) > 1 else None
        status: ClaimStatus = (
            "conflict" if reason else "shared" if len(outlets) > 1 else "one_sided"
        )
        summary = min((m.text for m in group), key=len)
        if len(summary) > 200:
            summary = summary[:197].rstrip() + "…"
        claim = Claim("", summary.strip(), status, outlets, reason, tuple(group))
        claims.append((-len(outlets), group[0].start, claim))
    claims.sort(key=lambda t: (t[0], t[1]))
    return [replace(c, id=f"c{n}") for n, (_, _, c) in enumerate(claims, start=1)]
