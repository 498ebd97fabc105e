"""Fixtures for model packaging: a small table, labels, and a fitted scikit-learn model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def table() -> pd.DataFrame:
    generator = np.random.default_rng(7)
    return pd.DataFrame(
        {"age": generator.uniform(18, 80, 200), "income": generator.uniform(1e4, 1e5, 200)}
    )


@pytest.fixture
def labels(table: pd.DataFrame) -> np.ndarray[Any, Any]:
    return (table["age"] * 1000 + table["income"] > 90_000).to_numpy().astype(np.int64)


@pytest.fixture
def classifier(table: pd.DataFrame, labels: np.ndarray[Any, Any]) -> Any:
    from sklearn.tree import DecisionTreeClassifier

    return DecisionTreeClassifier(max_depth=4, random_state=0).fit(table, labels)
