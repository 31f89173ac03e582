"""Identity across articles: suggested aliases merge one person's names, never two people."""

from __future__ import annotations

import json

import pytest

from sayso.models import Speaker, speaker_id
from sayso.resolve.identity import suggest_aliases


def sp(name: str, kind: str = "person") -> Speaker:
    return Speaker(speaker_id(name), name, kind)  # type: ignore[arg-type]


def test_surname_goes_to_the_one_full_name() -> None:
    got = suggest_aliases([sp("Putin"), sp("Vladimir Putin"), sp("Kremlin", "organization")])
    assert got == [("Putin", "Vladimir Putin")]


def test_variants_merge_to_the_name_without_a_middle_initial() -> None:
    # Issue 9: "Joseph R. Biden" (formal, from readouts) must not name the identity.
    got = suggest_aliases([sp("Biden"), sp("Joe Biden"), sp("Joseph R. Biden")])
    assert got == [("Biden", "Joe Biden"), ("Joseph R. Biden", "Joe Biden")]
    counts = {"Joseph R. Biden": 40, "Joe Biden": 3}
    got = suggest_aliases([sp("Joe Biden"), sp("Joseph R. Biden")], counts=counts)
    assert got == [("Joseph R. Biden", "Joe Biden")]


def test_the_most_used_full_form_names_the_identity() -> None:
    counts = {"Volodymyr Zelenskyy": 9, "Volodymyr Zelensky": 2}
    got = suggest_aliases([sp("Volodymyr Zelensky"), sp("Volodymyr Zelenskyy")], counts=counts)
    assert got == [("Volodymyr Zelensky", "Volodymyr Zelenskyy")]


def test_two_people_with_one_surname_are_not_merged() -> None:
    assert suggest_aliases([sp("Biden"), sp("Joe Biden"), sp("Hunter Biden")]) == []


def test_user_aliases_win_and_organisations_are_left_alone() -> None:
    assert suggest_aliases([sp("Putin"), sp("Vladimir Putin")], taken=["putin"]) == []
    assert (
        suggest_aliases([sp("Reuters", "organization"), sp("Thomson Reuters", "organization")])
        == []
    )


def test_store_applies_suggestions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sayso.pipeline import extract_text
    from sayso.store import Store

    with Store(tmp_path / "x.db") as store:
        store.write(extract_text("Vladimir Putin said the talks were useful."))
        store.write(extract_text("Putin said the talks failed."))
        assert [(a.alias, a.canonical) for a in store.apply_suggested_aliases()] == [
            ("Putin", "Vladimir Putin")
        ]
        rows = store.speakers()
        assert [(r.name, r.statements) for r in rows] == [("Vladimir Putin", 2)]


def _sanders_store(tmp_path):  # type: ignore[no-untyped-def]
    from sayso.pipeline import extract_text
    from sayso.store import Store

    store = Store(tmp_path / "s.db")
    store.write(extract_text(
        "Press secretary Sarah Huckabee Sanders spoke on Monday. Sanders said the trip was "
        "useful. Sanders added that the talks would go on."))  # fmt: skip
    store.write(extract_text("Senator Bernie Sanders said the bill would pass."))
    store.write(extract_text("Sanders said on Tuesday that the vote was close."))
    return store


def test_alias_refuses_to_move_a_different_full_name(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sayso.errors import QueryError

    with _sanders_store(tmp_path) as store:
        before = {r.name: r.statements for r in store.speakers()}
        assert before.get("Sarah Huckabee Sanders", 0) >= 1, before
        plan = store.plan_alias("Sanders", "Bernie Sanders")
        assert [m.form for m in plan.conflicts] == ["Sarah Huckabee Sanders"]
        assert any(m.form == "Sanders" and not m.conflict for m in plan.moves)
        assert plan.to_json()["statements"] >= 2
        with pytest.raises(QueryError, match="Sarah Huckabee Sanders"):
            store.add_alias("Sanders", "Bernie Sanders")
        assert {r.name: r.statements for r in store.speakers()} == before  # nothing moved
        assert store.aliases() == ()
        # Forced, she moves (the user says they are one person).
        store.add_alias("Sanders", "Bernie Sanders", force=True)
        after = {r.name: r.statements for r in store.speakers()}
        assert "Sarah Huckabee Sanders" not in after
        assert after["Bernie Sanders"] == sum(before.values()) - sum(
            n for k, n in before.items() if "Sanders" not in k
        )


def test_an_alias_of_a_surname_leaves_other_full_names_alone_at_ingest(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sayso.pipeline import extract_text
    from sayso.store import Store

    with Store(tmp_path / "s.db") as store:
        store.write(extract_text("Senator Bernie Sanders said the bill would pass."))
        store.write(extract_text("Sanders said on Tuesday that the vote was close."))
        store.add_alias("Sanders", "Bernie Sanders")
        store.write(extract_text(
            "Sarah Huckabee Sanders spoke on Monday. Sanders said the trip was useful."))  # fmt: skip
        names_ = {r.name: r.statements for r in store.speakers()}
        assert names_["Bernie Sanders"] == 2 and names_["Sarah Huckabee Sanders"] == 1


def test_suggest_merges_gives_evidence_and_sizes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sayso.pipeline import extract_text
    from sayso.store import Store

    with Store(tmp_path / "s.db") as store:
        store.write(extract_text("Volodymyr Zelenskyy said the talks were useful."))
        store.write(extract_text("Volodymyr Zelensky said on Friday that help was coming."))
        store.write(extract_text("Volodymyr Zelensky said on Sunday that the line held."))
        got = store.suggest_merges()
        assert [(m.alias, m.canonical) for m in got] == [
            ("Volodymyr Zelenskyy", "Volodymyr Zelensky")
        ]
        m = got[0]
        assert "spelling variant" in m.reason
        assert (m.alias_statements, m.alias_articles) == (1, 1)
        assert (m.canonical_statements, m.canonical_articles) == (2, 2)
        assert store.aliases() == ()  # suggesting writes nothing


def test_cli_alias_shows_moves_and_refuses_without_force(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from sayso.cli import cli

    _sanders_store(tmp_path).close()
    db = str(tmp_path / "s.db")
    run = CliRunner().invoke
    res = run(cli, ["alias", db, "Sanders", "Bernie Sanders", "--dry-run", "--json"])
    assert res.exit_code == 0, res.output
    plan = json.loads(res.output)
    assert plan["applied"] is False and plan["conflicts"] == ["Sarah Huckabee Sanders"]
    res = run(cli, ["alias", db, "Sanders", "Bernie Sanders"])
    assert res.exit_code != 0 and "Sarah Huckabee Sanders" in res.output
    assert "--force" in res.output
    res = run(cli, ["alias", db, "Sanders", "Bernie Sanders", "--force"])
    assert res.exit_code == 0, res.output
    assert "now means 'Bernie Sanders'" in res.output


def test_cli_speakers_suggest(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from sayso.cli import cli
    from sayso.pipeline import extract_text
    from sayso.store import Store

    db = tmp_path / "z.db"
    with Store(db) as store:
        store.write(extract_text("Vladimir Putin said the talks were useful."))
        store.write(extract_text("Putin said on Friday that the talks had failed."))
    res = CliRunner().invoke(cli, ["speakers", str(db), "--suggest", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)["rows"]
    assert [(r["alias"], r["canonical"]) for r in rows] == [("Putin", "Vladimir Putin")]
    assert "surname" in rows[0]["reason"] and rows[0]["alias_statements"] == 1
    res = CliRunner().invoke(cli, ["speakers", str(db), "--suggest"])
    assert res.exit_code == 0 and "Putin" in res.output
