"""Who may ask the explorer anything: the Host header check and token access control.

Two ASGI middlewares, outermost first:

- :class:`HostGuard` answers only requests whose ``Host`` header names this server (loopback
  names, plus any the operator allowed), so a web page elsewhere cannot reach the explorer by
  DNS rebinding.  IPv6 hosts come bracketed with a port (``[::1]:8000``).
- :class:`TokenAuth` lets a request through with ``Authorization: Bearer TOKEN`` or with the
  session cookie that the ``/login`` form sets (HttpOnly, SameSite=Strict; ``Secure`` over
  HTTPS).  Tokens are compared in constant time, and a client address with too many failed
  attempts gets 429 for a while.

The tokens live in a file (``--token-file``): one per line, blank lines and ``#`` comments
ignored, so each person can have their own and one can be revoked by deleting its line.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Sequence
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ..errors import ServeError

#: host names a server answers whatever it is bound to; any other ``Host`` needs --allow-host
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
#: failed token attempts one client address may make per window before it gets 429
MAX_FAILURES = 10
#: the window of MAX_FAILURES, in seconds
FAILURE_WINDOW_S = 60.0
#: client addresses whose failures are remembered at once (oldest forgotten first), so a
#: flood from many addresses cannot grow memory without bound
MAX_TRACKED_CLIENTS = 10_000
#: the session cookie the login form sets
COOKIE = "sayso_session"
#: how long the session cookie lasts, in seconds (a token stays valid until it is removed)
COOKIE_MAX_AGE_S = 7 * 24 * 3600
#: the largest login form body read, in bytes (a token is well under this)
MAX_LOGIN_BODY = 4096
#: a token shorter than this is refused when the file is read: it could be guessed
MIN_TOKEN_CHARS = 16
#: paths answered without a token: the login form and the style sheet and script it uses
PUBLIC_PREFIXES = ("/login", "/logout", "/static/", "/favicon")


# --- Host header ------------------------------------------------------------------------------


def host_name(header: str) -> str:
    """The host name of a ``Host`` header, lower-cased, without port or IPv6 brackets."""
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:8000
        end = header.find("]")
        return header[1:end] if end > 0 else header
    name, sep, port = header.rpartition(":")
    if sep and port.isdigit() and ":" not in name:
        return name
    return header


def is_loopback(host: str) -> bool:
    """Whether a bind address only accepts connections from this machine."""
    if host_name(host) == "localhost":
        return True
    try:
        return ipaddress.ip_address(host_name(host)).is_loopback
    except ValueError:
        return False


def allowed_hosts(bind: str, extra: Iterable[str] = ()) -> list[str] | None:
    """The Host names a server bound to ``bind`` answers: loopback names, the bind address
    when it is a specific one, and ``extra`` (``*`` in extra: any; returns None)."""
    names = [host_name(h) for h in extra if h.strip()]
    if "*" in names:
        return None
    if bind not in ("", "0.0.0.0", "::"):
        names.append(host_name(bind))
    return list(dict.fromkeys([*LOOPBACK_HOSTS, *names]))


class HostGuard:
    """Refuses (400) a request whose ``Host`` header is not one of ``hosts``."""

    def __init__(self, app: ASGIApp, hosts: Sequence[str]) -> None:
        self.app = app
        self.hosts = frozenset(host_name(h) for h in hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = host_name(Headers(scope=scope).get("host", ""))
        if host in self.hosts:
            await self.app(scope, receive, send)
            return
        shown = ", ".join(sorted(self.hosts))
        response = PlainTextResponse(
            f"Invalid host header: this server answers only {shown}; its operator can add a "
            "name with `sayso serve --allow-host NAME`",
            status_code=400,
        )
        await response(scope, receive, send)


# --- tokens -----------------------------------------------------------------------------------


def read_tokens(path: str | Path) -> list[str]:
    """The tokens in a token file; raises ServeError when it is unreadable, empty, or holds
    a token too short to be secret."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ServeError(f"{p}: cannot read the token file ({e}); check the path") from e
    tokens = [t.strip() for t in lines if t.strip() and not t.strip().startswith("#")]
    if not tokens:
        raise ServeError(
            f"{p}: no token in the token file; put one per line, e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
        )
    for n, t in enumerate(tokens, 1):
        if len(t) < MIN_TOKEN_CHARS or any(c.isspace() for c in t):
            raise ServeError(
                f"{p}: token {n} is shorter than {MIN_TOKEN_CHARS} characters or holds spaces; "
                "use a long random one, e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(32))'`"
            )
    return tokens


def _session_of(token: str) -> str:
    """The cookie value for a token: a keyed hash, so the cookie never holds the token."""
    return hmac.new(token.encode(), b"sayso-session-v1", hashlib.sha256).hexdigest()


def _matches(given: str, secrets: Sequence[str]) -> bool:
    """Whether ``given`` equals one of ``secrets``, in time that does not depend on where
    they differ (every secret is compared)."""
    found = False
    for s in secrets:
        found |= hmac.compare_digest(given.encode(), s.encode())
    return found


