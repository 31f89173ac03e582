"""Batch execution: run the pipeline over many articles and store what it finds.

``local`` runs in this process or in worker processes (the default); ``dask`` runs on a Dask
distributed cluster, storing through one writer or writing Parquet parts that ``parquet.load``
merges.  The store only stores, it never runs the pipeline; :mod:`.batch` holds what the
engines share.
"""

from .dask import client_for, ingest_dask, prepare_cluster
from .local import ingest
from .parquet import load

__all__ = ["client_for", "ingest", "ingest_dask", "load", "prepare_cluster"]
