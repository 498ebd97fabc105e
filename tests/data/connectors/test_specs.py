from __future__ import annotations

import pytest

from mlplane.data.connectors import FileSource, SqlSource
from mlplane.data.connectors.specs import source_from_spec


def test_spec_makes_the_source_it_names() -> None:
    source = source_from_spec(
        {"kind": "sql", "url": "sqlite:///shop.db", "table": "orders", "cursor_column": "id"}
    )
    assert source == SqlSource(url="sqlite:///shop.db", table="orders", cursor_column="id")
    assert source_from_spec({"kind": "files", "url": "exports/*.csv"}) == FileSource(
        "exports/*.csv"
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"kind": "ftp", "url": "x"}, "kind must be one of files, sql, http"),
        ({"kind": "files", "url": "x", "cursor": "id"}, "has no field 'cursor'"),
        ({"kind": "sql", "url": "sqlite://", "table": "a", "query": "b"}, "exactly one of table"),
        ({"kind": "files"}, "url"),
    ],
)
def test_bad_spec_is_refused_with_reason(spec: dict[str, str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        source_from_spec(spec)
