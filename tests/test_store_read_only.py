"""A database nobody may write (chmod a-w file and folder, as on a read-only mount): every
reading command works, a writing one fails with one clear line and exit 2.

When the tests run as root (root may write whatever the mode bits say), the commands run in a
subprocess that sees the folder as a read-only bind mount, or else as an unprivileged user."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_store_corpus import make_extraction

from sayso.store import StatementQuery, Store

REPO = Path(__file__).resolve().parents[1]
NOBODY = 65534

# Runs in the subprocess: each command through CliRunner, and the web app in process.
_SCRIPT = r"""
import json, sys
from click.testing import CliRunner
from starlette.testclient import TestClient
from sayso.cli import cli
from sayso.web import create_app

db, other = sys.argv[1], sys.argv[2]
out = {}
for name, args in {
    "statements": ["statements", db, "--json"],
    "search": ["search", db, "ceasefire", "--json"],
    "speakers": ["speakers", db, "--json"],
    "export": ["export", db, "--format", "csv"],
    "aliases": ["alias", db, "--list", "--json"],
    "ingest": ["ingest", db, other],
    "alias_add": ["alias", db, "Putin", "Vladimir Putin"],
}.items():
    r = CliRunner().invoke(cli, args)
    out[name] = [r.exit_code, r.stdout, r.stderr]
client = TestClient(create_app(db), base_url="http://127.0.0.1")
out["web"] = [client.get(u).status_code for u in
              ("/", "/statements?q=ceasefire", "/statements?kind=direct", "/speakers", "/articles")]
print(json.dumps(out))
"""


@pytest.fixture
def folder() -> Iterator[Path]:
    # not pytest's tmp_path: its parents are private to the user running the tests
    path = Path(tempfile.mkdtemp(prefix="sayso-ro-"))
    path.chmod(0o755)
    yield path
    for p in [path, *path.iterdir()]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(path)


def _make(folder: Path, *, leftover_wal: bool) -> Path:
    db = folder / "news.db"
    with Store(db) as s:
        for n in range(4):
            s.write(make_extraction(n, statements=3))
    if leftover_wal:
        # a copy taken while a writer had it open: a -wal file with a commit, no -shm
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        conn.execute("UPDATE articles SET title = 'Changed after the checkpoint'")
        shutil.copy(db, folder / "copy.db")
        shutil.copy(folder / "news.db-wal", folder / "copy.db-wal")
        conn.close()
        for p in folder.glob("news.db*"):
            p.unlink()
        (folder / "copy.db").rename(db)
        (folder / "copy.db-wal").rename(folder / "news.db-wal")
    (folder / "other.txt").write_text("The minister said the plan was fine.\n")
    for p in [*folder.iterdir(), folder]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    return db


#: Mounts "$0" read-only in a private mount namespace, then runs the rest of the arguments there.
_RO_MOUNT = 'mount --bind "$0" "$0" && mount -o remount,ro,bind "$0" && exec "$@"'


def _prefix(folder: Path) -> list[str]:
    """How to run the commands so that ``folder`` cannot be written, even by root.

    As root: a real read-only bind mount in a private mount namespace (what the issue hit), or,
    where namespaces are not allowed, an unprivileged user when it can read this checkout."""
    if os.geteuid() != 0:
        return []  # the mode bits are enough
    unshare = shutil.which("unshare")
    if unshare:
        probe = subprocess.run(
            [unshare, "-m", "sh", "-c", _RO_MOUNT, str(folder), "true"], capture_output=True
        )
        if probe.returncode == 0:
            return [unshare, "-m", "sh", "-c", _RO_MOUNT, str(folder)]
    setpriv = shutil.which("setpriv")
    drop = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] if setpriv else []
    if drop and subprocess.run([*drop, sys.executable, "-c", "import click"],
                               capture_output=True).returncode == 0:  # fmt: skip
        return drop
    pytest.skip("running as root with neither a mount namespace nor an unprivileged user who can "
                "read this checkout: cannot make the database read-only")  # fmt: skip


def _run(db: Path) -> dict[str, list]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": "/tmp"}
    env.pop("SAYSO_DEBUG", None)
    done = subprocess.run(
        [*_prefix(db.parent), sys.executable, "-c", _SCRIPT, str(db), str(db.parent / "other.txt")],
        capture_output=True, text=True, env=env, cwd="/", timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("leftover_wal", [False, True])
def test_reading_commands_work_on_a_read_only_database(folder: Path, leftover_wal: bool) -> None:
    db = _make(folder, leftover_wal=leftover_wal)
    if os.geteuid() != 0:
        with pytest.raises(PermissionError):
            (folder / "probe").write_text("")  # the folder really is read-only
    out = _run(db)
    for name in ("statements", "search", "speakers", "export", "aliases"):
        code, stdout, stderr = out[name]
        assert code == 0, (name, stderr)
    assert len(_rows(out["statements"][1])) == 12
    assert _rows(out["search"][1]) and _rows(out["speakers"][1])
    assert out["export"][1].count("\n") == 13  # header and 12 rows
    if leftover_wal:  # read as immutable: the -wal's commit is not seen, and the user is told
        assert "Changed after the checkpoint" not in out["statements"][1]
        assert "news.db-wal" in out["statements"][2] and out["statements"][2].count("\n") == 1
    else:
        assert out["statements"][2] == ""
    assert out["web"] == [200] * 5
    for name in ("ingest", "alias_add"):
        code, stdout, stderr = out[name]
        assert code == 2, (name, stdout, stderr)
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and "read-only" in lines[0] and "news.db" in lines[0]


def _rows(stdout: str) -> list:
    """The rows of a listing's --json output: an array, or an object with "rows"."""
    data = json.loads(stdout)
    return data["rows"] if isinstance(data, dict) else data


def test_store_read_only_reads_a_writable_database_normally(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    with Store(db) as s:
        s.write(make_extraction(0, statements=2))
    with Store(db, read_only=True) as s:
        assert s.notice is None
        assert s.statements(StatementQuery()).total == 2
