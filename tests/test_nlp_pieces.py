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


def test_markdown_links_are_read_as_their_words_at_the_same_offsets() -> None:
    text = ("Last month, President Biden [announced](https://example.gov/2021/05/24/fact-sheet_(a)/)"
            " the Administration will double funding. See ![the map](m.png) and [a broken](link.")
    masked = nlp.mask_markup(text)
    assert len(masked) == len(text)
    assert "announced" in masked and "[" not in masked.split("See")[0] and "https" not in masked
    assert masked.index("announced") == text.index("announced")
    assert "the map" in masked and "m.png" not in masked
    assert masked.endswith("[a broken](link.")  # not a link: left as it is
    assert nlp.mask_markup("No links [here] (or here).") == "No links [here] (or here)."
    assert nlp.mask_markup("In [**Arizona**](a.gov), **bold** 2*3") == (
        "In " + " " * 3 + "Arizona" + " " * 10 + ",   bold   2*3")


def test_a_cue_inside_a_markdown_link_is_found_and_spans_index_the_stored_text() -> None:
    from sayso.pipeline import extract_many

    text = ("Last month, President Biden [announced](https://example.gov/2021/05/24/fact-sheet/) "
            "the Administration will double funding for the program.")
    for pipeline in ("fast", "rules"):
        (ex,) = extract_many([Article(text=text)], pipeline)
        (att,) = ex.attributions
        assert att.cue.text == "announced" and att.source is not None
        assert att.source.text == "President Biden"
        assert att.content[0].text == "the Administration will double funding for the program"
        for span in (att.cue, att.source, *att.content):
            assert text[span.start : span.end] == span.text
