from __future__ import annotations

from pathlib import Path

import pytest

from mlplane.core.settings import load_settings


def test_load_settings_defaults_to_home(tmp_path: Path) -> None:
    settings = load_settings(tmp_path)

    assert settings.home == tmp_path.resolve()
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'mlplane.db'}"
    assert settings.artifact_root == str(tmp_path.resolve() / "artifacts")
    assert settings.is_sqlite


def test_load_settings_reads_config_file(tmp_path: Path) -> None:
    (tmp_path / "mlplane.toml").write_text(
        'artifact_root = "s3://bucket/prefix"\nallow_untrusted_pickle = true\nteam = "ml"\n'
    )

    settings = load_settings(tmp_path)

    assert settings.artifact_root == "s3://bucket/prefix"
    assert settings.allow_untrusted_pickle is True
    assert settings.extra == {"team": "ml"}


def test_load_settings_environment_beats_config_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "mlplane.toml").write_text('database_url = "sqlite:////from/file.db"\n')
    monkeypatch.setenv("MLPLANE_DATABASE_URL", "postgresql://db/mlplane")

    settings = load_settings(tmp_path)

    assert settings.database_url == "postgresql://db/mlplane"
    assert not settings.is_sqlite


def test_load_settings_explicit_beats_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLPLANE_URL", "http://from-env")

    assert load_settings(tmp_path, url="http://explicit").url == "http://explicit"
