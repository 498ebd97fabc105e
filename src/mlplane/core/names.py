"""Names of resources: short, URL-safe, stable."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import StringConstraints

NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,62}$"
NAME_RE = re.compile(NAME_PATTERN)

Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=63)]
"""A resource name: lowercase letters, digits, `.`, `_`, `-`; starts alphanumeric; ≤ 63 chars."""

Description = Annotated[str, StringConstraints(max_length=4000)]
DisplayName = Annotated[str, StringConstraints(max_length=200)]
