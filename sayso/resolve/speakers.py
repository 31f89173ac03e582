"""Resolve attribution sources to canonical speakers within one article.

No neural coreference model installs offline on Python 3.11, so this is rules over the parse
and the named entities:
  * a source naming a person is mapped to the fullest form of that name in the article
    (``Sanders`` -> ``Sarah Huckabee Sanders``), titles stripped (``President``, ``Mr.``);
  * a role phrase (``the press secretary``, ``the spokeswoman``) goes to the person the article
    introduced with that role (``White House press secretary Sarah Huckabee Sanders``);
  * a pronoun goes to the most recent speaker of a fitting kind, else the most recent person
    named before it (he/she), organisation (it) or group (they);
  * organisations standing for their people (``the Kremlin``, ``the White House``) are kept as
    organisations, places (``Russia``) as places, and descriptions (``Russian officials``,
    ``sources``) as groups.
Speaker ids come from the canonical name, so the same name gets the same id in every article.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ..models import Article, Attribution, Speaker, SpeakerKind, speaker_id

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan

#: Titles and honorifics dropped from the front of a person's name.
TITLES = frozenset(
    """
    mr mrs ms miss dr prof president vice secretary sen senator rep representative gov governor
    mayor judge justice gen general col colonel lt capt captain sgt adm admiral minister
    prime foreign chancellor premier king queen prince princess pope sir lady lord rev
    reverend sheriff chief deputy ambassador attorney speaker leader former acting candidate
    nominee state press spokesman spokeswoman spokesperson
    us u.s. uk u.k. eu un white house american russian ukrainian british french german chinese
    israeli iranian turkish indian japanese
    """.split()
)
#: Determiners and possessives stripped from the front of a description ("the officials").
_DETERMINERS = re.compile(r"^(the|a|an|this|that|these|those|its|his|her|their|our)\s+", re.I)
_PERSON_PRONOUNS = {"he", "she", "him", "her", "i", "me"}
_GROUP_PRONOUNS = {"they", "them", "we", "us"}
_ORG_PRONOUNS = {"it"}
#: How many sentences back a pronoun may look for its antecedent.
PRONOUN_LOOKBACK_SENTENCES = 4
_ALL_PRONOUNS = _PERSON_PRONOUNS | _GROUP_PRONOUNS | _ORG_PRONOUNS | {"you", "one"}


@dataclass
class _Entity:
    name: str
    kind: SpeakerKind
    aliases: set[str] = field(default_factory=set)


def _is_subject(ent: SpacySpan) -> bool:
    return ent.root.dep_ in {"nsubj", "nsubjpass"}


def _strip_title(words: list[str]) -> list[str]:
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    return words


def _clean(text: str) -> str:
    text = " ".join(text.replace("\u2019s", "").replace("'s", "").split())
    return text.strip(" ,;:\"'\u201c\u201d")


class _ArticleSpeakers:
    """What the article says about who is who: full names, surnames, roles."""

    def __init__(self, doc: Doc, skip_before: int = 0) -> None:
        self.doc = doc
        self.full_names: dict[str, str] = {}  # lower surname / first name -> full name
        self.roles: list[tuple[int, str, str]] = []  # (char offset, role lemma, full name)
        # (char offset, name, kind, is a subject) of PERSON mentions, and of ORG/GPE/NORP ones
        self.persons: list[tuple[int, str, SpeakerKind, bool]] = []
        self.others: list[tuple[int, str, SpeakerKind, bool]] = []
        self._sent_starts = [s.start_char for s in doc.sents]
        self.person_forms: set[str] = set()  # every name the NER called a person, lower-cased
        self.skip_before = skip_before
        for ent in doc.ents:
            if ent.start_char < skip_before:
                continue  # title-case headlines fool the NER ("Brandt Asked")
            if ent.label_ == "PERSON":
                words = _strip_title(_clean(ent.text).split())
                if not words:
                    continue
                name = " ".join(words)
                if len(words) >= 2:
                    for key in (words[-1].lower(), words[0].lower()):
                        prev = self.full_names.get(key)
                        if prev is None or len(name) > len(prev):
                            self.full_names[key] = name
                self.persons.append((ent.start_char, name, "person", _is_subject(ent)))
                self.person_forms.add(name.lower())
                self._roles_of(ent, name)
            elif ent.label_ in {"ORG", "GPE", "NORP", "LOC", "FAC"}:
                kind: SpeakerKind = {"ORG": "organization", "NORP": "group"}.get(
                    ent.label_, "place"
                )  # type: ignore[assignment]
                name = _DETERMINERS.sub("", _clean(ent.text))
                self.others.append((ent.start_char, name, kind, _is_subject(ent)))

    def _roles_of(self, ent: SpacySpan, name: str) -> None:
        """Record role nouns introducing a name: compounds before it, or an appositive."""
        head = ent.root
        for child in head.children:
            if child.i < ent.start and child.dep_ in {"compound", "amod", "nmod"}:
                if child.pos_ == "NOUN" or child.lower_ in TITLES:
                    self.roles.append((ent.start_char, child.lemma_.lower(), name))
            if child.dep_ == "appos":
                self.roles.append((ent.start_char, child.lemma_.lower(), name))
        if head.dep_ == "appos" and head.head.pos_ == "NOUN":
            self.roles.append((ent.start_char, head.head.lemma_.lower(), name))

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence containing a character offset."""
        return bisect.bisect_right(self._sent_starts, offset) - 1

    def canonical_person(self, text: str) -> str:
        words = _strip_title(_clean(text).split())
        if not words:
            return text
        if len(words) == 1:
            return self.full_names.get(words[0].lower(), words[0])
        # "US President Donald Trump": the longest tail that is a name the NER gave a person.
        for k in range(len(words) - 1):
            tail = " ".join(words[k:])
            if tail.lower() in self.person_forms:
                return tail
        return " ".join(words)


