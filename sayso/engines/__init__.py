"""Batch execution: run the pipeline over many articles and store what it finds.

``local`` runs in this process (the default); the store only stores, it never runs the pipeline.
"""

from .local import ingest

__all__ = ["ingest"]