class FailureLimiter:
    """Counts failed attempts per client address in a sliding window."""

    def __init__(self, limit: int = MAX_FAILURES, window_s: float = FAILURE_WINDOW_S) -> None:
        self.limit = limit
        self.window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, client: str, now: float) -> deque[float]:
        q = self._failures.get(client)
        if q is None:
            return deque()
        while q and q[0] <= now - self.window_s:
            q.popleft()
        if not q:
            del self._failures[client]
        return q

    def retry_after(self, client: str) -> int:
        """Seconds until ``client`` may try again; 0 when it may now."""
        now = time.monotonic()
        with self._lock:
            q = self._recent(client, now)
            if len(q) < self.limit:
                return 0
            return max(1, int(q[0] + self.window_s - now + 0.999))

    def fail(self, client: str) -> None:
        """Record one failed attempt by ``client``."""
        now = time.monotonic()
        with self._lock:
            q = self._recent(client, now)
            if not q:
                if len(self._failures) >= MAX_TRACKED_CLIENTS:
                    self._failures.pop(next(iter(self._failures)))
                self._failures[client] = q
            q.append(now)


LoginPage = Callable[[Scope, str, str, int], Awaitable[Response]]


class TokenAuth:
    """Lets through requests that carry a valid token (header or session cookie).

    ``login_page(scope, next_url, message, status)`` renders the login form.
    """

    def __init__(
        self,
        app: ASGIApp,
        tokens: Sequence[str],
        login_page: LoginPage,
        limiter: FailureLimiter | None = None,
    ) -> None:
        if not tokens:
            raise ServeError("token access control needs at least one token")
        self.app = app
        self.tokens = list(tokens)
        self.sessions = [_session_of(t) for t in tokens]
        self.login_page = login_page
        self.limiter = limiter or FailureLimiter()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        client = (scope.get("client") or ("unknown", 0))[0]
        headers = Headers(scope=scope)
        if path == "/login" and scope["method"] == "POST":
            await self._login(scope, receive, send, client)
            return
        if path == "/logout" and scope["method"] == "POST":
            response: Response = RedirectResponse("/login", status_code=303)
            response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
            await response(scope, receive, send)
            return
        if path.startswith(PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return

        auth = headers.get("authorization", "")
        if auth:
            scheme, _, given = auth.partition(" ")
            wait = self.limiter.retry_after(client)
            if wait:
                await _too_many(wait)(scope, receive, send)
                return
            if scheme.lower() == "bearer" and _matches(given.strip(), self.tokens):
                await self.app(scope, receive, send)
                return
            self.limiter.fail(client)
            await _denied("the token in the Authorization header is not valid")(
                scope, receive, send
            )
            return
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # noqa: BLE001 - a malformed cookie header is simply no session
            cookie = SimpleCookie()
        session = cookie.get(COOKIE)
        if session is not None and _matches(session.value, self.sessions):
            await self.app(scope, receive, send)
            return
        if _wants_page(scope, headers):
            query = scope.get("query_string", b"").decode("latin-1")
            target = path + (f"?{query}" if query else "")
            page = await self.login_page(scope, target, "Sign in to see this page.", 401)
            await page(scope, receive, send)
            return
        await _denied("this server needs a token")(scope, receive, send)

    async def _login(self, scope: Scope, receive: Receive, send: Send, client: str) -> None:
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > MAX_LOGIN_BODY:
                await PlainTextResponse("login form too large", 413)(scope, receive, send)
                return
        form = dict(parse_qsl(body.decode("utf-8", "replace"), max_num_fields=8))
        target = _local_path(form.get("next", "/"))
        wait = self.limiter.retry_after(client)
        if wait:
            await _too_many(wait)(scope, receive, send)
            return
        token = form.get("token", "").strip()
        if not token or not _matches(token, self.tokens):
            self.limiter.fail(client)
            page = await self.login_page(scope, target, "That token is not valid.", 401)
            await page(scope, receive, send)
            return
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            COOKIE,
            _session_of(next(t for t in self.tokens if hmac.compare_digest(t, token))),
            max_age=COOKIE_MAX_AGE_S,
            path="/",
            httponly=True,
            samesite="strict",
            secure=scope.get("scheme") == "https",
        )
        await response(scope, receive, send)


def _local_path(target: str) -> str:
    """``target`` when it is a path on this server, else ``/`` (no open redirects)."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _wants_page(scope: Scope, headers: Headers) -> bool:
    """Whether a person's browser asked for an HTML page (else: an API client)."""
    path: str = scope["path"]
    if path.endswith((".json", ".csv")) or b"format=json" in scope.get("query_string", b""):
        return False
    return "text/html" in headers.get("accept", "")


def _denied(why: str) -> Response:
    """401 for an API client, in the explorer's JSON error shape."""
    message = f"{why}; send `Authorization: Bearer TOKEN` or sign in at /login"
    return Response(
        json.dumps({"error": message, "status": 401}),
        status_code=401,
        media_type="application/json",
        headers={"www-authenticate": 'Bearer realm="sayso"'},
    )


def _too_many(wait: int) -> Response:
    """429 for a client over MAX_FAILURES, saying when to try again."""
    message = f"too many failed attempts from this address; wait {wait} s"
    return Response(
        json.dumps({"error": message, "status": 429}),
        status_code=429,
        media_type="application/json",
        headers={"retry-after": str(wait)},
    )
