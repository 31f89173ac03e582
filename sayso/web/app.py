"""The web explorer: a read-only Starlette app over a sayso database.

Every HTML page has a JSON twin (the same URL with ``.json``, or ``?format=json``) and takes
its filters from the query string, so every view can be linked and bookmarked.  The
database is opened read-only; requests borrow connections from a small pool, and what they
read is cached until the database changes (:mod:`.cache`).  All SQL lives in
:mod:`sayso.store`; this module only parses requests and renders records.  Who may ask is
decided by the middlewares of :mod:`.guard`.
"""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import datetime as _dt
import io
import json
import math
from collections.abc import Awaitable, Callable, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import QueryError, StoreError
from ..models import ATTRIBUTION_KINDS, Extraction
from ..store import StatementQuery, Store
from ..store.export import spreadsheet_safe
from ..store.records import StatementPage, StatementRow
from .cache import ROW_CACHE_ENTRIES, DataCache, StorePool
from .guard import FailureLimiter, HostGuard, TokenAuth, _local_path
from .render import (
    ROLE_LABEL,
    ChainLink,
    bars,
    highlight,
    marks_for,
    month_bars,
    safe_url,
    statement_item,
    statement_list_of,
)
from .render import chains as chains_of
from .stories import mention_page, stories_page, story_page

HERE = Path(__file__).parent
T = TypeVar("T")

#: statements, speakers or articles per page when the URL does not say
DEFAULT_PER_PAGE = 50
#: the most rows one page may ask for (``?per_page=``); larger requests are clamped to it,
#: while ``per_page`` or ``page`` below 1 is a 400
MAX_PER_PAGE = 200
#: the highest page number a request may ask for (a 400 above it); any page past the last
#: one up to here is an empty page that says how many pages there are
MAX_PAGE = 1_000_000_000
#: the values ``?hedged=`` accepts, case-insensitively; anything else is a 400
HEDGED_VALUES = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
#: the most rows one CSV download holds; the store is paged through this many at a time
CSV_MAX_ROWS = 50_000
#: rows fetched from the store per round trip while building a CSV (the store's own cap)
CSV_CHUNK = 500
#: pages rendered at once, each in a worker thread; more requests wait for a free one.  The
#: renders hold the GIL most of the time, so more threads would not render more pages a
#: second, while each of them delays the event loop (it waits for the GIL after every socket
#: call): under load that queueing showed up as the slowest requests' latency
RENDER_THREADS = 2
#: how many speakers and articles the home page lists
HOME_LIST = 10
#: the month chart's drawing width in pixels; bars share it, within the bounds below
CHART_WIDTH = 420
#: narrowest and widest bar of the month chart, in pixels
CHART_BAR_MIN, CHART_BAR_MAX = 12, 44

#: sent with every response: no inline script may run even if escaping ever failed, no
#: framing, no referrer leaking the local URL to the article sites we link to
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)


# --- request parsing --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Paging:
    """Which page of a listing a request asks for."""

    page: int  #: 1-based page number
    per_page: int  #: rows per page, in [1, MAX_PER_PAGE]

    @property
    def offset(self) -> int:
        """Rows to skip before this page."""
        return (self.page - 1) * self.per_page


def _int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return default
    if len(raw) > 30 and raw.isdigit():
        return 10**30  # past every limit, and int() of a thousand digits is slow
    try:
        return int(raw)
    except ValueError:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        raise QueryError(f"?{name}={shown!r} is not a whole number; use e.g. ?{name}=2") from None


def paging(request: Request, default: int = DEFAULT_PER_PAGE) -> Paging:
    """The page and page size from ``?page=`` and ``?per_page=``.

    Below 1 either is a QueryError (a 400); ``per_page`` above MAX_PER_PAGE is clamped to it,
    and ``page`` above MAX_PAGE is a QueryError.
    """
    page = _int_param(request, "page", 1)
    if page < 1:
        raise QueryError(f"?page={page} is out of range; pages start at 1")
    if page > MAX_PAGE:
        raise QueryError(f"?page= is past the highest page number there can be, {MAX_PAGE:,}")
    per_page = _int_param(request, "per_page", default)
    if per_page < 1:
        raise QueryError(
            f"?per_page={per_page} is out of range; ask for 1 to {MAX_PER_PAGE} rows a page"
        )
    return Paging(page, min(per_page, MAX_PER_PAGE))


