"""Attribution extractors behind a registry of versioned names.

An extractor is a callable ``(doc, article) -> list[Found]`` registered under a versioned name
such as ``sayso.rules.v1``: it finds spans (cue, source, content pieces, confidence) and nothing
else; ``sayso.assemble`` labels and links them the same way for every extractor.  The name is
stored with every row it produces, so a newer extractor can re-run and replace only its own
rows.  A *pipeline* is the user-facing alias (``fast``) for whichever extractor is the default.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import PipelineError
from ..models import Article, Found

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

Extractor = Callable[["Doc", Article], list[Found]]

_REGISTRY: dict[str, Callable[[], Extractor]] = {}
_LOADED: dict[str, Extractor] = {}

#: User-facing pipeline names -> versioned extractor names.
#: ``fast`` is whichever extractor scores best on the PolNeAR dev split at the required speed
#: (at least 80 % of spaCy's parse-only throughput on one core); see BENCHMARKS.md.
PIPELINES: dict[str, str] = {
    "fast": "sayso.learned.v1",
    "learned": "sayso.learned.v1",
    "rules": "sayso.rules.v1",
    "accurate": "sayso.accurate.v1",
}


def register(name: str) -> Callable[[Callable[[], Extractor]], Callable[[], Extractor]]:
    """Register a factory that builds the extractor called ``name`` (loaded lazily, once)."""

    def deco(factory: Callable[[], Extractor]) -> Callable[[], Extractor]:
        _REGISTRY[name] = factory
        return factory

    return deco


def resolve_name(pipeline: str) -> str:
    """The versioned extractor name for a pipeline alias or an extractor name.

    A built-in pipeline's name is known without importing its module: a process that only
    reads inputs and writes results (the one writer of ``--jobs N`` or of a Dask cluster)
    never imports the extractors, their numpy and numba (about 70 MiB)."""
    name = PIPELINES.get(pipeline, pipeline)
    if name in _REGISTRY or name in PIPELINES.values():
        return name
    _import_builtin()
    if name not in _REGISTRY:
        known = ", ".join(sorted(set(PIPELINES) | set(_REGISTRY)))
        raise PipelineError(f"unknown pipeline or extractor {pipeline!r}; choose one of: {known}")
    return name


def get(pipeline: str) -> Extractor:
    """The extractor for a pipeline alias (``fast``) or a versioned name (``sayso.rules.v1``)."""
    name = resolve_name(pipeline)
    if name not in _LOADED:
        if name not in _REGISTRY:
            _import_builtin()
        if name not in _REGISTRY:  # pragma: no cover - a built-in module missing: a broken install
            raise PipelineError(f"extractor {name!r} is not installed; reinstall sayso")
        _LOADED[name] = _REGISTRY[name]()
    return _LOADED[name]


def available() -> list[str]:
    """All registered extractor names."""
    _import_builtin()
    return sorted(_REGISTRY)


@functools.cache
def _import_builtin() -> None:
    # Importing the extractor modules of this package runs their @register decorators (once:
    # listing the package folder on every call cost about 1 % of the fast pipeline's time).
    import importlib
    import pkgutil

    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
