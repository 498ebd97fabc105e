from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import mlplane
import mlplane.data
from tests.data.conftest import customers


def test_push_dataframe_and_get_it_back(client: mlplane.Client, project: str) -> None:
    frame = pd.DataFrame({"id": [1, 2, 3], "name": ["ann", "bob", "cy"]})

    result = mlplane.data.push(frame, "people", project=project, client=client)
    handle = mlplane.data.get("people@1", project=project, client=client)

    assert result.version.number == 1
    assert handle.to_pandas().equals(frame)
    assert handle.to_arrow().num_rows == 3


def test_push_same_dataframe_twice_is_one_version(client: mlplane.Client, project: str) -> None:
    frame = pd.DataFrame({"id": [1, 2], "score": [0.5, 0.25]}, index=[10, 20])

    mlplane.data.push(frame, "scores", project=project, client=client)
    again = mlplane.data.push(frame.copy(), "scores", project=project, client=client)

    assert not again.created


def test_path_downloads_once_into_the_cache(
    client: mlplane.Client, project: str, folder: Path, home: Path
) -> None:
    client.datasets.push(folder, "images", project=project)
    handle = mlplane.data.get("images", project=project, client=client)

    first = handle.path()
    stamp = (first / "class-0" / "img-000.txt").stat().st_mtime_ns
    second = mlplane.data.get("images@v1", project=project, client=client).path()

    assert first == second
    assert first.is_relative_to(home / "cache")
    assert len(handle.files()) == 30
    assert (second / "class-0" / "img-000.txt").stat().st_mtime_ns == stamp


def test_get_reads_project_from_environment(
    client: mlplane.Client, project: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.datasets.push(customers(8), "customers", project=project)
    monkeypatch.setenv("MLPLANE_PROJECT", project)

    handle = mlplane.data.get("customers", client=client)

    assert handle.ref == "customers@1"
    assert handle.to_arrow().equals(customers(8))


def test_get_without_project_says_how_to_name_one(client: mlplane.Client) -> None:
    with pytest.raises(ValueError, match="MLPLANE_PROJECT"):
        mlplane.data.get("customers", client=client)


def test_pull_keeps_files_already_in_place(
    client: mlplane.Client, project: str, folder: Path, tmp_path: Path
) -> None:
    client.datasets.push(folder, "images", project=project)
    destination = tmp_path / "copy"
    client.datasets.pull("images", project=project, destination=destination)
    (destination / "notes.md").write_text("mine")
    (destination / "class-0" / "img-000.txt").write_text("edited locally\n")

    client.datasets.pull("images", project=project, destination=destination)

    assert (destination / "notes.md").read_text() == "mine"
    assert (destination / "class-0" / "img-000.txt").read_text() == "pixels of image 0\n"