def resolve_speakers(
    doc: Doc, article: Article, attributions: list[Attribution]
) -> tuple[list[Speaker], list[Attribution]]:
    """Speakers of the article and the attributions with their ``speaker`` ids filled in."""
    headline = len(article.title) if article.title and article.text.startswith(article.title) else 0
    info = _ArticleSpeakers(doc, skip_before=headline)
    entities: dict[str, _Entity] = {}
    resolved: list[Attribution] = []
    history: list[tuple[int, _Entity]] = []  # (char offset, speaker) in text order of sources

    def remember(name: str, kind: SpeakerKind, alias: str) -> _Entity:
        key = speaker_id(name)
        ent = entities.get(key)
        if ent is None:
            ent = entities[key] = _Entity(name, kind)
        # Pronouns resolve to a speaker but are not names of it: keep them out of the aliases.
        if alias and alias != name and alias.lower() not in _ALL_PRONOUNS:
            ent.aliases.add(alias)
        return ent

    for att in sorted(attributions, key=lambda a: a.source.start if a.source else a.cue.start):
        if att.source is None:
            resolved.append(att)
            continue
        addressee = info.canonical_person(att.addressee) if att.addressee else None
        ent = _resolve_one(
            att.source.text, att.source.start, att.source.end, info, history, remember, addressee
        )
        if ent is not None:
            history.append((att.source.start, ent))
            resolved.append(replace(att, speaker=speaker_id(ent.name)))
        else:
            resolved.append(att)
    order = {a.id: k for k, a in enumerate(attributions)}
    resolved.sort(key=lambda a: order[a.id])
    speakers = [
        Speaker(id=speaker_id(e.name), name=e.name, kind=e.kind, aliases=tuple(sorted(e.aliases)))
        for e in entities.values()
    ]
    speakers.sort(key=lambda s: s.name.lower())
    return speakers, resolved


