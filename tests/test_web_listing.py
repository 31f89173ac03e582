"""The statement list, written in Python for speed: every database value escaped, ids quoted
in links, the badges and chain link where the row calls for them."""

from __future__ import annotations

from sayso.store import StatementRow
from sayso.web.render import statement_list


def _row(**changes: object) -> StatementRow:
    base = dict(
        article_id="art1", attribution_id="a1", speaker_id="sp-1", speaker_name="Ann Lee",
        speaker_kind="person", source_text="Lee", cue_text="said", content_text="it rained",
        kind="indirect", hedged=False, time=None, channel=None, addressee=None, parent_id=None,
        cue_class="speech", extractor="x.v1", confidence=1.0, outlet="CNN",
        published="2019-07-30T10:00:00", title="Rain", url=None,
    )  # fmt: skip
    base.update(changes)
    return StatementRow(**base)  # type: ignore[arg-type]


def test_hostile_values_are_text_and_ids_are_quoted() -> None:
    html = str(statement_list([_row(
        speaker_id='sp/"><script>', speaker_name="<script>alert(1)</script>",
        content_text='"quoted" & <b>bold</b>', cue_text="<i>", title="<img src=x>",
        article_id="a b/c", attribution_id="a#1", outlet="<O>",
    )]))  # fmt: skip
    assert "<script" not in html and "<b>" not in html and "<img" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert 'href="/speakers/sp%2F%22%3E%3Cscript%3E"' in html
    assert 'href="/articles/a%20b%2Fc#att-a%231"' in html


def test_badges_chain_link_and_unknowns() -> None:
    html = str(statement_list([
        _row(hedged=True, cue_class="thought", kind="according_to", parent_id="a0"),
        _row(speaker_id=None, source_text=None, outlet=None, published=None, title=None),
    ]))  # fmt: skip
    first, second = html.split('<li class="stmt">')[1:]
    assert 'kind-according_to">according to</span>' in first
    assert "hedged</span>" in first and "thought</span>" in first
    assert 'href="/articles/art1/chain/a1">reported via a chain' in first
    assert "<span>2019-07-30</span>" in first
    assert '<span class="who">(unnamed source)</span>' in second
    assert "unknown outlet" in second and "<span>—</span>" in second and ">art1</a>" in second
    assert "hedged" not in second and "chain" not in second
    assert statement_list([], show_speaker=False) == '<ol class="stmts">\n</ol>\n'
    assert 'class="who"' not in str(statement_list([_row()], show_speaker=False))


def test_fast_escaper_agrees_with_markupsafe_and_the_fallback() -> None:
    from markupsafe import escape

    from sayso.web.render import _e, _escape_py

    for text in ['"quoted" & <b>', "it's", "", "plain", "\u00ab non \u00bb &amp;", "<'\">&"]:
        assert _e(text) == _escape_py(text) == str(escape(text))
        assert type(_e(text)) is str  # not a Markup: the list is joined from plain strings
