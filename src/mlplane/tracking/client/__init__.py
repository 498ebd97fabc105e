"""SDK resources: `client.experiments` and `client.runs`."""

from mlplane.tracking.client.experiments import Experiments
from mlplane.tracking.client.projects import default_project
from mlplane.tracking.client.runs import Runs

__all__ = ["Experiments", "Runs", "default_project"]
