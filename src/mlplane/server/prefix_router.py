"""Routers that rule themselves out before trying each of their routes.

FastAPI matches a request against every route of every included router in turn, and does
it twice (once to choose, once to dispatch). With a few hundred routes that scan costs more
than a whole small request: half a millisecond for a run's metrics, whose routes come late.
A router that first compares the path with its prefixes, or with one regular expression
made of all its routes' paths, turns the scan of every router but the right one into a
single string or regex test.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter
from starlette.routing import BaseRoute, Match
from starlette.types import Scope

# A route's own regex names its parameters; in one alternation the names would repeat.
_NAMED_GROUP = re.compile(r"\(\?P<[^>]+>")


def _route_path(scope: Scope) -> str:
    path = str(scope.get("path", ""))
    root = str(scope.get("root_path", ""))
    return path[len(root) :] if root and path.startswith(root) else path


class SettledRouter(APIRouter):
    """A router whose routes are all in place once it serves its first request.

    FastAPI learns whether routes changed by walking every router below on each match (a
    third of a small request's routing); from the first request on, this one answers with
    the number it had then. Routes are added while the app is built, never later."""

    _settled_version: int | None = None

    def _get_routes_version(self, seen: set[int] | None = None) -> int:
        if self._settled_version is not None:
            return self._settled_version
        return super()._get_routes_version(seen)

    def settle(self) -> None:
        if self._settled_version is None:
            self._settled_version = super()._get_routes_version()


class PrefixRouter(SettledRouter):
    def __init__(self, *, path_prefixes: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path_prefixes = path_prefixes

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not _route_path(scope).startswith(self.path_prefixes):
            return Match.NONE, {}
        self.settle()
        return super().matches(scope)


def _route_patterns(routes: Sequence[BaseRoute], prefix: str) -> list[str] | None:
    """The path regex of every route below `routes`, or None when a route has none (a host
    route), so that the gate lets everything through rather than hide it."""
    patterns: list[str] = []
    for route in routes:
        # FastAPI keeps an included router as a wrapper of the original (with its own
        # prefix, if `include_router` was given one); older versions copied its routes.
        included = getattr(route, "original_router", None)
        if included is not None:
            context = getattr(route, "include_context", None)
            nested = _route_patterns(included.routes, prefix + getattr(context, "prefix", ""))
            if nested is None:
                return None
            patterns.extend(nested)
            continue
        regex = getattr(route, "path_regex", None)
        if regex is None or not regex.pattern.startswith("^") or not regex.pattern.endswith("$"):
            return None
        patterns.append(re.escape(prefix) + _NAMED_GROUP.sub("(?:", regex.pattern[1:-1]))
    return patterns


class GatedRouter(SettledRouter):
    """Holds other routers and answers "no match" at once when no route of theirs could
    match the path. The gate tests the end of the path, so it holds wherever the router is
    included, under any prefix."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._gate: re.Pattern[str] | None = None
        self._gate_built = False

    def _current_gate(self) -> re.Pattern[str] | None:
        # Built on the first request, when every route is in place.
        if not self._gate_built:
            patterns = _route_patterns(self.routes, "")
            if patterns is not None:
                self._gate = re.compile("(?:" + "|".join(patterns) + ")$")
            self._gate_built = True
            self.settle()
        return self._gate

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        gate = self._current_gate()
        if gate is not None and not gate.search(_route_path(scope)):
            return Match.NONE, {}
        return super().matches(scope)


def gated(router: APIRouter) -> GatedRouter:
    gate = GatedRouter()
    gate.include_router(router)
    return gate