def _resolve_one(text, start, end, info, history, remember, addressee=None):  # type: ignore[no-untyped-def]
    doc = info.doc
    span = doc.char_span(start, end, alignment_mode="expand")
    raw = _clean(text)
    low = raw.lower()
    if span is None or not raw:
        return None
    # 1. A named person inside the source ("government spokeswoman Lea Moser").
    # 2. A surname or name the NER mislabels ("Brandt told reporters", "Sanders added").
    propn = [t for t in span if t.pos_ == "PROPN"]
    caps = [t.text for t in span if t.text[:1].isupper() and t.is_alpha]
    if caps and len(caps) == len([t for t in span if not t.is_punct]):
        words = _strip_title(caps)
        # The NER is inconsistent ("Zelenskyy" a person once, an organisation next): a name it
        # called a person anywhere in the article is a person everywhere.
        known = " ".join(words).lower() in info.person_forms
        if words and (
            known or words[-1].lower() in info.full_names or words[0].lower() in info.full_names
        ):
            return remember(info.canonical_person(" ".join(words)), "person", raw)
    for ent in span.ents:
        if ent.label_ == "PERSON" and ent.start_char >= info.skip_before:
            return remember(info.canonical_person(ent.text), "person", _clean(ent.text))
    # 3. Pronouns: the latest fitting speaker, else the latest fitting mention.  "You" and
    # "one" name nobody the article can point at.
    if low in {"you", "one", "someone", "everyone", "anyone", "who", "which", "that"}:
        return None
    # A bare title ("the President", "the Secretary") is the person introduced with it.
    if _DETERMINERS.sub("", low) in TITLES:
        title = _DETERMINERS.sub("", low)
        for off, role, name in reversed(info.roles):
            if off < start and role == title:
                return remember(name, "person", raw)
        return None
    if low in _PERSON_PRONOUNS | _GROUP_PRONOUNS | _ORG_PRONOUNS:
        return _antecedent(low, start, info, history, remember, addressee)
    # 4. A role phrase ("the press secretary") introduced earlier with a name.
    head = span.root
    desc = _DETERMINERS.sub("", raw)
    # Only a singular role names one person: "the two presidents" is a group.
    if (
        head.pos_ == "NOUN"
        and head.tag_ == "NN"
        and (low.startswith(("the ", "a ")) or len(span) <= 3)
    ):
        for off, role, name in reversed(info.roles):
            if off < start and role == head.lemma_.lower():
                return remember(name, "person", desc)
    # 5. An organisation, place or group named by an entity.
    for ent in span.ents:
        if ent.label_ in {"ORG", "GPE", "LOC", "FAC", "NORP"}:
            if ent.label_ == "NORP" and head.pos_ == "NOUN":
                break  # "Russian officials": a group described, not the nation
            kind = {"ORG": "organization", "NORP": "group"}.get(ent.label_, "place")
            name = _DETERMINERS.sub("", _clean(ent.text))
            return remember(name, kind, raw)  # type: ignore[arg-type]
    # 6. A proper name with no entity label: an organisation ("the Kremlin", "CNN").
    if propn and head.pos_ == "PROPN":
        words = _strip_title(desc.split())
        return remember(" ".join(words), "organization", raw)
    # 7. A description: plural -> group ("Russian officials"), else unknown ("a source").
    kind: SpeakerKind = "group" if head.tag_ in {"NNS", "NNPS"} else "unknown"
    return remember(desc, kind, raw)


def _antecedent(pronoun, start, info, history, remember, exclude=None):  # type: ignore[no-untyped-def]
    """The latest sentence before the pronoun with a fitting candidate wins; in it, a subject
    beats a speaker, which beats any other mention ("He informed Zelenskyy" after "Biden
    spoke with Zelenskyy." is Biden).  The statement's own addressee is never its source."""
    if pronoun in _PERSON_PRONOUNS:
        want = {"person"}
    elif pronoun in _ORG_PRONOUNS:
        want = {"organization", "place"}
    else:
        want = {"group", "organization", "place"}
    here = info.sentence_of(start)
    cands: list[tuple[int, int, int, str, SpeakerKind]] = []
    for off, e in history:
        if off < start and e.kind in want:
            cands.append((info.sentence_of(off), 1, off, e.name, e.kind))
    mentions = info.persons if "person" in want else info.others
    for off, name, kind, subject in mentions:
        if off < start and kind in want:
            cands.append((info.sentence_of(off), 2 if subject else 0, off, name, kind))
    if exclude:
        cands = [c for c in cands if c[3] != exclude]
    cands = [c for c in cands if here - c[0] <= PRONOUN_LOOKBACK_SENTENCES]
    if not cands:
        return None
    _, _, _, name, kind = max(cands)
    return remember(name, kind, pronoun)
