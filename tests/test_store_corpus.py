"""Hand-made extractions for the store tests (no extractor involved), and a check of them.

Imported by the other ``test_store*`` modules and by the crash-test subprocess.
"""

from __future__ import annotations

from sayso.models import Article, Attribution, Extraction, Span, Speaker, speaker_id

EXTRACTOR = "test.hand.v1"
OUTLETS = ("CNN", "Reuters", "Wikinews (English)")
#: (name, kind, aliases) of the speakers the corpus quotes, in turn.
PEOPLE = (
    ("Vladimir Putin", "person", ("Putin",)),
    ("Sarah Huckabee Sanders", "person", ("Sanders", "the press secretary")),
    ("World Health Organization", "organization", ("WHO",)),
    ("Olaf Scholz", "person", ("Scholz",)),
)
#: Things they say; the i-th statement of article n uses TOPICS[(n + i) % len(TOPICS)].
TOPICS = (
    "the talks would resume next week",
    "the vaccine is safe for children",
    "Zürich was chosen as the venue",
    "tariffs on steel will rise",
    "the ceasefire is holding",
)


class TextBuilder:
    """Builds an article text piece by piece and hands back the Span of each piece."""

    def __init__(self) -> None:
        self.text = ""

    def add(self, piece: str) -> Span:
        start = len(self.text)
        self.text += piece
        return Span(start, len(self.text), piece)


def make_extraction(n: int, statements: int = 3, extractor: str = EXTRACTOR) -> Extraction:
    """Article number ``n`` with ``statements`` attributed statements by rotating speakers."""
    b = TextBuilder()
    title = f"Report number {n} on world affairs"
    b.add(title + "\n\n")
    speakers: dict[str, Speaker] = {}
    atts: list[Attribution] = []
    for i in range(statements):
        name, kind, aliases = PEOPLE[(n + i) % len(PEOPLE)]
        sp = speakers.setdefault(name, Speaker(speaker_id(name), name, kind, aliases))
        source = b.add(aliases[0])
        b.add(" ")
        hedged = i % 3 == 2
        cue = b.add("claimed" if hedged else "said")
        b.add(" that ")
        first = b.add(TOPICS[(n + i) % len(TOPICS)])
        content: tuple[Span, ...] = (first,)
        if i % 2 == 1:  # discontinuous content: "..., he added, ..."
            b.add(", he added, ")
            content += (b.add(f"and nothing else matters in case {n}"),)
        b.add(". ")
        atts.append(
            Attribution(
                id=f"a{i + 1}",
                cue=cue,
                content=content,
                kind="indirect",
                source=source,
                speaker=sp.id,
                hedged=hedged,
                extractor=extractor,
                confidence=0.5 + (i % 5) / 10,
                time=f"2024-0{1 + n % 9}-1{i % 10}",
            )
        )
    article = Article(
        text=b.text,
        title=title,
        source=OUTLETS[n % len(OUTLETS)],
        published=f"2024-0{1 + n % 9}-15",
        url=f"https://example.org/news/{n}",
        topics=("world",) if n % 2 else ("world", "politics"),
        external_id=f"ext-{n}",
    )
    return Extraction(article=article, speakers=tuple(speakers.values()), attributions=tuple(atts))


def chain_extraction() -> Extraction:
    """'CNN reported that the Kremlin claims that Putin said ...': a three-level chain."""
    b = TextBuilder()
    cnn = b.add("CNN")
    b.add(" ")
    reported = b.add("reported")
    b.add(" that ")
    kremlin = b.add("the Kremlin")
    b.add(" ")
    claims = b.add("claims")
    b.add(" that ")
    putin = b.add("Putin")
    b.add(" ")
    said = b.add("said")
    b.add(' "')
    quote = b.add("we are ready to talk")
    b.add('". Separately, ')
    who = b.add("WHO")
    b.add(" ")
    warned = b.add("warned")
    b.add(" of ")
    flu = b.add("a bad flu season")
    b.add(".")
    text = b.text
    inner = Span.of(text, kremlin.start, quote.end + 1)
    people = {
        "cnn": Speaker(speaker_id("CNN"), "CNN", "organization"),
        "kremlin": Speaker(speaker_id("Kremlin"), "Kremlin", "organization", ("the Kremlin",)),
        "putin": Speaker(speaker_id("Vladimir Putin"), "Vladimir Putin", "person", ("Putin",)),
        "who": Speaker(speaker_id("World Health Organization"), "World Health Organization",
                       "organization", ("WHO",)),
    }  # fmt: skip
    atts = (
        Attribution("a1", reported, (inner,), "indirect", cnn, people["cnn"].id,
                    channel="television", extractor=EXTRACTOR),
        Attribution("a2", claims, (Span.of(text, putin.start, quote.end + 1),), "indirect",
                    kremlin, people["kremlin"].id, parent="a1", hedged=True, extractor=EXTRACTOR),
        Attribution("a3", said, (quote,), "direct", putin, people["putin"].id, parent="a2",
                    addressee="reporters", extractor=EXTRACTOR),
        Attribution("a4", warned, (flu,), "indirect", who, people["who"].id,
                    extractor=EXTRACTOR, cue_class="speech"),
    )  # fmt: skip
    article = Article(
        text=text, title=None, source="CNN", published="2023-11-02T10:00:00Z",
        url="https://example.org/chain",
    )  # fmt: skip
    return Extraction(article=article, speakers=tuple(people.values()), attributions=atts)


def test_corpus_spans_point_into_their_text() -> None:
    # The helpers above are test data; make sure their offsets are honest.
    for ex in [make_extraction(n, statements=5) for n in range(6)] + [chain_extraction()]:
        text = ex.article.text
        for a in ex.attributions:
            spans = [a.cue, *a.content] + ([a.source] if a.source else [])
            assert all(text[s.start : s.end] == s.text for s in spans)
            assert ex.speaker(a.speaker) is not None
