"""PolNeAR brat reading and paragraph-level gold for training ``sayso.learned.v1``.

Private helper of ``scripts/train_polnear.py``.  The evaluation (CofeNet's protocol) runs the
extractor on one paragraph at a time, so training examples are paragraphs too: each article is
split at newlines and every attribution is kept with the paragraph that holds its cue, with
offsets relative to that paragraph.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

#: brat entity types that carry attribution roles (Discuss/Discard are annotator bookkeeping).
ROLE_TYPES = {"Source": "source", "Cue": "cue", "Content": "content"}


@dataclass(frozen=True)
class GoldAttribution:
    """One gold attribution inside a paragraph; offsets are into the paragraph text."""

    cue: tuple[tuple[int, int], ...]  #: cue pieces (start, end)
    source: tuple[tuple[int, int], ...]  #: source pieces, empty when the source is implicit
    content: tuple[tuple[int, int], ...]  #: content pieces


@dataclass(frozen=True)
class GoldParagraph:
    """One paragraph of a PolNeAR article with its attributions."""

    article: str  #: file stem of the article
    start: int  #: offset of the paragraph in the article text
    text: str  #: the paragraph text
    attributions: tuple[GoldAttribution, ...]  #: attributions whose cue lies in the paragraph


def _pieces(spec: str) -> list[tuple[int, int]]:
    out = []
    for part in spec.split(";"):
        s, e = part.split()
        out.append((int(s), int(e)))
    return out


def read_brat(ann: str) -> list[dict[str, list[tuple[int, int]]]]:
    """Attributions of one .ann file as role -> list of (start, end) in article offsets."""
    ents: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    events = []
    for line in ann.splitlines():
        if line.startswith("T"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            typ, _, spec = parts[1].partition(" ")
            if typ in ROLE_TYPES:
                ents[parts[0]] = (ROLE_TYPES[typ], _pieces(spec))
        elif line.startswith("E"):
            parts = line.split("\t")
            if len(parts) < 2:
                continue
            events.append(parts[1].split())
    out = []
    for args in events:
        roles: dict[str, list[tuple[int, int]]] = {"cue": [], "source": [], "content": []}
        for arg in args[1:]:
            _, _, tid = arg.partition(":")
            if tid in ents:
                role, pieces = ents[tid]
                roles[role].extend(pieces)
        if roles["cue"]:
            out.append(roles)
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line of ``text``, whitespace-trimmed."""
    out = []
    pos = 0
    for line in text.split("\n"):
        s = pos
        e = pos + len(line)
        pos = e + 1
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _clip(pieces: list[tuple[int, int]], ps: int, pe: int) -> tuple[tuple[int, int], ...]:
    """Pieces cut to the paragraph ``ps:pe``, in paragraph offsets."""
    res = []
    for s, e in sorted(pieces):
        s, e = max(s, ps), min(e, pe)
        if e > s:
            res.append((s - ps, e - ps))
    return tuple(res)


def load_split(folder: Path) -> list[GoldParagraph]:
    """Every paragraph of a PolNeAR split folder (with ``text/`` and ``attributions/``)."""
    out: list[GoldParagraph] = []
    for txt in sorted((folder / "text").glob("*.txt")):
        text = txt.read_text(encoding="utf-8")
        anns = sorted((folder / "attributions").glob(txt.stem + "_*.ann"))
        attrs = read_brat(anns[0].read_text(encoding="utf-8")) if anns else []
        for ps, pe in paragraphs(text):
            mine = []
            for a in attrs:
                c0 = min(s for s, _ in a["cue"])
                if ps <= c0 < pe:
                    mine.append(
                        GoldAttribution(
                            _clip(a["cue"], ps, pe),
                            _clip(a["source"], ps, pe),
                            _clip(a["content"], ps, pe),
                        )
                    )
            out.append(GoldParagraph(txt.stem, ps, text[ps:pe], tuple(mine)))
    return out


def manifest(folder: Path) -> tuple[str, list[dict[str, str]]]:
    """SHA-256 of the sorted manifest of the split's files, and the manifest itself."""
    rows = []
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.suffix in (".txt", ".ann"):
            rows.append(
                {
                    "path": str(p.relative_to(folder)),
                    "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
                }
            )
    blob = json.dumps(rows, sort_keys=True).encode()
    return hashlib.sha256(blob).hexdigest(), rows
