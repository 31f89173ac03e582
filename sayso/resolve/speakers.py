"""Resolve attribution sources to canonical speakers within one article.

One resolver for every extractor, run by ``sayso.pipeline`` after ``sayso.assemble``.  No neural
coreference model installs offline on Python 3.11, so this is rules over the parse, the named
entities and a first-name table (``names.py``):

* people: every name the article gives a person is gathered first (``_People``), so a surname
  (``Sanders``) or titled surname (``President Biden``) goes to the full name the article uses
  for one person, with gender from titles, the first name and the pronouns used for them;
* pronouns agree in gender and number with their antecedent and prefer the previous speaker,
  then subjects, then recency; never the statement's addressee, never someone named inside the
  statement's own content, never the speaker of the quotation a pronoun stands in;
* first person (``I``, ``we``): the speaker of the quotation it stands in, the turn of a
  transcript (``NAME:``), else the issuer named in the title (``Statement by President …``);
* relative pronouns go to their antecedent, role nouns (``the governor``) to the person the
  article introduced with that role, documents (``the statement``) to their issuer when the text
  says who issued them, else to a ``document`` speaker, never a person;
* possessives (``Trump's advisers``) are a group tied to the possessor, never the possessor;
  conjunctions and counted groups (``the two presidents``) are ``group`` speakers with members.

Every attribution records how its speaker was found (``speaker_via``) and how sure that is.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import functools
import heapq
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..models import Article, Attribution, Span, Speaker, SpeakerKind, SpeakerVia, speaker_id
from . import names as nm

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

TITLES = nm.TITLES
#: Determiners and possessives stripped from the front of a description ("the officials").
_DETERMINERS = re.compile(r"^(the|a|an|this|that|these|those|its|his|her|their|our)\s+", re.I)
_MALE = {"he", "him", "his", "himself"}
_FEMALE = {"she", "her", "hers", "herself"}
_PLURAL = {"they", "them", "their"}
_NEUTER = {"it", "its"}
_FIRST = {"i", "me", "my", "we", "us", "our"}
_RELATIVE = {"who", "which", "that", "whom"}
_NOBODY = {"you", "one", "someone", "everyone", "anyone", "somebody", "nobody"}
#: How many sentences back a pronoun may look for its antecedent.
PRONOUN_LOOKBACK_SENTENCES = 4
#: Score of the reporting speaker for a pronoun in its reported speech ("he said he ...").
PRONOUN_REPORTED_SPEAKER = 3.0
#: Verbs that tell a meeting ("X met with Y", "X held a call with Y").
MEETING_VERBS = frozenset("meet speak talk hold host convene join call".split())
#: How many sentences back "they" or "the leaders" looks for a meeting.
MEETING_LOOKBACK_SENTENCES = 8
#: The offices a "leader" of a country or territory holds ("Hong Kong leader": its chief
#: executive).
LEADER_ROLES = frozenset(
    "leader president premier chancellor chief executive king queen governor prime".split()
)
#: Lower-case words inside a person's name ("Ursula von der Leyen").
NAME_PARTICLES = frozenset("von van der den de da di del della la le du bin al ibn".split())
#: Score of the two people who just met ("X spoke with Y. They agreed ...") for "they".
PRONOUN_MEETING_PAIR = 1.2
#: Taken off a name that is not its clause's subject, as a pronoun's antecedent: "X ...
#: He serves as adviser to Governor Y. He describes himself ..." is X, not Y.
PRONOUN_NON_SUBJECT_PENALTY = 0.5
#: How many mentions back a role, a short organisation name or a counted group looks.
MENTIONS_LOOKBACK = 400
#: How many statements starting before a word may hold it in their source (they overlap only
#: when nested).
SOURCE_OVERLAP_REACH = 8
#: How far back (sentences) the last-resort antecedent of a pronoun may lie: a bound that keeps
#: the pass linear on very long texts.
PRONOUN_FAR_SENTENCES = 40
#: Confidence of a pronoun resolved beyond the lookback (the last agreeing antecedent).
PRONOUN_FAR_CONFIDENCE = 0.5
#: How many sentences back a document noun ("the report") looks for its issuer.
DOCUMENT_LOOKBACK_SENTENCES = 6
#: How many words after a document noun "from X" may still name its issuer ("the report on
#: [a long title] from the Council").
DOCUMENT_FROM_REACH = 30
#: Nouns for a document or channel that speaks for whoever issued it.
DOCUMENT_NOUNS = frozenset(
    """
    statement release tweet post video letter interview report readout summary communique
    communiqué declaration website document guidance story article message memo note op-ed
    transcript filing ruling order proclamation announcement notice blog broadcast footage
    finding data datum guideline study survey
    """.split()
)
#: Nouns for an organisation described rather than named ("the embassy", "police").
ORG_NOUNS = frozenset(
    """
    government administration court police embassy ministry department committee campaign
    agency office council commission company firm party parliament army military newspaper
    site network board union authority authorities team club kremlin
    """.split()
)
#: Singular nouns for a body of people that speaks as a group ("an assembly of ministers").
COLLECTIVE_NOUNS = frozenset(
    "assembly delegation coalition panel alliance bloc gathering crowd consortium jury".split()
)
#: Nouns for a group of the people named before ("the two presidents", "the leaders").
GROUP_NOUNS = frozenset(
    {"president", "leader", "side", "minister", "candidate", "party", "interlocutor", "counterpart"}
)
_NUMBERS = {"two": 2, "both": 2, "three": 3, "four": 4}
#: Last words of company names the NER may take for a person ("Védelmi Ipari Kft").
ORG_SUFFIXES = frozenset(
    "kft inc ltd llc gmbh corp co ag sa plc bv nv oy ab spa srl pty lp group".split()
)
#: Transcript turn labels of a journalist asking ("Question: ...", "Q: ...").
QUESTION_LABELS = frozenset({"question", "q"})
#: A press call's question line ("Q Thanks for doing the call.", "Q: …").
_QUESTION_LINE = re.compile(r"(?m)^[ \t]*Q(?:[ \t]|:|\.)")
#: An answer's label in a transcript ("SENIOR ADMINISTRATION OFFICIAL:", "MS. PSAKI:").
_ANSWER_LABEL = re.compile(r"(?m)^[ \t]*[A-Z][A-Z.'\u2019 -]{2,}:")
#: Channels that are not speakers of their own ("Twitter" said nothing; its user did).
CHANNEL_NAMES = frozenset({"twitter", "facebook", "telegram", "instagram", "youtube", "x"})
#: How far up the parse a cue verb without a subject looks for one ("and emphasized").
SHARED_SUBJECT_STEPS = 4
#: Salience of an embedded clause's subject, against 1 for the main clause's.
EMBEDDED_SUBJECT_WEIGHT = 0.6
#: A borrowed subject is a little less sure than the statement's own source.
SHARED_SUBJECT_DISCOUNT = 0.9
_US = "us u.s. american united states"
#: "The Head of State", "the Ukrainian head of state", "Head of the State".
_HEAD_OF_STATE = re.compile(r"(?i)(?:the\s+)?(?:[\w'’.-]+\s+)?head\s+of\s+(?:the\s+)?state")
_HEAD_WORDS = frozenset({"head", "of", "state", "our"})
#: Country adjectives, to the country's name as titles give it ("President of Ukraine").
_DEMONYM_PLACES = {
    "american": "united states", "ukrainian": "ukraine", "russian": "russia",
    "french": "france", "german": "germany", "british": "united kingdom", "austrian": "austria",
    "chinese": "china", "turkish": "turkey", "polish": "poland", "italian": "italy",
}  # fmt: skip
_RU = "russian russia"
_UA = "ukrainian ukraine"
_WH = r"white ?house"
#: Who an outlet's own office holder is: (pattern of the outlet's name or URL, role, from,
#: until, name, words for the country that pick them out: "the Russian President").  "The
#: President" of a White House readout that names no President is the one in office that day.
#: Extend for other government outlets as they are ingested.
OUTLET_PRINCIPALS: tuple[tuple[str, str, _dt.date, _dt.date, str, str], ...] = (
    (_WH, "president", _dt.date(2009, 1, 20), _dt.date(2017, 1, 20), "Barack Obama", _US),
    (_WH, "president", _dt.date(2017, 1, 20), _dt.date(2021, 1, 20), "Donald Trump", _US),
    (_WH, "president", _dt.date(2021, 1, 20), _dt.date(2025, 1, 20), "Joe Biden", _US),
    (_WH, "president", _dt.date(2025, 1, 20), _dt.date(2029, 1, 20), "Donald Trump", _US),
    (r"kremlin", "president", _dt.date(2012, 5, 7), _dt.date(2030, 5, 7), "Vladimir Putin", _RU),
    # in office since 20 May 2019 (elections suspended under martial law from 2022)
    (r"president of ukraine|president\.gov\.ua", "president", _dt.date(2019, 5, 20),
     _dt.date(2030, 1, 1), "Volodymyr Zelenskyy", _UA),
)
#: ``_Article._find``'s answer for a name it will not give to the one candidate there is.
REFUSED = -1
#: Confidence of each way of finding a speaker (a pronoun's is scaled by its margin).
VIA_CONFIDENCE: dict[str, float] = {
    "name": 0.95, "alias": 0.9, "surname": 0.9, "pronoun": 0.75, "relative": 0.8, "role": 0.75,
    "first_person": 0.9, "document": 0.7, "group": 0.8, "organization": 0.85, "place": 0.85,
    "unresolved": 0.0,
}  # fmt: skip


def _subject_weight(ent: SpacySpan) -> float:
    """How much a name is its clause's subject: 1 for the main clause's, less for an embedded
    clause's ("X held a press conference claiming Y knew": X, then Y), 0 for no subject.  Also
    where the parser stumbled on a suffix ("President Joseph R. Biden, Jr. spoke": "Jr." is the
    nsubj, "Biden" a mere dep)."""
    root = ent.root
    if root.dep_ == "appos" and root.head.dep_ in {"nsubj", "nsubjpass"}:
        root = root.head  # "Hunter Biden's former business partner Tony Bobulinski held"
    head = root.head
    if root.dep_ in {"nsubj", "nsubjpass"} or (
        root.dep_ in {"dep", "appos"} and head.pos_ in {"VERB", "AUX"} and root.i < head.i
    ):
        main = head.dep_ == "ROOT" or (head.dep_ == "conj" and head.head.dep_ == "ROOT")
        return 1.0 if main else EMBEDDED_SUBJECT_WEIGHT
    return 0.0


#: Entity labels ``_person_words`` can read a person's name from (it returns None for others).
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
#: Entity labels ``_read_entity`` makes mentions of (it does nothing with the others).
_MENTION_LABELS = _NAME_LABELS | {"LOC"}
#: Last words that make a PERSON entity a company or a channel ("Védelmi Ipari Kft", "Twitter").
_NOT_A_SURNAME = ORG_SUFFIXES | CHANNEL_NAMES


#: Verbs whose subject issues their object document ("signed an Executive Order").
_ISSUING_VERBS = frozenset({"sign", "issue", "release", "publish"})


def _speaks_in(att: Attribution, outer: Attribution) -> bool:
    """Is ``att``'s first-person source the voice of ``outer``'s speaker?  Yes in quoted words
    ('He said, "We will …"'); not in reported speech, where the narrator's "I" and "we" keep
    theirs ("proposals that he believes reflect initiatives that we outlined": the briefer's
    side)."""
    return outer.kind in {"direct", "mixed"} or outer.cue.text == ":"  # a transcript's turn


@functools.lru_cache(maxsize=65536)  # the same names and phrases come back in every article
def _clean(text: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"\s*\([^)]*\)?$", "", text)  # "Commission (USCIRF)"
    return text.strip(" ,;:\"'\u201c\u201d()*\u2022")


@functools.lru_cache(maxsize=65536)
def _unpossess(text: str) -> str:
    return re.sub(r"['\u2019]s?$", "", text)


@dataclass
class _Person:
    forms: Counter[str] = field(default_factory=Counter)  # full names as written, titles off
    surname: str = ""
    first: str = ""
    start: int = 0  # first mention
    roles: set[str] = field(default_factory=set)  # lower-case role nouns and titles
    role_words: set[str] = field(default_factory=set)  # words around its roles ("russian")
    gender: str | None = None
    mentions: int = 0
    first_name_alone: int = 0

    @property
    def name(self) -> str:
        full = [f for f in self.forms if len(f.split()) >= 2] or list(self.forms)
        # The most used full form; on a tie the plainer one ("Joe Biden" over "Joseph R. Biden").
        order = list(self.forms)
        return min(full, key=lambda f: (-self.forms[f], len(f.split()), order.index(f)))


@dataclass
class _Entity:
    name: str
    kind: SpeakerKind
    aliases: set[str] = field(default_factory=set)
    members: tuple[str, ...] = ()


def _sentence_bounds(doc: Doc) -> list[tuple[int, int, int, int]]:
    """(first token, end token, start offset, end offset) of each sentence of ``doc``, the
    sentences ``doc.sents`` yields, from the token columns (no Span or Token objects)."""
    n = len(doc)
    if not n or not doc.has_annotation("SENT_START"):
        return [(s.start, s.end, s.start_char, s.end_char) for s in doc.sents]
    from spacy.attrs import IDX, LENGTH, SENT_START  # type: ignore[import-not-found]

    cols: list[list[int]] = doc.to_array([SENT_START, IDX, LENGTH]).reshape(n, 3).tolist()  # type: ignore[assignment]
    firsts = [0] + [i for i in range(1, n) if cols[i][0] == 1]
    ends = [*firsts[1:], n]
    return [
        (a, b, cols[a][1], cols[b - 1][1] + cols[b - 1][2])
        for a, b in zip(firsts, ends, strict=True)
    ]


class _Article:
    """What the article says about who is who: people, their names, roles and mentions."""

    def __init__(self, doc: Doc, article: Article) -> None:
        self.doc = doc
        self.text = article.text
        self.headline = article.headline_length
        self._sentences: list[tuple[int, int, int, int]] | None = None
        self._sent_starts = [s[2] for s in self.sentences()]
        self.people: list[_Person] = []
        # (offset, end, person index or -1, other name, kind, is a subject) in text order
        self.mentions: list[tuple[int, int, int, str, SpeakerKind, float]] = []
        #: The named entities, read once (spaCy rebuilds ``doc.ents`` on every access).
        self.ents = tuple(doc.ents)
        self._ent_starts = [e.start for e in self.ents]  # ascending: entities never overlap
        self._propn_at: list[int] | None = None
        self._places: set[str] | None = None  # place names of the article, read when needed
        self._unlabelled_names()
        named = {m[0] for m in self.mentions}
        for ent in self.ents:
            if ent.start_char not in named:
                self._read_entity(ent)
        self._surname_mentions()
        self.mentions.sort()
        #: The offsets of ``mentions``, for bisection.
        self.mention_offs = [m[0] for m in self.mentions]
        self._genders_from_pronouns()
        #: The description of an unnamed issuer ("senior administration official").
        self.anonymous_issuer = ""
        self.principal = self._principal(article)
        self.issuers = self._issuer(article)
        #: The one issuer of a first-person text, when the title names exactly one.
        self.issuer = self.issuers[0] if len(self.issuers) == 1 else None
        self.turns = self._turns()
        #: Offsets of a press call's question lines ("Q Thanks for doing the call. …") and of
        #: its answer labels ("SENIOR ADMINISTRATION OFFICIAL:"), for "you" in an answer.
        self.questions = [m.start() for m in _QUESTION_LINE.finditer(self.text)]
        self.answer_labels = (
            [m.start() for m in _ANSWER_LABEL.finditer(self.text)] if self.questions else []
        )
        #: The one person an interview's title names ("Wikinews interviews biologist X").
        self.interviewee = self._interviewee(article)

    # -- people -------------------------------------------------------------------------------
    def _person_words(self, ent: SpacySpan) -> list[str] | None:
        if ent.label_ not in _NAME_LABELS:
            return None  # dates, numbers, places: never a person (and the cheapest test)
        words = nm.strip_title(_unpossess(_clean(ent.text)).split())
        if ent.label_ == "PERSON":
            if words and nm.word_key(words[-1]) in _NOT_A_SURNAME:
                return None  # "Védelmi Ipari Kft", "Twitter"
            # "Harris and President Zelenskyy": two people the NER ran together.
            ok = all(w[:1].isupper() or w.lower() in NAME_PARTICLES for w in words)
            if not (words and words[0][:1].isupper() and ok):
                return None
            j = ent.end
            while words[-1].lower() in NAME_PARTICLES or (
                j < len(self.doc) and self.doc[j].lower_ in NAME_PARTICLES
            ):
                # "Ursula von" + "der Leyen": the NER stopped at a particle.
                if j >= len(self.doc) or not (
                    self.doc[j].lower_ in NAME_PARTICLES or self.doc[j].text[:1].isupper()
                ):
                    break
                words.append(self.doc[j].text)
                j += 1
                if words[-1][:1].isupper():
                    break
            while words and words[-1].lower() in NAME_PARTICLES:
                words.pop()
            if len(words) >= 3 and self._after_title_of(ent):
                # "Chancellor of" + "Austria Karl Nehammer": the place ran into the name.
                k = self._place_prefix(words)
                if 2 <= len(words) - k <= 3:
                    words = words[k:]
            return words or None
        if words and nm.word_key(words[-1]) in ORG_SUFFIXES:
            return None  # "Védelmi Ipari Kft"
        # The NER calls some names organisations ("Scotland Nicola Sturgeon", "Brock Pierce"),
        # or places; a role in apposition tells ("Gáspár Maróth, the government commissioner").
        caps = bool(words) and all(w[:1].isupper() for w in words)
        if caps and 2 <= len(words) <= 3 and ent.label_ in {"ORG", "GPE", "NORP", "FAC"}:
            appos = [c for c in ent.root.children if c.dep_ == "appos"]
            if any(c.lemma_.lower() in _ROLE_NOUNS for c in appos):
                return words
        for k, w in enumerate(words[:-1]):
            if nm.is_first_name(w) and w[:1].isupper() and all(x[:1].isupper() for x in words[k:]):
                if ent.label_ in {"ORG", "GPE", "NORP", "FAC"} and len(words) - k in (2, 3):
                    return words[k:]
        if caps and ent.label_ in {"ORG", "GPE", "NORP", "FAC"} and self._after_title_of(ent):
            # "President of" + "Ukraine Volodymyr Zelenskyy", "Chancellor of" + "Austria Karl
            # Nehammer": the NER ran the place into the name that follows it.
            k = self._place_prefix(words)
            if k and 2 <= len(words) - k <= 3:
                return words[k:]
        return None

    def _after_title_of(self, ent: SpacySpan) -> bool:
        """Does "<title> of (the)" come right before ``ent``?"""
        j = ent.start - 1
        if j >= 0 and self.doc[j].lower_ == "the":
            j -= 1
        return j >= 1 and self.doc[j].lower_ == "of" and nm.word_key(self.doc[j - 1].text) in TITLES

    def _place_prefix(self, words: list[str]) -> int:
        """How many leading ``words`` name a place: the longest prefix that is a place or
        people elsewhere in the article, else the first word."""
        if self._places is None:
            self._places = {
                nm.plain(e.text) for e in self.ents if e.label_ in {"GPE", "LOC", "NORP"}
            }
        for k in range(len(words) - 2, 0, -1):
            if nm.plain(" ".join(words[:k])) in self._places:
                return k
        return 1

    def ents_in(self, span: SpacySpan) -> list[SpacySpan]:
        """The entities inside ``span`` (``span.ents`` rebuilds every entity of the document on
        each call: quadratic over an article's phrases); by bisection."""
        out = []
        for k in range(bisect.bisect_left(self._ent_starts, span.start), len(self.ents)):
            e = self.ents[k]
            if e.start >= span.end:
                break
            if e.end <= span.end:
                out.append(e)
        return out

    def ent_over(self, i: int) -> SpacySpan | None:
        """The entity that starts before token ``i`` and runs over it."""
        k = bisect.bisect_left(self._ent_starts, i) - 1
        return self.ents[k] if k >= 0 and self.ents[k].end > i else None

    def _read_entity(self, ent: SpacySpan) -> None:
        if ent.label_ not in _MENTION_LABELS:
            return  # neither a person nor a body or place a mention could name
        subject = _subject_weight(ent)
        words = self._person_words(ent)
        if words is not None:
            if ent.start_char < self.headline:
                # Title-case headlines fool the NER ("Brandt Asked", "Zelenskyy Before"): keep
                # only the proper nouns at the ends.
                toks = list(ent)
                while toks and toks[-1].pos_ != "PROPN":
                    toks.pop()
                words = nm.strip_title(_unpossess(_clean(" ".join(t.text for t in toks))).split())
                if len(words) < 2:
                    return
            idx = self.person(words, ent.start_char, create=True, titles=self._titles_before(ent))
            if idx is not None:
                self.mentions.append((ent.start_char, ent.end_char, idx, "", "person", subject))
            return
        if ent.start_char < self.headline:
            return
        modifier = ent.root.dep_ in {"amod", "compound"} or ent.root.pos_ == "ADJ"
        if ent.label_ == "NORP" and modifier:
            return  # "Italian", "European" modifying a noun are nobody "they" could be
        if ent.label_ in {"ORG", "GPE", "NORP", "LOC", "FAC"}:
            kind: SpeakerKind = {"ORG": "organization", "NORP": "group"}.get(  # type: ignore[assignment]
                ent.label_, "place"
            )
            text = ent.text
            of = ent.end + 1 < len(self.doc) and self.doc[ent.end].lower_ == "of"
            if ent.label_ == "ORG" and of:
                # "the Supreme Court" + "of the United Kingdom": the NER cut one name in two.
                k = ent.end + 1 + (self.doc[ent.end + 1].lower_ == "the")
                nxt = self.ent_over(k) if k < len(self.doc) else None
                joined = nxt is not None and nxt.start in {ent.end + 1, k}
                if joined and nxt is not None and nxt.label_ in {"GPE", "ORG"}:
                    text = self.doc[ent.start : nxt.end].text
            name = _DETERMINERS.sub("", _unpossess(_clean(text)))
            self.mentions.append((ent.start_char, ent.end_char, -1, name, kind, subject))

    def _unlabelled_names(self) -> None:
        """Full names the NER missed or took for a body: two to four capitalised proper nouns
        starting with a known first name ("Ricardo Rosselló Nevares", "Carmen Yulín Cruz"),
        outside any place or person entity."""
        doc = self.doc
        # Only proper nouns can start a name: visit those (a Token object per word is slow).
        nxt = 0  # the first token not inside a name read already
        for i in self._propn():
            if i < nxt:
                continue
            tok = doc[i]
            if (
                tok.idx < self.headline
                or tok.pos_ != "PROPN"
                or tok.ent_type_ in {"PERSON", "GPE", "LOC", "FAC", "NORP", "DATE", "TIME"}
                or not nm.is_first_name(tok.text)
                or not tok.text[:1].isupper()
                or (
                    i > 0
                    and doc[i - 1].pos_ == "PROPN"
                    and nm.word_key(doc[i - 1].text) not in TITLES
                    and doc[i - 1].lower_ not in _ROLE_NOUNS
                )  # "Puerto Rico Center": inside another name
            ):
                continue
            j = i + 1
            while (
                j < len(doc)
                and j - i < 4
                and doc[j].pos_ == "PROPN"
                and doc[j].text[:1].isupper()
                and doc[j].ent_type_ in {"", "ORG", "PERSON"}
                and doc[j].is_alpha
            ):
                j += 1
            span = doc[i:j]
            ent = self.ent_over(i)
            whole = ent is None or (ent.start == i and ent.end == j)
            if j - i >= 2 and whole and nm.word_key(doc[j - 1].text) not in ORG_SUFFIXES:
                words = [t.text for t in span]
                idx = self.person(
                    words, span.start_char, create=True, titles=self._titles_before(span)
                )
                if idx is not None:
                    self.mentions.append(
                        (span.start_char, span.end_char, idx, "", "person", _subject_weight(span))
                    )
            nxt = max(j, i + 1)

    def _propn(self) -> list[int]:
        """Indices of the proper nouns, in order (read once from the POS column)."""
        if self._propn_at is None:
            doc = self.doc
            propn = doc.vocab.strings["PROPN"]  # the symbol's id, as in the POS column
            pos = doc.to_array("POS").tolist() if len(doc) else []
            self._propn_at = [i for i, p in enumerate(pos) if p == propn]
        return self._propn_at

    def _surname_mentions(self) -> None:
        """Mentions of people by a surname the NER missed or took for a body ("Hawkins
        renewed ...", "La Riva" as an organisation): a capitalised word outside any person
        entity that is the surname of exactly one person the article names in full."""
        surnames: dict[str, list[int]] = {}
        for k, p in enumerate(self.people):
            if p.first:
                surnames.setdefault(nm.word_key(p.surname), []).append(k)
        if not surnames:
            return
        taken = {m[0] for m in self.mentions if m[2] >= 0}
        drop = set()
        for i in self._propn():
            tok = self.doc[i]
            if tok.idx < self.headline or not tok.text[:1].isupper() or tok.pos_ != "PROPN":
                continue
            owners = surnames.get(nm.word_key(tok.text))
            if not owners or len(owners) != 1 or tok.ent_type_ == "PERSON":
                continue
            ent = self.ent_over(tok.i)
            if ent is not None and not (ent.end == tok.i + 1 and len(ent) <= 2):
                continue  # part of a longer name ("Hawkins Street Station")
            start = ent if ent is not None else self.doc[tok.i : tok.i + 1]
            if start.start_char in taken:
                continue
            if ent is not None:
                drop.add(ent.start_char)  # "La Riva" read as an organisation
            self.people[owners[0]].mentions += 1
            self.mentions.append(
                (start.start_char, start.end_char, owners[0], "", "person", _subject_weight(start))
            )
        if drop:
            self.mentions = [m for m in self.mentions if m[2] >= 0 or m[0] not in drop]

    def _titles_before(self, ent: SpacySpan) -> list[str]:
        """Title and role words before a name, in it, or in an apposition to it."""
        out = [t.text for t in ent if nm.word_key(t.text) in TITLES or t.lower_ in nm.GENDER_TITLES]
        k = ent.start - 1
        skips = 0
        if self._after_title_of(ent):
            # "Chancellor of" + "Austria Karl Nehammer": the place is inside the entity, so
            # the title is right before "of (the)".
            k -= 2 if self.doc[k].lower_ == "the" else 1
            skips = 1
            words = [t.text for t in ent]
            if len(words) >= 3:
                out += words[: self._place_prefix(words)]  # the place tells whose title it is
        while True:
            top = k
            while k >= 0 and (
                self.doc[k].pos_ in {"NOUN", "PROPN", "ADJ"} or self.doc[k].lower_ in TITLES
            ):
                if self.doc[k].ent_type_ == "PERSON":
                    break
                out.append(self.doc[k].text)
                k -= 1
                if ent.start - k > 5 + 4 * skips:
                    break
            # "President of Ukraine Volodymyr Zelenskyy", "President of the United States
            # Joseph Biden": past "of (the) <a place>" to the title before it
            place = top > k and all(
                self.doc[j].ent_type_ in {"GPE", "NORP", "LOC"} for j in range(k + 1, top + 1)
            )
            j = k - 1 if k >= 1 and self.doc[k].lower_ == "the" else k
            if not (place and skips < 2 and j >= 1 and self.doc[j].lower_ == "of"):
                break
            k, skips = j - 1, skips + 1
        if k >= 1 and self.doc[k].lower_ == "the" and self.doc[k - 1].lower_ in {"to", "of", "for"}:
            out = []  # "Aide to the President Yury Ushakov": the President is someone else
        for child in [c for t in ent for c in t.children if c.i >= ent.end]:
            if child.dep_ == "appos":
                out += [t.text for t in child.subtree if t.pos_ in {"NOUN", "ADJ", "PROPN"}][:6]
        if ent.root.dep_ == "appos" and ent.root.head.pos_ == "NOUN":
            out += [
                t.text
                for t in ent.root.head.subtree
                if t.i < ent.start and t.pos_ in {"NOUN", "ADJ", "PROPN"}
            ][:6]
        return out

    def person(
        self,
        words: list[str],
        offset: int,
        create: bool = False,
        titles: list[str] = (),  # type: ignore[assignment]
    ) -> int | None:
        """The person these name words (titles already off) stand for; a new one if ``create``."""
        if not words:
            return None
        name = " ".join(words)
        gender = next(
            (nm.GENDER_TITLES[w] for w in map(nm.word_key, titles) if w in nm.GENDER_TITLES), None
        )
        idx = self._find(words, offset, gender, [nm.word_key(t) for t in titles])
        refused = idx == REFUSED
        if refused:
            idx = None
        if idx is None and create and (
            len(words) >= 2 or refused or not self._single_word_known(words[0])
        ):
            p = _Person(surname=words[-1], first=words[0] if len(words) >= 2 else "", start=offset)
            p.gender = gender or (nm.first_name_gender(words[0]) if len(words) >= 2 else None)
            self.people.append(p)
            idx = len(self.people) - 1
        if idx is None:
            return None
        p = self.people[idx]
        if create:
            p.forms[name] += 1
            p.mentions += 1
            if len(words) >= 2 and not p.first:
                p.first, p.surname = words[0], words[-1]
                p.gender = p.gender or nm.first_name_gender(words[0])
            if len(words) == 1 and p.first and nm.word_key(words[0]) == nm.word_key(p.first):
                p.first_name_alone += 1
            if gender and not p.gender:
                p.gender = gender
            for t in titles:
                key = nm.word_key(t)
                p.role_words.add(key)
                if key in TITLES or t[:1].islower():
                    p.roles.add(key)
        return idx

    def _single_word_known(self, word: str) -> bool:
        return any(
            nm.same_surname(word, p.surname) or nm.word_key(word) == nm.word_key(p.first)
            for p in self.people
        )

    def _find(
        self, words: list[str], offset: int, gender: str | None, titles: list[str]
    ) -> int | None:
        if len(words) >= 2:
            name = " ".join(words)
            for k, p in enumerate(self.people):
                if p.first and nm.same_person_name(p.first + " " + p.surname, name):
                    return k
            for k, p in enumerate(self.people):  # a two-word surname ("La Riva")
                if any(f != name and nm.plain(f).endswith(" " + nm.plain(name)) for f in p.forms):
                    return k
            for k, p in enumerate(self.people):  # a surname seen alone before the full name
                if not p.first and nm.same_surname(p.surname, words[-1]):
                    return k
            return None
        w = words[0]
        cands = [k for k, p in enumerate(self.people) if nm.same_surname(w, p.surname)]
        if not cands:
            # A two-part surname used by its first part ("Rosselló" for Ricardo Rosselló
            # Nevares, "Vázquez" for Wanda Vázquez Garced).
            cands = [
                k
                for k, p in enumerate(self.people)
                if p.first
                and any(
                    len(f.split()) >= 3 and nm.word_key(f.split()[-2]) == nm.word_key(w)
                    for f in p.forms
                )
            ]
        if gender:
            cands = [k for k in cands if self.people[k].gender in (None, gender)]
        # A title the person was never given ("President Trump" is not Melania Trump).
        role_titles = [
            t
            for t in titles
            if t in TITLES
            and t not in nm.GENDER_TITLES
            and t not in {"former", "mr", "mrs", "ms", "dr"}
        ]
        if role_titles and len(cands) >= 1:
            fit = [k for k in cands if any(t in self.people[k].roles for t in role_titles)]
            if fit:
                cands = fit
            elif all(self.people[k].first and self.people[k].gender == "f" for k in cands):
                # "Melania Trump ... President Trump said": the title she was never given
                # names someone else (a new, titled person; identity may join it later).
                return REFUSED
        if (
            len(cands) > 1
        ):  # Joe and Hunter Biden: the bare surname is the one not called by first name
            cands.sort(
                key=lambda k: (
                    self.people[k].first_name_alone,
                    -self.people[k].mentions,
                    self.people[k].start,
                )
            )
        if cands:
            return cands[0]
        firsts = [
            k
            for k, p in enumerate(self.people)
            if p.first and nm.word_key(p.first) == nm.word_key(w)
        ]
        return firsts[0] if len(firsts) == 1 else None

    def _genders_from_pronouns(self) -> None:
        """A person who is a sentence's subject and is then called he or she has that gender."""
        doc = self.doc
        strings = doc.vocab.strings
        male = {strings[w] for w in _MALE}
        female = {strings[w] for w in _FEMALE}
        lower = doc.to_array("LOWER").tolist() if len(doc) else []
        pronouns = [i for i, h in enumerate(lower) if h in male or h in female]
        if not pronouns:
            return
        tok_idx = doc.to_array("IDX").tolist()
        votes: dict[int, Counter[str]] = {}
        for first, last, start_char, end_char in self.sentences():
            lo = bisect.bisect_left(self.mention_offs, start_char)
            hi = bisect.bisect_left(self.mention_offs, end_char)
            subj = [m for m in self.mentions[lo:hi] if m[2] >= 0 and m[5]]
            if len(subj) != 1:
                continue
            a, b = bisect.bisect_left(pronouns, first), bisect.bisect_left(pronouns, last)
            for i in pronouns[a:b]:
                if tok_idx[i] > subj[0][1]:
                    gender = "m" if lower[i] in male else "f"
                    votes.setdefault(subj[0][2], Counter())[gender] += 1
        for idx, v in votes.items():
            p = self.people[idx]
            if p.gender is None and len(v) == 1:
                p.gender = next(iter(v))

    def sentences(self) -> list[tuple[int, int, int, int]]:
        """(first token, end token, start offset, end offset) of each sentence, as
        ``doc.sents`` gives them (read once from the token columns)."""
        if self._sentences is None:
            self._sentences = _sentence_bounds(self.doc)
        return self._sentences

    # -- first-person texts -------------------------------------------------------------------
    _ISSUED = re.compile(
        r"^(?:(?:joint\s+)?(?:statement|remarks|readout|op-ed|letter|message|press release|"
        r"briefing|(?:background\s+)?(?:press\s+)?call|"
        r"address|interview|proclamation|memorandum|speech)s?)\s+(?:by|of|from)\s+(.+?)"
        r"(?:\s+(?:on|at|following|after|before|in|regarding|announcing|with|during|for)\b.*)?$",
        re.I,
    )

    def _principal(self, article: Article) -> tuple[str, int] | None:
        """(role, person) of the office that publishes the article, at its date: the US
        President for a White House text (see ``OUTLET_PRINCIPALS``)."""
        day = article.published_date
        outlet = f"{article.source or ''} {article.url or ''}".lower()
        if day is None:
            return None
        for marker, role, first, last, name, country in OUTLET_PRINCIPALS:
            if re.search(marker, outlet) and first <= day < last:
                words = name.split()
                idx = self.person(words, 0)
                if idx is None:
                    idx = self.person(words, 0, create=True, titles=[role])
                elif not self.people[idx].first:
                    # "President Biden" read before: he is the principal, by his full name.
                    idx = self.person(words, 0, create=True)
                if idx is None:
                    return None
                self.people[idx].roles.add(role)
                self.people[idx].role_words.update(country.split())
                return role, idx
        return None

    def _issuer(self, article: Article) -> list[int]:
        """The people the title names as issuing a first-person text (two or more for
        "Remarks by Vice President Harris and President Zelenskyy")."""
        title = article.title or (self.text[: self.headline] if self.headline else "")
        m = self._ISSUED.match(" ".join(title.split()))
        if not m:
            return []
        segment = m.group(1).strip()
        # People the article names, in the order the title gives them ("Aide to the President
        # Yury Ushakov": Ushakov, not "Aide").
        seg_keys = [nm.word_key(_unpossess(w)) for w in segment.split()]
        named = sorted(
            (seg_keys.index(nm.word_key(p.surname)), k)
            for k, p in enumerate(self.people)
            if p.first and nm.word_key(p.surname) in seg_keys
        )
        if named:
            return [k for _, k in named]
        if re.match(r"(?i)(?:an?|one|two|three|several)\s", segment):
            # "a Senior Administration Official": unnamed, but one person throughout.
            self.anonymous_issuer = re.sub(r"^\w+\s+", "", segment).lower()
            return []
        out: list[int] = []
        for who in re.split(r"\s*(?:,|&|\band\b)\s*", segment):
            # Leading capitalised words only: "President Biden to the Nation".
            lead = re.match(r"(?:[A-Z][\w.'\u2019-]*\s*)+", _DETERMINERS.sub("", who.strip()))
            who = re.sub(r"['\u2019]s?$", "", lead.group(0).strip() if lead else "")
            words = nm.strip_title(who.split())
            if not words:
                continue
            if nm.word_key(words[-1]) == "president" and len(words) <= 2:
                idx = self._role_holder("president", len(self.text), ())
            else:
                idx = self.person(words, 0)
                if idx is None and len(words) >= 2:
                    idx = self.person(words, 0, create=True, titles=who.split()[: -len(words)])
                elif idx is None and len(words) == 1 and who.split()[0][:1].isupper():
                    # "Vice President Harris": a titled surname names a person too.
                    idx = self.person(words, 0, create=True, titles=who.split()[:-1])
            if idx is not None and idx not in out:
                out.append(idx)
        return out

    def _turns(self) -> list[tuple[int, int]]:
        """(offset, person) of transcript turns: lines starting ``NAME:``; person -1 ends the
        turn before it.  Image captions ("Jo JorgensenImage: ...") are not turns: a roster of
        captioned people followed by blocks of prose gives each block, in order, to one of
        them (a gallery of statements that lost its layout)."""
        out = []
        captions: list[tuple[int, int, int]] = []  # (line start, line end, person)
        for m in re.finditer(
            r"(?m)^[ \t*]*([A-Z][\w.'\u2019-]*?(?: [A-Z][\w.'\u2019-]*?){0,6})( ?Image)?:",
            self.text,
        ):
            words = nm.strip_title(m.group(1).split())
            idx = self.person(words, m.start())
            if idx is None and len(words) >= 2 and nm.is_first_name(words[0]):
                idx = self.person(words, m.start(), create=True)
            if idx is None and len(words) == 1:
                idx = self.initials(words[0])
            if idx is None:
                continue
            if m.group(2):
                end = self.text.find("\n", m.end())
                captions.append((m.start(), len(self.text) if end < 0 else end, idx))
            else:
                out.append((m.start(), idx))
        out += self._roster_turns(captions)
        # The interviewer's questions ("((WN)) How did you ...") are turns of no one named.
        out += [(m.start(), -1) for m in re.finditer(r"(?m)^[ \t]*\(\(WN\)\)", self.text)]
        return sorted(out)

    def answers_a_question(self, at: int) -> bool:
        """Does offset ``at`` lie in an answer of a press call: after a question line and after
        an answer label that follows it?"""
        k = bisect.bisect_right(self.questions, at) - 1
        if k < 0:
            return False
        j = bisect.bisect_right(self.answer_labels, at) - 1
        return j >= 0 and self.answer_labels[j] > self.questions[k]

    def _interviewee(self, article: Article) -> int | None:
        title = article.title or (self.text[: self.headline] if self.headline else "")
        title = " ".join(title.split())
        m = re.search(r"(?i)\binterview(?:s|ed|ing)?\b(?:\s+with)?\s+(.+)$", title)
        if not m:
            return None
        found = {
            k
            for k, p in enumerate(self.people)
            if p.first and nm.word_key(p.surname) in {nm.word_key(w) for w in m.group(1).split()}
        }
        return found.pop() if len(found) == 1 else None

    def initials(self, word: str) -> int | None:
        """The one person whose initials ``word`` is ("NG:" for Natasha Gownaris in an
        interview transcript)."""
        if not (2 <= len(word) <= 3 and word.isalpha() and word.isupper()):
            return None
        found = [
            k
            for k, p in enumerate(self.people)
            if p.first and (p.first[:1] + p.surname[:1]).upper() == word[:1] + word[-1:]
            and len(p.name.split()) == len(word)
        ]  # fmt: skip
        return found[0] if len(found) == 1 else None

    def _roster_turns(self, captions: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
        """Turns for the prose blocks after each run of two or more caption lines: block k to
        the k-th captioned person, then -1 (no one) after the last."""
        out: list[tuple[int, int]] = []
        k = 0
        while k < len(captions):
            run = [captions[k]]
            while k + 1 < len(captions) and not self.text[run[-1][1] : captions[k + 1][0]].strip():
                k += 1
                run.append(captions[k])
            k += 1
            if len(run) < 2:
                continue
            blocks: list[int] = []  # start offsets of the prose blocks
            in_block = False
            for para in re.finditer(r"[^\n]+", self.text[run[-1][1] :]):
                line = para.group(0).strip()
                start = run[-1][1] + para.start()
                if re.match(r"^[ \t*]*[A-Z][\w.'\u2019 -]{0,60}?(?: ?Image)?:", line) and (
                    "Image:" in line
                ):
                    break  # the next gallery
                separator = len(line.split()) < 6 and not re.search(r"[.?!\"\u201d]$", line)
                if separator:
                    in_block = False
                elif not in_block:
                    blocks.append(start)
                    in_block = True
                if len(blocks) > len(run):
                    break
            for j, start in enumerate(blocks):
                out.append((start, run[j][2] if j < len(run) else -1))
        return out

    # -- helpers ------------------------------------------------------------------------------
    def mentions_before(
        self, offset: int
    ) -> list[tuple[int, int, int, str, SpeakerKind, float]]:
        """The mentions before ``offset``, latest first, at most ``MENTIONS_LOOKBACK`` of them
        (the bound keeps every lookup linear on very long texts)."""
        hi = bisect.bisect_left(self.mention_offs, offset)
        return self.mentions[max(0, hi - MENTIONS_LOOKBACK) : hi][::-1]

    def sentence_start(self, k: int) -> int:
        """The offset where sentence ``k`` starts (0 before the first)."""
        return self._sent_starts[k] if 0 <= k < len(self._sent_starts) else 0

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence containing a character offset."""
        return bisect.bisect_right(self._sent_starts, offset) - 1

    def _role_holder(
        self, role: str, offset: int, words: tuple[str, ...] | list[str]
    ) -> int | None:
        """The person introduced with ``role``; modifiers ("Russian") pick among several."""
        roles = LEADER_ROLES if role == "leader" else {role}
        cands = [k for k, p in enumerate(self.people) if roles & p.roles and p.start < offset]
        if not cands:
            cands = [k for k, p in enumerate(self.people) if roles & p.roles]
        if not cands and self.principal is None:
            return None
        mods = {nm.word_key(w) for w in words} - {role, "the", "a", "an"}
        if not cands and (self.principal is None or mods - {"our"}):
            return None
        if self.principal is not None and role == self.principal[0] and mods <= {"our"}:
            # "the President" in a White House text is the US President, even just after
            # "President Zelenskyy" was named.
            return self.principal[1]
        if (self.principal is not None and role == "leader"
                and mods - _HEAD_WORDS <= self.people[self.principal[1]].role_words):
            # "the Head of State" (of Ukraine) in the Ukrainian President's own text
            return self.principal[1]  # fmt: skip
        if not cands:  # "the minister" in a White House text that named no minister
            return None
        # a country's short name or adjective picks whoever its full name came with ("the US
        # President": "President of the United States Joseph Biden")
        places = set(mods)
        for w in mods:
            full = nm.canonical_name(w) if w.isalpha() else w
            places |= {nm.word_key(x) for x in f"{full} {_DEMONYM_PLACES.get(w, '')}".split()}
        fit = [k for k in cands if places & self.people[k].role_words]
        if fit:
            cands = fit
        elif any(w[:1].isupper() and nm.word_key(w) in mods for w in words):
            # "the President of Ukraine" when only the US President is known: not him
            return None
        last: dict[int, int] = {}
        for m in self.mentions_before(offset):
            if m[2] >= 0:
                last.setdefault(m[2], m[0])
        return max(cands, key=lambda k: (last.get(k, -1), -self.people[k].start))


def _source_start(a: Attribution) -> int:
    return a.source.start if a.source is not None else -1


def _holders(atts: list[Attribution]) -> dict[str, Attribution]:
    """Per statement id, the other statement with a content piece over its source's start,
    the latest-starting content first (then the earliest in ``atts``): one sweep over the
    pieces sorted by start, with a heap of those still open, so time grows as n log n."""
    pieces = sorted(
        (c.start, c.end, k) for k, a in enumerate(atts) for c in a.content if c.end > c.start
    )
    queries = sorted((a.source.start, k) for k, a in enumerate(atts) if a.source is not None)
    heap: list[tuple[int, int, int]] = []  # (-content start, index, piece end)
    out: dict[str, Attribution] = {}
    i = 0
    for pos, q in queries:
        while i < len(pieces) and pieces[i][0] <= pos:
            _, end, k = pieces[i]
            heapq.heappush(heap, (-atts[k].content[0].start, k, end))
            i += 1
        while heap and heap[0][2] <= pos:  # closed before this source: never needed again
            heapq.heappop(heap)
        # The best open piece that is not the statement's own and still holds pos.
        aside = []
        while heap and (heap[0][1] == q or heap[0][2] <= pos):
            top = heapq.heappop(heap)
            if top[2] > pos:
                aside.append(top)
        if heap:
            out[atts[q].id] = atts[heap[0][1]]
        for top in aside:
            heapq.heappush(heap, top)
    return out


class _Resolver:
    def __init__(self, doc: Doc, article: Article, attributions: list[Attribution]) -> None:
        self.info = _Article(doc, article)
        self.doc = doc
        self.entities: dict[str, _Entity] = {}
        self.atts = attributions
        self.by_id = {a.id: a for a in attributions}
        self.done: dict[str, tuple[_Entity | None, str, float]] = {}
        self._resolving: set[str] = set()  # statements whose speaker is being resolved now
        self._holders: dict[str, Attribution] | None = None  # see _holders()
        self.history: list[tuple[int, _Entity]] = []  # (source offset, speaker), by offset
        self._history_offs: list[int] = []  # the offsets of ``history``, for bisection
        #: The statements with a source, by source start (with the starts, for bisection).
        self._by_source = sorted((a for a in attributions if a.source), key=_source_start)
        self._source_starts = [_source_start(a) for a in self._by_source]
        self._participants_cache: list[_Entity] | None = None

    # -- entities -----------------------------------------------------------------------------
    def remember(
        self, name: str, kind: SpeakerKind, alias: str = "", members: tuple[str, ...] = ()
    ) -> _Entity:
        if kind in ("place", "organization"):
            canonical = nm.canonical_name(name)
            if canonical != name:
                alias, name = alias or name, canonical
        key = speaker_id(name)
        ent = self.entities.get(key)
        if ent is None:
            ent = self.entities[key] = _Entity(name, kind, members=members)
        if alias and alias != name:
            ent.aliases.add(alias)
        return ent

    def person_entity(self, idx: int, alias: str = "") -> _Entity:
        p = self.info.people[idx]
        name = p.name
        # Only name forms become aliases: never roles, pronouns or "Our President".
        words = nm.strip_title(alias.split()) if alias else []
        keep = bool(words) and nm.same_surname(words[-1], p.surname) and alias[:1].isupper()
        if keep and all(w.isupper() for w in words):
            # A transcript label ("PRESIDENT ZELENSKYY:"): the name, as names are written.
            words = [w.capitalize() for w in words]
        return self.remember(name, "person", " ".join(words) if keep else "")

    # -- the pass -----------------------------------------------------------------------------
    def run(self) -> list[Attribution]:
        order = sorted(self.atts, key=lambda a: a.source.start if a.source else a.cue.start)
        first = [a for a in order if a.source and _clean(a.source.text).lower() in _FIRST]
        is_first = {id(a) for a in first}  # by identity: a scan of `first` each is quadratic
        for att in [a for a in order if id(a) not in is_first] + first:
            if att.source is None:
                self.done[att.id] = self._sourceless(att)
                continue
            if att.id not in self.done:
                self._resolving.add(att.id)
                try:
                    self.done[att.id] = self.resolve_source(att)
                finally:
                    self._resolving.discard(att.id)
            ent, via, conf = self.done[att.id]
            if ent is not None:
                k = bisect.bisect_right(self._history_offs, att.source.start)
                self._history_offs.insert(k, att.source.start)
                self.history.insert(k, (att.source.start, ent))
        out = []
        for att in self.atts:
            ent, via, conf = self.done[att.id]
            out.append(
                replace(
                    att,
                    speaker=speaker_id(ent.name) if ent else None,
                    speaker_via=via,  # type: ignore[arg-type]
                    speaker_confidence=round(conf, 3),
                )
            )
        return out

    def _sourceless(self, att: Attribution) -> tuple[_Entity | None, str, float]:
        """A statement without source words: the subject its cue verb shares with another verb
        ("Biden underscored ... and emphasized"), a transcript turn, or nobody."""
        got = self._shared_subject(att)
        if got is not None and got[0] is not None:
            ent, via, conf = got
            return ent, via, conf * SHARED_SUBJECT_DISCOUNT
        turn = self._turn_at(att.cue.start)
        if turn is not None:
            return self.person_entity(turn), "first_person", 0.8
        return None, "unresolved", 0.0

    def _shared_subject(self, att: Attribution) -> tuple[_Entity | None, str, float] | None:
        """The speaker of a cue verb without a subject of its own, read from the parse: a
        coordinated verb, a participle or purpose clause takes its governing verb's subject;
        "a statement saying" takes the statement's issuer.  Passives ("was said"), hedges
        ("reportedly") and object control ("urged the crowd to consider") give nothing."""
        span = self.doc.char_span(att.cue.start, att.cue.end, alignment_mode="expand")
        if span is None:
            return None
        tok = span.root
        if tok.pos_ not in {"VERB", "AUX"}:
            return None
        for _ in range(SHARED_SUBJECT_STEPS):
            deps = {c.dep_ for c in tok.children}
            if deps & {"nsubjpass", "auxpass", "csubj"}:
                return None
            subj = [c for c in tok.children if c.dep_ == "nsubj"]
            if subj:
                return self._subject_entity(subj[0], att)
            head = tok.head
            if tok.dep_ == "acl" and head.lemma_.lower() in DOCUMENT_NOUNS:
                issuer = self._issuer_of(head, None)
                return (issuer, "document", VIA_CONFIDENCE["document"]) if issuer else None
            if tok.dep_ == "acl" and head.pos_ in {"NOUN", "PROPN"} and tok.tag_ == "VBG":
                if head.tag_ in {"NNS", "NNPS"} or head.ent_type_ in {"PERSON", "ORG", "NORP"}:
                    # "with officials saying ...": the people the participle describes.
                    return self._subject_entity(head, att)
                if head.dep_ == "dobj" and head.head.pos_ in {"VERB", "AUX"}:
                    tok = head.head  # "X held a press conference claiming ...": X
                    continue
                return None
            if tok.dep_ not in {"conj", "advcl", "xcomp"} or head.pos_ not in {"VERB", "AUX"}:
                return None
            if tok.dep_ == "xcomp" and any(c.dep_ == "dobj" for c in head.children):
                return None
            tok = head
        return None

    def _subject_entity(self, subj: Token, att: Attribution) -> tuple[_Entity | None, str, float]:
        """The speaker a subject token stands for: another statement's, when it is that
        statement's source; else the subject phrase resolved like a source."""
        k = bisect.bisect_right(self._source_starts, subj.idx)
        for other in reversed(self._by_source[max(0, k - SOURCE_OVERLAP_REACH) : k]):
            src = other.source
            if other.id != att.id and src is not None and src.start <= subj.idx < src.end:
                ent = self._speaker_of(other)
                got = self.done.get(other.id)
                return (ent, got[1], got[2]) if ent is not None and got else (None, "", 0.0)
        if nm.word_key(subj.text) in nm.SUFFIXES and subj.i >= 1:
            # "President Joseph R. Biden, Jr. spoke": the parser makes the suffix the subject.
            k = subj.i - 1 - (self.doc[subj.i - 1].text == ",")
            named = self.info.ent_over(k) if k >= 0 else None
            if named is not None and named.label_ == "PERSON" and named.end == k + 1:
                subj = named.root
        appos = [c for c in subj.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"]
        if appos and subj.ent_type_ != "PERSON":
            subj = appos[0]  # "Hunter Biden's former business partner Tony Bobulinski"
        lo = min(
            t.i
            for t in subj.subtree
            if t.dep_ not in {"relcl", "acl", "punct", "appos"} or t is subj
        )
        words = self.doc[lo : subj.i + 1]  # the head and what comes before it
        if any(t.pos_ in {"VERB", "AUX"} for t in words):
            return None, "unresolved", 0.0  # a clause, not a name: the parse went astray
        src = Span(words.start_char, words.end_char, words.text)
        return self.resolve_source(replace(att, source=src))

    def _turn_at(self, offset: int) -> int | None:
        turns = [t for t in self.info.turns if t[0] <= offset]
        return turns[-1][1] if turns and turns[-1][1] >= 0 else None

    def _enclosing(self, att: Attribution) -> Attribution | None:
        """The statement whose content holds this one's source (the quotation it stands in)."""
        assert att.source is not None
        if self._holders is None:
            self._holders = _holders(self.atts)
        best = self._holders.get(att.id)
        if best is None and att.parent:
            best = self.by_id.get(att.parent)
        return best

    def _speaker_of(self, att: Attribution) -> _Entity | None:
        if att.id in self._resolving:
            # Two statements each inside the other's content: neither's speaker may wait on
            # the other's (that recursion never ends).
            return None
        if att.id not in self.done and att.source is not None:
            self._resolving.add(att.id)
            try:
                self.done[att.id] = self.resolve_source(att)
            finally:
                self._resolving.discard(att.id)
        got = self.done.get(att.id)
        return got[0] if got else None

    def resolve_source(self, att: Attribution) -> tuple[_Entity | None, str, float]:
        assert att.source is not None
        raw = _clean(att.source.text)
        low = raw.lower()
        if not raw:
            return None, "unresolved", 0.0
        if low in _FIRST:
            return self._first_person(att, low)
        if low == "you" and self.info.interviewee is not None:
            turns = [t for t in self.info.turns if t[0] <= att.source.start]
            if not turns or turns[-1][1] != self.info.interviewee:
                # "You mention starvation ..." asked in an interview: the one interviewed.
                return self.person_entity(self.info.interviewee), "pronoun", 0.8
        if low == "you" and self.info.answers_a_question(att.source.start):
            # "And as you said, it was very apt today" in an answer: the reporter who asked.
            return self.remember("reporter", "person"), "pronoun", VIA_CONFIDENCE["role"]
        if low in _NOBODY:
            return None, "unresolved", 0.0
        by_initials = self.info.initials(raw)
        if by_initials is not None:
            return self.person_entity(by_initials), "name", VIA_CONFIDENCE["surname"]
        if low in QUESTION_LABELS:
            return self.remember("reporter", "person"), "role", VIA_CONFIDENCE["role"]
        if low in _MALE | _FEMALE | _PLURAL | _NEUTER:
            return self._pronoun(att, low)
        span = self.doc.char_span(att.source.start, att.source.end, alignment_mode="expand")
        if span is None:
            return None, "unresolved", 0.0
        if low in _RELATIVE:
            return self._relative(span, att)
        got = self.phrase(span, raw, att)
        if got[0] is None or got[0].kind == "unknown":
            # "Alexis Boon, the head of the ... Command": the name before the apposition.
            cut = next((t for t in span if t.text == "," and t.i > span.start), None)
            if cut is not None:
                first = self.doc[span.start : cut.i]
                if all(t.text[:1].isupper() for t in first if t.is_alpha):
                    again = self.phrase(first, _clean(first.text), att)
                    if again[0] is not None and again[0].kind == "person":
                        return again
        if got[0] is not None and got[0].kind in {"person", "place", "document"}:
            return got
        named = self._named_apposition(span, att)
        return named if named is not None else got

    def _named_apposition(
        self, span: SpacySpan, att: Attribution
    ) -> tuple[_Entity | None, str, float] | None:
        """"One news site, Znak.com," / "One of these groups, the Syrian Democratic Forces": a
        description, then the name in apposition: the name."""
        cut = next((t for t in span if t.text == "," and t.i > span.start), None)
        if cut is None:
            return None
        first = self.doc[span.start : cut.i]
        if first.root.pos_ not in {"NOUN", "NUM", "PRON"} or any(
            t.pos_ == "PROPN" or t.lower_ in {"including", "("} for t in first
        ):
            return None
        end = next((t.i for t in self.doc[cut.i + 1 : span.end] if t.text == ","), span.end)
        second = self.doc[cut.i + 1 : end]
        if not len(second) or second.root.pos_ != "PROPN":
            return None
        again = self.phrase(second, _clean(second.text), att)
        if again[0] is not None and again[0].kind in {"person", "organization", "place"}:
            return again
        return None

    # -- first person -------------------------------------------------------------------------
    def _first_person(self, att: Attribution, low: str) -> tuple[_Entity | None, str, float]:
        assert att.source is not None
        outer = self._enclosing(att)
        if outer is not None and outer.source is not None and _speaks_in(att, outer):
            ent = self._speaker_of(outer)
            if ent is not None:
                return ent, "first_person", 0.9
        turn = self._turn_at(att.source.start)
        if turn is not None:
            return self.person_entity(turn), "first_person", 0.9
        if self.info.issuer is not None:
            return self.person_entity(self.info.issuer), "first_person", 0.9
        if self.info.anonymous_issuer and low in {"i", "me", "my"}:
            return self.remember(self.info.anonymous_issuer, "person"), "first_person", 0.8
        if len(self.info.issuers) >= 2 and low in {"we", "us", "our"}:
            # "we" of a joint statement: its issuers together.
            members = [self.person_entity(k) for k in self.info.issuers]
            return self._group(members), "first_person", 0.8
        return None, "unresolved", 0.0

    # -- pronouns -----------------------------------------------------------------------------
    def _pronoun(self, att: Attribution, low: str) -> tuple[_Entity | None, str, float]:
        """A pronoun source: the salient earlier speaker or subject that agrees with it."""
        assert att.source is not None
        start = att.source.start
        excluded: set[str] = set()
        if att.addressee:
            excluded.add(_clean(att.addressee).lower())
        outer = self._enclosing(att)
        outer_ent = self._speaker_of(outer) if outer is not None else None
        quoted = outer_ent is not None and self._in_quotes(start)
        if outer_ent is not None and quoted:
            # Inside a quotation "he" is someone other than the one quoted.
            excluded.add(outer_ent.name.lower())
        cands, ents = self._pronoun_candidates(att, low, PRONOUN_LOOKBACK_SENTENCES)
        if low in _PLURAL:
            pair = self._meeting(start, MEETING_LOOKBACK_SENTENCES) or self._meeting_pair(start)
            if pair is not None:
                # "Biden spoke with Putin. They agreed ...": the two of them.
                cands.setdefault(pair.name.lower(), []).append(PRONOUN_MEETING_PAIR)
                ents[pair.name.lower()] = pair
        if outer_ent is not None and not quoted and self._agrees(low, outer_ent):
            # Reported speech: "He said he believes ..." is the same man.
            cands.setdefault(outer_ent.name.lower(), []).append(PRONOUN_REPORTED_SPEAKER)
            ents[outer_ent.name.lower()] = outer_ent
        for key in list(cands):
            if key in excluded:
                del cands[key]
        if not cands:
            # Nobody within reach: the last agreeing speaker or subject before it, less sure.
            cands, ents = self._pronoun_candidates(att, low, None)
            cands = {k: v for k, v in cands.items() if k not in excluded}
            if not cands:
                return None, "unresolved", 0.0
            best = max(cands, key=lambda k: max(cands[k]))
            return self._entity_of(ents[best]), "pronoun", PRONOUN_FAR_CONFIDENCE
        ranked = sorted(cands, key=lambda k: max(cands[k]), reverse=True)
        best = ranked[0]
        margin = max(cands[best]) - (max(cands[ranked[1]]) if len(ranked) > 1 else -3.0)
        return self._entity_of(ents[best]), "pronoun", min(0.95, 0.55 + 0.1 * margin)

    def _meeting(self, offset: int, lookback: int) -> _Entity | None:
        """The people of the latest meeting told before ``offset`` (``lookback`` sentences at
        most): the subject of a verb of meeting and those it met "with" ("Harris met with
        President Zelenskyy"); when it met a group ("held a call with European leaders"), the
        people a "Participants ... included A, B and C" sentence of the article names."""
        info = self.info
        here = info.sentence_of(offset)
        sents = list(self.doc.sents)
        for k in range(here, max(-1, here - lookback - 1), -1):
            if k < 0 or k >= len(sents):
                continue
            for verb in sents[k]:
                if verb.lemma_.lower() not in MEETING_VERBS or verb.idx >= offset:
                    continue
                subj = [c for c in verb.children if c.dep_ == "nsubj"]
                obj = [c for c in verb.children if c.dep_ == "dobj"]
                withs = [
                    g
                    for h in [verb, *obj]
                    for c in h.children
                    if c.dep_ == "prep" and c.lower_ == "with"
                    for g in c.children
                    if g.dep_ == "pobj"
                ]
                if not subj or not withs:
                    continue
                people: list[_Entity] = []
                for tok in [subj[0], *[c for c in subj[0].children if c.dep_ == "conj"]] + [
                    t for w in withs for t in [w, *[c for c in w.children if c.dep_ == "conj"]]
                ]:
                    lo = min(
                        t.i for t in tok.subtree if t.dep_ not in {"conj", "cc", "prep"} or t is tok
                    )
                    member = self._member(self.doc[lo : tok.i + 1])
                    if member is not None and member.kind == "person" and member not in people:
                        people.append(member)
                if len(people) == 1 and any(w.tag_ == "NNS" for w in withs):
                    people += [p for p in self._participants() if p not in people]
                if len(people) >= 2:
                    return self._group(people)
        return None

    def _participants(self) -> list[_Entity]:
        """The people a "Participants (in the call) included ..." sentence names."""
        if self._participants_cache is not None:
            return self._participants_cache
        out: list[_Entity] = []
        self._participants_cache = out
        for sent in self.doc.sents:
            if sent[0].lower_ not in {"participants", "attendees"}:
                continue
            for e in self.info.ents_in(sent):
                words = self.info._person_words(e)
                idx = self.info.person(words, e.start_char) if words else None
                if idx is not None:
                    out.append(self.person_entity(idx))
        return out

    def _meeting_pair(self, offset: int) -> _Entity | None:
        """The people who met in the sentence before ``offset`` (or in its own sentence,
        before it): a subject and the one it spoke "with", or two joined subjects."""
        info = self.info
        here = info.sentence_of(offset)
        lo = bisect.bisect_left(info.mention_offs, info.sentence_start(here - 1))
        hi = bisect.bisect_left(info.mention_offs, offset)
        for sent in (here, here - 1):
            people: list[int] = []
            for off, end, idx, _name, _kind, _subj in info.mentions[lo:hi]:
                if idx < 0 or off >= offset or info.sentence_of(off) != sent:
                    continue
                span = self.doc.char_span(off, end, alignment_mode="expand")
                if span is None:
                    continue
                root = span.root
                with_obj = root.dep_ == "pobj" and root.head.lower_ == "with"
                subj = root.dep_ in {"nsubj", "conj"} and _subject_weight(span) > 0
                if (with_obj or subj or root.dep_ == "conj") and idx not in people:
                    people.append(idx)
            if len(people) >= 2:
                return self._group([self.person_entity(k) for k in people])
        return None

    def _entity_of(self, what: _Entity | int | tuple[str, SpeakerKind]) -> _Entity:
        if isinstance(what, _Entity):
            return what
        if isinstance(what, int):
            return self.person_entity(what)
        return self.remember(what[0], what[1])

    def _agrees(self, low: str, e: _Entity, idx: int | None = None) -> bool:
        """Whether pronoun ``low`` can stand for ``e`` (gender and number)."""
        return self._agrees_kind(low, e.kind, self._person_index(e) if idx is None else idx)

    def _agrees_kind(self, low: str, kind: SpeakerKind, idx: int | None) -> bool:
        if low in _MALE | _FEMALE:
            if kind != "person":
                return False
            gender = "m" if low in _MALE else "f"
            return idx is None or idx < 0 or self.info.people[idx].gender in (None, gender)
        if low in _PLURAL:
            return kind in ("group", "organization")
        return kind in ("organization", "document")

    def _pronoun_candidates(
        self, att: Attribution, low: str, lookback: int | None
    ) -> tuple[dict[str, list[float]], dict[str, _Entity | int | tuple[str, SpeakerKind]]]:
        """Scored antecedents of a pronoun: earlier speakers (the previous one first, unless
        someone else became the subject since) and earlier named subjects and mentions, closer
        sentences first; ``lookback`` sentences at most (None: the whole article before it)."""
        assert att.source is not None
        info = self.info
        start = att.source.start
        here = info.sentence_of(start)
        inside = [(c.start, c.end) for c in att.content]
        cands: dict[str, list[float]] = {}
        ents: dict[str, _Entity | int | tuple[str, SpeakerKind]] = {}

        def add(key: str, score: float, what: _Entity | int | tuple[str, SpeakerKind]) -> None:
            cands.setdefault(key, []).append(score)
            ents[key] = what

        # Only the sentences within reach (linear time on long texts).
        reach = lookback if lookback is not None else PRONOUN_FAR_SENTENCES
        lo_off = info.sentence_start(here - reach)
        hist = self.history[
            bisect.bisect_left(self._history_offs, lo_off) : bisect.bisect_left(
                self._history_offs, start
            )
        ]
        earlier = list(hist)
        prev = earlier[-1] if earlier else None
        window = info.mentions[
            bisect.bisect_left(info.mention_offs, lo_off) : bisect.bisect_left(
                info.mention_offs, start
            )
        ]
        mentions = [
            m
            for m in window
            if not any(s <= m[0] < e for s, e in inside)
            and self._agrees_kind(low, m[4], m[2])
            and not self._possessor(m[0])
        ]
        if prev is not None:
            prev_idx = self._person_index(prev[1])
            newer = [
                m for m in mentions if m[5] and m[0] > prev[0] and (m[2] < 0 or m[2] != prev_idx)
            ]
            if newer:
                prev = None  # "Y called the deal ... 'quote', he added": Y, not the last speaker
        for off, e in earlier:
            dist = here - info.sentence_of(off)
            if lookback is not None and dist > lookback:
                continue
            if not self._agrees(low, e):
                continue
            bonus = 2.5 if prev is not None and e is prev[1] else 1.5
            add(e.name.lower(), bonus - dist, e)
        for off, _end, idx, name, kind, subject in mentions:
            dist = here - info.sentence_of(off)
            if lookback is not None and dist > lookback:
                continue
            key = info.people[idx].name.lower() if idx >= 0 else name.lower()
            what: _Entity | int | tuple[str, SpeakerKind] = idx if idx >= 0 else (name, kind)
            penalty = 0.0 if subject else PRONOUN_NON_SUBJECT_PENALTY
            add(key, subject - dist - penalty + off / 1e7, what)
        return cands, ents

    def _in_quotes(self, offset: int) -> bool:
        """Whether ``offset`` lies inside quotation marks (counted from its paragraph start)."""
        text = self.info.text
        para = text.rfind("\n", 0, offset) + 1
        before = text[para:offset]
        opened = before.count("\u201c") - before.count("\u201d")
        return opened > 0 or before.count('"') % 2 == 1

    def _person_index(self, e: _Entity) -> int | None:
        if e.kind != "person":
            return None
        for k, p in enumerate(self.info.people):
            if p.name == e.name:
                return k
        return None

    def _possessor(self, off: int) -> bool:
        """Whether the name at ``off`` is a possessor ("Trump's advisers")."""
        span = self.doc.char_span(off, off + 1, alignment_mode="expand")
        if span is None:
            return False
        tok = span[0]
        while (
            tok.i + 1 < len(self.doc)
            and tok.ent_iob_ in "IB"
            and self.doc[tok.i + 1].ent_iob_ == "I"
        ):
            tok = self.doc[tok.i + 1]
        nxt = self.doc[tok.i + 1] if tok.i + 1 < len(self.doc) else None
        return nxt is not None and nxt.tag_ == "POS"

    # -- relative pronouns --------------------------------------------------------------------
    def _relative(self, span: SpacySpan, att: Attribution) -> tuple[_Entity | None, str, float]:
        tok = span[0]
        verb = tok.head
        while (
            verb.dep_ not in {"relcl", "acl"}
            and verb.head is not verb
            and verb.pos_ not in {"NOUN", "PROPN"}
        ):
            if verb.dep_ == "ROOT":
                break
            verb = verb.head
        ante = verb.head if verb.dep_ in {"relcl", "acl"} else None
        if ante is None or ante.i >= tok.i:
            return None, "unresolved", 0.0
        left = [t for t in ante.subtree if t.i < verb.i and t.i <= ante.i or t.i == ante.i]
        lo = min(t.i for t in left)
        sub = self.doc[lo : ante.i + 1]
        # "and" inside the antecedent: take the whole conjunction
        conj = [t for t in ante.children if t.dep_ == "conj" and t.i < tok.i]
        if conj:
            sub = self.doc[lo : max(t.i for t in conj[-1].subtree if t.i < tok.i) + 1]
        ent, via, conf = self.phrase(sub, _clean(sub.text), att)
        return ent, ("relative" if ent is not None else "unresolved"), conf * 0.95

    # -- noun phrases -------------------------------------------------------------------------
    def phrase(
        self, span: SpacySpan, raw: str, att: Attribution | None
    ) -> tuple[_Entity | None, str, float]:
        """Resolve a source noun phrase."""
        info = self.info
        start = span.start_char
        head = span.root
        # Conjunctions of names: a group with members.
        group = self._conjunction(span, att)
        if group is not None:
            return group, "group", VIA_CONFIDENCE["group"]
        if head.lemma_.lower() in DOCUMENT_NOUNS and head.pos_ != "PROPN":
            return self._document(span, head, raw)
        # "The Head of State", "the Ukrainian head of state": the leader, in an outlet's own
        # text its principal.
        if _HEAD_OF_STATE.fullmatch(" ".join(raw.split())):
            idx = info._role_holder("leader", start, [t.text for t in span])
            if idx is not None:
                return self.person_entity(idx), "role", VIA_CONFIDENCE["role"]
        # A document's title ("an Executive Order on Climate-Related Financial Risk, which
        # directs ...", "the report on Extreme Weather Risk"): the document speaks, not its topic.
        titled = self._titled_document(head)
        if titled is not None:
            return self._document(self.doc[titled.left_edge.i : titled.i + 1], titled, raw)
        # A named person: the name that heads the phrase, never a possessor or a modifier.
        for ent in self._person_ents(span):
            words = info._person_words(ent)
            if not words:
                continue
            idx = info.person(words, ent.start_char, titles=info._titles_before(ent))
            if idx is not None:
                via = "name" if len(words) >= 2 else "surname"
                return (
                    self.person_entity(idx, _unpossess(_clean(ent.text))),
                    via,
                    VIA_CONFIDENCE[via],
                )
        # Capitalised words the NER missed ("Sanders added", "President Erdogan").
        toks = [t for t in span if not t.is_punct]
        caps = [t.text for t in toks if t.text[:1].isupper() and (t.is_alpha or "." in t.text)]
        if caps and len(caps) == len(toks) and len(caps) <= 4:
            words = nm.strip_title(list(caps))
            idx = info.person(words, start, titles=caps[: len(caps) - len(words)])
            if idx is not None:
                via = "name" if len(words) >= 2 else "surname"
                return self.person_entity(idx, raw), via, VIA_CONFIDENCE[via]
            if (
                len(words) >= 2
                and nm.is_first_name(words[0])
                and not any(
                    e.label_ in {"ORG", "GPE", "NORP"}
                    for e in self.info.ents_in(span)
                    if e.root == head
                )
            ):
                idx = info.person(words, start, create=True)
                if idx is not None:
                    return self.person_entity(idx, raw), "name", 0.8
        lemma = head.lemma_.lower()
        # A possessor with a common-noun head: a document issued by it, or a group tied to it.
        poss = [t for t in head.children if t.dep_ == "poss"]
        if lemma in DOCUMENT_NOUNS and head.pos_ != "PROPN":  # "the Post" is a newspaper
            return self._document(span, head, raw)
        desc = _DETERMINERS.sub("", raw)
        # Counted groups of the people named before ("the two presidents", "both sides").
        if head.tag_ in {"NNS", "NNPS"} and lemma in GROUP_NOUNS and not poss:
            grp = self._counted_group(span, lemma, start)
            if grp is not None:
                return grp, "group", 0.75
        # A role noun: the person the article introduced with that role.
        if (
            (head.pos_ == "NOUN" or lemma in _ROLE_NOUNS)
            and head.tag_ in {"NN", "NNP"}
            and (lemma in TITLES or lemma in _ROLE_NOUNS)
        ):
            inside = self.info.ents_in(span)
            if not inside or all(e.root.i != head.i for e in inside):
                idx = info._role_holder(lemma, start, [t.text for t in span])
                if idx is not None:
                    return self.person_entity(idx), "role", VIA_CONFIDENCE["role"]
            if lemma in _ROLE_NOUNS or lemma in TITLES:
                return self.remember(desc, "person"), "role", 0.4
        named_head = next(
            (e for e in self.info.ents_in(span) if e.label_ in {"ORG", "FAC"}
             and e.start <= head.i < e.end and all(p.i < e.start for p in poss)),
            None,
        )  # fmt: skip
        if poss and named_head is None:  # "Brazil's National Institute ..." is the institute
            kind: SpeakerKind = "group" if head.tag_ in {"NNS", "NNPS"} else "unknown"
            if lemma in ORG_NOUNS:
                kind = "organization"
            name = desc
            if poss[0].lower_ in _MALE | _FEMALE | _PLURAL | _NEUTER and att is not None:
                ant, _, _ = (
                    self._pronoun(replace(att, source=att.source), poss[0].lower_)
                    if att.source
                    else (None, "", 0)
                )
                if ant is not None:
                    owner = ant.name.split()[-1] if ant.kind == "person" else ant.name
                    name = f"{owner}'s {head.text}"
            return (
                self.remember(name, kind, raw),
                "group"
                if kind == "group"
                else "organization"
                if kind == "organization"
                else "unresolved",
                0.6,
            )
        # An organisation, place or group named by an entity that heads the phrase.
        for ent in self.info.ents_in(span):
            if ent.label_ in {"ORG", "GPE", "LOC", "FAC", "NORP"} and ent.start <= head.i < ent.end:
                if ent.label_ == "NORP" and head.pos_ == "NOUN":
                    break
                kind = {"ORG": "organization", "NORP": "group"}.get(ent.label_, "place")  # type: ignore[assignment]
                name = _DETERMINERS.sub("", _unpossess(_clean(ent.text)))
                if kind == "organization":
                    name = self._fuller_name(name, start)
                if nm.word_key(name) in CHANNEL_NAMES:
                    return self.remember(name, "document", raw), "document", 0.5
                via = (
                    "place"
                    if kind == "place"
                    else "organization"
                    if kind == "organization"
                    else "group"
                )
                return self.remember(name, kind, raw), via, VIA_CONFIDENCE[via]
        if nm.word_key(desc) in CHANNEL_NAMES:
            return self.remember(desc, "document", raw), "document", 0.5
        # A proper name with no entity label: an organisation ("the Kremlin", "CNN").
        if head.pos_ == "PROPN" and not [
            e for e in self.info.ents_in(span) if e.start > head.i or e.end <= head.i
        ]:
            words = nm.strip_title(desc.split())
            return self.remember(" ".join(words), "organization", raw), "organization", 0.7
        # A description: plural -> group ("Russian officials"); organisations; else unknown.
        if lemma in ORG_NOUNS:
            named = self._named_organisation(lemma, start)
            if named is not None:
                return self.remember(named, "organization"), "organization", 0.7
            return self.remember(desc, "organization", raw), "organization", 0.5
        if head.tag_ in {"NNS", "NNPS"} or lemma in COLLECTIVE_NOUNS:
            return self.remember(desc, "group", raw), "group", 0.6
        if head.pos_ in {"PRON", "DET", "PUNCT", "SYM", "NUM", "X"} or not any(
            c.isalpha() for c in raw
        ):
            return None, "unresolved", 0.0
        return self.remember(desc, "unknown", raw), "unresolved", 0.3

    def _fuller_name(self, name: str, offset: int) -> str:
        """The fuller name of an organisation named by a part of it ("Court" after "the Court
        of Session", "the Post" after "the New York Post"): the latest such name before
        ``offset``; ``name`` itself when there is none."""
        words = [nm.word_key(w) for w in name.split()]
        if not words or len(words) > 2:
            return name
        for off, _end, idx, other, kind, _subj in self.info.mentions_before(offset):
            if off >= offset or idx >= 0 or kind != "organization":
                continue
            keys = [nm.word_key(w) for w in other.split()]
            if len(keys) > len(words) and any(
                keys[i : i + len(words)] == words for i in range(len(keys) - len(words) + 1)
            ):
                return other
        return name

    def _named_organisation(self, noun: str, offset: int) -> str | None:
        """The organisation named before ``offset`` whose name holds ``noun``: "the court" is
        the Court of Session, "police" the Northamptonshire Police (the latest such name)."""
        for off, _end, idx, name, kind, _subj in self.info.mentions_before(offset):
            if off >= offset or idx >= 0 or kind != "organization":
                continue
            words = name.split()
            keys = [nm.word_key(w) for w in words]
            if noun in keys and len(words) >= 2:
                k = keys.index(noun)
                if k >= 1 and k + 1 < len(words) and keys[k + 1] not in {"of", "for", "on"}:
                    # "the police" of "the Metropolitan Police Counter Terrorism Command" is
                    # the Metropolitan Police, the body the unit belongs to.
                    return " ".join(words[: k + 1])
                return name
        return None

    def _person_ents(self, span: SpacySpan) -> list[SpacySpan]:
        """Person names in a phrase, the head's first; possessors and modifiers left out."""
        head = span.root
        ents = self.info.ents_in(span)
        over = self.info.ent_over(span.start)
        ents += [over] if over is not None else []
        out: list[SpacySpan] = []
        for e in ents:
            if self.info._person_words(e) is None:
                continue
            if e.start <= head.i < e.end:
                out.insert(0, e)
                continue
            nxt = self.doc[e.end] if e.end < len(self.doc) else None
            if nxt is not None and nxt.tag_ == "POS" or e[-1].tag_ == "POS":
                continue  # "Trump's advisers", "Merkel's spokesperson"
            if e.root.dep_ in {"compound", "nmod", "amod"} and not (
                e.root.head.i >= e.end and e.root.head.ent_type_ == "PERSON"
            ):
                continue  # "Trump adviser Steve Bannon": Trump modifies
            titled = span[0].text[:1].isupper() and span[0].pos_ in {"NOUN", "PROPN"}
            if e.root.dep_ in {"pobj", "dobj"} and head.pos_ == "NOUN" and not titled:
                # ("Aide to the President Yury Ushakov", capitalised and without an article,
                # is his title: he is the speaker.)
                prep = e.root.head
                between = list(self.doc[prep.i + 1 : e.start]) if prep.i < e.start else []
                if not (
                    prep.lower_ == "of"
                    and any(t.ent_type_ in {"GPE", "ORG", "NORP"} for t in between)
                ):
                    continue  # "a spokesman for Senator X", not "President of Ukraine X"
            out.append(e)
        return out

    def _conjunction(self, span: SpacySpan, att: Attribution | None = None) -> _Entity | None:
        """A conjunction of names ("Sullivan and Under Secretary Nuland", "Both he and
        Commissioner Stephen Mold", "La Riva, Hawkins, Blankenship, and Carroll"): a group with
        its members; one name joined to a description ("Biden and others in the Democratic
        Party"): a group under that description.  The phrase is cut at its "and"s (and its
        commas, in a list) outside names: the parse of such lists is too often wrong."""
        cuts = [t.i for t in span if t.lower_ in {"and", "&"} and t.pos_ == "CCONJ"
                and t.ent_iob_ != "I"]  # fmt: skip
        if not cuts:
            return None
        offices = self._office_holders(span, cuts)
        if offices is not None:
            return offices
        cuts += [t.i for t in span if t.text == "," and t.ent_iob_ != "I"]
        bounds = [span.start, *sorted(set(cuts)), span.end]
        people: list[_Entity] = []
        bodies: list[_Entity] = []
        described = False  # a part that is a description, not a name
        skip = {"both", "all"}
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            toks = [t for t in self.doc[lo:hi] if t.i not in cuts and t.lower_ not in skip]
            while toks and toks[-1].ent_type_ in {"DATE", "TIME"}:
                toks.pop()  # "... Adam Schiff both yesterday"
            if not toks:
                continue
            sub = self.doc[toks[0].i : toks[-1].i + 1]
            low = sub.text.lower()
            if low in _MALE | _FEMALE:
                if att is not None and att.source is not None:
                    ent, _, _ = self._pronoun(att, low)
                    if ent is not None and ent.kind == "person" and ent not in people:
                        people.append(ent)
                continue
            member = self._member(sub)
            if member is not None and member.kind == "person":
                if member not in people:
                    people.append(member)
            elif toks[0].text[:1].islower() and toks[0].lower_ not in {"the", "a", "an"}:
                # A plural description ("others", "his supporters"), not a title
                # ("businessman and Trump loyalist Stephen Schwarzman").
                described = described or any(
                    t.tag_ in {"NNS", "NNPS"} or t.lower_ == "others" for t in toks
                )
            elif member is not None:
                bodies.append(member)
        if len(people) == 1 and described:
            desc = _DETERMINERS.sub("", _clean(span.text))
            return self.remember(desc, "group", members=(speaker_id(people[0].name),))
        if len(people) >= 2:
            return self._group(people)
        if not people and len(bodies) >= 2:
            return self._group(bodies)
        return None

    def _office_holders(self, span: SpacySpan, cuts: list[int]) -> _Entity | None:
        """"The Presidents of Ukraine and the United States": the group of whoever holds that
        office in each place, when the article introduced every one of them."""
        toks = [t for t in span if t.lower_ not in {"the", "both", "two"}]
        if len(toks) < 4 or toks[1].lower_ != "of" or toks[0].tag_ not in {"NNS", "NNPS"}:
            return None
        role = toks[0].lower_
        role = role[:-1] if role.endswith("s") else role  # "Presidents", a proper noun: no lemma
        if role not in LEADER_ROLES and role not in TITLES:
            return None
        bounds = [toks[1].i + 1, *cuts, span.end]
        people: list[_Entity] = []
        for lo, hi in zip(bounds, bounds[1:], strict=False):
            words = [t.text for t in self.doc[lo:hi] if t.i not in cuts and t.text != ","]
            words = [w for w in words if w.lower() != "the"]
            if not words:
                continue
            if not all(t.ent_type_ in {"GPE", "NORP", "LOC"} for t in self.doc[lo:hi]
                       if t.i not in cuts and t.lower_ not in {"the", ","}):  # fmt: skip
                return None
            idx = self.info._role_holder(role, span.start_char, [*words, role])
            if idx is None:
                return None
            ent = self.person_entity(idx)
            if ent not in people:
                people.append(ent)
        return self._group(people) if len(people) >= 2 else None

    def _member(self, sub: SpacySpan) -> _Entity | None:
        """The person or body one part of a conjunction names (None: a description)."""
        for e in self.info.ents_in(sub):
            nxt = self.doc[e.end] if e.end < len(self.doc) else None
            if nxt is not None and nxt.tag_ == "POS" and e.end < sub.end:
                continue  # "Clinton's campaign"
            words = self.info._person_words(e)
            if words:
                idx = self.info.person(words, e.start_char, titles=self.info._titles_before(e))
                if idx is None:
                    idx = self.info.person(words, e.start_char, create=len(words) >= 2)
                if idx is not None:
                    return self.person_entity(idx)
        # The last run of capitalised words: a name, maybe after a title.
        run: list[Token] = []
        for t in sub:
            if t.text[:1].isupper() and (t.is_alpha or "." in t.text or "-" in t.text):
                run.append(t)
            elif t.tag_ != "POS":
                run = []
        words = nm.strip_title([t.text for t in run])
        if words:
            k = next((k for k, w in enumerate(words[:-1]) if nm.is_first_name(w)), None)
            if k is not None:
                words = words[k:]
            idx = self.info.person(words, run[0].idx)
            if idx is None and len(words) >= 2 and nm.is_first_name(words[0]):
                idx = self.info.person(words, run[0].idx, create=True)
            if idx is None and len(words) == 1 and len(run) >= 2:
                # A titled surname ("Under Secretary Nuland", "Director Tanden").
                titles = [t.text for t in run[:-1]]
                if any(nm.word_key(t) in TITLES or t.lower() in _ROLE_NOUNS for t in titles):
                    idx = self.info.person(words, run[-1].idx, create=True, titles=titles)
            if idx is not None:
                return self.person_entity(idx)
        ents = [e for e in self.info.ents_in(sub) if e.label_ in {"ORG", "GPE", "NORP"}]
        if ents:
            e = ents[0]
            kind: SpeakerKind = {"ORG": "organization", "NORP": "group"}.get(e.label_, "place")  # type: ignore[assignment]
            return self.remember(_DETERMINERS.sub("", _unpossess(_clean(e.text))), kind)
        return None

    def _group(self, members: list[_Entity]) -> _Entity:
        names = [m.name for m in members]
        name = (
            names[0] + " and " + names[1]
            if len(names) == 2
            else ", ".join(names[:-1]) + " and " + names[-1]
        )
        return self.remember(name, "group", members=tuple(speaker_id(n) for n in names))

    def _counted_group(self, span: SpacySpan, lemma: str, start: int) -> _Entity | None:
        if lemma in {"leader", "side", "president"} and not any(t.lower_ in _NUMBERS for t in span):
            met = self._meeting(start, MEETING_LOOKBACK_SENTENCES)
            if met is not None:
                return met  # "Harris met with Zelenskyy ... The leaders agreed"
        n = next((_NUMBERS[t.lower_] for t in span if t.lower_ in _NUMBERS), 2)
        if (
            lemma not in {"side", "leader"}
            and not any(t.lower_ in _NUMBERS for t in span)
            and not span.text.lower().startswith("the ")
        ):
            return None
        seen: list[int] = []
        for off, _end, idx, _name, _kind, _subj in self.info.mentions_before(start):
            if off >= start or idx < 0 or idx in seen:
                continue
            p = self.info.people[idx]
            if lemma in {"president", "minister"} and lemma not in p.roles:
                continue
            seen.append(idx)
        if len(seen) < n:
            seen = []
            for _off, e in reversed(self.history):
                k = self._person_index(e)
                if k is not None and k not in seen:
                    seen.append(k)
        if len(seen) < n:
            return None
        chosen = sorted(seen[:n], key=lambda k: self.info.people[k].start)
        return self._group([self.person_entity(k) for k in chosen])

    # -- documents ----------------------------------------------------------------------------
    def _titled_document(self, head: Token) -> Token | None:
        """The document noun whose title ``head`` heads ("order" in "an Executive Order on
        X", "report" in "the report about X"), or None."""
        if head.dep_ != "pobj" or head.head.lower_ not in {"on", "about", "regarding"}:
            return None
        k = head.head.i - 1
        while k >= 0 and self.doc[k].is_space:
            k -= 1
        before = self.doc[k] if k >= 0 else None
        if before is None or before.lemma_.lower() not in DOCUMENT_NOUNS:
            return None
        return before

    def _document(
        self, span: SpacySpan, head: Token, raw: str
    ) -> tuple[_Entity | None, str, float]:
        issuer = self._issuer_of(head, span)
        if issuer is None and not any(c.dep_ in {"det", "poss"} and c.lower_ in {"a", "an"}
                                      for c in head.children):  # fmt: skip
            # The same kind of document introduced earlier with its issuer ("released a
            # statement", "a new Department of Education report"), a few sentences back at most.
            here = self.info.sentence_of(span.start_char)
            for tok in reversed(self.doc[: span.start]):
                if here - self.info.sentence_of(tok.idx) > DOCUMENT_LOOKBACK_SENTENCES:
                    break
                if tok.lemma_.lower() == head.lemma_.lower() and tok.pos_ == "NOUN":
                    issuer = self._issuer_of(tok, None)
                    if issuer is not None:
                        break
        if issuer is not None:
            return issuer, "document", VIA_CONFIDENCE["document"]
        desc = _DETERMINERS.sub("", raw)
        return self.remember(desc, "document", raw), "document", 0.5

    def _issuer_of(self, tok: Token, span: SpacySpan | None) -> _Entity | None:
        """Who issued the document ``tok``: its possessor, ``by X``, or the subject releasing it."""
        for child in tok.children:
            if (
                child.dep_ == "poss"
                and child.lower_ not in _MALE | _FEMALE | _PLURAL | _NEUTER | _FIRST
            ):
                return self._noun_entity(child)
            if child.dep_ == "amod" and child.ent_type_ in {"NORP", "GPE"}:
                return None
        # A named issuer modifying the noun: "the Department of Education report".
        for ent in self.info.ents:
            if ent.end <= tok.i and ent.root.head == tok and ent.root.dep_ in {"compound", "nmod"}:
                if ent.label_ in {"ORG", "PERSON"}:
                    return self._noun_entity(ent.root)
        near = self._issuer_near(tok)
        if near is not None:
            return near
        # "by X" or "from X" on the noun phrase, also past a title ("the report on ... from X").
        inner = [t for t in tok.subtree if t.i > tok.i and t.pos_ not in {"VERB", "AUX"}]
        for child in [t for t in inner if t.head == tok or t.head.head == tok] + [
            c for c in tok.children if c.dep_ == "acl" for c in c.children
        ]:
            if child.dep_ in {"prep", "agent"} and child.lower_ in {"by", "from"}:
                obj = [c for c in child.children if c.dep_ == "pobj"]
                if obj:
                    return self._noun_entity(obj[0])
        verb = tok.head
        if tok.dep_ == "pobj":
            verb = tok.head.head
        issued = tok.dep_ == "dobj" and verb.lemma_.lower() in _ISSUING_VERBS
        if (span is None or issued) and verb.pos_ in {"VERB", "AUX"}:
            # "President Biden signed an Executive Order … which directs": the signer.
            subj = [c for c in verb.children if c.dep_ == "nsubj"]
            if subj and subj[0].lower_ not in _RELATIVE:
                return self._noun_entity(subj[0])
        return None

    def _issuer_near(self, tok: Token) -> _Entity | None:
        """The issuer named next to a document noun, read from the words rather than the parse
        (which links and long titles derail): an organisation or person ending just before it
        ("the new Intergovernmental Panel on Climate Change (IPCC) report") or "from"/"by" one
        after it in the same sentence ("the April 2023 report on [a title] from the Council")."""
        sent = tok.sent
        k = tok.i - 1
        while k >= sent.start and (
            self.doc[k].is_punct
            or self.doc[k].text.isupper() and self.doc[k].ent_type_ != "ORG"
            or self.doc[k].lower_ == "new"
            or self.doc[k].dep_ == "compound" and self.doc[k].pos_ == "NOUN"
        ):
            k -= 1  # "(IPCC)", "new", "press" (release)
        ent = self.info.ent_over(k) if k >= sent.start else None
        if ent is not None and ent.end == k + 1 and ent.label_ in {"ORG", "PERSON"}:
            return self._noun_entity(ent.root)
        stop = min(sent.end, tok.i + 1 + DOCUMENT_FROM_REACH)
        for t in self.doc[tok.i + 1 : stop]:
            if t.lower_ in {"from", "by"} and t.i + 1 < stop:
                k = t.i + 1 + (self.doc[t.i + 1].lower_ == "the")
                ent = self.info.ent_over(k) if k < len(self.doc) else None
                if ent is None and k < len(self.doc):
                    nxt = self.info.ents_in(self.doc[k : min(stop, k + 3)])
                    ent = nxt[0] if nxt else None
                if ent is not None and ent.label_ in {"ORG", "PERSON"}:
                    if ent.end < len(self.doc) and self.doc[ent.end].tag_ == "POS":
                        return self._noun_entity(ent.root.head)  # "by Erdogan's office"
                    return self._noun_entity(ent.root)
            if t.pos_ == "VERB" and t.dep_ in {"ROOT", "ccomp"}:
                break  # past the noun phrase
        return None

    def _noun_entity(self, tok: Token) -> _Entity | None:
        lo = min(t.i for t in tok.subtree)
        hi = max(t.i for t in tok.subtree)
        sub = self.doc[lo : hi + 1]
        text = _clean(sub.text)
        if text.lower() in _MALE | _FEMALE | _PLURAL | _NEUTER:
            return None
        ent, via, _ = self.phrase(sub, _unpossess(text), None)
        return ent if via != "unresolved" else None


_ROLE_NOUNS = frozenset(
    """
    president governor senator spokesman spokeswoman spokesperson minister chancellor secretary
    mayor official source nominee candidate chairman chairwoman director adviser advisor aide
    ambassador leader premier king queen pope judge prosecutor lawyer attorney sheriff chief
    commissioner general representative congressman congresswoman envoy diplomat
    """.split()
)


def resolve_speakers(
    doc: Doc, article: Article, attributions: list[Attribution]
) -> tuple[list[Speaker], list[Attribution]]:
    """Speakers of the article and the attributions with their ``speaker`` ids filled in."""
    r = _Resolver(doc, article, attributions)
    resolved = r.run()
    used = {a.speaker for a in resolved if a.speaker}
    for e in r.entities.values():
        if speaker_id(e.name) in used:
            used.update(e.members)
    speakers = [
        Speaker(
            id=speaker_id(e.name),
            name=e.name,
            kind=e.kind,
            aliases=tuple(sorted(e.aliases)),
            members=e.members,
        )
        for e in r.entities.values()
        if speaker_id(e.name) in used
    ]
    speakers.sort(key=lambda s: s.name.lower())
    return speakers, resolved


__all__ = ["resolve_speakers", "SpeakerVia"]
