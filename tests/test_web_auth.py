"""Issue 14: access control when the explorer is served beyond loopback.

``sayso serve --host 0.0.0.0`` refuses to start without ``--token-file`` or ``--no-auth``;
with tokens every request needs ``Authorization: Bearer TOKEN`` or the login form's
HttpOnly, SameSite=Strict cookie; failed attempts are rate-limited per client address.
All in process (the browser path is in test_browser.py).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from starlette.exceptions import StarletteDeprecationWarning
from test_web import build_sample_db

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)  # see test_web.py
    from starlette.testclient import TestClient

from sayso.cli import cli
from sayso.web import ServeError, create_app, server_app
from sayso.web.guard import COOKIE, MAX_FAILURES, FailureLimiter

TOKEN = "k3Jx9-QmV0d2sUeR7hTzLwBq8nYc4aFp"
OTHER = "second-person-token-0123456789abcdef"
HTML = {"accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "sample.db"
    build_sample_db(path)
    return path


@pytest.fixture(scope="module")
def token_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tokens") / "tokens.txt"
    path.write_text(f"# the team's tokens\n{TOKEN}\n\n{OTHER}\n", encoding="utf-8")
    return path


def _client(db: Path, **kw: object) -> TestClient:
    app = create_app(db, tokens=[TOKEN, OTHER], limiter=FailureLimiter())
    return TestClient(app, follow_redirects=False, **kw)  # type: ignore[arg-type]


# --- who may start a server ------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20"])
def test_open_address_needs_token_file_or_no_auth(db: Path, host: str, token_file: Path) -> None:
    with pytest.raises(ServeError, match="--token-file"):
        server_app(db, host)
    assert server_app(db, host, no_auth=True) is not None
    assert server_app(db, host, token_file=token_file) is not None
    with pytest.raises(ServeError, match="contradict"):
        server_app(db, host, token_file=token_file, no_auth=True)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_needs_nothing(db: Path, host: str) -> None:
    assert server_app(db, host) is not None


def test_serve_command_refuses_open_address(db: Path, token_file: Path, monkeypatch) -> None:
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    refused = CliRunner().invoke(cli, ["serve", str(db), "--host", "0.0.0.0"])
    assert refused.exit_code == 2 and "--token-file" in refused.output and not calls
    assert "http://" not in refused.output
    ok = CliRunner().invoke(
        cli, ["serve", str(db), "--host", "0.0.0.0", "--token-file", str(token_file)]
    )
    assert ok.exit_code == 0, ok.output
    app = calls[0]["app"]
    # the served app asks for the token (loopback Host names are always answered)
    client = TestClient(app, base_url="http://127.0.0.1:8000")
    assert client.get("/.json").status_code == 401
    assert client.get("/.json", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
    # another Host name only with --allow-host
    lan = TestClient(app, base_url="http://explorer.lan:8000")
    assert lan.get("/.json", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 400
    CliRunner().invoke(
        cli,
        ["serve", str(db), "--host", "0.0.0.0", "--no-auth", "--allow-host", "explorer.lan"],
    )
    lan = TestClient(calls[1]["app"], base_url="http://explorer.lan:8000")
    assert lan.get("/.json").status_code == 200  # --no-auth: no token asked


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "no token"), ("# only a comment\n", "no token"), ("short\n", "shorter than")],
)
def test_bad_token_files(db: Path, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "tokens"
    path.write_text(content)
    with pytest.raises(ServeError, match=message):
        server_app(db, "0.0.0.0", token_file=path)
    with pytest.raises(ServeError, match="cannot read"):
        server_app(db, "0.0.0.0", token_file=tmp_path / "missing")


# --- denied and allowed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/.json", "/statements?q=Putin", "/statements.csv", "/speakers"]
)
def test_no_token_is_denied(db: Path, url: str) -> None:
    client = _client(db)
    r = client.get(url)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert "Putin" not in r.text and "Peskov" not in r.text
    page = client.get(url, headers=HTML)
    assert page.status_code == 401
    if url.endswith((".json", ".csv")):  # an API client gets JSON, never a form
        assert page.json()["status"] == 401
    else:
        assert 'action="/login"' in page.text and 'type="password"' in page.text
        assert "Peskov" not in page.text


def test_bearer_token(db: Path) -> None:
    client = _client(db)
    for token in (TOKEN, OTHER):  # every token in the file works
        r = client.get("/.json", headers={"authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["stats"]["articles"] == 5
    for bad in (f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", f"Basic {TOKEN}", "Bearer", TOKEN):
        assert client.get("/.json", headers={"authorization": bad}).status_code == 401, bad


def test_static_files_and_login_form_are_public(db: Path) -> None:
    client = _client(db)
    assert client.get("/static/style.css").status_code == 200
    form = client.get("/login?next=/speakers")
    assert form.status_code == 200 and 'name="next" value="/speakers"' in form.text


def test_login_sets_a_strict_httponly_cookie(db: Path) -> None:
    client = _client(db)
    wrong = client.post("/login", data={"token": "nope", "next": "/speakers"})
    assert wrong.status_code == 401 and "not valid" in wrong.text
    assert "set-cookie" not in wrong.headers
    r = client.post("/login", data={"token": TOKEN, "next": "/speakers?q=Putin"})
    assert r.status_code == 303 and r.headers["location"] == "/speakers?q=Putin"
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=") and TOKEN not in cookie
    lowered = cookie.lower()
    assert "httponly" in lowered and "samesite=strict" in lowered and "path=/" in lowered
    # the browser now sends the cookie: pages open
    page = client.get("/speakers?q=Putin", headers=HTML)
    assert page.status_code == 200 and "Vladimir Putin" in page.text
    # a forged cookie does not
    forged = _client(db)
    forged.cookies.set(COOKIE, "0" * 64)
    assert forged.get("/.json").status_code == 401
    # signing out clears it
    out = client.post("/logout")
    assert out.status_code == 303 and f'{COOKIE}=""' in out.headers["set-cookie"]


def test_cookie_is_secure_over_https(db: Path) -> None:
    client = _client(db, base_url="https://127.0.0.1")
    r = client.post("/login", data={"token": TOKEN, "next": "/"})
    assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()


@pytest.mark.parametrize(
    "target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:1"]
)
def test_login_never_redirects_elsewhere(db: Path, target: str) -> None:
    r = _client(db).post("/login", data={"token": TOKEN, "next": target})
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_tokens_are_compared_in_constant_time(db: Path, monkeypatch) -> None:
    import hmac

    import sayso.web.guard as guard

    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):  # type: ignore[no-untyped-def]
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(guard.hmac, "compare_digest", spy)
    client = _client(db)
    client.get("/.json", headers={"authorization": f"Bearer {TOKEN}"})
    assert len(compared) == 2  # every token is compared, even after the first matched
    compared.clear()
    client.get("/.json", headers={"authorization": "Bearer wrong"})
    assert len(compared) == 2


def test_failed_attempts_are_rate_limited_per_client(db: Path) -> None:
    app = create_app(db, tokens=[TOKEN], limiter=FailureLimiter())
    attacker = TestClient(app, follow_redirects=False, client=("203.0.113.9", 4000))
    for _ in range(MAX_FAILURES):
        assert attacker.get("/.json", headers={"authorization": "Bearer guess"}).status_code == 401
    r = attacker.get("/.json", headers={"authorization": "Bearer guess"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert "too many failed attempts" in r.json()["error"]
    # the login form counts too, and while limited even the right token waits
    assert attacker.post("/login", data={"token": TOKEN}).status_code == 429
    assert attacker.get("/.json", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 429
    # another address is not affected
    friend = TestClient(app, follow_redirects=False, client=("198.51.100.7", 4000))
    assert friend.get("/.json", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_limiter_forgets_after_the_window(monkeypatch) -> None:
    import sayso.web.guard as guard

    now = [1000.0]
    monkeypatch.setattr(guard.time, "monotonic", lambda: now[0])
    limiter = FailureLimiter(limit=3, window_s=60)
    for _ in range(3):
        limiter.fail("a")
    assert limiter.retry_after("a") == 60 and limiter.retry_after("b") == 0
    now[0] += 61
    assert limiter.retry_after("a") == 0
