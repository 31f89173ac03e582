"""PolNeAR brat reader and the PolNeAR scorer, on hand-made documents (real data optional)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import gate
from sayso.errors import GoldDataError
from sayso.evaluate.polnear import GoldAttribution, GoldDocument, parse_ann, read_split
from sayso.evaluate.scoring import normalise, score_document, total
from sayso.models import Attribution, Span

# The data folder as the quality gate finds it ($SAYSO_DATA, ../shared/data, /work/shared/data).
DATA = gate.find_data()[0] or Path("/nonexistent")

# Made-up text (not PolNeAR's).
TEXT = 'Smith said the plan will work. "It is dead," Jones said.'


def at(sub: str, nth: int = 0, text: str = TEXT) -> tuple[int, int]:
    """(start, end) of the nth occurrence of sub."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(sub, i + 1)
    return (i, i + len(sub))


def brat(label: str, ident: str, *subs: tuple[int, int], text: str = TEXT) -> str:
    offsets = ";".join(f"{s} {e}" for s, e in subs)
    surface = " ".join(text[s:e] for s, e in subs)
    return f"{ident}\t{label} {offsets}\t{surface}"


ANN = "\n".join(
    [
        brat("Source", "T1", at("Smith")),
        brat("Cue", "T2", at("said")),
        brat("Content", "T3", at("the plan will work")),
        brat("Attribution", "T4", at("said")),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        brat("Content", "T5", at('"It is dead,"')),
        brat("Source", "T6", at("Jones")),
        brat("Cue", "T7", at("said", 1)),
        brat("Attribution", "T8", at("said", 1)),
        "E2\tAttribution:T8 Cue:T7 Source:T6 Content:T5",
        brat("Discuss", "T9", at("Jones said.")),
    ]
)


def gold_doc() -> GoldDocument:
    return GoldDocument("doc", TEXT, parse_ann(ANN, TEXT, "doc_aa.ann"), "doc_aa.ann")


def pred(
    cue: tuple[int, int], content: list[tuple[int, int]], source: tuple[int, int] | None
) -> Attribution:
    return Attribution(
        id="a",
        cue=Span.of(TEXT, *cue),
        content=tuple(Span.of(TEXT, *c) for c in content),
        kind="indirect",
        source=Span.of(TEXT, *source) if source else None,
    )


def gold_as_pred(doc: GoldDocument) -> list[Attribution]:
    return [
        pred(g.cue[0], list(g.content), g.source[0] if g.source else None) for g in doc.attributions
    ]


# --- reader -----------------------------------------------------------------------------------


def test_reader_ties_roles_by_event() -> None:
    a1, a2 = gold_doc().attributions
    assert (a1.id, a1.source, a1.cue, a1.content) == (
        "E1",
        (at("Smith"),),
        (at("said"),),
        (at("the plan will work"),),
    )
    assert a2.source == (at("Jones"),) and a2.cue == (at("said", 1),)


def test_reader_discontinuous_content2_shared_source_no_source_and_no_cue() -> None:
    text = '"We will win," Smith said, "and soon." Aides agreed. Smith added more.'
    ann = "\n".join(
        [
            brat("Source", "T1", at("Smith", text=text), text=text),
            brat("Cue", "T2", at("said", text=text), text=text),
            # written out of order, as brat sometimes does
            brat("Content", "T3", at('"and soon."', text=text), at('"We', text=text), text=text),
            brat("Content", "T4", at('will win,"', text=text), text=text),
            brat("Attribution", "T5", at("said", text=text), text=text),
            "E1\tAttribution:T5 Cue:T2 Source:T1 Content:T3 Content2:T4",
            brat("Attribution-no-source", "T6", at("agreed", text=text), text=text),
            brat("Content", "T7", at("Aides", text=text), text=text),
            "E2\tAttribution-no-source:T6 Content:T7",
            brat("Cue", "T8", at("added", text=text), text=text),
            brat("Attribution", "T9", at("added", text=text), text=text),
            "E3\tAttribution:T9 Cue:T8 Source:T1",
        ]
    )
    a1, a2, a3 = parse_ann(ann, text, "x.ann")
    # '"We' and 'will win,"' are one space apart, so they touch only after normalising;
    # the reader keeps brat's pieces, sorted.
    assert a1.content == (
        at('"We', text=text),
        at('will win,"', text=text),
        at('"and soon."', text=text),
    )
    assert normalise(a1.content, text) == (
        at('"We will win,"', text=text),
        at('"and soon."', text=text),
    )
    assert a2.source == () and a2.cue == (at("agreed", text=text),), "trigger span is the cue"
    assert a3.source == a1.source and a3.content == ()


