"""What every command shares: where to talk, with which token, and how to print.

The root command's options are kept for the one invocation this process runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlplane.client.client import Client


@dataclass
class CliOptions:
    url: str | None = None
    token: str | None = None
    home: str | None = None
    output: str = "table"


_current = CliOptions()


def set_options(new: CliOptions) -> None:
    global _current
    _current = new


def options() -> CliOptions:
    return _current


def client() -> Client:
    from mlplane.client.client import Client

    return Client(url=_current.url, token=_current.token, home=_current.home)
