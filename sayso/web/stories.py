"""The stories pages: ``/stories`` (newest first, outlets per story) and ``/stories/{id}`` (the
accounts side by side, one column per outlet, one row per claim), each with its ``.json`` twin,
and ``/stories/{id}/mention/{article_id}?start=&end=`` (a mention highlighted in its article).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..store import stories as story_sql
from ..stories import compare, stories

if TYPE_CHECKING:
    from .app import _Pages

#: How much of a mention the mention page quotes above the article (which shows it whole).
SUMMARY_CHARS = 160


def _story_id(request: Request) -> int:
    raw = str(request.path_params["story_id"]).removesuffix(".json")
    try:
        return int(raw)
    except ValueError:
        raise HTTPException(404, f"No story {raw!r}: story ids are numbers.") from None


def stories_page(pages: _Pages, request: Request) -> Response:
    """Stories, newest first, with the outlets that report each."""
    from .app import _int_param, json_response, paging, wants_json

    page = paging(request)
    min_outlets = max(1, _int_param(request, "min_outlets", 1))
    rows = pages.cached(
        ("stories", min_outlets, page),
        lambda st: stories(st, min_outlets, limit=page.per_page + 1, offset=page.offset),
    )
    more = len(rows) > page.per_page
    rows = rows[: page.per_page]
    if wants_json(request):
        return json_response(
            {"page": page.page, "per_page": page.per_page, "more": more,
             "min_outlets": min_outlets, "stories": [s.to_json() for s in rows]}
        )  # fmt: skip
    return pages.html(request, "stories.html", rows=rows, page=page, more=more,
                      min_outlets=min_outlets)  # fmt: skip


def story_page(pages: _Pages, request: Request) -> Response:
    """One story's accounts compared: a column per outlet, a row per claim."""
    from .app import json_response, wants_json

    story_id = _story_id(request)
    result = pages.cached(("story", story_id), lambda st: compare(st, story_id))
    if result is None:
        raise HTTPException(404, f"No story {story_id} in this database.")
    # ?status=conflict (repeatable, or comma-separated): only the claims of those statuses
    statuses = [s for v in request.query_params.getlist("status") for s in v.split(",") if s]
    counts = result.counts()
    if statuses:
        try:
            result = result.only(statuses)
        except ValueError as e:
            raise HTTPException(400, f"{e}.") from None
    if wants_json(request):
        return json_response(result.to_json())
    outlets = list(result.story.outlets)
    rows: list[dict[str, Any]] = []
    for c in result.claims:
        cells = {o: [m for m in c.mentions if m.outlet == o] for o in outlets}
        rows.append({"claim": c, "cells": cells})
    return pages.html(request, "story.html", story=result.story, outlets=outlets, rows=rows,
                      counts=counts, statuses=statuses)  # fmt: skip


def mention_page(pages: _Pages, request: Request) -> Response:
    """An article of a story with one mention highlighted."""
    from .app import _int_param, json_response, wants_json

    story_id = _story_id(request)
    article_id = str(request.path_params["article_id"]).removesuffix(".json")
    start, end = _int_param(request, "start", 0), _int_param(request, "end", 0)

    def read(st: Any) -> Any:
        if story_sql.story_of(st, article_id) != story_id:
            return None
        return story_sql.article_for_grouping(st, article_id)

    art = pages.cached(("mention", story_id, article_id), read)
    if art is None:
        raise HTTPException(404, f"No article {article_id!r} in story {story_id}.")
    if not 0 <= start <= end <= len(art.text):
        raise HTTPException(400, f"start={start} and end={end} are not offsets of this article "
                                 f"(0..{len(art.text)}).")  # fmt: skip
    if wants_json(request):
        return json_response({"story": story_id, "article": art.to_json(), "start": start,
                              "end": end, "text": art.text[start:end]})  # fmt: skip
    body = Markup("{}<mark class=\"mention\" id=\"mention\">{}</mark>{}").format(
        art.text[:start], art.text[start:end], art.text[end:]
    )
    return pages.html(request, "story_mention.html", story_id=story_id, article=art, body=body,
                      mention=escape(art.text[start:end][:SUMMARY_CHARS]))  # fmt: skip