def test_reader_joins_a_surface_that_crosses_a_line_break() -> None:
    text = "Smith said:\nthe plan works.\nEnd."
    s, e = 12, 27
    ann = (
        f"T1\tContent {s} {e + 5}\t{text[s : e + 5]}\n"
        "T2\tCue 6 10\tsaid\nE1\tAttribution:T2 Cue:T2 Content:T1\n"
    )
    assert "\n" in text[s : e + 5]
    (a,) = parse_ann(ann, text, "x.ann")
    assert a.content == ((s, e + 5),)


def test_reader_rejects_offsets_that_do_not_match_the_text() -> None:
    with pytest.raises(GoldDataError, match=r"x\.ann:1: offsets of T1"):
        parse_ann("T1\tCue 0 5\tJones", TEXT, "x.ann")
    with pytest.raises(GoldDataError, match="bad brat offsets"):
        parse_ann("T1\tCue 0 x\tSmith", TEXT, "x.ann")
    with pytest.raises(GoldDataError, match="T9, which is not defined"):
        parse_ann("T1\tCue 0 5\tSmith\nE1\tAttribution:T1 Content:T9", TEXT, "x.ann")


def test_read_split_scores_the_first_annotator_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "doc_one.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "attributions" / "doc_one_zz99.ann").write_text("", encoding="utf-8")
    (tmp_path / "attributions" / "doc_one_aa11.ann").write_text(ANN, encoding="utf-8")
    (doc,) = read_split(tmp_path)
    assert doc.id == "doc_one" and doc.annotator_file == "doc_one_aa11.ann"
    assert doc.other_annotator_files == ("doc_one_zz99.ann",)
    assert len(doc.attributions) == 2


def test_read_split_says_what_folder_it_wants(tmp_path: Path) -> None:
    with pytest.raises(GoldDataError, match="needs text/ and attributions/"):
        read_split(tmp_path)


@pytest.mark.skipif(not (DATA / "polnear/dev").is_dir(), reason="PolNeAR dev split not present")
def test_real_dev_split_reads() -> None:
    docs = read_split(DATA / "polnear/dev")
    assert len(docs) == 84
    multi = [d for d in docs if d.other_annotator_files]
    assert len(multi) == 2 and all(len(d.other_annotator_files) == 5 for d in multi)
    assert sum(len(d.attributions) for d in docs) > 2000
    assert any(len(a.content) > 1 for d in docs for a in d.attributions)
    assert any(not a.source for d in docs for a in d.attributions)
    # Gold as prediction scores 100 on the real split too.
    s = total([score_document(d, gold_as_pred_any(d)) for d in docs])
    assert all(s.exact[r].f1 == pytest.approx(100.0) for r in ("source", "cue", "content"))
    assert s.attribution_exact.f1 == pytest.approx(100.0, abs=0.1)


def gold_as_pred_any(doc: GoldDocument) -> list[Attribution]:
    """Gold as Attribution records (multi-piece sources and cues taken whole)."""
    out = []
    for g in doc.attributions:
        if not g.cue or not g.content:
            continue
        src = (g.source[0][0], g.source[-1][1]) if g.source else None
        out.append(
            Attribution(
                id=g.id,
                cue=Span.of(doc.text, g.cue[0][0], g.cue[-1][1]),
                content=tuple(Span.of(doc.text, s, e) for s, e in g.content),
                kind="indirect",
                source=Span.of(doc.text, *src) if src else None,
            )
        )
    return out


# --- scoring ----------------------------------------------------------------------------------


