"""One exception tree for sayso.

::

    SaysoError
    ├── InputRejected        one input (file, line, record, response) is not readable as an article
    ├── StoreError           the database cannot be opened, migrated or written
    ├── QueryError           a search or filter the user typed is malformed (FTS5 syntax, dates)
    ├── PipelineError        an unknown pipeline or extractor name, or a model that will not load
    └── GoldDataError        evaluation data (PolNeAR brat, CofeNet BIO) is missing or malformed

Every message says what happened, to which input, and what to do.
"""

from __future__ import annotations


class SaysoError(Exception):
    """Base class of every error sayso raises on purpose."""


class InputRejected(SaysoError):
    """One input cannot be read as an article; the run skips it and goes on."""

    def __init__(self, input_name: str, message: str) -> None:
        super().__init__(f"{input_name}: {message}")
        self.input_name = input_name
        self.message = message


class StoreError(SaysoError):
    """The database cannot be opened, migrated or written."""


class QueryError(SaysoError):
    """A user query (full-text search, filter value) is malformed."""


class PipelineError(SaysoError):
    """An unknown pipeline or extractor, or a model that will not load."""


class GoldDataError(SaysoError):
    """Gold annotation data is missing or malformed."""
