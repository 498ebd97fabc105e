from __future__ import annotations

import pytest

from mlplane.data.engine.sql_names import DatasetReference, parse_reference, quote_references


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT * FROM sales@3", 'SELECT * FROM "sales@3"'),
        (
            "SELECT * FROM sales@v3 s JOIN sales@latest t ON true",
            'SELECT * FROM "sales@v3" s JOIN "sales@latest" t ON true',
        ),
        ("SELECT * FROM my-data.v2@12", 'SELECT * FROM "my-data.v2@12"'),
        ('SELECT * FROM "sales@3"', 'SELECT * FROM "sales@3"'),
        ("SELECT 'sales@3', x FROM t", "SELECT 'sales@3', x FROM t"),
        (
            "SELECT 'it''s sales@3' FROM t -- sales@4\n",
            "SELECT 'it''s sales@3' FROM t -- sales@4\n",
        ),
        ("SELECT 1 /* sales@3 */ FROM sales@3", 'SELECT 1 /* sales@3 */ FROM "sales@3"'),
        ("SELECT email@domain FROM t", "SELECT email@domain FROM t"),
    ],
)
def test_quote_references_quotes_only_code(sql: str, expected: str) -> None:
    assert quote_references(sql) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sales", DatasetReference("sales", None)),
        ("sales@3", DatasetReference("sales", 3)),
        ("sales@v12", DatasetReference("sales", 12)),
        ("sales@latest", DatasetReference("sales", None)),
    ],
)
def test_parse_reference(text: str, expected: DatasetReference) -> None:
    assert parse_reference(text) == expected


def test_parse_reference_refuses_other_versions() -> None:
    with pytest.raises(ValueError, match="must be a number"):
        parse_reference("sales@first")