def test_gold_as_prediction_scores_100() -> None:
    doc = gold_doc()
    s = total([score_document(doc, gold_as_pred(doc))])
    for r in ("source", "cue", "content"):
        assert (s.exact[r].p, s.exact[r].r, s.exact[r].f1) == (100.0, 100.0, 100.0)
        assert s.token[r].f1 == 100.0
    assert s.attribution_exact.f1 == s.attribution_partial.f1 == 100.0
    assert s.coverage[0.3].f1 == s.coverage[0.8].f1 == 100.0
    assert s.source_accuracy == 100.0


def test_shifted_content_by_hand() -> None:
    # The second content loses its quote marks: 'It is dead,' instead of '"It is dead,"'.
    preds = [
        pred(at("said"), [at("the plan will work")], at("Smith")),
        pred(at("said", 1), [at("It is dead,")], at("Jones")),
    ]
    s = total([score_document(gold_doc(), preds)])
    assert (s.exact["content"].p, s.exact["content"].r) == (50.0, 50.0)
    # Content tokens: gold 4 + 6 ('"', It, is, dead, ',', '"'), predicted 4 + 4, shared 8.
    tok = s.token["content"]
    assert (tok.tp_gold, tok.n_pred, tok.n_gold) == (8, 8, 10)
    assert tok.f1 == pytest.approx(2 * 100 * 80 / 180)
    assert s.attribution_exact.f1 == 50.0 and s.attribution_partial.f1 == 100.0
    # Coverage of '"It is dead,"': 9 of 11 non-space characters = 0.82 -> found at 30 % and 80 %.
    assert s.coverage[0.8].tp_gold == 2


def test_missing_source_and_a_false_attribution_by_hand() -> None:
    preds = [
        pred(at("said"), [at("the plan will work")], None),
        pred(at("said", 1), [at('"It is dead,"')], at("Jones")),
        pred(at("work"), [at("plan")], at("Smith")),  # nothing in the gold
    ]
    s = total([score_document(gold_doc(), preds)])
    src = s.exact["source"]
    # Predicted sources {Jones, Smith} (a span counts once per document), gold {Smith, Jones}.
    assert (src.tp_gold, src.n_pred, src.n_gold) == (2, 2, 2)
    assert (s.exact["cue"].tp_gold, s.exact["cue"].n_pred) == (2, 3)
    assert s.attribution_exact.p == pytest.approx(100 / 3) and s.attribution_exact.r == 50.0
    # Partial: the sourceless prediction does not match a gold attribution that has a source.
    assert s.attribution_partial.tp_gold == 1
    # 'plan' covers 4 of 15 non-space characters of 'the plan will work' (< 30 %), and the
    # real match takes that gold content first anyway.
    assert s.coverage[0.3].tp_gold == 2 and s.coverage[0.3].n_pred == 3
    assert s.source_matched == 2 and s.source_accuracy == 50.0


def test_discontinuous_content_exact_only_when_pieces_agree() -> None:
    text = '"We will win," Smith said, "and soon."'
    gold = GoldDocument(
        "d",
        text,
        (
            GoldAttribution(
                "E1",
                source=(at("Smith", text=text),),
                cue=(at("said", text=text),),
                content=(at('"We will win,"', text=text), at('"and soon."', text=text)),
            ),
        ),
        "d_a.ann",
    )
    pieces = Attribution(
        id="a",
        cue=Span.of(text, *at("said", text=text)),
        # reversed order and a trailing space: still exact after normalising
        content=(Span.of(text, 27, len(text)), Span.of(text, 0, 15)),
        kind="direct",
        source=Span.of(text, *at("Smith", text=text)),
    )
    whole = Attribution(
        id="b",
        cue=pieces.cue,
        content=(Span.of(text, 0, len(text)),),
        kind="direct",
        source=pieces.source,
    )
    assert total([score_document(gold, [pieces])]).exact["content"].f1 == 100.0
    s = total([score_document(gold, [whole])])
    assert s.exact["content"].f1 == 0.0 and s.coverage[0.8].tp_gold == 1


def test_normalise_trims_and_joins_across_whitespace() -> None:
    text = "ab  cd ef"
    assert normalise([(0, 3), (4, 6)], text) == ((0, 6),)
    assert normalise([(2, 4)], text) == ()
    assert normalise([(4, 6), (0, 2)], "ab, cd") == ((0, 2), (4, 6))
