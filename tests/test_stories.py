"""sayso.stories: near-duplicates, stories (incremental grouping), claims and their statuses.

Articles are hand-made readouts; embeddings are turned off (``SAYSO_EMBEDDINGS=0``) so that the
tests run fast and exercise the lexical path; the MiniLM path is measured by
``sayso evaluate stories`` (BENCHMARKS.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sayso.cli import cli
from sayso.models import Article, Attribution, Extraction, Span, Speaker, speaker_id
from sayso.store import Store
from sayso.store import stories as sql
from sayso.stories import _accounts, compare, compare_stale, embed, stories, update
from sayso.stories.claims import align, conflict_reason, mentions_of
from sayso.stories.grouping import compatible, group_new
from sayso.stories.signature import fold, lead_names, names, normalise_places, signature

WH = "The White House (United States)"
UA = "Office of the President of Ukraine"
KR = "President of Russia (Kremlin)"


@pytest.fixture(autouse=True)
def _no_embeddings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("SAYSO_EMBEDDINGS", "0")
    embed._model.cache_clear()
    yield
    embed._model.cache_clear()


def art(title: str, body: str, source: str, published: str, url: str | None = None) -> Article:
    return Article(text=f"{title}\n\n{body}", title=title, source=source, published=published,
                   url=url or f"https://example.org/{abs(hash(title + published))}")  # fmt: skip


WH_CALL = art(
    "Readout of President Biden’s Call with President Zelenskyy of Ukraine",
    "President Joseph R. Biden, Jr. spoke today with President Volodymyr Zelenskyy of Ukraine. "
    "President Biden reaffirmed the commitment of the United States to Ukraine’s sovereignty and "
    "territorial integrity. The leaders discussed the security assistance of $800 million that "
    "the United States is providing. The call took place at the request of the Ukrainian side.",
    WH, "2022-03-05T19:56:00-05:00",
)
UA_CALL = art(
    "President of Ukraine had a phone conversation with the President of the United States",
    "President of Ukraine Volodymyr Zelenskyy had a phone conversation with President of the "
    "United States of America Joseph Biden. Volodymyr Zelenskyy thanked Joseph Biden for the "
    "support of Ukraine's sovereignty and territorial integrity. The presidents discussed the "
    "security assistance of $500 million. The conversation was held at the initiative of the "
    "American side.",
    UA, "2022-03-06T12:22:00Z",
)
WH_LATER = art(
    "Readout of President Biden’s Call with President Zelenskyy of Ukraine",
    "President Joseph R. Biden, Jr. spoke today with President Volodymyr Zelenskyy of Ukraine "
    "about the humanitarian assistance the United States is sending to Ukraine.",
    WH, "2022-03-11T11:40:00-05:00",
)
WH_PUTIN = art(
    "Readout of President Biden’s Call with President Vladimir Putin of Russia",
    "President Joseph R. Biden, Jr. spoke today with President Vladimir Putin of Russia about "
    "the military buildup on the borders of Ukraine. President Biden urged Russia to de-escalate.",
    WH, "2022-03-05T12:00:00-05:00",
)
KR_PUTIN = art(
    "Telephone conversation with US President Joseph Biden",
    "Vladimir Putin had a telephone conversation with President of the United States of America "
    "Joseph Biden. The presidents discussed the situation around Ukraine.",
    KR, "2022-03-05T22:00:00Z",
)


def _bare(store: Store, *articles: Article) -> None:
    for a in articles:
        store.write(Extraction(a, (), ()), extractor="test.none")


# -- signatures ---------------------------------------------------------------------------------


def test_names_fold_spellings_and_places() -> None:
    assert fold("Zelenskyy") == fold("Zelensky") == "zelensky"
    assert fold("Biden’s") == "biden"
    assert normalise_places("the U.S. and the United States of America").split().count("Usa") == 2
    keys = names("Readout\n\nPresident Biden spoke with President Zelensky of Ukraine. Biden said.")
    assert {"biden", "zelensky", "ukraine"} <= keys.keys()
    assert "president" not in keys and "readout" not in keys  # titles and headline words


def test_people_in_the_lead_rule_out_other_events() -> None:
    wh, kr, wz = signature(WH_PUTIN).keys, signature(KR_PUTIN).keys, signature(WH_CALL).keys
    assert {"biden", "putin"} <= lead_names(wh)  # people are known by their surname
    assert "vladimir" not in lead_names(wh) and "joseph" not in lead_names(wh)
    assert "ukraine" not in lead_names(wz)  # a place, not a participant
    assert compatible(wh, kr, WH, KR)  # Biden-Putin told by Washington and by Moscow
    assert not compatible(wh, wz, WH, WH)  # Biden-Putin and Biden-Zelenskyy the same day


def test_a_holiday_is_not_a_person_nor_a_story(tmp_path: Path) -> None:
    keys = names("Greetings on Ecologist Day\n\nThe message reads: this holiday unites people.")
    assert "day" not in keys and "day" not in lead_names(keys) and "ecologist" in keys
    greeting = art("Greetings on Ecologist Day", "Vladimir Putin sent greetings to ecologists on "
                   "Ecologist Day. The message reads: this holiday unites people.", KR,
                   "2022-06-05T11:00:00Z")  # fmt: skip
    grain = art("Ukraine is negotiating on the export of grain", "On Journalist Day, Volodymyr "
                "Zelenskyy said Ukraine was negotiating with Turkey and the United Nations on "
                "the export of grain.", UA, "2022-06-06T21:06:00Z")  # fmt: skip
    with Store(tmp_path / "h.db") as store:
        for a in (greeting, grain):
            store.write(Extraction(a, (), ()), extractor="test.v1")
        group_new(store)
        assert sql.story_of(store, greeting.id) != sql.story_of(store, grain.id)


def test_an_announcement_counts_from_the_day_it_names() -> None:
    from sayso.stories.signature import date_of, event_day

    ann = art("On February 15, Vladimir Putin will hold talks with Federal Chancellor of Germany "
              "Olaf Scholz in Moscow", "The agenda includes bilateral issues.", KR,
              "2022-02-04T14:00:00Z")  # fmt: skip
    assert date_of(event_day(ann) or 0) == "2022-02-15"
    december = art("On January 3, Vladimir Putin will meet X Y", "Agenda.", KR, "2021-12-28T10:00Z")
    assert date_of(event_day(december) or 0) == "2022-01-03"  # the next year
    past = art("On February 1, Vladimir Putin will hold talks", "Agenda.", KR, "2022-02-04T10:00Z")
    assert date_of(event_day(past) or 0) == "2022-02-04"  # not a later day: publication day
    bad = art("On February 30, Vladimir Putin will hold talks", "x", KR, "2022-02-04T10:00Z")
    assert date_of(event_day(bad) or 0) == "2022-02-04"
    told = art("On February 15, talks were held", "They discussed trade.", KR, "2022-02-16T10:00Z")
    assert date_of(event_day(told) or 0) == "2022-02-16"  # no "will": an account


def test_people_by_surname_implicit_leader_and_event_parties() -> None:
    from sayso.stories.signature import event_parties, implicit_subject, principal

    assert principal(KR) == "putin" and principal(UA) == "zelensky" and principal("x") is None
    kr_macron = art("Telephone conversation with President of France Emmanuel Macron",
                    "The leaders discussed the situation around Ukraine.", KR,
                    "2022-02-20T18:00:00Z")  # fmt: skip
    assert implicit_subject(kr_macron) == "putin"
    assert "putin" in lead_names(signature(kr_macron).keys)
    assert implicit_subject(WH_CALL) is None  # "Readout of President Biden's Call with ..."
    assert event_parties(
        "Ukraine will fight. This was stated by President Volodymyr Zelenskyy, answering "
        "questions after negotiations with Chancellor of Austria Karl Nehammer in Kyiv."
    ) == {"nehammer"}
    assert event_parties("He said so after talks with the Ukrainian side.") == set()


def test_an_account_of_a_call_names_the_other_party() -> None:
    wh_macron = signature(art("Readout of President Biden’s Call with President Emmanuel Macron "
                              "of France", "President Joseph R. Biden, Jr. spoke today with "
                              "President Emmanuel Macron of France about Russia.", WH,
                              "2022-02-20T12:00:00-05:00")).keys  # fmt: skip
    kr_macron = signature(art("Telephone conversation with President of France Emmanuel Macron",
                              "The leaders discussed the situation around Ukraine.", KR,
                              "2022-02-20T18:00:00Z")).keys  # fmt: skip
    # Putin takes part in Moscow's account and Washington's never names him; Biden likewise
    assert not compatible(wh_macron, kr_macron, WH, KR)
    wh, ua = signature(WH_CALL).keys, signature(UA_CALL).keys
    assert compatible(wh, ua, WH, UA)
    speech = signature(art("Ukraine is wise and does not react to provocations - President",
                           "President Volodymyr Zelenskyy emphasizes that the balanced position "
                           "of our state is important for Ukrainians.", UA,
                           "2022-03-06T15:00:00Z")).keys  # fmt: skip
    # a speech naming nobody but Zelenskyy is not an account of his call with Biden ...
    assert not compatible(speech, ua, UA, UA)
    quoted = signature(art("Ukraine is wise and does not react to provocations - President",
                           "President Volodymyr Zelenskyy emphasizes that the balanced position "
                           "of our state is important, he said after talks with President of the "
                           "United States Joseph Biden.", UA, "2022-03-06T15:00:00Z")).keys  # fmt: skip
    # ... unless it says it was said after the talks with him
    assert compatible(quoted, ua, UA, UA)


def test_one_outlet_reports_an_event_on_one_day_in_one_readout(tmp_path: Path) -> None:
    nsc = art("Readout of President Biden’s National Security Council Meeting",
              "President Joseph R. Biden, Jr. met today with his National Security Council about "
              "Russia and Ukraine and the call with President Volodymyr Zelenskyy.", WH,
              "2022-03-05T21:00:00-05:00")  # fmt: skip
    next_day = art("Readout of President Biden’s Call with President Zelenskyy of Ukraine",
                   "President Joseph R. Biden, Jr. spoke today with President Volodymyr "
                   "Zelenskyy of Ukraine about Ukraine’s sovereignty.", WH,
                   "2022-03-06T11:00:00-05:00")  # fmt: skip
    talks = art("Talks with Prime Minister of Hungary Viktor Orban",
                "The discussion focused on energy. President of Russia Vladimir Putin: Mr Prime "
                "Minister, welcome to Moscow.", KR, "2022-02-01T19:20:00Z")  # fmt: skip
    presser = art("News conference following Russian-Hungarian talks",
                  "President of Russia Vladimir Putin: We are very happy to welcome the Prime "
                  "Minister of Hungary, Mr Orban, here in Moscow.", KR, "2022-02-01T20:05:00Z")
    announced = art("On February 1, Vladimir Putin will hold talks with Prime Minister of Hungary "
                    "Viktor Orban", "The agenda includes energy.", KR, "2022-01-28T15:10:00Z")
    with Store(tmp_path / "s.db") as store:
        _bare(store, WH_CALL, nsc, next_day, announced, talks, presser)
        group_new(store)
        story = {a.id: sql.story_of(store, a.id) for a in (WH_CALL, nsc, next_day, announced,
                                                           talks, presser)}  # fmt: skip
        assert len({story[WH_CALL.id], story[nsc.id], story[next_day.id]}) == 3
        assert story[announced.id] == story[talks.id] == story[presser.id]
        orban = next(s for s in stories(store) if s.id == story[talks.id])
        assert (orban.start, orban.end) == ("2022-02-01", "2022-02-01")  # the event's day


def test_a_leaders_address_of_the_day_and_one_outlets_acts_are_stories_of_their_own(
    tmp_path: Path,
) -> None:
    from sayso.stories.signature import is_address, is_readout

    assert is_address("Stand firm: Address by the President of Ukraine")
    assert is_address("Poland is with us - address by President Volodymyr Zelenskyy")
    assert not is_address("Address by President Volodymyr Zelenskyy to the participants of the "
                          "Global Forum")  # a speech at an event: part of it  # fmt: skip
    assert not is_address(None) and not is_address("Meeting with Andrzej Duda")
    assert is_readout("Telephone conversation with President of Azerbaijan Ilham Aliyev")
    assert is_readout("Executive Order on additional guarantees to service members")
    assert is_readout("President signed Federal Law On Ratifying the Treaty")
    assert is_readout("Easter greetings") and not is_readout("Russian-Chinese talks")
    visit = art("Volodymyr Zelenskyy met with President of Poland Andrzej Duda in Kyiv",
                "President of Ukraine Volodymyr Zelenskyy met with President of Poland Andrzej "
                "Duda in Kyiv. The Presidents discussed Poland's support.", UA,
                "2022-05-22T12:00:00Z")  # fmt: skip
    speech = art("Poland today demonstrates historical support - Volodymyr Zelenskyy",
                 "Volodymyr Zelenskyy and Andrzej Duda spoke to the press in Kyiv about Poland's "
                 "support for Ukraine.", UA, "2022-05-22T14:00:00Z")  # fmt: skip
    evening = art("Ukraine expands its international ties - address by President Volodymyr "
                  "Zelenskyy", "Today Andrzej Duda, President of Poland, was in Kyiv. Volodymyr "
                  "Zelenskyy thanked Poland for its support.", UA,
                  "2022-05-22T21:00:00Z")  # fmt: skip
    pashinyan = art("Telephone conversation with Prime Minister of Armenia Nikol Pashinyan",
                    "Vladimir Putin and Nikol Pashinyan discussed Armenia and Azerbaijan.", KR,
                    "2022-04-08T15:00:00Z")  # fmt: skip
    aliyev = art("Telephone conversation with President of Azerbaijan Ilham Aliyev",
                 "Vladimir Putin and Ilham Aliyev discussed Azerbaijan, Armenia and the talks "
                 "of Nikol Pashinyan.", KR, "2022-04-08T16:00:00Z")  # fmt: skip
    with Store(tmp_path / "s.db") as store:
        _bare(store, visit, speech, evening, pashinyan, aliyev)
        group_new(store)
        story = {a.id: sql.story_of(store, a.id) for a in (visit, speech, evening, pashinyan,
                                                           aliyev)}  # fmt: skip
        assert story[visit.id] == story[speech.id] != story[evening.id]
        assert story[pashinyan.id] != story[aliyev.id]


# -- stories ------------------------------------------------------------------------------------


def test_accounts_of_one_call_form_one_story_and_recurring_calls_stay_apart(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "s.db") as store:
        _bare(store, WH_CALL, UA_CALL, WH_LATER, WH_PUTIN, KR_PUTIN)
        report = group_new(store)
        assert report.articles == 5
        story = {a.id: sql.story_of(store, a.id) for a in (WH_CALL, UA_CALL, WH_LATER, WH_PUTIN,
                                                           KR_PUTIN)}  # fmt: skip
        assert story[WH_CALL.id] == story[UA_CALL.id]
        assert story[WH_PUTIN.id] == story[KR_PUTIN.id]
        assert story[WH_LATER.id] not in {story[WH_CALL.id], story[WH_PUTIN.id]}
        assert story[WH_CALL.id] != story[WH_PUTIN.id]
        listed = stories(store)
        assert [s.start for s in listed] == sorted((s.start for s in listed), reverse=True)
        both = next(s for s in listed if s.id == story[WH_CALL.id])
        assert both.outlets == (UA, WH)
        assert (both.start, both.end) == ("2022-03-05", "2022-03-06")
        # incremental: a second pass has nothing to do, a new article joins without regrouping
        assert group_new(store).articles == 0
        later_ua = art("Zelenskyy had a phone conversation with Joseph Biden",
                       "President of Ukraine Volodymyr Zelenskyy had a phone conversation with US "
                       "President Joseph Biden about humanitarian aid.", UA,
                       "2022-03-12T00:46:00Z")  # fmt: skip
        _bare(store, later_ua)
        assert group_new(store).articles == 1
        assert sql.story_of(store, later_ua.id) == story[WH_LATER.id]


def test_blocking_reads_an_index_range_per_name(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as store:
        plan = " ".join(
            r[-1] for r in store._conn.execute(
                "EXPLAIN QUERY PLAN SELECT DISTINCT article_id FROM story_keys"
                " WHERE key IN ('a', 'b') AND day BETWEEN 1 AND 5"
            )
        )  # fmt: skip
    assert "USING" in plan and "INDEX" in plan and "SCAN story_keys" not in plan


def test_articles_without_a_date_or_names_open_their_own_story(tmp_path: Path) -> None:
    undated = Article(text="Readout\n\nPresident Biden spoke with President Zelenskyy of Ukraine.",
                      title="Readout")  # fmt: skip
    nameless = art("a note", "nothing here is capitalised but this.", WH, "2022-03-05")
    with Store(tmp_path / "s.db") as store:
        _bare(store, WH_CALL, undated, nameless)
        group_new(store)
        ids = {sql.story_of(store, a.id) for a in (WH_CALL, undated, nameless)}
    assert len(ids) == 3


# -- near-duplicates ----------------------------------------------------------------------------


def test_a_light_edit_is_a_near_duplicate_joined_to_its_original(tmp_path: Path) -> None:
    copy = art(WH_CALL.title or "", WH_CALL.text.split("\n\n", 1)[1].replace("today", "on Saturday")
               + " Syndicated by Example Wire.", "Example Wire", "2022-03-06")  # fmt: skip
    other = art("Readout", "President Biden spoke with President Duda of Poland about refugees "
                "and the security of the eastern flank of NATO.", WH, "2022-03-05")  # fmt: skip
    with Store(tmp_path / "s.db") as store:
        _bare(store, WH_CALL, copy, other)
        report = group_new(store)
        assert report.duplicates == 1
        assert sql.duplicate_of(store, copy.id) == WH_CALL.id
        assert sql.duplicate_of(store, other.id) is None
        assert sql.story_of(store, copy.id) == sql.story_of(store, WH_CALL.id)
        st = sql.story(store, sql.story_of(store, WH_CALL.id) or 0)
        assert st is not None and copy.id not in {a.id for a in st.articles}
        assert store.stats().articles == 2


TXT = """Mayor promises new bridge by 2026

