"""HTML forms in, wire models out: field errors people can act on."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mlplane.core.errors import ProblemError
from mlplane.core.names import NAME_PATTERN

M = TypeVar("M", bound=BaseModel)

NAME_RULE = (
    "use lowercase letters, digits, '.', '_' or '-', starting with a letter or digit "
    "(at most 63 characters)"
)
# The same rule for the browser's own check; `-` is escaped for the `v` regex flag it uses.
NAME_INPUT_PATTERN = NAME_PATTERN.removeprefix("^").removesuffix("$").replace("_-]", r"_\-]")


def _message(item: Any) -> str:
    context = item.get("ctx") or {}
    if item.get("type") == "string_pattern_mismatch" and context.get("pattern") == NAME_PATTERN:
        return NAME_RULE
    return str(item.get("msg", "is not valid"))


def field_errors(error: ValidationError) -> dict[str, str]:
    """First message for each field, keyed by the field's name in the form."""
    errors: dict[str, str] = {}
    for item in error.errors():
        field = ".".join(str(part) for part in item.get("loc", ())) or "form"
        errors.setdefault(field, _message(item))
    return errors


def problem_errors(error: ProblemError) -> dict[str, str]:
    """A service's refusal shown above the form; `field: message` details land on the field."""
    field, separator, message = error.detail.partition(": ")
    if separator and field.isidentifier():
        return {field: message}
    return {"form": error.detail}


def optional_text(value: str | None) -> str | None:
    """An empty form field means 'not given'."""
    stripped = (value or "").strip()
    return stripped or None


def parse_form(model: type[M], values: dict[str, Any]) -> M | dict[str, str]:
    """The model, or field errors when the values do not fit it."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        return field_errors(error)
