"""A pipeline run's DAG drawn as SVG on the server: layered left to right, steps coloured by state.

Each step sits in the column of its longest path from a root, so every edge points right.
Colours and sizes are SVG attributes, not styles, so the panel's strict CSP holds.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from mlplane.pipelines.schemas import StepRun

NODE_WIDTH, NODE_HEIGHT = 180, 52
COLUMN_GAP, ROW_GAP, MARGIN = 60, 18, 12

# Fill and stroke for each state.
STATE_COLOURS = {
    "pending": ("#f2f4f7", "#98a2b3"),
    "running": ("#eff8ff", "#2e90fa"),
    "succeeded": ("#ecfdf3", "#12b76a"),
    "cached": ("#f0f9ff", "#0ba5ec"),
    "reused": ("#f4f3ff", "#7a5af8"),
    "failed": ("#fef3f2", "#f04438"),
    "skipped": ("#f9fafb", "#d0d5dd"),
}


def _columns(steps: list[StepRun]) -> dict[str, int]:
    by_name = {step.name: step for step in steps}
    column: dict[str, int] = {}

    def depth(name: str, seen: frozenset[str]) -> int:
        if name in column:
            return column[name]
        parents = [p for p in by_name[name].upstream if p in by_name and p not in seen]
        column[name] = 1 + max((depth(p, seen | {name}) for p in parents), default=-1)
        return column[name]

    for step in steps:
        depth(step.name, frozenset())
    return column


def _label(step: StepRun) -> str:
    if step.state.value in ("cached", "reused"):
        return f"{step.state.value} · hit"
    if step.duration_ms is not None:
        seconds = step.duration_ms / 1000
        return (
            f"{step.state.value} · {seconds:.2f} s"
            if seconds < 60
            else f"{step.state.value} · {seconds / 60:.1f} min"
        )
    return step.state.value


def render_graph(steps: list[StepRun]) -> Markup:
    if not steps:
        return Markup("")
    column = _columns(steps)
    rows: dict[int, int] = {}
    position: dict[str, tuple[int, int]] = {}
    for step in steps:
        row = rows.get(column[step.name], 0)
        rows[column[step.name]] = row + 1
        x = MARGIN + column[step.name] * (NODE_WIDTH + COLUMN_GAP)
        y = MARGIN + row * (NODE_HEIGHT + ROW_GAP)
        position[step.name] = (x, y)
    width = MARGIN * 2 + (max(column.values()) + 1) * (NODE_WIDTH + COLUMN_GAP) - COLUMN_GAP
    height = MARGIN * 2 + max(rows.values()) * (NODE_HEIGHT + ROW_GAP) - ROW_GAP
    parts = [
        '<svg class="pipeline-graph" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'role="img" aria-label="Pipeline graph">'
    ]
    for step in steps:
        x2, y2 = position[step.name]
        for parent in step.upstream:
            if parent not in position:
                continue
            x1, y1 = position[parent]
            start_x, start_y = x1 + NODE_WIDTH, y1 + NODE_HEIGHT // 2
            end_x, end_y = x2, y2 + NODE_HEIGHT // 2
            middle = (start_x + end_x) // 2
            parts.append(
                f'<path class="dag-edge" data-from="{escape(parent)}" '
                f'data-to="{escape(step.name)}" '
                f'd="M{start_x},{start_y} C{middle},{start_y} {middle},{end_y} {end_x},{end_y}" '
                'fill="none" stroke="#98a2b3" stroke-width="1.5"/>'
            )
    for step in steps:
        x, y = position[step.name]
        fill, stroke = STATE_COLOURS.get(step.state.value, STATE_COLOURS["pending"])
        name = step.name if len(step.name) <= 22 else step.name[:21] + "…"
        parts.append(
            f'<g class="dag-node" data-step="{escape(step.name)}" data-state="{step.state.value}">'
            f"<title>{escape(step.name)}: {escape(_label(step))}</title>"
            f'<rect x="{x}" y="{y}" width="{NODE_WIDTH}" height="{NODE_HEIGHT}" rx="8" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="2"/>'
            f'<text x="{x + 12}" y="{y + 21}" font-size="13" font-weight="600" '
            f'fill="#101828">{escape(name)}</text>'
            f'<text x="{x + 12}" y="{y + 39}" font-size="11" '
            f'fill="#475467">{escape(_label(step))}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
