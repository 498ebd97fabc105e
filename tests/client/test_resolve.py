from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mlplane.client.resolve import resolve_target


def _publish(home: Path, pid: int) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "server.json").write_text(json.dumps({"pid": pid, "url": "http://127.0.0.1:9999"}))
    (home / "admin.token").write_text("mlp_local\n")


def test_resolve_target_prefers_explicit_url_and_token(tmp_path: Path) -> None:
    _publish(tmp_path, os.getpid())

    target = resolve_target("http://explicit/", "mlp_explicit", tmp_path)

    assert (target.url, target.token) == ("http://explicit", "mlp_explicit")


def test_resolve_target_uses_environment_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _publish(tmp_path, os.getpid())
    monkeypatch.setenv("MLPLANE_URL", "http://from-env")
    monkeypatch.setenv("MLPLANE_TOKEN", "mlp_env")

    target = resolve_target(home=tmp_path)

    assert (target.url, target.token) == ("http://from-env", "mlp_env")


def test_resolve_target_finds_running_local_platform(tmp_path: Path) -> None:
    _publish(tmp_path, os.getpid())

    target = resolve_target(home=tmp_path)

    assert (target.url, target.token) == ("http://127.0.0.1:9999", "mlp_local")


def test_resolve_target_ignores_stale_server_file(tmp_path: Path) -> None:
    _publish(tmp_path, 2**22 + 12345)

    target = resolve_target(home=tmp_path)

    assert target.url is None


def test_resolve_target_never_sends_local_token_to_remote_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _publish(tmp_path, os.getpid())
    monkeypatch.setenv("MLPLANE_URL", "http://elsewhere")

    assert resolve_target(home=tmp_path).token is None
