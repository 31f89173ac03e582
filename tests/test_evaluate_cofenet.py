"""CofeNet protocol: text rebuild, span -> BIO mapping, CofeNet's span reading and exact F1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import gate
from sayso.errors import GoldDataError
from sayso.evaluate.cofenet import (
    RoleSpan,
    attribution_spans,
    get_element,
    read_bio,
    rebuild_text,
    score_bio,
    spans_to_bio,
)
from sayso.models import Attribution, Span

# The data folder as the quality gate finds it ($SAYSO_DATA, ../shared/data, /work/shared/data).
DATA = gate.find_data()[0] or Path("/nonexistent")
VALID = DATA / "cofenet-polnear" / "valid.txt"

OUT, BS, IS, BC, IC, BT, IT = (
    "O",
    "B-source",
    "I-source",
    "B-cue",
    "I-cue",
    "B-content",
    "I-content",
)


# --- CofeNet's span reading (exe/eval/extraction.py, get_element) ------------------------------


def test_get_element_on_cofenets_own_example() -> None:
    # The sequence from the __main__ block of CofeNet's extraction.py.
    labels = [
        BS,
        IC,
        BC,
        IC,
        IC,
        BT,
        IT,
        IT,
        OUT,
        OUT,
        OUT,
        OUT,
        OUT,
        OUT,
        OUT,
        BS,
        BC,
        IC,
        IC,
        BT,
        IT,
        IT,
    ]
    assert get_element(labels) == {
        "source": [(0, 1), (15, 16)],
        "cue": [(2, 5), (16, 19)],
        "content": [(5, 8), (19, 22)],
    }


def test_stray_i_tag_closes_the_open_span_and_opens_nothing() -> None:
    assert get_element([IT, IT, OUT]) == {}
    assert get_element([BT, IT, IS, IS, BC]) == {"content": [(0, 2)], "cue": [(4, 5)]}
    assert get_element([BT, BT, IT]) == {"content": [(0, 1), (1, 3)]}


# --- scorer (exe/eval/evaluation.py, exact_match) ---------------------------------------------


def test_gold_as_prediction_scores_100() -> None:
    gold = [[BS, IS, BC, BT, IT], [OUT, BC, BT, IT, IT, OUT, BT]]
    for prf in score_bio(gold, gold).values():
        assert (prf.p, prf.r, prf.f1) == (100.0, 100.0, 100.0)


def test_shifted_split_and_missing_spans_by_hand() -> None:
    gold = [
        [BS, IS, BC, BT, IT, IT, OUT],  # source (0,2) cue (2,3) content (3,6)
        [BC, OUT, BC, BT, IT],  # cue (0,1) (2,3), content (3,5)
        [BT, IT],  # content (0,2)
    ]
    pred = [
        [BS, IS, BC, BT, IT, BT, IT],  # content split: (3,5) (5,7)
        [OUT, OUT, BC, OUT, BT],  # first cue missing; content shifted to (4,5)
        [BT, IT],  # right
    ]
    s = score_bio(gold, pred)
    assert (s["source"].tp_gold, s["source"].n_pred, s["source"].n_gold) == (1, 1, 1)
    # cue: 2 found of 3, no false positive -> P 100, R 66.7, F1 80.
    assert (s["cue"].p, s["cue"].f1) == (100.0, pytest.approx(80.0))
    assert s["cue"].r == pytest.approx(200 / 3)
    # content: 1 right of 3 gold; 4 predicted -> P 25, R 33.3, F1 28.57.
    c = s["content"]
    assert (c.tp_gold, c.n_pred, c.n_gold) == (1, 4, 3)
    assert c.f1 == pytest.approx(2 * 25 * (100 / 3) / (25 + 100 / 3))


def test_nothing_predicted_scores_zero_not_an_error() -> None:
    s = score_bio([[BC, BT]], [[OUT, OUT]])
    assert (s["cue"].p, s["cue"].r, s["cue"].f1) == (0.0, 0.0, 0.0)


def test_lengths_must_agree() -> None:
    with pytest.raises(ValueError, match="2 gold tags but 1 predicted"):
        score_bio([[OUT, OUT]], [[OUT]])


# --- text rebuild -----------------------------------------------------------------------------


def test_rebuild_undoes_ptb_escapes_and_spacing() -> None:
    tokens = ["``", "We", "do", "n't", "know", ",", "''", "Obama", "'s", "aide", "-LRB-", "D"]
    tokens += ["-RRB-", "said", "--", "`", "maybe", "'", "-LSB-", "$", "5", "-RSB-", "."]
    rt = rebuild_text(tokens)
    assert (
        rt.text == "\u201cWe don't know,\u201d Obama's aide (D) said \u2014 \u2018maybe\u2019 [$5]."
    )
    assert [rt.text[s:e] for s, e in rt.offsets][:4] == ["\u201c", "We", "do", "n't"]
    assert rt.text[slice(*rt.offsets[14])] == "\u2014"
    assert len(rt.offsets) == len(tokens)


# --- span -> BIO ------------------------------------------------------------------------------


def test_spans_map_to_tokens_one_role_each_b_per_piece() -> None:
    tokens = ["``", "It", "works", ",", "''", "Smith", "said", ",", "``", "really", ".", "''"]
    rt = rebuild_text(tokens)
    text = rt.text
    first = (0, text.index("Smith") - 1)  # '“It works,”'
    second = (text.index("\u201creally"), len(text))
    spans = [
        RoleSpan("content", *first),
        RoleSpan("content", *second),
        RoleSpan("source", text.index("Smith"), text.index("Smith") + 5),
        RoleSpan("cue", text.index("said"), text.index("said") + 4),
    ]
    assert spans_to_bio(rt.offsets, spans) == (BT, IT, IT, IT, IT, BS, BC, OUT, BT, IT, IT, IT)


def test_cue_inside_a_content_keeps_its_role_and_splits_the_content() -> None:
    rt = rebuild_text(["He", "said", "she", "said", "no", "."])
    whole = RoleSpan("content", rt.offsets[2][0], len(rt.text))
    cue = RoleSpan("cue", *rt.offsets[3])
    assert spans_to_bio(rt.offsets, [whole, cue]) == (OUT, OUT, BT, BC, BT, IT)


def test_a_token_needs_half_its_characters_covered() -> None:
    rt = rebuild_text(["Trump", "spoke"])
    assert spans_to_bio(rt.offsets, [RoleSpan("source", 0, 3)]) == (BS, OUT)  # 3 of 5
    assert spans_to_bio(rt.offsets, [RoleSpan("source", 0, 2)]) == (OUT, OUT)  # 2 of 5


def test_attribution_spans_lists_every_piece() -> None:
    text = "“A,” Smith said, “B.”"
    a = Attribution(
        id="a1",
        cue=Span.of(text, 11, 15),
        content=(Span.of(text, 0, 4), Span.of(text, 17, 21)),
        kind="direct",
        source=Span.of(text, 5, 10),
    )
    assert [(s.role, s.start, s.end) for s in attribution_spans(a)] == [
        ("cue", 11, 15),
        ("source", 5, 10),
        ("content", 0, 4),
        ("content", 17, 21),
    ]


# --- reader -----------------------------------------------------------------------------------


def test_read_bio_checks_lines(tmp_path: Path) -> None:
    good = {"tokens": ["He", "said"], "labels": [BS, BC], "pos": [], "ner": [], "id": "x_aa"}
    path = tmp_path / "v.txt"
    path.write_text(json.dumps(good) + "\n", encoding="utf-8")
    (p,) = read_bio(path)
    assert p.id == "x_aa" and p.line == 1 and p.labels == (BS, BC)
    path.write_text(json.dumps({**good, "labels": [BS]}) + "\n", encoding="utf-8")
    with pytest.raises(GoldDataError, match=r"v\.txt:1: 2 tokens but 1 labels"):
        read_bio(path)
    path.write_text(json.dumps({**good, "labels": [BS, "B-x"]}) + "\n", encoding="utf-8")
    with pytest.raises(GoldDataError, match="unknown tags"):
        read_bio(path)


@pytest.mark.skipif(not VALID.is_file(), reason="CofeNet valid.txt not present")
def test_real_gold_survives_rebuild_and_mapping_and_scores_100() -> None:
    paragraphs = read_bio(VALID)
    predicted = []
    for p in paragraphs:
        rt = rebuild_text(p.tokens)
        spans = [
            RoleSpan(role, rt.offsets[s][0], rt.offsets[e - 1][1])
            for role, found in get_element(p.labels).items()
            for s, e in found
        ]
        predicted.append(spans_to_bio(rt.offsets, spans))
    assert predicted == [p.labels for p in paragraphs]
    for prf in score_bio([p.labels for p in paragraphs], predicted).values():
        assert prf.f1 == 100.0
