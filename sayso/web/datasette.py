"""Datasette metadata for a sayso database: labels, column descriptions, facets and search.

``datasette news.db`` finds the full-text index by itself (``statements_fts`` is external
content on ``attributions``); ``sayso serve news.db --datasette-metadata > metadata.json`` then
``datasette news.db -m metadata.json`` adds readable labels, descriptions and facets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: Column descriptions Datasette shows under each table's column headers.
_ATTRIBUTION_COLUMNS = {
    "sid": "statement id (rowid of the full-text index)",
    "article_id": "the article (content hash) the statement was found in",
    "extractor": "versioned name of the extractor that produced it",
    "id": "the statement's id within the article (a1, a2, ...)",
    "speaker_id": "the cross-article speaker (NULL: unresolved)",
    "speaker_name": "the speaker's canonical name",
    "kind": "direct, indirect, mixed or according_to",
    "parent_id": "id of the statement this one is reported inside",
    "time": "when it was said: YYYY-MM-DD, YYYY-MM or YYYY (as precise as the text)",
    "time_precision": "day, month or year (NULL: no time, or stored before schema 5)",
    "hedged": "1 when the reporter distances itself (claims, reportedly)",
    "cue_text": "the words that mark the attribution (said, according to)",
    "content_text": "what was said",
    "source_text": "the words naming the source in the article",
}


def datasette_metadata(db_path: str | Path) -> dict[str, Any]:
    """Datasette's ``metadata.json`` for the sayso database at ``db_path``."""
    name = Path(db_path).stem  # Datasette names a database after its file
    return {
        "title": f"sayso: who said what ({name})",
        "description": "Attributed statements extracted from news by sayso.",
        "databases": {
            name: {
                "tables": {
                    "attributions": {
                        "label_column": "content_text",
                        "description": "One attributed statement per row; search it with "
                        "words, \"phrases\", OR, prefix* or speaker_name:putin.",
                        "fts_table": "statements_fts",
                        "fts_pk": "sid",
                        "searchmode": "raw",
                        "facets": ["kind", "speaker_name", "hedged", "time_precision",
                                   "extractor"],  # fmt: skip
                        "sort_desc": "sid",
                        "columns": _ATTRIBUTION_COLUMNS,
                    },
                    "articles": {
                        "label_column": "title",
                        "facets": ["outlet"],
                        "sort_desc": "published_date",
                        "columns": {
                            "outlet": "the outlet that published it",
                            "published_date": "YYYY-MM-DD, when known",
                        },
                    },
                    "speakers": {
                        "label_column": "name",
                        "facets": ["kind"],
                    },
                    "spans": {"description": "Character offsets of each statement's parts in "
                              "articles.text."},  # fmt: skip
                    "statements_fts": {"hidden": True},
                }
            }
        },
    }
