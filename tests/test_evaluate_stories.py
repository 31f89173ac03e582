"""Stories gold reader and scorers (sayso.evaluate.stories): hand-made cases scored by hand,
and the committed gold in benchmarks/gold/stories checked for shape and consistency."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from sayso.errors import GoldDataError
from sayso.evaluate.stories import (
    GoldClaim,
    GoldEvent,
    GoldMention,
    GoldStoryArticle,
    PredictedClaim,
    PredictedMention,
    article_key,
    claim_errors,
    event_split,
    grouping_errors,
    match_mentions,
    read_stories_gold,
    score_claims,
    score_grouping,
)

GOLD = Path(__file__).resolve().parents[1] / "benchmarks" / "gold" / "stories"


# --- keys and splits ----------------------------------------------------------------------------


def test_article_key_joins_http_https_and_trailing_slash() -> None:
    assert article_key("http://en.kremlin.ru/events/president/news/67315") == article_key(
        "https://EN.kremlin.ru/events/president/news/67315/"
    )
    assert article_key("https://x.gov/a/b/#top") == "https://x.gov/a/b"
    assert article_key("https://x.gov/a?id=1") != article_key("https://x.gov/a?id=2")


def test_event_split_is_deterministic_and_about_two_thirds_dev() -> None:
    ids = [f"event-{i}" for i in range(3000)]
    splits = [event_split(i) for i in ids]
    assert splits == [event_split(i) for i in ids]
    assert 0.6 < splits.count("dev") / len(splits) < 0.73


# --- grouping -----------------------------------------------------------------------------------


def test_perfect_grouping_scores_one() -> None:
    gold = {"a": "1", "b": "1", "c": "2"}
    got = score_grouping(gold, {"a": "x", "b": "x", "c": "y"})
    assert got["pairwise"]["f1"] == 1.0 and got["bcubed"]["f1"] == 1.0


def test_grouping_hand_case() -> None:
    # gold {a,b,c} {d,e}; predicted {a,b} {c,d,e}
    gold = {"a": "G1", "b": "G1", "c": "G1", "d": "G2", "e": "G2"}
    pred = {"a": "X", "b": "X", "c": "Y", "d": "Y", "e": "Y"}
    got = score_grouping(gold, pred)
    pw = got["pairwise"]
    # gold pairs 3+1, predicted pairs 1+3, correct ab + de = 2
    assert (pw["gold_pairs"], pw["predicted_pairs"], pw["correct_pairs"]) == (4, 4, 2)
    assert pw["precision"] == pytest.approx(0.5) and pw["recall"] == pytest.approx(0.5)
    # B-cubed: a,b: p 1, r 2/3; c: p 1/3, r 1/3; d,e: p 2/3, r 1
    assert got["bcubed"]["precision"] == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert got["bcubed"]["recall"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)


def test_distractors_count_only_when_they_join_a_gold_story() -> None:
    gold = {"a": "G", "b": "G"}
    pred = {"a": "X", "b": "X", "z": "X", "y": "Y", "w": "Y"}  # y, w: a story of their own
    got = score_grouping(gold, pred)
    assert got["distractors_joined"] == 1
    # predicted pairs ab, az, bz; correct ab
    assert got["pairwise"]["precision"] == pytest.approx(1 / 3)
    assert got["pairwise"]["recall"] == 1.0
    assert got["bcubed"]["precision"] == pytest.approx(2 / 3)
    assert got["bcubed"]["recall"] == 1.0
    # the same distractors in their own stories cost nothing
    clean = score_grouping(gold, {"a": "X", "b": "X", "z": "Z", "y": "Y", "w": "Y"})
    assert clean["pairwise"]["f1"] == 1.0 and clean["distractors_joined"] == 0


def test_missing_gold_articles_are_singletons() -> None:
    got = score_grouping({"a": "G", "b": "G", "c": "G"}, {"a": "X"})
    assert got["missing"] == 2
    assert got["pairwise"]["precision"] == 1.0  # no predicted pairs: nothing wrong
    assert got["pairwise"]["recall"] == 0.0
    assert got["pairwise"]["f1"] == 0.0
    assert got["bcubed"]["recall"] == pytest.approx(1 / 3)


def test_ignored_keys_are_left_out_on_both_sides() -> None:
    gold = {"a": "G", "b": "G", "m": "H"}
    pred = {"a": "X", "b": "X", "m": "X", "n": "X"}
    got = score_grouping(gold, pred, ignore={"m", "n"})
    assert got["articles"] == 2 and got["pairwise"]["f1"] == 1.0


def test_grouping_is_linear_not_all_pairs() -> None:
    # one predicted story of 200,000 articles: 2e10 pairs if they were enumerated
    n = 200_000
    gold = {str(i): str(i // 100) for i in range(n)}
    pred = dict.fromkeys(gold, "all")
    started = time.perf_counter()
    got = score_grouping(gold, pred)
    assert time.perf_counter() - started < 10
    assert got["pairwise"]["predicted_pairs"] == n * (n - 1) // 2
    assert got["pairwise"]["correct_pairs"] == (n // 100) * (100 * 99 // 2)
    assert got["pairwise"]["recall"] == 1.0


# --- claims -------------------------------------------------------------------------------------


def _gm(article: str, start: int, end: int, source: str = "S") -> GoldMention:
    return GoldMention(article, start, end, None, source, "someone", False)


def _gc(cid: str, status: str, *mentions: GoldMention) -> GoldClaim:
    return GoldClaim(cid, "e", "dev", cid, status, "why" if status == "conflict" else None, mentions)  # type: ignore[arg-type]


def _pm(article: str, start: int, end: int) -> PredictedMention:
    return PredictedMention(article, start, end)


def test_claims_hand_case() -> None:
    gold = [
        _gc("G1", "shared", _gm("A", 0, 10), _gm("B", 0, 10)),
        _gc("G2", "one_sided", _gm("A", 20, 30)),
        _gc("G3", "conflict", _gm("A", 40, 50), _gm("B", 40, 50)),
    ]
    pred = [
        PredictedClaim("P1", "shared", (_pm("A", 2, 9), _pm("B", 1, 8))),
        PredictedClaim("P2", "shared", (_pm("A", 22, 28), _pm("A", 41, 49))),
        PredictedClaim("P3", "conflict", (_pm("B", 45, 60),)),
        PredictedClaim("P4", "one_sided", (_pm("C", 0, 5),)),
    ]
    got = score_claims(gold, pred)
    assert got["mentions"]["matched"] == 5
    assert got["mentions"]["precision"] == pytest.approx(5 / 6)
    assert got["mentions"]["recall"] == 1.0
    # gold pairs among matched: (A0,B0) and (A40,B40); predicted: (A2,B1) and (A22,A41);
    # only the first is in both
    al = got["alignment"]
    assert (al["gold_pairs"], al["predicted_pairs"], al["correct_pairs"]) == (2, 2, 1)
    assert al["f1"] == pytest.approx(0.5)
    # G1 -> P1 shared (right); G2 -> P2 shared (wrong); G3 -> tie P2/P3, the earlier P2: wrong
    st = got["status"]
    assert (st["claims_scored"], st["correct"]) == (3, 1)
    assert st["accuracy"] == pytest.approx(1 / 3)
    assert st["confusion"]["conflict"] == {"shared": 1}


def test_alignment_is_also_scored_apart_across_sources_and_within_one() -> None:
    gold = [
        _gc("G1", "shared", _gm("A", 0, 10, "WH"), _gm("B", 0, 10, "K")),
        _gc("G2", "one_sided", _gm("A", 20, 30, "WH"), _gm("A2", 0, 10, "WH")),
    ]
    pred = [
        PredictedClaim("P1", "shared", (_pm("A", 0, 10), _pm("B", 0, 10), _pm("A2", 0, 10))),
        PredictedClaim("P2", "one_sided", (_pm("A", 20, 30),)),
    ]
    got = score_claims(gold, pred)

    def counts(part: dict[str, float]) -> tuple[float, float, float]:
        return part["gold_pairs"], part["predicted_pairs"], part["correct_pairs"]

    # predicted pairs: (A0,B0) and (B0,A2) across, (A0,A2) within; only (A0,B0) is gold
    assert counts(got["alignment"]) == (2, 3, 1)
    assert counts(got["alignment_across_sources"]) == (1, 2, 1)
    assert counts(got["alignment_within_source"]) == (1, 1, 0)
    assert got["alignment_across_sources"]["precision"] == pytest.approx(0.5)
    assert got["alignment_across_sources"]["recall"] == 1.0
    assert got["alignment_within_source"]["f1"] == 0.0


def test_mentions_match_one_to_one_by_largest_overlap_in_the_same_article() -> None:
    gold = [_gm("A", 0, 10), _gm("A", 10, 20)]
    pred = [_pm("A", 5, 12), _pm("A", 0, 9), _pm("B", 0, 20)]
    # (A0-10, A0-9) overlap 9 beats (A0-10, A5-12) 5; then A5-12 takes A10-20 (overlap 2)
    assert match_mentions(gold, pred) == {0: 1, 1: 0}
    assert match_mentions([_gm("A", 0, 10)], [_pm("A", 10, 20)]) == {}


def test_no_prediction_scores_zero_status_and_recall() -> None:
    got = score_claims([_gc("G1", "shared", _gm("A", 0, 10), _gm("B", 0, 10))], [])
    assert got["mentions"]["recall"] == 0.0
    assert got["status"]["accuracy"] == 0.0 and got["status"]["claims_scored"] == 0


def test_claim_errors_name_missed_split_merged_and_status() -> None:
    gold = [
        _gc("G1", "shared", _gm("A", 0, 10), _gm("B", 0, 10)),
        _gc("G2", "one_sided", _gm("A", 20, 30)),
        _gc("G3", "conflict", _gm("A", 40, 50), _gm("B", 40, 50)),
        _gc("G4", "one_sided", _gm("A", 60, 70)),
    ]
    pred = [
        PredictedClaim("P1", "shared", (_pm("A", 2, 9), _pm("B", 1, 8))),
        PredictedClaim("P2", "shared", (_pm("A", 22, 28), _pm("A", 41, 49))),
        PredictedClaim("P3", "conflict", (_pm("B", 45, 60),)),
    ]
    errs = {e["claim"]: e for e in claim_errors(gold, pred)}
    assert "G1" not in errs  # both mentions in P1, status right
    assert errs["G2"]["problems"] == ["merged", "status"] and errs["G2"]["merged_with"] == ["G3"]
    assert errs["G3"]["problems"] == ["split", "merged"]  # P2 and P3; P3 says conflict
    assert [m["predicted"] for m in errs["G3"]["mentions"]] == ["P2", "P3"]
    assert errs["G4"]["problems"] == ["missed"] and errs["G4"]["mentions"][0]["predicted"] is None
    assert claim_errors(gold[:1], pred[:1]) == []


def test_grouping_errors_name_split_events_and_intruders() -> None:
    def event(eid: str, *keys: str) -> GoldEvent:
        arts = tuple(GoldStoryArticle(k, k, "S", "2022-01-01", "account") for k in keys)
        return GoldEvent(eid, "dev", "call", "2022-01-01", eid, (), arts)

    events = [event("E1", "a", "b"), event("E2", "c"), event("E3", "d", "e"), event("E4", "f")]
    predicted = {"a": "1", "b": "1", "c": "2", "x": "2", "d": "3", "e": "4"}
    errs = {e["event"]: e for e in grouping_errors(events, predicted, titles={"x": "Other"})}
    assert set(errs) == {"E2", "E3", "E4"}  # E1 is right
    assert errs["E2"]["intruders"] == [{"key": "x", "story": "2", "gold_event": None,
                                        "title": "Other"}]  # fmt: skip
    assert errs["E3"]["split_over"] == 2 and not errs["E3"]["intruders"]
    assert errs["E4"]["articles"][0]["story"] is None  # never grouped
    # ignored keys count on neither side: no intruder, no second story, nothing ungrouped
    assert grouping_errors(events, predicted, ignore={"x", "e", "f"}) == []


# --- reading gold -------------------------------------------------------------------------------


def _write(folder: Path, events: list[dict], claims: list[dict] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "events.jsonl").write_text(
        "".join(json.dumps(e) + "\n" for e in events), encoding="utf-8"
    )
    if claims is not None:
        (folder / "claims.jsonl").write_text(
            "".join(json.dumps(c) + "\n" for c in claims), encoding="utf-8"
        )
    return folder


def _event(eid: str, *urls: str) -> dict:
    return {
        "event": eid,
        "kind": "call",
        "date": "2022-01-01",
        "title": eid,
        "participants": ["A", "B"],
        "articles": [
            {"url": u, "source": "WH" if "wh" in u else "KR", "published": "2022-01-01",
             "role": "account"}
            for u in urls
        ],
    }


def _claim_row(status: str, conflict: str | None = None, article: str = "https://wh.gov/1") -> dict:
    return {
        "claim": "c1",
        "event": "e1",
        "summary": "s",
        "status": status,
        "conflict": conflict,
        "mentions": [
            {"article": article, "start": 0, "end": 3, "text": "abc", "credited_to": "A",
             "hedged": False},
            {"article": "https://kr.ru/1", "start": 5, "end": 7, "credited_to": "B",
             "hedged": True},
        ],
    }


def test_reader_round_trip(tmp_path: Path) -> None:
    folder = _write(
        tmp_path, [_event("e1", "http://wh.gov/1/", "https://kr.ru/1")], [_claim_row("shared")]
    )
    gold = read_stories_gold(folder)
    assert gold.grouping("all") == {"https://wh.gov/1": "e1", "https://kr.ru/1": "e1"}
    (claim,) = gold.claims
    assert claim.status == "shared" and claim.mentions[1].hedged is True
    assert claim.mentions[1].text is None and claim.mentions[0].source == "WH"


@pytest.mark.parametrize(
    ("events", "claims", "where"),
    [
        ([_event("e1", "https://wh.gov/1"), _event("e2", "https://wh.gov/1/")], None, "events.jsonl:2"),
        ([_event("e1", "https://wh.gov/1", "https://kr.ru/1")], [_claim_row("agreed")], "claims.jsonl:1"),
        ([_event("e1", "https://wh.gov/1", "https://kr.ru/1")], [_claim_row("conflict")], "claims.jsonl:1"),
        ([_event("e1", "https://wh.gov/1", "https://kr.ru/1")], [_claim_row("one_sided")], "claims.jsonl:1"),
        (
            [_event("e1", "https://wh.gov/1", "https://kr.ru/1")],
            [_claim_row("shared", article="https://elsewhere.org/x")],
            "claims.jsonl:1",
        ),
    ],
)
def test_reader_errors_name_file_and_line(
    tmp_path: Path, events: list[dict], claims: list[dict] | None, where: str
) -> None:
    folder = _write(tmp_path, events, claims)
    with pytest.raises(GoldDataError, match=where):
        read_stories_gold(folder)


def test_reader_rejects_a_wrong_split(tmp_path: Path) -> None:
    ev = _event("e1", "https://wh.gov/1")
    ev["split"] = "test" if event_split("e1") == "dev" else "dev"
    with pytest.raises(GoldDataError, match="events.jsonl:1"):
        read_stories_gold(_write(tmp_path, [ev]))


# --- the committed gold -------------------------------------------------------------------------


def test_committed_gold_meets_the_issue() -> None:
    gold = read_stories_gold(GOLD)
    assert len(gold.events) >= 40
    several = [e for e in gold.events if len({a.source for a in e.articles}) >= 2]
    assert len(several) >= 8
    claim_events = {c.event for c in gold.claims}
    assert len(claim_events) >= 8
    assert {c.status for c in gold.claims} == {"shared", "one_sided", "conflict"}
    assert gold.claims_of("dev") and gold.grouping("dev") and gold.grouping("test")
    assert any(a.duplicate_of for e in gold.events for a in e.articles)


def test_committed_gold_ships_no_ukrainian_text_and_quotes_the_bundle_exactly() -> None:
    gold = read_stories_gold(GOLD)
    with open(GOLD / "articles.jsonl", encoding="utf-8") as f:
        bundle = {article_key(r["url"]): r for r in map(json.loads, f)}
    assert not [k for k in bundle if "president.gov.ua" in k]
    for claim in gold.claims:
        for m in claim.mentions:
            if "president.gov.ua" in m.article_key:
                assert m.text is None
            else:
                assert bundle[m.article_key]["text"][m.start : m.end] == m.text, claim.id


def test_ignored_keys_are_passing_mentions_and_left_out_roles(tmp_path: Path) -> None:
    e1 = _event("e1", "https://wh.gov/1", "https://kr.ru/1")
    e1["articles"][1]["role"] = "announcement"
    e1["mentioned_in"] = ["https://ua.gov/9", "https://wh.gov/2"]
    e2 = _event("e2", "https://wh.gov/2")  # a member elsewhere: a distractor, never ignored
    gold = read_stories_gold(_write(tmp_path, [e1, e2]))
    assert gold.ignored("all") == {"https://ua.gov/9"}
    no_announcements = gold.ignored("all", roles=("account", "transcript"))
    assert no_announcements == {"https://ua.gov/9", "https://kr.ru/1"}
    assert "https://kr.ru/1" not in gold.grouping("all", roles=("account", "transcript"))


def test_credit_matches_names_groups_and_narrators() -> None:
    from sayso.evaluate.stories import credit_matches

    assert credit_matches("Joe Biden", "President Biden")
    assert credit_matches("Volodymyr Zelenskyy", "Zelensky")  # one spelling of the surname
    assert credit_matches("Joe Biden; Volodymyr Zelenskyy", "the two presidents")
    assert credit_matches("Joe Biden; Volodymyr Zelenskyy", "Joseph Biden and Volodymyr Zelenskyy")
    assert not credit_matches("Joe Biden; Volodymyr Zelenskyy", "Joe Biden")
    assert credit_matches("Kremlin", "President of Russia (Kremlin)")
    assert credit_matches("senior administration official", "a senior administration official")
    assert not credit_matches("Office of the President of Ukraine", "Ukraine")
    assert not credit_matches("Office of the President of Ukraine", "President Zelenskyy")
    assert not credit_matches("Yury Ushakov", "Vladimir Putin")
    assert not credit_matches("Joe Biden", None)


def test_claims_score_credits_and_hedges_of_matched_mentions() -> None:
    gold = [_gc("G1", "shared", GoldMention("A", 0, 10, None, "WH", "Joe Biden", False),
                GoldMention("B", 0, 10, None, "K", "Kremlin", True))]  # fmt: skip
    pred = [PredictedClaim("P1", "shared", (
        PredictedMention("A", 0, 10, "", "President Biden", False),
        PredictedMention("B", 0, 10, "", "Vladimir Putin", False),
    ))]  # fmt: skip
    m = score_claims(gold, pred)["mentions"]
    assert (m["credited_correct"], m["hedged_correct"]) == (1, 1)
    assert m["credited_accuracy"] == m["hedged_accuracy"] == 0.5
