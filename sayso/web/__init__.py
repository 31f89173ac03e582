"""The web explorer: ``create_app(db_path)`` and ``serve(db_path, host, port)``.

Pages (each with a ``.json`` twin): ``/``, ``/statements`` (+ ``/statements.csv``),
``/speakers``, ``/speakers/{id}``, ``/articles``, ``/articles/{id}``,
``/articles/{id}/chain/{attribution_id}``.  The database is only ever opened read-only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .app import MAX_PER_PAGE, create_app

#: host names a server bound to a loopback address answers to; any other ``Host`` header is
#: refused, so a web page elsewhere cannot reach the explorer through DNS rebinding
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

__all__ = ["MAX_PER_PAGE", "create_app", "serve", "url_for_server"]


def url_for_server(host: str, port: int) -> str:
    """The URL a browser opens for a server bound to ``host:port``."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown:  # an IPv6 address needs brackets in a URL
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def serve(
    db_path: str | Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve the explorer for ``db_path`` until interrupted (Ctrl-C).

    Binds to 127.0.0.1 unless told otherwise; on a loopback address only loopback host
    names are answered.  ``announce`` is called with the URL once the database has opened.
    Raises :class:`~sayso.errors.StoreError` for a missing or unreadable database.
    """
    import uvicorn

    allowed = LOOPBACK_HOSTS if host in LOOPBACK_HOSTS else None
    app = create_app(db_path, allowed_hosts=allowed)
    if announce is not None:
        announce(url_for_server(host, port))
    uvicorn.run(app, host=host, port=port, log_level="warning")
