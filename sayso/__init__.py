"""sayso: who said what, through whom, to whom, when - attribution extraction from news."""

import sys as _sys

from .errors import (
    GoldDataError,
    InputRejected,
    PipelineError,
    QueryError,
    SaysoError,
    StoreError,
)
from .models import Article, Attribution, Extraction, InputError, Span, Speaker
from .pipeline import extract_article, extract_many, extract_text

__version__ = "0.1.0"

# `nlp.add_pipe("sayso")` right after `import sayso`: when spaCy is already loaded, register the
# component now (cheap); otherwise spaCy finds it through the package's `spacy_factories` entry
# point when a pipeline asks for it, so `import sayso` never pays for importing spaCy.
if "spacy" in _sys.modules:
    from . import spacy_component as _spacy_component  # noqa: F401

__all__ = [
    "Article",
    "Attribution",
    "Extraction",
    "GoldDataError",
    "InputError",
    "InputRejected",
    "PipelineError",
    "QueryError",
    "SaysoError",
    "Span",
    "Speaker",
    "StoreError",
    "extract_article",
    "extract_many",
    "extract_text",
]
