"""The limits MLflow puts on what a run may log, kept so that MLflow clients behave alike."""

from __future__ import annotations

MAX_KEY_LENGTH = 250
MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
MAX_METRICS_PER_BATCH = 1000
MAX_PARAMS_PER_BATCH = 100
MAX_TAGS_PER_BATCH = 100
MAX_ENTRIES_PER_BATCH = 1000
MAX_EXPERIMENT_NAME_LENGTH = 500
MAX_RUN_NAME_LENGTH = 250

KEY_PATTERN = r"^[/\w.\- ]*$"
"""Keys of params, metrics and tags: letters, digits, `_ - . / ` and spaces."""
