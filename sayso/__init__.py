"""sayso: who said what, through whom, to whom, when - attribution extraction from news."""

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
