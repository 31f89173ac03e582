"""Exports for the tools around sayso (issue 13.2, 13.3): W3C Web Annotation anchored in the
input files, schema.org Quotation and ClaimReview, CSV/Parquet offsets and typed dates.

The required fields below are written from the specifications, not from sayso's output:
- W3C Web Annotation Data Model (https://www.w3.org/TR/annotation-model/): an Annotation MUST
  have @context (including http://www.w3.org/ns/anno.jsonld), id, type "Annotation" and at
  least one target (§3.1); a TextualBody MUST have value (§3.2.4); a SpecificResource MUST have
  source (§4); a TextQuoteSelector MUST have exact (§4.2.4); a TextPositionSelector MUST have
  start and end, non-negative integers (§4.2.5).
- schema.org Quotation (https://schema.org/Quotation): schema.org requires no property; the
  issue asks for text, spokenByCharacter (a Person or Organization), isBasedOn (the
  CreativeWork quoted from) and dateCreated.
- ClaimReview as fact-checkers publish it (Google's fact-check markup,
  https://developers.google.com/search/docs/appearance/structured-data/factcheck): required
  claimReviewed, reviewRating (a Rating with alternateName) and url; itemReviewed is a Claim
  with author, appearance and datePublished.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sayso.cli import cli
from sayso.engines import ingest
from sayso.ingest import read_inputs, sample_paths
from sayso.store import Store

ANNOTATION_REQUIRED = ("@context", "id", "type", "target")
TEXTUAL_BODY_REQUIRED = ("type", "value")
SPECIFIC_RESOURCE_REQUIRED = ("source", "selector")
QUOTE_SELECTOR_REQUIRED = ("type", "exact")
POSITION_SELECTOR_REQUIRED = ("type", "start", "end")
QUOTATION_REQUIRED = ("@context", "@type", "text", "spokenByCharacter", "isBasedOn", "dateCreated")
CLAIM_REVIEW_REQUIRED = ("@context", "@type", "claimReviewed", "reviewRating", "url")
CLAIM_REQUIRED = ("@type", "author", "appearance", "datePublished")
RATING_REQUIRED = ("@type", "alternateName")
AGENT_TYPES = {"Person", "Organization"}


def _wikinews_files(folder: Path) -> dict[str, str]:
    """The bundled Wikinews sample written as plain-text files as people keep them: headline,
    blank line, body; every other one hard-wrapped at 72 columns, every third with CRLF."""
    files: dict[str, str] = {}
    for i, line in enumerate(sample_paths()[0].read_text(encoding="utf-8").splitlines()):
        record = json.loads(line)
        paragraphs = [p for p in record["text"].split("\n") if p.strip()]
        if i % 2:
            body = "\n\n".join(textwrap.fill(p, 72) for p in paragraphs)
        else:
            body = "\n".join(paragraphs)
        text = f"{record['title']}\n\n{body}\n"
        if i % 3 == 0:
            text = text.replace("\n", "\r\n")
        path = folder / f"{i:02d}.txt"
        path.write_bytes(text.encode("utf-8"))
        files[path.name] = text
    return files


@pytest.fixture(scope="module")
def wikinews(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], dict]:
    folder = tmp_path_factory.mktemp("wikinews")
    files = _wikinews_files(folder)
    db = folder / "w.db"
    by_id: dict[str, str] = {}
    items = list(read_inputs([str(folder / name) for name in sorted(files)]))
    for name, item in zip(sorted(files), items, strict=True):
        by_id[item.id] = files[name]  # type: ignore[union-attr]
    with Store(db) as store:
        report = ingest(store, items)
    assert report.errors == 0 and report.statements > 100
    return db, files, by_id


@pytest.fixture(scope="module")
def dated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six sample articles from JSON records, with their URLs and publication dates."""
    folder = tmp_path_factory.mktemp("dated")
    lines = sample_paths()[0].read_text(encoding="utf-8").splitlines()[:6]
    (folder / "six.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store(folder / "d.db") as store:
        assert ingest(store, read_inputs([str(folder / "six.jsonl")])).errors == 0
    return folder / "d.db"


def _export(db: Path, fmt: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["export", str(db), "--format", fmt])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def _has(obj: dict[str, Any], fields: tuple[str, ...], what: str) -> None:
    missing = [f for f in fields if obj.get(f) in (None, "", [])]
    assert not missing, f"{what} lacks {missing}: {obj}"


@pytest.mark.slow
def test_web_annotations_anchor_in_the_original_files(wikinews: tuple) -> None:
    db, files, by_id = wikinews
    annotations = _export(db, "webannotation")
    with Store(db, read_only=True) as store:
        assert len(annotations) == store.stats().statements
    assert len({a["id"] for a in annotations}) == len(annotations)
    changed = 0
    for anno in annotations:
        _has(anno, ANNOTATION_REQUIRED, "Annotation")
        assert "http://www.w3.org/ns/anno.jsonld" in anno["@context"]
        assert anno["type"] == "Annotation"
        body = anno["body"]
        _has(body, TEXTUAL_BODY_REQUIRED, "TextualBody")
        assert body["type"] == "TextualBody"
        assert body["kind"] in ("direct", "indirect", "mixed", "according_to")
        assert isinstance(body["hedged"], bool) and body["cue"]
        target = anno["target"]
        _has(target, SPECIFIC_RESOURCE_REQUIRED, "SpecificResource")
        quote, position = target["selector"]
        _has(quote, QUOTE_SELECTOR_REQUIRED, "TextQuoteSelector")
        assert quote["type"] == "TextQuoteSelector"
        assert position["type"] == "TextPositionSelector"
        assert all(isinstance(position[k], int) and position[k] >= 0 for k in ("start", "end"))
        article_id = target["source"].rsplit(":", 1)[1]
        original = by_id[article_id]
        start, end = position["start"], position["end"]
        # the point of it all: the annotation anchors in the file as the user has it
        assert original[start:end] == quote["exact"]
        assert original[:start].endswith(quote["prefix"])
        assert original[end:].startswith(quote["suffix"])
        assert body["cue"] in " ".join(quote["exact"].split())
        changed += "\n" in quote["exact"] or "\r" in quote["exact"]
    # wrapped and CRLF files: many quotes keep the file's own line breaks
    assert changed > 10


@pytest.mark.slow
def test_chains_point_at_annotations_in_the_same_export(wikinews: tuple) -> None:
    annotations = _export(wikinews[0], "webannotation")
    ids = {a["id"] for a in annotations}
    nested = [a for a in annotations if a["body"]["parent"]]
    assert nested, "the sample has nested statements"
    for a in nested:
        assert a["body"]["chain"][-1] == a["body"]["parent"] and set(a["body"]["chain"]) <= ids


@pytest.mark.slow
def test_quotations_and_claim_reviews_have_their_required_fields(dated: Path) -> None:
    db = dated
    quotations = _export(db, "quotation")
    reviews = _export(db, "claimreview")
    assert len(quotations) == len(reviews) > 30
    spoken = 0
    for q in quotations:
        assert q["@context"] == "https://schema.org" and q["@type"] == "Quotation"
        _has(q, ("@context", "@type", "text", "isBasedOn"), "Quotation")
        assert q["isBasedOn"]["@type"] == "NewsArticle" and q["isBasedOn"]["headline"]
        assert q["isBasedOn"]["url"].startswith("https://en.wikinews.org/")
        assert q["isBasedOn"]["identifier"].startswith("wikinews-")  # the record's own id
        # the statement's date, else the article's; ISO 8601 to the precision known
        assert re.fullmatch(r"\d{4}(-\d\d(-\d\d)?)?", q["dateCreated"])
        if "spokenByCharacter" in q:
            _has(q, QUOTATION_REQUIRED, "Quotation")
            spoken += q["spokenByCharacter"].get("@type") in AGENT_TYPES
    assert spoken > len(quotations) // 2
    for r in reviews:
        assert r["@type"] == "ClaimReview" and r["claimReviewed"]
        assert set(CLAIM_REVIEW_REQUIRED) <= set(r)  # present, left empty for the fact-checker
        assert set(RATING_REQUIRED) <= set(r["reviewRating"])
        assert r["reviewRating"]["@type"] == "Rating"
        claim = r["itemReviewed"]
        assert claim["@type"] == "Claim" and claim["text"] == r["claimReviewed"]
        assert claim["appearance"]["@type"] == "NewsArticle"
    with_author = [r for r in reviews if "author" in r["itemReviewed"]]
    assert len(with_author) > len(reviews) // 2
    for r in with_author:
        _has(r["itemReviewed"], CLAIM_REQUIRED, "Claim")


@pytest.mark.slow
def test_csv_and_parquet_carry_offsets_typed_dates_and_names(
    wikinews: tuple, dated: Path, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    db, _, by_id = wikinews
    result = CliRunner().invoke(cli, ["export", str(db), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    with Store(db, read_only=True) as store:
        texts = {aid: store.article(aid).article.text for aid in store.article_ids()}
    for r in rows:
        text = texts[r["article_id"]]
        assert text[int(r["cue_start"]) : int(r["cue_end"])] == r["cue_text"]
        if r["source_text"]:
            assert text[int(r["source_start"]) : int(r["source_end"])] == r["source_text"]
        first_piece = r["content_text"].split(" … ")[0]
        assert text[int(r["content_start"]) :].startswith(first_piece)
        original = by_id[r["article_id"]]
        piece = original[int(r["original_content_start"]) : int(r["original_content_end"])]
        assert " ".join(piece.split()).startswith(" ".join(first_piece.split()))
        assert r["published_date"] == "" or dt.date.fromisoformat(r["published_date"])
    assert sum(bool(r["speaker_name"]) for r in rows) > len(rows) // 2

    out = tmp_path / "s.parquet"
    for store_path in (db, dated):
        args = ["export", str(store_path), "--format", "parquet", "--out", str(out)]
        assert CliRunner().invoke(cli, args).exit_code == 0
    table = pq.read_table(out)  # the dated store's
    with Store(dated, read_only=True) as store:
        assert table.num_rows == store.stats().statements
    published = set(table.column("published_date").to_pylist())
    assert dt.date(2019, 1, 4) in published and None not in published
    types = {f.name: str(f.type) for f in table.schema}
    assert types["published_date"] == "date32[day]" and types["time_date"] == "date32[day]"
    assert types["published_at"] == "timestamp[us, tz=UTC]"
    assert types["cue_start"] == types["original_content_end"] == "int64"
    dated = [d for d in table.column("time_date").to_pylist() if d is not None]
    assert dated and all(isinstance(d, dt.date) for d in dated)
