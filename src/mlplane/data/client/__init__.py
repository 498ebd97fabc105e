"""SDK resources of the data subsystem: `client.datasets` and `client.sql`."""

from mlplane.data.client.datasets import Datasets
from mlplane.data.client.sql import Sql

__all__ = ["Datasets", "Sql"]
