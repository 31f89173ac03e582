"""Read PolNeAR's brat standoff gold (``text/*.txt`` + ``attributions/*.ann``) into typed records.

Stable API (other modules and the learned extractor's training code import these names):

- :class:`GoldAttribution` — one attribution: ``source``, ``cue``, ``content``, each a tuple of
  ``(start, end)`` character pieces into the document text (end exclusive, Python ``str``
  indices); ``()`` when the role is absent (attributions without a source, a handful without a
  content).  Pieces are sorted and never empty.
- :class:`GoldDocument` — one article: ``id`` (the text file's stem), ``text``, ``attributions``
  (in text order of their cues), ``annotator_file`` (the ``.ann`` file name scored), and
  ``other_annotator_files`` (the ones set aside).
- :func:`read_split` ``(directory) -> list[GoldDocument]`` — a split folder such as
  ``polnear/dev``; :func:`read_document` ``(text_path, ann_path)``; :func:`parse_ann`
  ``(ann_text, text, name)`` for the ``.ann`` format alone.

How the brat files are read:

- ``T`` lines are text-bound annotations: ``T9<TAB>Content 315 448;463 553<TAB>surface``.  A
  ``;`` separates the pieces of a discontinuous span.  Offsets are Python ``str`` indices of the
  UTF-8 text (checked against the surface text; a mismatch is a :class:`GoldDataError`).
- ``E`` lines tie the roles into one attribution:
  ``E5<TAB>Attribution:T21 Cue:T20 Source:T19 Content:T18 Content2:T22``.  The trigger type is
  ``Attribution`` or ``Attribution-no-source``.  Numbered role names (``Content2``) add pieces to
  the same role.  A ``Source`` ``T`` may be shared by several ``E`` lines (one source, several
  statements).  When an ``E`` has no ``Cue`` argument the trigger span is used as the cue: in
  PolNeAR the trigger is drawn on the cue words.
- ``Discuss`` and ``Discard`` spans (annotator notes) and any other line types are ignored.
- Several annotators: ``attributions/`` names files ``<text stem>_<annotator id>.ann``; a few
  articles were annotated by several annotators (for agreement studies: dev has 94 ``.ann`` files
  for 84 texts).  The gold is the FIRST ``.ann`` file of an article in sorted file-name order;
  the others are listed in ``other_annotator_files`` so reports can say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import GoldDataError

#: One discontinuous span: its ``(start, end)`` pieces, sorted, end exclusive.
Pieces = tuple[tuple[int, int], ...]

#: brat trigger types that mark an attribution event.
TRIGGER_TYPES = ("Attribution", "Attribution-no-source")
#: Role names used in ``E`` arguments (a trailing number, ``Content2``, means "more of the same").
ROLES = ("source", "cue", "content")

_ANN_LINE = re.compile(r"^(?:[TEARNM]\d+|#\d*|\*)\t")
_ROLE_ARG = re.compile(r"^(Source|Cue|Content)(\d*)$")
_ANN_NAME = re.compile(r"^(?P<stem>.+)_(?P<annotator>[0-9a-zA-Z]+)\.ann$")


@dataclass(frozen=True, slots=True)
class GoldAttribution:
    """One gold attribution: its source, cue and content spans."""

    id: str  #: the brat event id ("E5"), unique within its .ann file
    source: Pieces  #: pieces of the source span; () when the attribution has no source
    cue: Pieces  #: pieces of the cue span ("said", "according to")
    content: Pieces  #: pieces of the content span; several when it is discontinuous

    def role(self, name: str) -> Pieces:
        """The pieces of one role by name (``source``, ``cue`` or ``content``)."""
        if name not in ROLES:
            raise ValueError(f"unknown role {name!r}; choose one of {', '.join(ROLES)}")
        pieces: Pieces = getattr(self, name)
        return pieces


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One PolNeAR article with the attributions of one annotator."""

    id: str  #: the text file's stem ("nyt_2016-09-19_obama-sees-personal-insult-if-bl")
    text: str  #: the article text, exactly as in text/<id>.txt
    attributions: tuple[GoldAttribution, ...]  #: the gold attributions, in text order of cues
    annotator_file: str  #: file name of the .ann file these attributions come from
    other_annotator_files: tuple[str, ...] = ()  #: other annotators' .ann files, not scored


def _pieces(offsets: str, where: str) -> Pieces:
    """The pieces of a brat offset field, in the order written (brat's surface text follows it)."""
    out = []
    for part in offsets.split(";"):
        bits = part.split()
        if len(bits) != 2 or not all(b.isdigit() for b in bits):
            raise GoldDataError(
                f"{where}: bad brat offsets {offsets!r}; expected 'start end[;...]'"
            )
        start, end = int(bits[0]), int(bits[1])
        if end < start:
            raise GoldDataError(f"{where}: span ends before it starts ({start} {end})")
        if end > start:
            out.append((start, end))
    return tuple(out)


