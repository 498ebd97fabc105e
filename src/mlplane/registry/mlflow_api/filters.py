"""MLflow's registry search filters: `name = 'x'`, `name LIKE 'fr%'`, `run_id IN ('a','b')`,
`tags.team = 'risk'`, `source_path = '...'`, `version_number = 3`, joined by AND."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from mlplane.tracking.mlflow_api.errors import MlflowError

_CLAUSE = re.compile(
    r"""\s*(?P<key>tags?\.(?:`[^`]+`|"[^"]+"|[\w.\-]+)|[A-Za-z_][\w.]*)\s*
    (?P<op>!=|=|(?i:NOT\s+LIKE|ILIKE|LIKE|NOT\s+IN|IN))\s*
    (?P<value>'(?:[^']|'')*'|"[^"]*"|\([^)]*\)|-?\d+)\s*""",
    re.VERBOSE,
)
_AND = re.compile(r"\s+AND\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    key: str
    op: str
    values: tuple[str, ...]


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"`":
        return text[1:-1].replace("''", "'")
    return text


def parse_filter(text: str, keys: frozenset[str]) -> list[Clause]:
    clauses: list[Clause] = []
    if not text or not text.strip():
        return clauses
    for part in _split(text):
        match = _CLAUSE.fullmatch(part)
        if match is None:
            raise MlflowError("INVALID_PARAMETER_VALUE", f"Invalid filter '{text}': {part!r}")
        key = match["key"]
        if key.startswith(("tag.", "tags.")):
            key = "tags." + _unquote(key.partition(".")[2])
        elif key not in keys:
            raise MlflowError(
                "INVALID_PARAMETER_VALUE",
                f"Invalid attribute key '{key}' specified. Valid keys are '{sorted(keys)}'",
            )
        op = " ".join(match["op"].upper().split())
        raw = match["value"]
        if raw.startswith("("):
            values = tuple(_unquote(item) for item in raw[1:-1].split(",") if item.strip())
        else:
            values = (_unquote(raw),)
        clauses.append(Clause(key, op, values))
    return clauses


def _split(text: str) -> list[str]:
    """Split on AND outside quotes."""
    parts, current, quote = [], "", ""
    tokens = re.split(r"('|\"|`)", text)
    for token in tokens:
        if token in ("'", '"', "`"):
            if not quote:
                quote = token
            elif quote == token:
                quote = ""
            current += token
        elif quote:
            current += token
        else:
            pieces = _AND.split(token)
            current += pieces[0]
            for piece in pieces[1:]:
                parts.append(current)
                current = piece
    parts.append(current)
    return [part for part in parts if part.strip()]


def _like(pattern: str, flags: int = 0) -> Callable[[str], bool]:
    regex = "".join(".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern)
    compiled = re.compile(f"^{regex}$", flags | re.DOTALL)
    return lambda value: compiled.match(value) is not None


def clause_matches(clause: Clause, fields: Mapping[str, str | None]) -> bool:
    value = fields.get(clause.key)
    if clause.op == "!=":
        return value != clause.values[0]
    if value is None:
        return False
    if clause.op == "=":
        return value == clause.values[0]
    if clause.op == "IN":
        return value in clause.values
    if clause.op == "NOT IN":
        return value not in clause.values
    if clause.op == "LIKE":
        return _like(clause.values[0])(value)
    if clause.op == "NOT LIKE":
        return not _like(clause.values[0])(value)
    return _like(clause.values[0], re.IGNORECASE)(value)


def exact(clauses: list[Clause], key: str) -> str | None:
    """The value an `=` clause pins `key` to, for narrowing the query before filtering."""
    for clause in clauses:
        if clause.key == key and clause.op == "=":
            return clause.values[0]
    return None
