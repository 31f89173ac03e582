"""Killing a writer (SIGKILL) midway never leaves a half-written article, and a rerun resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from test_store_corpus import make_extraction

from sayso.store import Store

TESTS_DIR = Path(__file__).parent
#: Statements per hand-made article: enough rows that a write takes a noticeable moment.
STATEMENTS = 30

# The writer: stores articles 0..n-1; article `stall` stops halfway through its own write,
# once some of its attributions are inserted, and waits to be killed.
WRITER = """
import sys, time
from dataclasses import replace
sys.path.insert(0, sys.argv[4])
from test_store_corpus import make_extraction
from sayso.store import Store

db, n, stall = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
store = Store(db)

def rows_so_far(article_id):  # this connection sees its own uncommitted rows
    sql = "SELECT count(*) FROM attributions WHERE article_id = ?"
    return store._conn.execute(sql, (article_id,)).fetchone()[0]

class Stalling(tuple):
    def __iter__(self):
        for i, a in enumerate(tuple.__iter__(self)):
            if i == len(self) // 2 and rows_so_far(ARTICLE_ID) > 0:
                print("STALL", flush=True)
                time.sleep(120)
            yield a

for k in range(n):
    ex = make_extraction(k, statements=STATEMENTS)
    if k == stall:
        ARTICLE_ID = ex.article.id
        ex = replace(ex, attributions=Stalling(ex.attributions))
    print("WROTE", k, store.write(ex), flush=True)
print("DONE", flush=True)
""".replace("STATEMENTS", str(STATEMENTS))


def _writer(db: Path, n: int, stall: int = -1) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(n), str(stall), str(TESTS_DIR)],
        stdout=subprocess.PIPE,
        text=True,
    )


def _kill_when(proc: subprocess.Popen[str], line_starts: str) -> list[str]:
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:
        seen.append(line.strip())
        if line.startswith(line_starts):
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    return seen


def _check_whole(db: Path, n: int) -> set[str]:
    """The database is intact and every stored article has all its statements; returns ids."""
    expected = {make_extraction(k, statements=STATEMENTS).article.id: k for k in range(n)}
    with Store(db) as s:
        conn = s._conn
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = set(s.article_ids())
        assert stored <= set(expected)
        for aid in stored:
            assert s.article(aid) == make_extraction(expected[aid], statements=STATEMENTS)
        # nothing dangling: every statement and span belongs to a stored, recorded article
        assert s.stats().statements == STATEMENTS * len(stored)
        (spans,) = conn.execute("SELECT count(DISTINCT article_id) FROM spans").fetchone()
        (fts,) = conn.execute("SELECT count(*) FROM statements_fts").fetchone()
        assert spans == len(stored) and fts == STATEMENTS * len(stored)
    return stored


def _rerun_completes(db: Path, n: int, already: set[str]) -> None:
    proc = _writer(db, n)
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out
    lines = out.splitlines()
    assert lines[-1] == "DONE"
    skipped = sum(1 for line in lines if line.endswith(" False"))
    assert skipped == len(already)  # the rerun leaves stored articles alone
    assert len(_check_whole(db, n)) == n


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_kill_inside_a_transaction_leaves_no_half_article(tmp_path: Path) -> None:
    db, n, stall = tmp_path / "crash.db", 12, 7
    seen = _kill_when(_writer(db, n, stall), "STALL")
    assert seen[-1] == "STALL" and f"WROTE {stall - 1} True" in seen
    stored = _check_whole(db, n)
    # exactly the articles before the stalled one survived; the stalled one left no trace
    assert stored == {make_extraction(k, statements=STATEMENTS).article.id for k in range(stall)}
    _rerun_completes(db, n, stored)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_kill_at_an_arbitrary_moment_then_resume(tmp_path: Path) -> None:
    # No stall: the kill lands wherever the writer happens to be (usually inside a write).
    db, n = tmp_path / "crash2.db", 60
    _kill_when(_writer(db, n), "WROTE 20 ")
    stored = _check_whole(db, n)
    assert 21 <= len(stored) < n
    _rerun_completes(db, n, stored)
