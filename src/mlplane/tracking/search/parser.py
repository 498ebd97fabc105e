"""Parse MLflow's filter and order-by language into checked comparisons and sort keys.

    metrics.acc > 0.9 and params.lr = '0.01' and tags.`my tag` LIKE 'x%'
    attributes.run_id IN ('a', 'b') and attributes.status != 'FAILED'

Only AND joins clauses, as in MLflow. Every mistake is an InvalidInput naming the problem.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlplane.core.errors import InvalidInput
from mlplane.tracking.search.fields import ENTITY_ALIASES, Entity, Kind, Target
from mlplane.tracking.search.lexer import Token, TokenType, tokenize

NUMBER_OPERATORS = frozenset({"=", "!=", "<", "<=", ">", ">="})
STRING_OPERATORS = frozenset({"=", "!=", "LIKE", "ILIKE", "IN", "NOT IN"})
NULL_OPERATORS = frozenset({"IS NULL", "IS NOT NULL"})
_OPERATOR_SPELLINGS = {"==": "=", "<>": "!="}


@dataclass(frozen=True)
class Field:
    entity: Entity
    key: str

    def describe(self) -> str:
        return f"{self.entity.value}.{self.key}"


@dataclass(frozen=True)
class Comparison:
    field: Field
    operator: str
    value: float | str | tuple[str, ...] | None


@dataclass(frozen=True)
class SortKey:
    field: Field
    ascending: bool


class _Cursor:
    def __init__(self, tokens: list[Token], source: str) -> None:
        self.tokens = tokens
        self.index = 0
        self.source = source

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def next(self, expected: str) -> Token:
        token = self.peek()
        if token is None:
            raise InvalidInput(f"{self.source}: ends early; expected {expected}")
        self.index += 1
        return token

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.type is TokenType.WORD and token.text.upper() in words:
            self.index += 1
            return True
        return False


def _field(cursor: _Cursor, target: Target) -> Field:
    token = cursor.next("a field such as metrics.acc")
    if token.type is TokenType.QUOTED_KEY:
        return _attribute(token.text, target, cursor.source)
    if token.type is not TokenType.WORD:
        raise InvalidInput(
            f"{cursor.source}: expected a field such as metrics.acc at position "
            f"{token.position + 1}, found {token.text!r}"
        )
    prefix, dot, key = token.text.partition(".")
    if not dot:
        return _attribute(prefix, target, cursor.source)
    if not key:
        quoted = cursor.next(f"a key after {token.text!r}")
        if quoted.type is not TokenType.QUOTED_KEY:
            raise InvalidInput(f"{cursor.source}: expected a quoted key after {token.text!r}")
        key = quoted.text
    entity = ENTITY_ALIASES.get(prefix.lower())
    if entity is None or entity not in target.entities:
        allowed = ", ".join(sorted(entity.value for entity in target.entities))
        raise InvalidInput(
            f"{cursor.source}: {prefix!r} is not something {target.name} can be searched by; "
            f"use one of {allowed}"
        )
    if entity is Entity.ATTRIBUTE:
        return _attribute(key, target, cursor.source)
    if entity is Entity.DATASET and key not in target.dataset_fields:
        fields = ", ".join(sorted(target.dataset_fields))
        raise InvalidInput(f"{cursor.source}: datasets.{key} is unknown; use one of {fields}")
    if not key:
        raise InvalidInput(f"{cursor.source}: {prefix}. needs a key")
    return Field(entity, key)


def _attribute(name: str, target: Target, source: str) -> Field:
    canonical = target.attribute(name)
    if canonical is None:
        known = ", ".join(sorted(target.attributes))
        raise InvalidInput(
            f"{source}: {name!r} is not an attribute of {target.name}; "
            f"use one of {known} (or metrics., params., tags.)"
        )
    return Field(Entity.ATTRIBUTE, canonical)


def _operator(cursor: _Cursor) -> str:
    if cursor.keyword("LIKE"):
        return "LIKE"
    if cursor.keyword("ILIKE"):
        return "ILIKE"
    if cursor.keyword("IN"):
        return "IN"
    if cursor.keyword("NOT"):
        if cursor.keyword("IN"):
            return "NOT IN"
        raise InvalidInput(f"{cursor.source}: NOT is only supported as NOT IN")
    if cursor.keyword("IS"):
        negated = cursor.keyword("NOT")
        if not cursor.keyword("NULL"):
            raise InvalidInput(f"{cursor.source}: IS must be followed by NULL or NOT NULL")
        return "IS NOT NULL" if negated else "IS NULL"
    token = cursor.next("a comparison operator")
    if token.type is not TokenType.OPERATOR:
        raise InvalidInput(
            f"{cursor.source}: expected a comparison operator at position {token.position + 1}, "
            f"found {token.text!r}"
        )
    return _OPERATOR_SPELLINGS.get(token.text, token.text)


def _string_list(cursor: _Cursor, field: Field) -> tuple[str, ...]:
    opening = cursor.next("(")
    if opening.type is not TokenType.LEFT:
        raise InvalidInput(f"{cursor.source}: {field.describe()} IN needs a list like ('a', 'b')")
    values: list[str] = []
    while True:
        token = cursor.next("a quoted value")
        if token.type is not TokenType.STRING:
            raise InvalidInput(
                f"{cursor.source}: the values of {field.describe()} IN (...) must be quoted "
                f"strings; found {token.text!r}"
            )
        values.append(token.text)
        separator = cursor.next("',' or ')'")
        if separator.type is TokenType.RIGHT:
            return tuple(values)
        if separator.type is not TokenType.COMMA:
            raise InvalidInput(f"{cursor.source}: expected ',' or ')' in the IN list")


def _value(cursor: _Cursor, field: Field, operator: str, kind: Kind) -> float | str:
    token = cursor.next(f"a value for {field.describe()}")
    if kind is Kind.NUMBER:
        if token.type is not TokenType.NUMBER:
            raise InvalidInput(
                f"{cursor.source}: {field.describe()} compares with a number; found {token.text!r}"
            )
        return float(token.text)
    if token.type is not TokenType.STRING:
        raise InvalidInput(
            f"{cursor.source}: {field.describe()} compares with a quoted string such as "
            f"'value'; found {token.text!r}"
        )
    return token.text


def _comparison(cursor: _Cursor, target: Target) -> Comparison:
    field = _field(cursor, target)
    operator = _operator(cursor)
    kind = target.kind_of(field.entity, field.key)
    if operator in NULL_OPERATORS:
        if field.entity not in (Entity.PARAM, Entity.TAG, Entity.METRIC, Entity.ATTRIBUTE):
            raise InvalidInput(f"{cursor.source}: {field.describe()} does not support {operator}")
        return Comparison(field, operator, None)
    allowed = NUMBER_OPERATORS if kind is Kind.NUMBER else STRING_OPERATORS
    if operator not in allowed:
        raise InvalidInput(
            f"{cursor.source}: {field.describe()} does not support {operator}; "
            f"use one of {', '.join(sorted(allowed))}"
        )
    if operator in ("IN", "NOT IN"):
        return Comparison(field, operator, _string_list(cursor, field))
    return Comparison(field, operator, _value(cursor, field, operator, kind))


def parse_filter(text: str | None, target: Target) -> list[Comparison]:
    """The AND-ed comparisons of a filter; an empty filter matches everything."""
    if text is None or not text.strip():
        return []
    cursor = _Cursor(tokenize(text), "filter")
    comparisons = [_comparison(cursor, target)]
    while cursor.peek() is not None:
        if cursor.keyword("OR"):
            raise InvalidInput("filter: OR is not supported; join conditions with AND")
        if not cursor.keyword("AND"):
            token = cursor.next("AND")
            raise InvalidInput(
                f"filter: expected AND at position {token.position + 1}, found {token.text!r}"
            )
        comparisons.append(_comparison(cursor, target))
    return comparisons


def parse_order_by(clauses: list[str] | None, target: Target) -> list[SortKey]:
    """Sort keys from clauses such as "metrics.acc DESC" or "attributes.start_time"."""
    keys: list[SortKey] = []
    for clause in clauses or []:
        cursor = _Cursor(tokenize(clause), "order_by")
        if cursor.peek() is None:
            raise InvalidInput("order_by: an empty clause")
        field = _field(cursor, target)
        if field.entity is Entity.DATASET:
            raise InvalidInput("order_by: runs cannot be ordered by datasets")
        ascending = True
        if cursor.keyword("DESC"):
            ascending = False
        else:
            cursor.keyword("ASC")
        extra = cursor.peek()
        if extra is not None:
            raise InvalidInput(
                f"order_by: {clause!r} has {extra.text!r} after the direction; "
                "write one field and ASC or DESC"
            )
        keys.append(SortKey(field, ascending))
    return keys