def _merge(pieces: Iterable[tuple[int, int]]) -> Pieces:
    """Sorted pieces with overlapping or touching pieces joined."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(pieces):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return tuple(merged)


def _logical_lines(ann_text: str, name: str) -> list[tuple[int, str]]:
    """(line number, line) pairs, with a surface text that spans line breaks joined back."""
    out: list[tuple[int, str]] = []
    for lineno, line in enumerate(ann_text.rstrip("\r\n").split("\n"), 1):
        if _ANN_LINE.match(line):
            out.append((lineno, line))
        elif out and out[-1][1].startswith("T"):
            # brat writes a surface text that crosses a line break verbatim, break included.
            out[-1] = (out[-1][0], out[-1][1] + "\n" + line)
        elif line.strip():
            raise GoldDataError(f"{name}:{lineno}: unreadable brat line {line!r}")
    return [(n, line.rstrip("\r")) for n, line in out]


def parse_ann(ann_text: str, text: str, name: str = "<ann>") -> tuple[GoldAttribution, ...]:
    """The attributions in one brat ``.ann`` file, checked against the article ``text``."""
    spans: dict[str, tuple[str, Pieces]] = {}
    events: list[tuple[str, list[tuple[str, str]], str]] = []
    for lineno, line in _logical_lines(ann_text, name):
        where = f"{name}:{lineno}"
        fields = line.split("\t")
        ident = fields[0]
        if ident.startswith("T"):
            if len(fields) < 2 or " " not in fields[1]:
                raise GoldDataError(f"{where}: malformed text-bound line {line!r}")
            label, offsets = fields[1].split(" ", 1)
            pieces = _pieces(offsets, where)
            if len(fields) >= 3:
                surface = " ".join(text[s:e] for s, e in pieces)
                # brat joins the pieces of a discontinuous span with one space.
                if fields[2] != surface:
                    raise GoldDataError(
                        f"{where}: offsets of {ident} give {surface[:40]!r}, file says "
                        f"{fields[2][:40]!r}; is the .ann file paired with the right text?"
                    )
            if pieces and pieces[-1][1] > len(text):
                raise GoldDataError(f"{where}: {ident} ends past the text ({len(text)} chars)")
            spans[ident] = (label, tuple(sorted(pieces)))
        elif ident.startswith("E"):
            if len(fields) < 2:
                raise GoldDataError(f"{where}: malformed event line {line!r}")
            args = []
            for arg in fields[1].split():
                if ":" not in arg:
                    raise GoldDataError(f"{where}: bad event argument {arg!r} in {ident}")
                role, ref = arg.split(":", 1)
                args.append((role, ref))
            events.append((ident, args, where))
        # A (notes), R (relations), # (comments) and others carry nothing we score.

    out = []
    for ident, args, where in events:
        trigger_role, trigger_ref = args[0]
        if trigger_role not in TRIGGER_TYPES:
            continue
        roles: dict[str, list[tuple[int, int]]] = {r: [] for r in ROLES}
        for role, ref in args[1:]:
            m = _ROLE_ARG.match(role)
            if not m:
                continue
            if ref not in spans:
                raise GoldDataError(f"{where}: {ident} refers to {ref}, which is not defined")
            roles[m.group(1).lower()].extend(spans[ref][1])
        if not roles["cue"] and trigger_ref in spans:
            roles["cue"].extend(spans[trigger_ref][1])
        out.append(
            GoldAttribution(
                id=ident,
                source=_merge(roles["source"]),
                cue=_merge(roles["cue"]),
                content=_merge(roles["content"]),
            )
        )
    out.sort(key=lambda a: (a.cue or a.content or ((0, 0),), _event_number(a.id)))
    return tuple(out)


def _event_number(ident: str) -> int:
    digits = ident[1:]
    return int(digits) if digits.isdigit() else 0


def read_document(
    text_path: str | Path, ann_path: str | Path, other_annotator_files: tuple[str, ...] = ()
) -> GoldDocument:
    """One gold document from a text file and the ``.ann`` file annotating it."""
    text_path, ann_path = Path(text_path), Path(ann_path)
    try:
        # newline="" keeps \r\n as two characters, as brat counts them.
        with open(text_path, encoding="utf-8", newline="") as fh:
            text = fh.read()
        ann = ann_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldDataError(f"cannot read gold document {text_path} / {ann_path}: {exc}") from exc
    return GoldDocument(
        id=text_path.stem,
        text=text,
        attributions=parse_ann(ann, text, ann_path.name),
        annotator_file=ann_path.name,
        other_annotator_files=other_annotator_files,
    )


def annotator_files(directory: str | Path) -> dict[str, list[str]]:
    """Text stem -> its ``.ann`` file names in sorted order, for a split folder."""
    ann_dir = Path(directory) / "attributions"
    by_stem: dict[str, list[str]] = {}
    for path in sorted(ann_dir.glob("*.ann")):
        m = _ANN_NAME.match(path.name)
        if not m:
            raise GoldDataError(
                f"{path}: expected a name like <text stem>_<annotator>.ann; rename or remove it"
            )
        by_stem.setdefault(m.group("stem"), []).append(path.name)
    return by_stem


def read_split(directory: str | Path) -> list[GoldDocument]:
    """Every annotated article of a PolNeAR split folder (``text/``, ``attributions/``), by id."""
    root = Path(directory)
    if not (root / "text").is_dir() or not (root / "attributions").is_dir():
        raise GoldDataError(
            f"{root}: not a PolNeAR split folder (needs text/ and attributions/); "
            "pass e.g. /work/shared/data/polnear/dev"
        )
    by_stem = annotator_files(root)
    if not by_stem:
        raise GoldDataError(f"{root}/attributions: no .ann files found")
    docs = []
    for stem in sorted(by_stem):
        files = by_stem[stem]
        text_path = root / "text" / f"{stem}.txt"
        if not text_path.exists():
            raise GoldDataError(f"{root}/attributions/{files[0]}: no text file {text_path}")
        docs.append(read_document(text_path, root / "attributions" / files[0], tuple(files[1:])))
    return docs
