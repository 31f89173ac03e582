"""One exception tree for sayso, and the exit codes of the ``sayso`` command.

::

    SaysoError
    ├── InputRejected        one input (file, line, record, response) is not readable as an article
    ├── StoreError           the database cannot be opened, migrated or written
    ├── QueryError           a search or filter the user typed is malformed (FTS5 syntax, dates)
    ├── PipelineError        an unknown pipeline or extractor name, or a model that will not load
    ├── GoldDataError        evaluation data (PolNeAR brat, CofeNet BIO) is missing or malformed
    └── ServeError           the explorer cannot be served as asked (open address without access
                             control, unreadable token file)

Every message says what happened, to which input, and what to do.  Any other exception
escaping a command is a bug in sayso: the command prints one ``internal error`` line asking
for a report and exits with :data:`EXIT_INTERNAL`.
"""

from __future__ import annotations

#: The command did everything it was asked.
EXIT_OK = 0
#: The run completed, but some inputs were rejected (each named in one error line).
EXIT_REJECTED = 1
#: Nothing (or nothing more) could be done: a bad argument or option, a database that cannot be
#: opened or written, a malformed query, unusable gold data.  Click's usage errors use 2 too.
EXIT_USAGE = 2
#: A bug in sayso: an exception that is not a :class:`SaysoError`.
EXIT_INTERNAL = 3

#: The sentence an internal error ends with.
BUG_REPORT_HINT = (
    "please report it with the command and input (SAYSO_DEBUG=1 shows the traceback)"
)


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


class ServeError(SaysoError):
    """The explorer cannot be served as asked (an open address without access control, an
    unreadable token file)."""
