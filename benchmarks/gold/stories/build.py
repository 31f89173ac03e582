"""Complete, check and bundle the stories gold (``benchmarks/gold/stories``).

The events and claims were written by hand, by reading the texts (see README.md).  This script
does only the mechanical part, from the project's shared data (``../shared/data/gov-readouts``
from the repository root, or ``--data``):

1. ``events.jsonl``: fills each article's metadata from the collection (``key``, ``source``,
   ``id``, ``published``, ``files``) and each event's ``split`` (a hash of the event id), and
   checks that every url exists in the collection;
2. ``claims.jsonl``: checks every mention's offsets (and, for White House and Kremlin texts,
   that ``text`` is exactly the bundled text at ``start:end``) and that each mention's article
   belongs to the claim's event;
3. writes ``articles.jsonl``: every White House and Kremlin record the gold references (the
   texts sayso may ship), and ``NOTICE`` crediting them.  Office of the President of Ukraine
   items are referenced by url only: their licence is unverified, so no text of theirs (not
   even a mention's words) is written anywhere in the repository.

Run it again after editing the gold::

    .venv/bin/python benchmarks/gold/stories/build.py
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from sayso.evaluate.stories import article_key, event_split  # noqa: E402

#: Where the shared data lives by default (the repository sits next to ``shared/``).
DEFAULT_DATA = HERE.parents[3] / "shared" / "data" / "gov-readouts"
WH_SOURCE = "The White House (United States)"
KREMLIN_SOURCE = "President of Russia (Kremlin)"
UA_SOURCE = "Office of the President of Ukraine"
#: The licence string of the Kremlin records in the collection's articles.jsonl, reused for the
#: records this script builds from putin.csv.
KREMLIN_LICENSE = (
    "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/) per kremlin.ru site notice; "
    "attribution: Presidential Executive Office of Russia (en.kremlin.ru), see url"
)


def load_collection(data: Path) -> tuple[dict[str, dict[str, Any]], dict[str, list[str]]]:
    """Every record of the collection by article key, and the files that hold each key.

    White House and Kremlin records keep their text (they may be bundled); Ukrainian ones keep
    their CSV body only in memory, to check offsets.
    """
    csv.field_size_limit(10**9)
    records: dict[str, dict[str, Any]] = {}
    files: dict[str, list[str]] = {}

    def add(rec: dict[str, Any], file: str) -> None:
        key = article_key(rec["url"])
        records.setdefault(key, rec)
        files.setdefault(key, []).append(file)

    for name in ("articles.jsonl", "wh_readouts_2021-2025.jsonl"):
        with open(data / name, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    add(json.loads(line), name)
    with open(data / "putin.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            url = row["link"].replace("http://", "https://", 1)
            summary = row["summary"].strip()
            add(
                {
                    # the collection's own Kremlin ids: date + sha1 of the scraped (http) link
                    "id": f"kremlin-{row['date'][:10]}-"
                    + hashlib.sha1(row["link"].encode()).hexdigest()[:8],
                    "url": url,
                    "source": KREMLIN_SOURCE,
                    "published": row["date"],
                    "title": row["headline"],
                    "text": f"{summary}\n\n{row['body']}" if summary else row["body"],
                    "license": KREMLIN_LICENSE,
                },
                "putin.csv",
            )
    with open(data / "zelenskyy.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            add(
                {"id": None, "url": row["link"], "source": UA_SOURCE, "published": row["date"],
                 "body": row["body"]},
                "zelenskyy.csv",
            )
            # the CSV body is what Ukrainian offsets index, even where articles.jsonl has a copy
            records[article_key(row["link"])]["body"] = row["body"]
    return records, files


def source_of(rec: dict[str, Any]) -> str:
    """The government a record speaks for."""
    url = str(rec["url"])
    if "kremlin.ru" in url:
        return KREMLIN_SOURCE
    if "president.gov.ua" in url:
        return UA_SOURCE
    return WH_SOURCE


def shippable(key: str) -> bool:
    """May this article's text be committed? (White House and Kremlin only.)"""
    return "president.gov.ua" not in key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="gov-readouts folder")
    args = parser.parse_args(argv)
    records, files = load_collection(args.data)
    errors: list[str] = []

    with open(HERE / "events.jsonl", encoding="utf-8") as f:
        events = [json.loads(line) for line in f if line.strip()]
    members: dict[str, str] = {}
    referenced: set[str] = set()
    for ev in events:
        ev["split"] = event_split(ev["event"])
        for art in ev["articles"]:
            key = article_key(art["url"])
            rec = records.get(key)
            if rec is None:
                errors.append(f"event {ev['event']}: {art['url']} is not in the collection")
                continue
            if key in members:
                errors.append(f"{art['url']} is in events {members[key]} and {ev['event']}")
            members[key] = ev["event"]
            art.update(
                key=key,
                source=source_of(rec),
                id=rec.get("id") if shippable(key) else None,
                published=str(rec["published"]),
                files=sorted(set(files[key])),
            )
            if art.get("duplicate_of"):
                art["duplicate_of"] = article_key(art["duplicate_of"])
            referenced.add(key)
        ev["mentioned_in"] = [article_key(u) for u in ev.get("mentioned_in", [])]
        for key in ev["mentioned_in"]:
            if key not in records:
                errors.append(f"event {ev['event']}: mentioned_in {key} is not in the collection")
    ordered = ("event", "split", "kind", "date", "participants", "title", "articles",
               "mentioned_in", "note")
    art_order = ("key", "url", "source", "id", "published", "role", "duplicate_of", "files", "note")
    with open(HERE / "events.jsonl", "w", encoding="utf-8") as f:
        for ev in sorted(events, key=lambda e: e["event"]):
            ev["articles"] = [
                {k: a[k] for k in art_order if k in a and a[k] is not None} for a in ev["articles"]
            ]
            f.write(json.dumps({k: ev[k] for k in ordered if k in ev}, ensure_ascii=False) + "\n")

    claims_path = HERE / "claims.jsonl"
    claims = []
    if claims_path.exists():
        with open(claims_path, encoding="utf-8") as f:
            claims = [json.loads(line) for line in f if line.strip()]
    for n, claim in enumerate(claims, 1):
        where = f"claims.jsonl:{n}"
        for m in claim["mentions"]:
            key = m["article"]
            rec = records.get(key)
            if rec is None or members.get(key) != claim["event"]:
                errors.append(f"{where}: {key} is not an article of event {claim['event']}")
                continue
            referenced.add(key)
            if shippable(key):
                text = str(rec["text"])[m["start"] : m["end"]]
                if text != m.get("text"):
                    errors.append(f"{where}: text at {m['start']}:{m['end']} of {key} is {text!r}")
            else:
                if "text" in m:
                    errors.append(f"{where}: a president.gov.ua mention must not carry its text")
                if not 0 <= m["start"] < m["end"] <= len(rec["body"]):
                    errors.append(f"{where}: offsets {m['start']}:{m['end']} out of {key}")
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1

    bundle = sorted((k for k in referenced if shippable(k)), key=lambda k: str(records[k]["id"]))
    fields = ("id", "url", "source", "published", "title", "text", "license")
    with open(HERE / "articles.jsonl", "w", encoding="utf-8") as f:
        for k in bundle:
            f.write(json.dumps({x: records[k][x] for x in fields}, ensure_ascii=False) + "\n")
    (HERE / "NOTICE").write_text(notice([records[k] for k in bundle]), encoding="utf-8")
    print(f"{len(events)} events, {len(members)} member articles, {len(claims)} claims; "
          f"articles.jsonl: {len(bundle)} records")
    return 0


