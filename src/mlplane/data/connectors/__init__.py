"""Connectors: files, SQL databases and HTTP JSON APIs into dataset versions."""

from mlplane.data.connectors.base import Batch, ConnectorError, Source
from mlplane.data.connectors.files import FileSource
from mlplane.data.connectors.http import HttpSource
from mlplane.data.connectors.ingest import ingest
from mlplane.data.connectors.sql import SqlSource

__all__ = ["Batch", "ConnectorError", "FileSource", "HttpSource", "Source", "SqlSource", "ingest"]
