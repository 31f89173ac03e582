"""The embedded SQLite store: the only part of sayso that speaks SQL.

``Store(path)`` opens or creates a database (schema in ``docs/schema.md``); the records it
returns live in :mod:`sayso.store.records`.  Filling it is ``sayso.engines.ingest``'s job.
"""

from .db import Store
from .records import (
    MAX_LIMIT,
    Alias,
    AliasMove,
    AliasPlan,
    ArticleRow,
    Count,
    IngestOutcome,
    IngestReport,
    MergeSuggestion,
    SpeakerDetail,
    SpeakerRow,
    StatementIds,
    StatementPage,
    StatementQuery,
    StatementRow,
    StoreStats,
    parse_date,
)
from .schema import SCHEMA_VERSION

# Kept sorted (a test pins it); a literal list so that linters see the re-exports.
__all__ = [
    "Alias",
    "AliasMove",
    "AliasPlan",
    "ArticleRow",
    "Count",
    "IngestOutcome",
    "IngestReport",
    "MAX_LIMIT",
    "MergeSuggestion",
    "SCHEMA_VERSION",
    "SpeakerDetail",
    "SpeakerRow",
    "StatementIds",
    "StatementPage",
    "StatementQuery",
    "StatementRow",
    "Store",
    "StoreStats",
    "parse_date",
]
