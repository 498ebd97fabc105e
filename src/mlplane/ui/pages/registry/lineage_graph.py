"""Laying out a model's lineage as three columns: datasets → runs → versions.

The page draws it as SVG from these coordinates (the panel's policy allows no inline
scripts or styles, and SVG attributes need neither).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlplane.registry.schemas import Lineage, ModelVersion

COLUMN_X = (8, 268, 528)
NODE_WIDTH = 200
NODE_HEIGHT = 40
ROW_GAP = 52
TOP = 8


@dataclass(frozen=True)
class Node:
    key: str
    kind: str
    label: str
    detail: str
    x: int
    y: int
    href: str | None = None


@dataclass(frozen=True)
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    width: int = COLUMN_X[2] + NODE_WIDTH + 8
    height: int = 0


def _short(text: str, length: int = 26) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def build_graph(project: str, versions: list[ModelVersion], lineages: dict[int, Lineage]) -> Graph:
    datasets: dict[str, tuple[str, str]] = {}
    runs: dict[str, tuple[str, str]] = {}
    uses: set[tuple[str, str]] = set()
    makes: set[tuple[str, int]] = set()
    for version in versions:
        lineage = lineages.get(version.version)
        if lineage is None or lineage.run_id is None:
            continue
        commit = f"commit {lineage.git_commit[:8]}" if lineage.git_commit else "no commit"
        runs[lineage.run_id] = (lineage.run_name or lineage.run_id, commit)
        makes.add((lineage.run_id, version.version))
        for dataset in lineage.datasets:
            key = f"{dataset['name']}@{dataset['digest']}"
            datasets[key] = (str(dataset["name"]), f"digest {str(dataset['digest'])[:12]}")
            uses.add((key, lineage.run_id))
    graph = Graph()
    places: dict[str, tuple[int, int]] = {}

    def place(column: int, index: int, key: str) -> tuple[int, int]:
        spot = (COLUMN_X[column], TOP + index * ROW_GAP)
        places[key] = spot
        return spot

    for index, (key, (label, detail)) in enumerate(sorted(datasets.items())):
        x, y = place(0, index, f"d:{key}")
        graph.nodes.append(Node(key, "dataset", _short(label), detail, x, y))
    for index, (run_id, (label, detail)) in enumerate(sorted(runs.items())):
        x, y = place(1, index, f"r:{run_id}")
        href = f"/projects/{project}/runs/{run_id}"
        graph.nodes.append(Node(run_id, "run", _short(label), detail, x, y, href))
    for index, version in enumerate(sorted(versions, key=lambda v: v.version)):
        x, y = place(2, index, f"v:{version.version}")
        aliases = " ".join(f"@{alias}" for alias in version.aliases) or version.status.value
        href = f"/projects/{project}/models/{version.model}/versions/{version.version}"
        graph.nodes.append(
            Node(str(version.version), "version", f"version {version.version}", aliases, x, y, href)
        )
    for source, target in [(f"d:{d}", f"r:{r}") for d, r in uses] + [
        (f"r:{r}", f"v:{v}") for r, v in makes
    ]:
        (x1, y1), (x2, y2) = places[source], places[target]
        mid = NODE_HEIGHT // 2
        graph.edges.append(Edge(x1 + NODE_WIDTH, y1 + mid, x2, y2 + mid))
    rows = max(len(datasets), len(runs), len(versions), 1)
    graph.height = TOP * 2 + (rows - 1) * ROW_GAP + NODE_HEIGHT
    return graph
