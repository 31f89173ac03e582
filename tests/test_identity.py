"""Identity across articles: suggested aliases merge one person's names, never two people."""

from __future__ import annotations

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
