"""Fixtures for the data subsystem: small tables and folders to version."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest


def customers(rows: int = 50, seed: int = 7) -> pa.Table:
    generator = np.random.default_rng(seed)
    return pa.table(
        {
            "id": np.arange(1, rows + 1, dtype=np.int64),
            "age": generator.integers(18, 90, rows),
            "spend": np.round(generator.gamma(2.0, 40.0, rows), 2),
            "segment": pa.array(generator.choice(["gold", "silver", "bronze"], rows)),
        }
    )


def write_files(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_files(
        tmp_path / "images",
        {f"class-{i % 3}/img-{i:03d}.txt": f"pixels of image {i}\n" for i in range(30)},
    )