def _bool_param(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return False
    try:
        return HEDGED_VALUES[raw.lower()]
    except KeyError:
        raise QueryError(
            f"?{name}={raw!r} is not a yes or no; use ?{name}=1 (or true, yes) for only those "
            f"statements, ?{name}=0 (or false, no) or leave it out for all"
        ) from None


def _date_param(request: Request, name: str) -> _dt.date | None:
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        return _dt.date.fromisoformat(raw)
    except ValueError:
        raise QueryError(
            f"?{name}={raw!r} is not a date; use YYYY-MM-DD, e.g. 2024-03-01"
        ) from None


def _str_param(request: Request, name: str) -> str | None:
    raw = request.query_params.get(name, "").strip()
    return raw or None


def statement_query(request: Request, page: Paging) -> StatementQuery:
    """The store query for ``/statements?q=&speaker=&outlet=&since=&until=&kind=&hedged=``."""
    kind = _str_param(request, "kind")
    if kind is not None and kind not in ATTRIBUTION_KINDS:
        raise QueryError(
            f"?kind={kind!r} is not a statement kind; use one of {', '.join(ATTRIBUTION_KINDS)}"
        )
    since, until = _date_param(request, "since"), _date_param(request, "until")
    if since and until and since > until:
        raise QueryError(f"?since={since} is after ?until={until}; swap them")
    return StatementQuery(
        text=_str_param(request, "q"),
        speaker=_str_param(request, "speaker"),
        outlet=_str_param(request, "outlet"),
        since=since,
        until=until,
        kind=kind,
        hedged_only=_bool_param(request, "hedged"),
        limit=page.per_page,
        offset=page.offset,
    )


def wants_json(request: Request) -> bool:
    """True for a page's JSON twin: a ``.json`` URL or ``?format=json``."""
    return request.url.path.endswith(".json") or request.query_params.get("format") == "json"


def _strip_json(value: str) -> str:
    return value[: -len(".json")] if value.endswith(".json") else value


def with_params(request: Request, path: str | None = None, **changes: Any) -> str:
    """A relative URL to ``path`` (default: this page) keeping the query string, with changes.

    A change to None removes the parameter.  Any change resets the page number unless the
    page itself is changed (a new filter starts again at page 1).
    """
    params = dict(request.query_params)
    if changes and "page" not in changes:
        params.pop("page", None)
    for k, v in changes.items():
        if v is None:
            params.pop(k, None)
        else:
            params[k] = str(v)
    query = urlencode(params)
    return (path or request.url.path) + (f"?{query}" if query else "")


# --- rendering ------------------------------------------------------------------------------


def _jsonable(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list | tuple):
        return [_jsonable(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, _dt.date):
        return obj.isoformat()
    return obj


def json_response(data: Any, status_code: int = 200) -> Response:
    """A JSON response of records, dates as ISO strings, text kept as UTF-8."""
    body = json.dumps(_jsonable(data), ensure_ascii=False, indent=1)
    return Response(body, status_code=status_code, media_type="application/json")


def _url_part(value: Any) -> str:
    return quote(str(value), safe="")


def _fmt_date(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return str(value)[:10]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        # every variable is escaped unless it is a Markup built by render.highlight
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["u"] = _url_part
    env.filters["date"] = _fmt_date
    env.filters["safe_url"] = safe_url
    env.globals["KINDS"] = ATTRIBUTION_KINDS
    env.globals["ROLE_LABEL"] = ROLE_LABEL
    return env


#: a kept page: status, body and headers
_Kept = tuple[int, bytes, list[tuple[bytes, bytes]]]


class _Pages:
    """The views, sharing the database path and the template environment."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = db_path
        self.env = _environment()
        for name in self.env.list_templates(extensions=["html"]):
            self.env.get_template(name)  # compiled now, not by the first request's visitor
        self.pool = StorePool(db_path)
        self.cache = DataCache(db_path)
        #: each statement a page has shown, with its item of the statement list, by id
        self.rows = DataCache(db_path, ROW_CACHE_ENTRIES)
        # a pool of its own rather than Starlette's run_in_threadpool (anyio's, 40 threads):
        # it bounds the renders to RENDER_THREADS whatever event loop asks (the test client
        # runs one per request), and hands a render over with less work per request
        self._renderers = ThreadPoolExecutor(RENDER_THREADS, thread_name_prefix="sayso-render")

    def store(self) -> AbstractContextManager[Store]:
        """A read-only connection for one request, from the pool."""
        return self.pool.store()

    def macro(self, name: str, *args: Any) -> Markup:
        """The HTML of macro ``name`` of ``_macros.html`` (a piece of a page)."""
        return Markup(getattr(self.env.get_template("_macros.html").module, name)(*args))

    def listing(self, query: StatementQuery) -> tuple[StatementPage, Markup]:
        """A page of statements and its HTML list, both cached until the database changes.

        Reading and rendering the rows costs more than finding them, and the same statements
        turn up in many searches: the page's statement ids are looked up, and only the rows
        that no page has shown since the last change are read and rendered (:attr:`rows`).
        """

        def compute() -> tuple[StatementPage, Markup]:
            # one entry for both, so the HTML is always that of the rows beside it
            with self.store() as st:
                ids = st.statement_ids(query)
                kept = self.rows.get_many(ids.sids, partial(_read_items, st))
            sids = [sid for sid in ids.sids if sid in kept]  # one deleted meanwhile: left out
            rows = tuple(kept[sid][0] for sid in sids)
            page = StatementPage(rows, ids.total, query.limit, query.offset, ids.ranked)
            return page, statement_list_of(kept[sid][1] for sid in sids)

        return self.cache.get(("listing", query), compute)

    def cached(self, key: Hashable, read: Callable[[Store], T]) -> T:
        """``read(store)``, computed once per change of the database (see :mod:`.cache`)."""

        def compute() -> T:
            with self.store() as st:
                return read(st)

        return self.cache.get(key, compute)

    def whole(
        self, endpoint: Callable[[Request], Response]
    ) -> Callable[[Request], Awaitable[Response]]:
        """``endpoint`` with its answers kept until the database changes.

        A page (HTML or JSON) is a function of its path, its query string and the database:
        nothing else from the request reaches it (access control happens before).  So a
        repeated request costs a dictionary lookup, answered on the event loop, instead of a
        render in a worker thread.
        """

        def render(request: Request, key: Hashable) -> _Kept:
            def compute() -> _Kept:
                r = endpoint(request)
                return r.status_code, bytes(r.body), list(r.raw_headers)

            return self.cache.get(key, compute)

        async def view(request: Request) -> Response:
            key = ("page", request.url.path, request.url.query)
            found, kept = self.cache.peek(key)
            if not found:
                loop = asyncio.get_running_loop()
                kept = await loop.run_in_executor(self._renderers, render, request, key)
            status, body, headers = kept
            response = Response(body, status_code=status)
            response.raw_headers = list(headers)  # a fresh list: middleware may add to it
            return response

        return view

    def html(self, request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
        """Render template ``name`` with the request and helper functions in its context."""
        template = self.env.get_template(name)

        def link(path: str | None = None, **changes: Any) -> str:
            return with_params(request, path, **changes)

        body = template.render(request=request, link=link, **context)
        return HTMLResponse(body, status_code=status_code)

    # -- pages ----------------------------------------------------------------------------------

    def home(self, request: Request) -> Response:
        """Counts, most-quoted speakers, outlets, latest articles and a search box."""
        stats, speakers, outlets, latest = self.cached(
            "home",
            lambda st: (
                st.stats(),
                st.speakers(limit=HOME_LIST),
                st.outlets(),
                st.latest_articles(limit=HOME_LIST),
            ),
        )
        if wants_json(request):
            return json_response(
                {
                    "stats": stats,
                    "speakers": speakers,
                    "outlets": outlets,
                    "latest_articles": latest,
                }
            )
        return self.html(
            request,
            "home.html",
            stats=stats,
            speakers=speakers,
            latest_articles=latest,
            outlet_bars=bars([(c.key, c.n) for c in outlets]),
        )

    def statements(self, request: Request) -> Response:
        """Full-text search and filters over every statement."""
        error: str | None = None
        page = Paging(1, DEFAULT_PER_PAGE)
        result = None
        # the outlet menu of the filter form; the JSON twin does not need it
        outlets = () if wants_json(request) else self.cached("outlets", Store.outlets)
        listing = Markup()
        try:
            page = paging(request)
            query = statement_query(request, page)
            if wants_json(request):
                result = self.cached(("statements", query), lambda st: st.statements(query))
            else:
                result, listing = self.listing(query)
        except QueryError as e:
            error = str(e)
        if wants_json(request):
            if error is not None:
                return json_response({"error": error, "status": 400}, 400)
            assert result is not None
            return json_response(
                {
                    "filters": self._filters(request),
                    **_page_json(request, page, result.total),
                    # a search: how many matches come first in order of relevance
                    "ranked": result.ranked,
                    "rows": result.rows,
                }
            )
        return self.html(
            request,
            "statements.html",
            status_code=400 if error else 200,
            error=error,
            result=result,
            listing=listing,
            nav=_nav(request, page, result.total if result else 0),
            filters=self._filters(request),
            outlets=outlets,
        )

    @staticmethod
    def _filters(request: Request) -> dict[str, str]:
        names = ("q", "speaker", "outlet", "since", "until", "kind", "hedged")
        return {n: request.query_params.get(n, "").strip() for n in names}

    def statements_csv(self, request: Request) -> Response:
        """Every statement matching the filters (not just one page) as CSV."""
        query = statement_query(request, Paging(1, CSV_CHUNK))
        buf = io.StringIO()
        columns = StatementRow.columns()
        writer = csv.writer(buf)
        writer.writerow(columns)
        written, total = 0, 0
        with self.store() as st:
            while written < CSV_MAX_ROWS:
                chunk = st.statements(dataclasses.replace(query, offset=written, limit=CSV_CHUNK))
                total = chunk.total
                for row in chunk.rows[: CSV_MAX_ROWS - written]:
                    writer.writerow([spreadsheet_safe(_csv_cell(getattr(row, c))) for c in columns])
                written += len(chunk.rows)
                if not chunk.rows or written >= total:
                    break
        headers = {
            "content-disposition": 'attachment; filename="sayso-statements.csv"',
            "x-sayso-total": str(total),
        }
        if total > CSV_MAX_ROWS:
            headers["x-sayso-truncated"] = f"{CSV_MAX_ROWS} of {total} rows; narrow the filters"
        return Response(buf.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)

    def speakers(self, request: Request) -> Response:
        """All speakers, most statements first, with a name filter."""
        page = paging(request)
        q = _str_param(request, "q")
        # one extra row tells whether there is a next page (the store gives no total here)
        rows = self.cached(
            ("speakers", q, page),
            lambda st: st.speakers(q, limit=page.per_page + 1, offset=page.offset),
        )
        more = len(rows) > page.per_page
        rows = rows[: page.per_page]
        if wants_json(request):
            return json_response(_open_page_json(request, page, more, rows, q=q))
        return self.html(request, "speakers.html", rows=rows, page=page, more=more, q=q or "")

    def speaker(self, request: Request) -> Response:
        """One speaker: names, counts by outlet and month, and their statements."""
        key = _strip_json(request.path_params["speaker_id"])
        page = paging(request)
        detail = self.cached(("speaker", key), lambda st: st.speaker(key))
        if detail is None:
            raise HTTPException(404, f"No speaker {key!r} in this database.")
        query = StatementQuery(speaker=detail.speaker.id, limit=page.per_page, offset=page.offset)
        result, listing = self.listing(query)
        if wants_json(request):
            return json_response(
                {
                    **_jsonable(detail),
                    **_page_json(request, page, result.total),
                    "rows": result.rows,
                }
            )
        months = month_bars([(c.key, c.n) for c in detail.by_month])
        return self.html(
            request,
            "speaker.html",
            detail=detail,
            result=result,
            listing=listing,
            nav=_nav(request, page, result.total),
            outlet_bars=bars([(c.key, c.n) for c in detail.by_outlet]),
            month_bars=months,
            bar_width=max(CHART_BAR_MIN, min(CHART_BAR_MAX, CHART_WIDTH // max(1, len(months)))),
        )

    def articles(self, request: Request) -> Response:
        """Articles, newest first, optionally from one outlet."""
        page = paging(request)
        outlet = _str_param(request, "outlet")
        rows = self.cached(
            ("articles", outlet, page),
            lambda st: st.articles(limit=page.per_page + 1, offset=page.offset, outlet=outlet),
        )
        more = len(rows) > page.per_page
        rows = rows[: page.per_page]
        if wants_json(request):
            return json_response(_open_page_json(request, page, more, rows, outlet=outlet))
        return self.html(request, "articles.html", rows=rows, page=page, more=more, outlet=outlet)

    def article(self, request: Request) -> Response:
        """One article with its sources, cues and contents highlighted, and its statements."""
        article_id = _strip_json(request.path_params["article_id"])
        view = self.cached(("article", article_id), lambda st: self._article_view(st, article_id))
        if view is None:
            raise HTTPException(404, f"No article {article_id!r} in this database.")
        ex, body, chains, statements = view
        if wants_json(request):
            return json_response(
                {
                    **ex.to_json(),
                    "chains": {k: [link.name for link in v] for k, v in chains.items()},
                }
            )
        return self.html(
            request,
            "article.html",
            ex=ex,
            body=body,
            statements=statements,
            original=safe_url(ex.article.url),
        )

    def _article_view(
        self, st: Store, article_id: str
    ) -> tuple[Extraction, Markup, dict[str, tuple[ChainLink, ...]], Markup] | None:
        """What the article page shows, computed once per article and ingest: the
        extraction, its highlighted text, every statement's chain of sources, and the HTML
        list of its statements."""
        ex = st.article(article_id)
        if ex is None:
            return None
        chains = chains_of(ex)
        # statements that others are reported inside get a chain view link too
        parents = {a.parent for a in ex.attributions if a.parent}
        statements = self.macro("article_statements", ex, chains, parents)
        return ex, highlight(ex.article.text, marks_for(ex)), chains, statements

    def chain(self, request: Request) -> Response:
        """Who passed one statement to whom: its ancestors, itself, its descendants."""
        article_id = request.path_params["article_id"]
        att_id = _strip_json(request.path_params["att_id"])
        rows = self.cached(("chain", article_id, att_id), lambda st: st.chain(article_id, att_id))
        if not rows:
            raise HTTPException(404, f"No statement {att_id!r} in article {article_id!r}.")
        if wants_json(request):
            return json_response({"article_id": article_id, "attribution_id": att_id, "rows": rows})
        return self.html(request, "chain.html", rows=rows, att_id=att_id, first=rows[0])

    # -- errors ---------------------------------------------------------------------------------

    def error(self, request: Request, status: int, message: str) -> Response:
        """An error page, or ``{"error", "status"}`` for a JSON twin."""
        if wants_json(request) or request.url.path.endswith(".csv"):
            return json_response({"error": message, "status": status}, status)
        return self.html(request, "error.html", status_code=status, status=status, message=message)

    async def on_http_error(self, request: Request, exc: Exception) -> Response:
        """404, 405 and friends as pages."""
        assert isinstance(exc, HTTPException)
        message = (
            exc.detail
            if exc.status_code != 404 or exc.detail != "Not Found"
            else (f"Nothing lives at {request.url.path}.")
        )
        return self.error(request, exc.status_code, message)

    async def on_query_error(self, request: Request, exc: Exception) -> Response:
        """A malformed search or filter: 400 with the store's readable message."""
        return self.error(request, 400, str(exc))

    async def on_server_error(self, request: Request, exc: Exception) -> Response:
        """Any other failure: a 500 page (or JSON) instead of Starlette's plain text."""
        message = (
            str(exc)
            if isinstance(exc, StoreError)
            else "Something went wrong on the server; the log has the details. "
            "Please report this as a sayso bug, with the URL."
        )
        return self.error(request, 500, message)

    async def login_page(self, scope: Scope, target: str, message: str, status: int) -> Response:
        """The sign-in form (for :class:`~sayso.web.guard.TokenAuth`), coming back to
        ``target`` after signing in."""
        request = Request(scope)
        return self.html(
            request, "login.html", status_code=status, message=message, next=_local_path(target)
        )

    def login(self, request: Request) -> Response:
        """``GET /login``: the sign-in form (``POST /login`` is answered by TokenAuth)."""
        target = _local_path(request.query_params.get("next", "/"))
        return self.html(request, "login.html", message="Sign in with your token.", next=target)

    def close(self) -> None:
        """Close the pooled connections."""
        self.pool.close()
        self.cache.close()
        self.rows.close()
        self._renderers.shutdown(wait=False)


def _read_items(st: Store, sids: list[int]) -> dict[int, tuple[StatementRow, str]]:
    """The statements with these ids, each with its item of the statement list."""
    return {sid: (row, statement_item(row)) for sid, row in st.statement_rows(sids).items()}


def _open_page_json(
    request: Request, page: Paging, more: bool, rows: Any, **filters: Any
) -> dict[str, Any]:
    """A page of a list without a total: its filters, page links (``more``: a next page
    exists) and rows."""
    return {
        **filters,
        "page": page.page,
        "per_page": page.per_page,
        "next": with_params(request, page=page.page + 1) if more else None,
        "prev": with_params(request, page=page.page - 1) if page.page > 1 else None,
        "rows": rows,
    }


def _page_json(request: Request, page: Paging, total: int) -> dict[str, Any]:
    """Paging fields of a list with a total.  A page past the last one is empty; its
    ``prev`` link goes to the last page."""
    pages = max(1, math.ceil(total / page.per_page))
    prev = min(page.page - 1, pages)
    return {
        "total": total,
        "page": page.page,
        "per_page": page.per_page,
        "pages": pages,
        "next": with_params(request, page=page.page + 1) if page.page < pages else None,
        "prev": with_params(request, page=prev) if page.page > 1 else None,
    }


def _nav(request: Request, page: Paging, total: int) -> dict[str, Any]:
    """What the pager shows: the page fields, the rows shown (first_row 0: none) and whether
    the page is past the last one."""
    nav = _page_json(request, page, total)
    nav["past_end"] = page.page > nav["pages"]
    shown = 0 < total > page.offset
    nav["first_row"] = page.offset + 1 if shown else 0
    nav["last_row"] = min(page.offset + page.per_page, total) if shown else 0
    return nav


def _csv_cell(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    return "" if value is None else value


class _SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(
    db_path: str | Path,
    allowed_hosts: Sequence[str] | None = None,
    tokens: Sequence[str] | None = None,
    limiter: FailureLimiter | None = None,
) -> Starlette:
    """The read-only explorer app for the database at ``db_path``.

    ``allowed_hosts`` limits the ``Host`` header the app answers (a guard against DNS
    rebinding); None answers any host.  ``tokens``, when given, are the secrets a request
    must carry (``Authorization: Bearer TOKEN``, or the cookie the ``/login`` form sets);
    ``limiter`` counts failed attempts per client (default: 10 a minute, then 429).
    Raises :class:`~sayso.errors.StoreError` when the database is missing or unreadable.
    """
    path = Path(db_path)
    if not path.is_file():
        raise StoreError(f"{path}: no such database; create it with `sayso ingest {path} FILES`")
    with Store(path, read_only=True):  # fail now, not on the first request
        pass
    pages = _Pages(path)

    def both(path: str, endpoint: Callable[[Request], Any]) -> list[Route]:
        return [Route(path, endpoint), Route(f"{path}.json", endpoint)]

    # every page but the CSV download (streamed, any size) is kept whole between ingests
    home = pages.whole(pages.home)
    routes = [
        Route("/", home),
        Route("/.json", home),
        Route("/index.json", home),
        *both("/statements", pages.whole(pages.statements)),
        Route("/statements.csv", pages.statements_csv),
        *both("/speakers", pages.whole(pages.speakers)),
        Route("/speakers/{speaker_id}", pages.whole(pages.speaker)),
        *both("/articles", pages.whole(pages.articles)),
        Route("/articles/{article_id}", pages.whole(pages.article)),
        Route("/articles/{article_id}/chain/{att_id}", pages.whole(pages.chain)),
        *both("/stories", pages.whole(partial(stories_page, pages))),
        Route("/stories/{story_id}", pages.whole(partial(story_page, pages))),
        Route(
            "/stories/{story_id}/mention/{article_id}", pages.whole(partial(mention_page, pages))
        ),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    # outermost first: every response gets the security headers, a foreign Host is refused
    # before anything else, and only then are credentials looked at
    middleware = [Middleware(_SecurityHeaders)]
    if allowed_hosts is not None:
        middleware.append(Middleware(HostGuard, hosts=list(allowed_hosts)))
    if tokens is not None:
        middleware.append(
            Middleware(TokenAuth, tokens=list(tokens), login_page=pages.login_page, limiter=limiter)
        )
        routes.append(Route("/login", pages.login))
    return Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={
            HTTPException: pages.on_http_error,
            QueryError: pages.on_query_error,
            500: pages.on_server_error,
        },
    )