The mayor of Springfield said on Monday that the new bridge over the river would open in 2026.
"We will build it on time and on budget," Mayor Jane Quimby told reporters at City Hall.
Critics said the plan was too expensive, according to the Springfield Gazette.
The council is expected to vote on the funding next week, officials said.
"""
HTML = """<!doctype html><html><head><title>Mayor promises new bridge by 2026</title></head>
<body><article><h1>Mayor promises new bridge by 2026</h1>
<p>The mayor of Springfield said on Monday that the new bridge over the river would open in 2026.
"We will build it on time and on budget," Mayor Jane Quimby told reporters at City Hall.</p>
<p>Critics said the plan was too expensive, according to the Springfield Gazette.</p>
<p>The council is expected to vote on the funding next week, officials said.</p>
</article></body></html>
"""


def _counts(db: Path) -> dict[str, object]:
    runner = CliRunner()
    out: dict[str, object] = {}
    with Store(db, read_only=True) as store:
        stats = store.stats()
        out["articles"], out["statements"] = stats.articles, stats.statements
        out["outlets"] = [(c.key, c.count) for c in store.outlets()]
        out["listing"] = len(store.articles())
        out["speakers"] = sorted((s.name, s.statements) for s in store.speakers())
    for args in (["statements", str(db), "--json"], ["search", str(db), "bridge", "--json"]):
        res = runner.invoke(cli, args)
        assert res.exit_code == 0, res.output
        out[args[0]] = res.output.count('"content_text"') or res.output.count('"attribution_id"')
    res = runner.invoke(cli, ["export", str(db), "--format", "csv"])
    assert res.exit_code == 0, res.output
    out["csv_rows"] = len(res.output.strip().splitlines())
    return out


def test_txt_and_html_of_one_article_count_once(tmp_path: Path) -> None:
    (tmp_path / "bridge.txt").write_text(TXT, encoding="utf-8")
    (tmp_path / "bridge.html").write_text(HTML, encoding="utf-8")
    runner = CliRunner()
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    res = runner.invoke(cli, ["ingest", str(one), str(tmp_path / "bridge.txt"), "--json"])
    assert res.exit_code == 0, res.output
    for name in ("bridge.txt", "bridge.html"):
        res = runner.invoke(cli, ["ingest", str(two), str(tmp_path / name), "--json"])
        assert res.exit_code == 0, res.output
    alone, both = _counts(one), _counts(two)
    assert alone["statements"], "the article should have statements"
    assert both == alone
    with Store(two, read_only=True) as store:
        n = store._conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        linked = store._conn.execute(
            "SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL").fetchone()[0]  # fmt: skip
    assert (n, linked) == (2, 1)  # both stored, one linked to the other


# -- claims -------------------------------------------------------------------------------------


def _span(text: str, piece: str) -> Span:
    start = text.index(piece)
    return Span.of(text, start, start + len(piece))


def _with_statement(a: Article, source: str, cue: str, content: str, hedged: bool = False
                    ) -> Extraction:  # fmt: skip
    sp = Speaker(speaker_id(source), source, "person")
    att = Attribution(id="a1", cue=_span(a.text, cue), content=(_span(a.text, content),),
                      kind="indirect", source=_span(a.text, source), speaker=sp.id,
                      hedged=hedged, extractor="test.v1")  # fmt: skip
    return Extraction(a, (sp,), (att,))


def test_claims_align_paraphrases_and_flag_conflicts() -> None:
    wh = Extraction(WH_CALL, (), ())
    ua = _with_statement(UA_CALL, "Volodymyr Zelenskyy", "thanked",
                         "Joseph Biden for the support of Ukraine's sovereignty and territorial "
                         "integrity")  # fmt: skip
    from sayso.stories.claims import compare as compare_claims

    claims = compare_claims([wh, ua])
    by_text = {m.text: c for c in claims for m in c.mentions}
    sovereignty = next(c for t, c in by_text.items() if "reaffirmed" in t)
    assert sovereignty.status == "shared" and sovereignty.outlets == (UA, WH)
    ua_mention = next(m for m in sovereignty.mentions if m.article_id == UA_CALL.id)
    assert ua_mention.attribution_id == "a1" and ua_mention.speaker == "Volodymyr Zelenskyy"
    money = next(c for t, c in by_text.items() if "$800" in t)
    assert money.status == "conflict" and "different numbers" in (money.conflict or "")
    initiative = next(c for t, c in by_text.items() if "request of the Ukrainian" in t)
    assert initiative.status == "conflict" and "initiator" in (initiative.conflict or "")
    for c in claims:
        assert c.status in {"shared", "one_sided", "conflict"}
        assert (c.conflict is not None) == (c.status == "conflict")
        for m in c.mentions:
            text = WH_CALL.text if m.article_id == WH_CALL.id else UA_CALL.text
            assert text[m.start : m.end] == m.text


def test_minilm_reads_a_story_only_once_it_has_two_accounts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One article's claims are joined by words alone: MiniLM is nearly all of the claims pass's
    cost, and a story of one account has nothing to compare across accounts."""
    import numpy as np

    from sayso.stories import claims as claims_mod

    calls: list[int] = []

    def fake_encode(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.eye(len(texts), dtype=np.float32)  # no two mentions alike

    monkeypatch.setattr(claims_mod.embed, "encode", fake_encode)
    wh = Extraction(WH_CALL, (), ())
    ua = _with_statement(UA_CALL, "Volodymyr Zelenskyy", "thanked",
                         "Joseph Biden for the support of Ukraine's sovereignty and territorial "
                         "integrity")  # fmt: skip
    alone = claims_mod.compare([wh])
    assert calls == [] and alone and all(c.status == "one_sided" for c in alone)
    assert alone == claims_mod.compare([wh])  # words alone: the same claims every time
    both = claims_mod.compare([wh, ua])
    assert len(calls) == 1 and calls[0] == sum(len(c.mentions) for c in both)
    monkeypatch.setattr(claims_mod.settings, "EMBED_MIN_ARTICLES", 1)
    claims_mod.compare([wh])
    assert len(calls) == 2  # the setting decides


def test_amounts_frames_and_mutual_best_matches() -> None:
    from sayso.models import ClaimMention
    from sayso.stories.claims import amounts, core

    assert amounts("an additional $225 million in aid") == amounts("USD 225 million for aid")
    assert amounts("$1 billion") == frozenset({1e9}) and amounts("on 26 January, two") == set()
    assert amounts("1,500 troops") == frozenset({1500.0})
    assert amounts("the July 2020 ceasefire, in 2022") == set()  # years are not amounts
    assert core("special gratitude to Joseph Biden for the decision to allocate aid") == (
        "decision allocate aid")
    assert core("the United States") == "the United States"  # nothing left: the text itself

    def m(article: str, text: str) -> ClaimMention:
        return ClaimMention(article, None, None, None, text, 0, len(text), False, article)

    # each account's point is the other's best match, though they share few words
    a = [m("A", "The call lasted a bit over an hour, both sides said."),
         m("A", "The president raised harsh sanctions against Moscow and its banks.")]
    b = [m("B", "It lasted for just over an hour."),
         m("B", "Harsh sanctions were mentioned by the American side.")]  # fmt: skip
    groups = align(a + b)
    together = [sorted(x.text[:8] for x in g) for g in groups if len(g) > 1]
    assert sorted(together) == [["Harsh sa", "The pres"], ["It laste", "The call"]]


def test_assignment_is_the_best_one_to_one_matching() -> None:
    import itertools
    import random

    import numpy as np

    from sayso.stories.claims import _assignment

    rng = random.Random(7)
    for _ in range(200):
        n, m = rng.randint(1, 5), rng.randint(1, 5)
        sub = np.array([[round(rng.random(), 2) for _ in range(m)] for _ in range(n)])
        rows, cols = _assignment(sub)
        assert len(rows) == min(n, m) and len(set(rows)) == len(rows) == len(set(cols))
        if n <= m:
            best = max(sum(sub[i, p[i]] for i in range(n))
                       for p in itertools.permutations(range(m), n))  # fmt: skip
        else:
            best = max(sum(sub[p[j], j] for j in range(m))
                       for p in itertools.permutations(range(n), m))  # fmt: skip
        assert abs(sum(sub[r, c] for r, c in zip(rows, cols, strict=True)) - best) < 1e-9


def test_conflict_reasons() -> None:
    def m(text: str, outlet: str) -> object:
        from sayso.models import ClaimMention

        return ClaimMention("x" + outlet, None, None, None, text, 0, len(text), False, outlet)

    assert "negates" in (conflict_reason([m("They agreed on a summit.", "A"),
                                          m("They did not agree on a summit.", "B")]) or "")  # type: ignore[list-item]  # fmt: skip
    assert conflict_reason([m("They agreed on a summit.", "A"),
                            m("The two agreed to hold a summit.", "B")]) is None  # type: ignore[list-item]  # fmt: skip
    assert conflict_reason([m("It lasted 50 minutes.", "A"), m("It lasted 90 minutes.", "A")]) is None  # type: ignore[list-item]  # fmt: skip
    # a "not" in a loosely similar sentence of a transcript is about something else
    assert conflict_reason([m("The presidents discussed the safety of Americans in Ukraine.", "A"),
                            m("I am not going to get into the details of the call.", "B")]) is None  # type: ignore[list-item]  # fmt: skip


def test_mentions_are_statements_and_narrated_acts() -> None:
    ex = _with_statement(WH_CALL, "President Biden", "reaffirmed",
                         "the commitment of the United States to Ukraine’s sovereignty and "
                         "territorial integrity")  # fmt: skip
    ms = mentions_of(ex)
    assert any(m.attribution_id == "a1" for m in ms)
    narrated = [m for m in ms if m.attribution_id is None]
    assert narrated and all(WH_CALL.text[m.start : m.end] == m.text for m in narrated)
    assert not any("reaffirmed" in m.text for m in narrated)  # the statement covers it
    assert align([]) == []


# -- store, CLI ---------------------------------------------------------------------------------


def test_update_compare_and_cli_json(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    ua = _with_statement(UA_CALL, "Volodymyr Zelenskyy", "thanked",
                         "Joseph Biden for the support of Ukraine's sovereignty and territorial "
                         "integrity")  # fmt: skip
    with Store(db) as store:
        store.write(Extraction(WH_CALL, (), ()), extractor="test.v1")
        store.write(ua)
        report = update(store)
        assert report.compared == report.grouping.new_stories == 1
        sid = sql.story_of(store, WH_CALL.id)
        assert sid is not None
        result = compare(store, sid)
        assert result is not None and result.claims
        assert compare(store, 10_000) is None
    runner = CliRunner()
    res = runner.invoke(cli, ["stories", str(db), "--json"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(line) for line in res.output.splitlines()]
    assert len(lines) == 1
    assert set(lines[0]) == {"id", "title", "start", "end", "outlets", "articles"}
    assert set(lines[0]["articles"][0]) == {"id", "url", "title", "source", "published"}
    res = runner.invoke(cli, ["compare", str(db), str(lines[0]["id"]), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["story"] == lines[0]
    texts = {WH_CALL.id: WH_CALL.text, UA_CALL.id: UA_CALL.text}
    for c in data["claims"]:
        assert set(c) == {"id", "summary", "status", "outlets", "conflict", "mentions"}
        for m in c["mentions"]:
            assert set(m) == {"article_id", "attribution_id", "speaker", "cue", "text", "start",
                              "end", "hedged"}  # fmt: skip
            assert texts[m["article_id"]][m["start"] : m["end"]] == m["text"]
    res = runner.invoke(cli, ["compare", str(db), str(lines[0]["id"]), "--json",
                              "--status", "conflict", "--status", "one_sided"])  # fmt: skip
    assert res.exit_code == 0, res.output
    chosen = json.loads(res.output)["claims"]
    assert chosen == [c for c in data["claims"] if c["status"] in {"conflict", "one_sided"}]
    assert chosen and len(chosen) < len(data["claims"])  # the shared claims were left out
    res = runner.invoke(cli, ["compare", str(db), str(lines[0]["id"]), "--status", "disputed"])
    assert res.exit_code == 2 and "disputed" in res.output
    res = runner.invoke(cli, ["compare", str(db), "999"])
    assert res.exit_code != 0 and "no story 999" in res.output
    res = runner.invoke(cli, ["stories", str(db)])
    assert res.exit_code == 0 and "Readout" in res.output


def _claims_rows(db: Path) -> list[tuple[object, ...]]:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return [tuple(r) for table in ("claims", "claim_mentions")
                for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3")]  # fmt: skip


def spy_dask_tasks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The account counts of the stories sent to Dask workers from now on (the tasks still
    run)."""
    import sayso.stories as stories_mod

    sent: list[int] = []
    dask_submit = stories_mod._DaskPool.submit

    def counted(self: object, accounts: list[Extraction]) -> object:
        sent.append(len(accounts))
        return dask_submit(self, accounts)  # type: ignore[arg-type]

    monkeypatch.setattr(stories_mod._DaskPool, "submit", counted)
    return sent


def test_claims_in_worker_processes_or_on_dask_store_what_one_process_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sayso.stories import settings

    # stories of two accounts go to the workers, the others are compared here; with these
    # bounds this process waits for a worker both because of tasks and of pending stories
    monkeypatch.setattr(settings, "CLAIMS_TASKS_PER_WORKER", 1)
    monkeypatch.setattr(settings, "CLAIMS_PENDING", 2)
    ua = _with_statement(UA_CALL, "Volodymyr Zelenskyy", "thanked",
                         "Joseph Biden for the support of Ukraine's sovereignty and territorial "
                         "integrity")  # fmt: skip
    from sayso.engines import client_for

    sent = spy_dask_tasks(monkeypatch)
    rows = []
    for jobs in (1, 2, "dask"):
        db = tmp_path / f"j{jobs}.db"
        with Store(db) as store:
            store.write(Extraction(WH_CALL, (), ()), extractor="test.v1")
            store.write(ua)
            others = [art(f"Readout of a call on day {d}", f"The minister spoke of topic {d} "
                          "at length. The talks lasted an hour.", WH, f"2022-04-{d:02d}")
                      for d in (10, 20)]  # fmt: skip
            for a in (WH_LATER, WH_PUTIN, KR_PUTIN, *others):
                store.write(Extraction(a, (), ()), extractor="test.v1")
            seen: list[int] = []
            group_new(store)
            stale = sql.stale_stories(store)
            assert len(stale) >= 4
            from sayso.stories.claims import uses_embeddings

            several = [sid for sid in stale
                       if uses_embeddings(_accounts(store, sql.story(store, sid)))]  # fmt: skip
            assert 2 <= len(several) < len(stale)  # both kinds of story
            if jobs == "dask":  # a LocalCluster of two thread workers, as a scheduler's would be
                with client_for(None, 2, processes=False) as client:
                    assert compare_stale(store, seen.append, client=client) == len(stale)
                assert len(sent) == len(several)  # those of several accounts, on the workers
            else:
                assert compare_stale(store, seen.append, jobs=int(jobs)) == len(stale)
            assert seen == stale and sql.stale_stories(store) == []
        rows.append(_claims_rows(db))
    assert rows[0] and rows[0] == rows[1] == rows[2]
    with Store(tmp_path / "j1.db") as store, pytest.raises(ValueError, match="jobs"):
        compare_stale(store, jobs=0)


def test_a_failing_claims_worker_is_one_clear_error_and_stored_claims_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sayso.stories as stories_mod
    from sayso.engines import client_for
    from sayso.errors import PipelineError

    def missing(accounts: list[Extraction]) -> list[object]:
        raise ModuleNotFoundError("No module named 'sayso'")

    def submit(self: object, accounts: list[Extraction]) -> object:
        return self.client.submit(missing, accounts, pure=False)  # type: ignore[attr-defined]

    monkeypatch.setattr(stories_mod._DaskPool, "submit", submit)
    ua = _with_statement(UA_CALL, "Volodymyr Zelenskyy", "thanked", "Joseph Biden for the support")
    with Store(tmp_path / "s.db") as store:
        for a in (WH_CALL, WH_PUTIN):
            store.write(Extraction(a, (), ()), extractor="test.v1")
        store.write(ua)
        group_new(store)
        stale = sql.stale_stories(store)
        with client_for(None, 1, processes=False) as client, pytest.raises(PipelineError) as err:
            compare_stale(store, client=client)
        message = str(err.value)
        assert "failed in a worker (ModuleNotFoundError" in message
        assert "Install sayso and its models on every worker" in message
        left = sql.stale_stories(store)
        assert left and set(left) < set(stale)  # the one-article story's claims were stored
        assert compare_stale(store) == len(left)  # and one process computes the rest


def test_sentences_do_not_end_at_initials_or_titles() -> None:
    from sayso.stories.claims import sentences

    text = 'Readout\n\nPresident Joseph R. Biden, Jr. spoke with Mr. Zelenskyy. He said "yes." The U.S. helps.'
    assert [text[a:b] for a, b in sentences(text)] == [
        "Readout", "President Joseph R. Biden, Jr. spoke with Mr. Zelenskyy.", 'He said "yes."',
        "The U.S. helps.",
    ]  # fmt: skip


def test_grouping_never_loads_torch(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from sayso.store import Store\n"
        "from sayso.models import Extraction\n"
        "from sayso.stories.grouping import group_new\n"
        "import sayso.cli, sayso.stories, sayso.web\n"
        f"from test_stories import WH_CALL, UA_CALL\n"
        f"s = Store({str(tmp_path / 'g.db')!r})\n"
        "for a in (WH_CALL, UA_CALL): s.write(Extraction(a, (), ()), extractor='x')\n"
        "assert group_new(s).articles == 2\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).parent, check=True)  # fmt: skip
    assert out.stdout.split() == ["False", "False"]


def test_evaluate_stories_cli_on_the_gold_texts() -> None:
    gold = Path(__file__).resolve().parent.parent / "benchmarks" / "gold" / "stories"
    if not (gold / "events.jsonl").is_file():
        pytest.skip("no stories gold")
    res = CliRunner().invoke(cli, ["evaluate", "stories", str(gold), "--distractors",
                                   str(gold / "articles.jsonl"), "--json", "--errors"])  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output[res.output.index("{"):])
    g = data["grouping"]
    assert g["articles"] > 40 and 0.3 < g["pairwise"]["f1"] <= 1.0
    assert 0.5 < g["bcubed"]["f1"] <= 1.0
    assert data["claims"] is not None and "alignment" in data["claims"]
    assert data["articles"] >= g["articles"] and data["errors"] == []
    # --errors: what went wrong, one entry per gold event or claim, consistent with the scores
    mistakes = data["mistakes"]
    assert set(mistakes) == {"grouping", "claims"}
    if g["pairwise"]["f1"] < 1.0:
        assert mistakes["grouping"]
    for e in mistakes["grouping"]:
        assert e["split_over"] > 1 or e["intruders"] or any(a["story"] is None
                                                            for a in e["articles"])  # fmt: skip
    assert mistakes["claims"] and all(c["problems"] for c in mistakes["claims"])


def test_an_article_read_by_two_extractors_is_one_account(tmp_path: Path) -> None:
    """issue 13: by default each article counts once (its newest extractor's statements);
    --extractor picks one, 'all' keeps every extractor's."""
    from dataclasses import replace

    ua = _with_statement(UA_CALL, "Volodymyr Zelenskyy", "thanked",
                         "Joseph Biden for the support of Ukraine's sovereignty and territorial "
                         "integrity")  # fmt: skip
    newer = replace(ua, attributions=tuple(replace(a, extractor="test.v2")
                                           for a in ua.attributions))  # fmt: skip
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.write(Extraction(WH_CALL, (), ()), extractor="test.v1")
        store.write(ua)
        store.write(newer)
        update(store)
        sid = sql.story_of(store, WH_CALL.id)
        assert sid is not None

        def statement_mentions(extractor: str | None) -> list[str | None]:
            result = compare(store, sid, extractor)
            assert result is not None
            return [m.attribution_id for c in result.claims for m in c.mentions
                    if m.article_id == UA_CALL.id and m.attribution_id]  # fmt: skip

        assert statement_mentions(None) == ["a1"]
        assert statement_mentions("test.v1") == ["a1"]
        assert statement_mentions("all") == ["a1", "a1"]
        assert statement_mentions("sayso.nothing.v1") == []
    res = CliRunner().invoke(cli, ["compare", str(db), str(sid), "--extractor", "all", "--json"])
    assert res.exit_code == 0, res.output
    ids = [m["attribution_id"] for c in json.loads(res.output)["claims"] for m in c["mentions"]
           if m["article_id"] == UA_CALL.id and m["attribution_id"]]  # fmt: skip
    assert ids == ["a1", "a1"]


def test_loading_the_embeddings_writes_nothing_to_stderr() -> None:
    """Under --json stderr holds JSON objects only: no model-loading bar (seen in ingest --json)."""
    import subprocess
    import sys

    code = ("import os; os.environ['SAYSO_EMBEDDINGS'] = '1'\n"
            "from sayso.stories import embed\n"
            "assert embed.available()\n")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == ""


def test_mentions_split_at_sentences_and_clauses() -> None:
    # a statement of two sentences is two mentions; a narrated sentence that passes from one
    # point to another (", as well as", ", but") is one mention per point
    a = art("Talks in Kyiv",
            "He thanked the chancellor for the support of our membership in the European Union, "
            "as well as for the increase of sanctions against Russia. The President said: "
            "\"We believe in our struggle. It will be a difficult battle for the east.\"",
            UA, "2022-04-09T16:02:00Z")  # fmt: skip
    ex = _with_statement(a, "The President", "said",
                         "We believe in our struggle. It will be a difficult battle for the east.")
    texts = [m.text for m in mentions_of(ex)]
    assert "He thanked the chancellor for the support of our membership in the European Union" in texts
    assert "as well as for the increase of sanctions against Russia." in texts
    quoted = [m for m in mentions_of(ex) if m.attribution_id == "a1"]
    assert [m.text for m in quoted] == ["We believe in our struggle.",
                                        "It will be a difficult battle for the east."]
    assert all(a.text[m.start : m.end] == m.text for m in mentions_of(ex))


def test_one_outlets_items_are_not_matched_point_by_point() -> None:
    from dataclasses import replace

    from sayso.models import ClaimMention

    def m(article: str, outlet: str, text: str) -> ClaimMention:
        return ClaimMention(article, None, None, None, text, 0, len(text), False, outlet)

    # two items of one outlet on different parts of one visit: their leftovers stay apart,
    # though the same pair from two outlets is the best matching of their points
    a = [m("A", "UA", "Agreements on railway locomotives and cooperation were signed in the "
                      "capital."),
         m("A", "UA", "The talks lasted three hours in the palace.")]
    b = [m("B", "UA", "The talks covered the security situation on the border."),
         m("B", "UA", "Railway locomotives will be delivered next year.")]
    assert all(len(g) == 1 for g in align(a + b))
    assert any(len(g) > 1 for g in align(a + [replace(x, outlet="WH") for x in b]))
    # one article saying one thing twice (narrated, then quoted) is one claim
    c = [m("C", "UA", "Ukraine and France share a common vision of current threats and security "
                      "challenges for Europe."),
         m("C", "UA", "He and the President of France share a common vision of current threats "
                      "and security challenges for Europe."),
         m("C", "UA", "Locomotives worth 900 million euros will be supplied.")]
    assert sorted(len(g) for g in align(c)) == [1, 2]


def test_a_clause_splits_after_a_closing_quotation_mark() -> None:
    # 'gratitude for "nothing about Ukraine without Ukraine," as well as for ...': the comma sits
    # inside the quotation, and the point after it is a mention of its own
    from sayso.stories.claims import _clauses

    text = ('gratitude for the support for the principle of "nothing about Ukraine without '
            'Ukraine," as well as for the readiness of the United States to take decisive action')
    cuts = [text[s:e] for s, e in _clauses(text, 0, len(text))]
    assert cuts == ['gratitude for the support for the principle of "nothing about Ukraine '
                    'without Ukraine',
                    "as well as for the readiness of the United States to take decisive action"]


def test_who_acts_together_is_not_what_a_claim_says() -> None:
    # two points of one readout that share only "the United States and its allies and partners"
    # stay two claims; the same point worded twice is one
    from sayso.models import ClaimMention
    from sayso.stories.claims import _content_words, core

    def m(article: str, text: str) -> ClaimMention:
        return ClaimMention(article, None, None, None, text, 0, len(text), False, "WH")

    assert not {"allies", "partne"} & _content_words("its allies and partners")
    assert core("its allies and partners will respond decisively") == "will respond decisively"
    points = [m("A", "the commitment of the United States and its allies and partners to the "
                     "principle of nothing about you without you"),
              m("A", "that the United States and its allies and partners will respond decisively "
                     "if Russia further invades Ukraine")]
    assert all(len(g) == 1 for g in align(points))


def test_a_narrated_sentence_is_credited_to_who_acts_or_to_the_outlet() -> None:
    from sayso.models import Speaker
    from sayso.stories.claims import narrator_credit

    speakers = (Speaker("sp-1", "Volodymyr Zelenskyy", "person"),
                Speaker("sp-2", "Joseph Biden", "person"))  # fmt: skip
    ex = Extraction(UA_CALL, speakers, ())
    assert narrator_credit("President Biden", ex, UA) == "Joseph Biden"  # the article's name
    assert narrator_credit("The Head of State", ex, UA) == "Volodymyr Zelenskyy"  # its leader
    assert narrator_credit("The Ukrainian President", ex, UA) == "Volodymyr Zelenskyy"
    assert narrator_credit("The conversation was", ex, UA) == UA  # a passive: the outlet
    assert narrator_credit("The call", ex, UA) == UA
    assert narrator_credit("The two presidents", ex, UA) == "The two presidents"
    assert narrator_credit("The Chancellor of Austria", ex, UA) == "The Chancellor of Austria"
    assert narrator_credit("", ex, UA) == UA


def test_transcript_turns_credit_their_speakers() -> None:
    from sayso.stories.claims import transcript_turns

    text = ("Participants: three people.\nMODERATOR: Thank you all.\n"
            "SENIOR ADMINISTRATION OFFICIAL: The call lasted an hour.\n"
            "Q Did the presidents discuss sanctions?\n"
            "Turning to the call that the President had: it was long.\n"
            "Yury Ushakov briefed the media. * * * Aide to the President Yury Ushakov: Good evening.")  # fmt: skip
    turns = transcript_turns(text, {"ushakov": ["Yury Ushakov"]})
    assert [who for _, who in turns] == ["moderator", "senior administration official",
                                         "reporter", "Yury Ushakov"]  # fmt: skip
    assert text[turns[-1][0]:].startswith("* * * Aide")


def test_a_transcript_turn_is_who_narrates_its_sentences() -> None:
    body = ("MODERATOR: Thanks for joining the call.\n"
            "SENIOR ADMINISTRATION OFFICIAL: The two presidents discussed the situation on the "
            "border at length. There was no fundamental change in the dynamic of recent weeks.\n"
            "Q Thanks for taking my question about the sanctions, and good evening to all. "
            "Can you tell us if Russia raised the sanctions?\n")  # fmt: skip
    call = art("Background Press Call on the President's Call", body, WH, "2022-02-12")
    we = call.text.index("There was")
    ms = mentions_of(Extraction(call, (), ()))
    credit = {m.text[:20]: m.speaker for m in ms}
    assert credit["The two presidents d"] == "The two presidents"
    assert credit[call.text[we : we + 20]] == "senior administration official"
    assert all(m.speaker != "Can you tell us if Russia" for m in ms)
    # the chair's and the reporters' words are not what the account says
    assert not any(m.speaker in {"moderator", "reporter"} or "joining" in m.text
                   or "taking my question" in m.text for m in ms)  # fmt: skip


def test_narrated_credit_is_no_clause_question_or_pronoun() -> None:
    from sayso.models import Speaker
    from sayso.stories.claims import narrator_credit

    ex = Extraction(UA_CALL, (Speaker("sp-1", "Volodymyr Zelenskyy", "person"),), ())
    assert narrator_credit("And we", ex, UA) == UA
    assert narrator_credit("In this context, Volodymyr Zelenskyy", ex, UA) == "Volodymyr Zelenskyy"
    assert narrator_credit("He", ex, UA) is None  # someone the sentence does not name
    assert narrator_credit("Can you tell us if Russia", ex, UA, narrator="reporter") == "reporter"
    assert narrator_credit("The US has already", ex, UA) == UA
    assert narrator_credit("But beyond that, I don't want to get into what we", ex, UA) == UA
    # two names of one person in one article are one credit
    ex2 = Extraction(UA_CALL, (Speaker("sp-1", "President of Ukraine Volodymyr Zelenskyy",
                                       "person"),
                               Speaker("sp-2", "Volodymyr Zelenskyy", "person")), ())  # fmt: skip
    assert narrator_credit("Volodymyr Zelenskyy", ex2, UA) == "Volodymyr Zelenskyy"


def test_compare_credits_canonical_names_after_aliases(tmp_path: Path) -> None:
    wh = _with_statement(WH_CALL, "Joseph R. Biden", "reaffirmed",
                         "the commitment of the United States to Ukraine’s sovereignty and "
                         "territorial integrity")  # fmt: skip
    ua = _with_statement(UA_CALL, "Joseph Biden", "thanked",
                         "Joseph Biden for the support of Ukraine's sovereignty and territorial "
                         "integrity")  # fmt: skip
    with Store(tmp_path / "s.db") as store:
        store.write(wh)
        store.write(ua)
        update(store)
        sid = sql.story_of(store, WH_CALL.id)
        assert sid is not None
        before = compare(store, sid)
        assert before is not None
        written = {m.speaker for c in before.claims for m in c.mentions}
        assert {"Joseph R. Biden", "Joseph Biden"} <= written
        store.add_alias("Joseph R. Biden", "Joe Biden")
        store.add_alias("Joseph Biden", "Joe Biden")
        after = compare(store, sid)
        assert after is not None
        credited = {m.speaker for c in after.claims for m in c.mentions}
        assert "Joe Biden" in credited and not credited & {"Joseph R. Biden", "Joseph Biden"}
        # the same text, offsets and claims: only the names changed
        assert [(m.start, m.end) for c in after.claims for m in c.mentions] == [
            (m.start, m.end) for c in before.claims for m in c.mentions]


def test_a_lone_dateline_is_not_a_turn() -> None:
    from sayso.stories.claims import transcript_turns

    assert transcript_turns("WASHINGTON: The President spoke today.", {}) == []
    assert transcript_turns("Note to Editors: nothing.", {}) == []
    text = "MODERATOR: Welcome.\nSENIOR ADMINISTRATION OFFICIAL: Thanks."
    assert [w for _, w in transcript_turns(text, {})] == ["moderator",
                                                         "senior administration official"]


def test_they_and_the_leaders_are_the_articles_group_of_people() -> None:
    from sayso.models import Speaker
    from sayso.stories.claims import narrator_credit

    speakers = (Speaker("sp-1", "Joseph Biden", "person"),
                Speaker("sp-2", "Vladimir Putin", "person"),
                Speaker("sp-3", "Joseph Biden and Vladimir Putin", "group",
                        members=("sp-1", "sp-2")))  # fmt: skip
    ex = Extraction(UA_CALL, speakers, ())
    group = "Joseph Biden and Vladimir Putin"
    assert narrator_credit("They", ex, KR) == group
    assert narrator_credit("The two presidents", ex, KR) == group
    assert narrator_credit("Both leaders", ex, KR) == group
    alone = Extraction(UA_CALL, speakers[:2], ())
    assert narrator_credit("They", alone, KR) is None  # no group to say who
    assert narrator_credit("The two presidents", alone, KR) == "The two presidents"


def test_a_label_that_runs_on_after_a_sentence_is_a_turn_when_it_names_someone() -> None:
    from sayso.stories.claims import transcript_turns

    text = ("Aide to the President Yury Ushakov: It was business-like. Thank you. Question: Can "
            "you tell us more? Yury Ushakov: No, they didn't. The talks went on for an hour. Note: see "
            "above. Prime Minister: nothing.")  # fmt: skip
    turns = transcript_turns(text, {"ushakov": ["Yury Ushakov"]})
    assert [who for _, who in turns] == ["Yury Ushakov", "reporter", "Yury Ushakov"]
    assert text[turns[1][0]:].startswith("Question:")
    from sayso.models import Speaker

    ushakov = (Speaker("sp-1", "Yury Ushakov", "person"),)
    ms = mentions_of(Extraction(art("Ushakov briefs the media", text, KR, "2022-02-12"),
                                ushakov, ()))  # fmt: skip
    assert not any(m.text.startswith(("Question", "Yury Ushakov:")) for m in ms)
    assert {m.speaker for m in ms if "talks went on" in m.text} == {"Yury Ushakov"}


@pytest.mark.parametrize("pattern", ["transcript", "quotes", "sentence"])
def test_an_accounts_mentions_take_linear_time(pattern: str) -> None:
    """Turn labels, credits and sentences of one article: the cost per KB at 64 KB stays
    within 3x of its cost at 4 KB (CPU time; no extraction, so no statements)."""
    import time

    from benchmarks.linear import make_text
    from sayso.models import Speaker

    people = (Speaker("sp-1", "Yury Ushakov", "person"),)

    def per_kb(kb: int) -> float:
        text = make_text(pattern, kb)
        ex = Extraction(art("Briefing", text, KR, "2022-02-12"), people, ())
        started = time.process_time()
        mentions_of(ex)
        return (time.process_time() - started) / kb

    small = min(per_kb(4) for _ in range(3))
    assert per_kb(64) <= 3.0 * small


def test_a_statement_by_a_person_is_narrated_by_that_person() -> None:
    from sayso.pipeline import extract_article

    body = ("I spoke with President Zelenskyy today. I informed him that the United States is "
            "providing another $1 billion in security assistance. The bravery of the Ukrainian "
            "people continues to inspire the world.")  # fmt: skip
    own = art("Statement by President Joe Biden on Support for Ukraine", body, WH, "2022-06-15")
    told = art("Readout of President Joe Biden’s Call with President Zelenskyy", body, WH,
               "2022-06-15")  # fmt: skip
    bravery = {}
    for article in (own, told):
        ms = mentions_of(extract_article(article))
        bravery[article.title] = next(m.speaker for m in ms if m.text.startswith("The bravery"))
    assert bravery[own.title] == "Joe Biden"  # his own text: every sentence is his
    assert bravery[told.title] == WH  # a readout is told by the outlet
    # Two people in the title: no one author.
    two = art("Remarks by President Biden and President Zelenskyy", body, WH, "2022-06-15")
    ms = mentions_of(extract_article(two))
    assert next(m.speaker for m in ms if m.text.startswith("The bravery")) == WH
