"""Bundle the source records the gold files reference, so that evaluation needs no data
outside the repository (CI has none).

Writes ``speakers/articles.jsonl`` and ``chains/articles.jsonl`` next to this script: every
source record (all fields, licence included) whose id a gold row names, each once, in id order;
and ``NOTICE``, which credits each bundled article (the licences ask for it).
Records come from the project's shared data folder (``../shared/data`` from the repository
root, or ``--data``).  Run it again after adding gold rows:

    .venv/bin/python benchmarks/gold/build_articles.py
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Where the shared data lives by default (the repository sits next to ``shared/``).
DEFAULT_DATA = HERE.parents[2] / "shared" / "data"
#: The source files, relative to the data folder; an id found in several is taken from the first.
SOURCES = (
    "wikinews-en/articles.jsonl",
    "gov-readouts/articles.jsonl",
    "gov-readouts/wh_readouts_2021-2025.jsonl",
)
#: Ids with this prefix (president.gov.ua) have no confirmed licence: never bundled.
FORBIDDEN_PREFIX = "president-gov-ua-"
#: gold file(s) -> the bundle written next to them
GOLDS = {
    "speakers": ("speakers/wikinews.jsonl", "speakers/gov.jsonl"),
    "chains": ("chains/chains.jsonl",),
}


def referenced_ids(gold_files: tuple[str, ...]) -> set[str]:
    """The article ids the gold rows of these files name."""
    ids: set[str] = set()
    for name in gold_files:
        with open(HERE / name, encoding="utf-8") as f:
            ids.update(json.loads(line)["article_id"] for line in f if line.strip())
    return ids


def load_records(data: Path) -> dict[str, dict[str, object]]:
    """Every source record by id (first file wins)."""
    records: dict[str, dict[str, object]] = {}
    for name in SOURCES:
        with open(data / name, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    rec = json.loads(line)
                    records.setdefault(str(rec["id"]), rec)
    return records


NOTICE_HEAD = """\
Gold data bundled with sayso (benchmarks/gold)
=============================================

The annotation files (speakers/wikinews.jsonl, speakers/gov.jsonl, chains/chains.jsonl) were
written by the sayso project and are licensed like sayso's code. The articles.jsonl files hold
the source texts they annotate, each line copied unchanged from the data sets sayso was
developed on (every record keeps its `license` field); they are credited below. Written by
benchmarks/gold/build_articles.py: do not edit by hand.

Wikinews (source "Wikinews (English)")
--------------------------------------
Articles by Wikinews contributors, licensed under the Creative Commons Attribution 2.5 Generic
licence (CC BY 2.5, https://creativecommons.org/licenses/by/2.5/); each article's authors are
listed in its page history at the URL below. Changes made to the pages (disclosed as CC BY
asks): the text was scraped from the pages (https://github.com/vanatteveldt/wikinews, commit
3472541), the leading dateline paragraph was removed, whitespace was collapsed and paragraphs
were joined with a blank line; annotations added by the sayso project (in separate files,
pointing at the text by quotation). Nothing else was changed.

{wikinews}

The White House (source "The White House (United States)")
-----------------------------------------------------------
Works of the U.S. federal government, in the public domain in the United States
(17 U.S.C. 105); published on whitehouse.gov (now bidenwhitehouse.archives.gov), via the CC0
compilation https://github.com/brian14708/wh-briefings.

{whitehouse}

The Kremlin (source "President of Russia (Kremlin)")
---------------------------------------------------
(c) Presidential Executive Office of Russia, en.kremlin.ru, licensed under Creative Commons
Attribution 4.0 International (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/), via
https://github.com/PeiYiZhuo/zelenskyy-putin. The scrape joined paragraphs with single spaces;
annotations added by the sayso project (in separate files); no other change.

{kremlin}

Items from the Office of the President of Ukraine (president.gov.ua) are deliberately not
included: their licence has not been verified.

The stories gold (stories/) bundles its own White House and Kremlin texts, credited in
stories/NOTICE (written by stories/build.py).
"""
#: NOTICE section -> id prefix of its records
NOTICE_SECTIONS = {"wikinews": "wikinews-", "whitehouse": "whitehouse-", "kremlin": "kremlin-"}


def notice(records: list[dict[str, object]]) -> str:
    """The NOTICE text crediting ``records`` (title, date and URL of each, by source)."""
    sections: dict[str, str] = {}
    for key, prefix in NOTICE_SECTIONS.items():
        items = sorted(
            (str(r.get("published") or "")[:10], str(r["title"]), str(r["url"]))
            for r in records
            if str(r["id"]).startswith(prefix)
        )
        sections[key] = "\n".join(f'  * "{t}" ({d}) - {u}' for d, t, u in items) or "  (none)"
    unknown = [
        r["id"] for r in records if not str(r["id"]).startswith(tuple(NOTICE_SECTIONS.values()))
    ]
    assert not unknown, f"no licence section for {unknown}; extend NOTICE_SECTIONS"
    return NOTICE_HEAD.format(**sections)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data folder")
    args = parser.parse_args(argv)
    records = load_records(args.data)
    bundled: dict[str, dict[str, object]] = {}
    for folder, gold_files in GOLDS.items():
        ids = referenced_ids(gold_files)
        bad = sorted(i for i in ids if i.startswith(FORBIDDEN_PREFIX))
        assert not bad, f"{folder}: gold references unlicensed president.gov.ua records: {bad}"
        missing = sorted(ids - records.keys())
        if missing:
            print(f"{folder}: no source record for {', '.join(missing)}", file=sys.stderr)
            return 1
        out = HERE / folder / "articles.jsonl"
        with open(out, "w", encoding="utf-8") as f:
            for i in sorted(ids):
                f.write(json.dumps(records[i], ensure_ascii=False) + "\n")
                bundled[i] = records[i]
        print(f"{out.relative_to(HERE.parents[1])}: {len(ids)} articles")
    (HERE / "NOTICE").write_text(notice(list(bundled.values())), encoding="utf-8")
    print(f"gold/NOTICE: {len(bundled)} articles credited")
    return 0


if __name__ == "__main__":
    sys.exit(main())