NOTICE_HEAD = """\
Stories gold bundled with sayso (benchmarks/gold/stories)
=========================================================

events.jsonl and claims.jsonl were written by the sayso project, by reading the texts, and are
licensed like sayso's code. articles.jsonl holds the source texts they reference that may be
redistributed, credited below. Written by benchmarks/gold/stories/build.py: do not edit by hand.

The White House (source "The White House (United States)")
-----------------------------------------------------------
Works of the U.S. federal government, in the public domain in the United States
(17 U.S.C. 105); published on whitehouse.gov (now bidenwhitehouse.archives.gov), via the CC0
compilation https://github.com/brian14708/wh-briefings. No change.

{whitehouse}

The Kremlin (source "President of Russia (Kremlin)")
---------------------------------------------------
(c) Presidential Executive Office of Russia, en.kremlin.ru, licensed under Creative Commons
Attribution 4.0 International (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/), via
https://github.com/PeiYiZhuo/zelenskyy-putin. Changes (disclosed as CC BY asks): the scrape
joined paragraphs with single spaces; the item's summary line was put in front of the body,
separated by a blank line; annotations added by the sayso project (in separate files).

{kremlin}

Items from the Office of the President of Ukraine (president.gov.ua) are referenced by url and
character offsets only; none of their text is included: their licence has not been verified.
"""


def notice(records: list[dict[str, Any]]) -> str:
    """The NOTICE text crediting ``records`` (title, date and URL of each, by source)."""
    def items(source: str) -> str:
        rows = sorted(
            (str(r["published"])[:10], str(r["title"]), str(r["url"]))
            for r in records
            if r["source"] == source
        )
        return "\n".join(f'  * "{t}" ({d}) - {u}' for d, t, u in rows) or "  (none)"

    return NOTICE_HEAD.format(whitehouse=items(WH_SOURCE), kremlin=items(KREMLIN_SOURCE))


if __name__ == "__main__":
    sys.exit(main())
