"""Checking a traced or declared DAG: every dependency exists and nothing depends on itself."""

from __future__ import annotations

from collections.abc import Mapping

from mlplane.pipelines.dsl import Node


class InvalidPipeline(ValueError):
    """A pipeline that cannot run, with the reason."""


def check_graph(nodes: Mapping[str, Node]) -> list[str]:
    """The node names in an order where every node follows its dependencies."""
    if not nodes:
        raise InvalidPipeline("the pipeline has no steps")
    upstream = {name: node.upstream for name, node in nodes.items()}
    for name, parents in upstream.items():
        for parent in parents:
            if parent not in nodes:
                raise InvalidPipeline(f"step {name!r} depends on {parent!r}, which is not a step")
    order: list[str] = []
    state: dict[str, int] = {}  # 1 while on the current path, 2 once placed

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = [*path[path.index(name) :], name]
            raise InvalidPipeline("the steps form a cycle: " + " -> ".join(cycle))
        state[name] = 1
        for parent in upstream[name]:
            visit(parent, [*path, name])
        state[name] = 2
        order.append(name)

    for name in nodes:
        visit(name, [])
    return order


def downstream_of(nodes: Mapping[str, Node], roots: set[str]) -> set[str]:
    """`roots` and every node that depends on one of them, directly or not."""
    children: dict[str, list[str]] = {name: [] for name in nodes}
    for name, node in nodes.items():
        for parent in node.upstream:
            children[parent].append(name)
    found, pending = set(roots), list(roots)
    while pending:
        for child in children[pending.pop()]:
            if child not in found:
                found.add(child)
                pending.append(child)
    return found
