"""The web explorer: ``create_app(db_path)`` and ``serve(db_path, host, port)``.

Pages (each with a ``.json`` twin): ``/``, ``/statements`` (+ ``/statements.csv``),
``/speakers``, ``/speakers/{id}``, ``/articles``, ``/articles/{id}``,
``/articles/{id}/chain/{attribution_id}``.  The database is only ever opened read-only.
Access control (Host names, tokens, the login form) is in :mod:`.guard`; see docs/web.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from starlette.applications import Starlette

from ..errors import ServeError
from .app import MAX_PAGE, MAX_PER_PAGE, create_app
from .guard import LOOPBACK_HOSTS, allowed_hosts, is_loopback, read_tokens

__all__ = [
    "LOOPBACK_HOSTS",
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "ServeError",
    "create_app",
    "serve",
    "server_app",
    "url_for_server",
]


def url_for_server(host: str, port: int) -> str:
    """The URL a browser opens for a server bound to ``host:port``."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
    if ":" in shown:  # an IPv6 address needs brackets in a URL
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def server_app(
    db_path: str | Path,
    host: str = "127.0.0.1",
    token_file: str | Path | None = None,
    no_auth: bool = False,
    allow_hosts: Sequence[str] = (),
) -> Starlette:
    """The app ``serve`` runs for these options, after checking they are safe.

    A bind address other than loopback needs ``token_file`` (every request must then carry
    one of its tokens) or an explicit ``no_auth=True``; raises :class:`ServeError` otherwise,
    and for an unreadable token file.  The ``Host`` names answered are the loopback names,
    the bind address when it is a specific one, and ``allow_hosts`` (``*``: any).
    """
    if token_file is not None and no_auth:
        raise ServeError("--token-file and --no-auth contradict each other; give one of them")
    if not is_loopback(host) and token_file is None and not no_auth:
        raise ServeError(
            f"refusing to serve on {host}, which other machines can reach, without access "
            "control: give --token-file FILE (one secret token per line; every request must "
            "carry one), or --no-auth if everyone who can reach this address may read the "
            "database"
        )
    tokens = read_tokens(token_file) if token_file is not None else None
    return create_app(db_path, allowed_hosts=allowed_hosts(host, allow_hosts), tokens=tokens)


def serve(
    db_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    announce: Callable[[str], None] | None = None,
    *,
    token_file: str | Path | None = None,
    no_auth: bool = False,
    allow_hosts: Sequence[str] = (),
) -> None:
    """Serve the explorer for ``db_path`` until interrupted (Ctrl-C).

    Binds to 127.0.0.1 unless told otherwise; see :func:`server_app` for the access rules.
    ``announce`` is called with the URL once the database has opened.  Raises
    :class:`~sayso.errors.StoreError` for a missing or unreadable database and
    :class:`ServeError` for unsafe or unreadable access options.
    """
    import uvicorn

    app = server_app(db_path, host, token_file=token_file, no_auth=no_auth, allow_hosts=allow_hosts)
    if announce is not None:
        announce(url_for_server(host, port))
    uvicorn.run(app, host=host, port=port, log_level="warning")
