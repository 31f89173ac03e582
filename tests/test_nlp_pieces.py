"""Long texts are parsed in pieces cut at paragraph breaks, joined into one Doc like a whole parse."""

from __future__ import annotations

from sayso import nlp
from sayso.ingest import read_inputs, sample_paths
from sayso.models import Article


def test_pieces_rejoin_to_the_text_and_cut_at_breaks() -> None:
    text = "First paragraph here.\n\nSecond one, longer than the rest.\nA line.\n\nThird."
    pieces = nlp._pieces(text, limit=30)
    assert "".join(pieces) == text
    assert all(len(p) <= 30 for p in pieces)
    assert pieces[0] == "First paragraph here.\n\n"  # after the paragraph break
    assert nlp._pieces("x" * 25, limit=10) == ["x" * 10, "x" * 10, "x" * 5]  # no break at all


def test_a_long_article_parsed_in_pieces_matches_the_whole_parse() -> None:
    news = [x for x in read_inputs([str(sample_paths()[0])]) if isinstance(x, Article)]
    text = "\n\n".join(a.text for a in news[:12])
    assert len(text) > 2 * nlp.PIECE_CHARS
    (doc, context), = nlp.parse_in_pieces([(text, "ctx")])
    whole = nlp.parse(text)
    assert context == "ctx" and doc.text == text
    def key(t):  # type: ignore[no-untyped-def]
        return (t.idx, t.text, t.dep_, t.head.i, t.tag_, t.lemma_, t.ent_type_, t.is_sent_start)
    assert [key(t) for t in doc] == [key(t) for t in whole]
