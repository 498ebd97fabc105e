"""When a model may run code on load: the pickle opt-in.

Some flavors execute code while loading: scikit-learn's joblib/pickle files, a pickled
PyTorch module, a generic Python model (a pickle, or code files imported from the folder),
an MLflow pyfunc. Loading such a model from an untrusted source is running that source's
code. Formats that only hold data (ONNX, TorchScript, XGBoost JSON, LightGBM text,
safetensors) load without any of this.

A model that executes code loads only when BOTH hold:

1. every file matches the SHA-256 and size its manifest records (always checked, for every
   flavor: a corrupted or tampered file is refused by name), AND
2. its origin is trusted, which is one of:
   - the manifest carries an HMAC-SHA256, over the whole manifest (file checksums
     included), made with this home's signing key `$MLPLANE_HOME/model-signing.key`
     (32 random bytes, mode 0600, created by the first `save_model` on the home). Every
     model saved by `save_model`/`log_model` with this home is signed, so models made on
     the platform load as they are; a manifest edited afterwards, or one made on another
     home, does not verify;
   - or the caller opts in explicitly: `load_model(..., allow_pickle=True)`, the environment
     variable `MLPLANE_MODELS_ALLOW_PICKLE=1`, `allow_pickle = true` in the `[models]`
     table of `mlplane.toml`, or the platform setting `allow_untrusted_pickle`.
     `allow_pickle=False` refuses even a signed model.

Which flavors execute code is decided by the loading code from the flavor and its format,
never by a flag in the manifest, so editing the manifest cannot switch the check off.
Homes that share models (an api and a gateway on different machines) share the key file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from mlplane.core.errors import Forbidden
from mlplane.core.settings import load_settings
from mlplane.registry.packaging.manifest import Origin, signed_content

KEY_FILE = "model-signing.key"
ALLOW_PICKLE_ENV = "MLPLANE_MODELS_ALLOW_PICKLE"
KEY_BYTES = 32

_keys: dict[Path, bytes] = {}
_homes: dict[str | None, Path] = {}
_keys_lock = threading.Lock()


class UntrustedModelError(Forbidden):
    """A model whose loading would run code comes from an origin nobody vouched for."""

    code = "untrusted_model"


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _read_or_create_key(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secrets.token_bytes(KEY_BYTES))
    try:
        # A link fails when another process made the key first: theirs wins, for everyone.
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_bytes()


def signing_key(home: Path | None = None, *, create: bool = True) -> bytes | None:
    """This home's model signing key (made on first use when `create`)."""
    # Resolving the home reads the environment and mlplane.toml: remember it per MLPLANE_HOME.
    home_path = home if home is not None else _current_home()
    path = home_path / KEY_FILE
    with _keys_lock:
        key = _keys.get(path)
        if key is None:
            if not create and not path.exists():
                return None
            key = _read_or_create_key(path)
            _keys[path] = key
        return key


def _current_home() -> Path:
    marker = os.environ.get("MLPLANE_HOME")
    home = _homes.get(marker)
    if home is None:
        home = _homes[marker] = load_settings().home
    return home


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"mlplane-model-signing:" + key).hexdigest()[:16]


def sign(document: dict[str, Any], key: bytes) -> Origin:
    digest = hmac.new(key, signed_content(document), hashlib.sha256).hexdigest()
    return Origin(key_id=key_id(key), hmac=digest)


def is_signed_here(document: dict[str, Any], home: Path | None = None) -> bool:
    """Whether the manifest's HMAC was made with this home's key over this exact manifest."""
    origin = document.get("origin")
    if not isinstance(origin, dict) or not isinstance(origin.get("hmac"), str):
        return False
    key = signing_key(home, create=False)
    if key is None:
        return False
    expected = hmac.new(key, signed_content(document), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, origin["hmac"])


def pickle_allowed_by_settings() -> bool:
    """The standing opt-in: environment, then `mlplane.toml`, then the platform setting."""
    if os.environ.get(ALLOW_PICKLE_ENV):
        return _parse_bool(os.environ[ALLOW_PICKLE_ENV])
    settings = load_settings()
    models = settings.extra.get("models")
    if isinstance(models, dict) and "allow_pickle" in models:
        return _parse_bool(models["allow_pickle"])
    return settings.allow_untrusted_pickle


def require_trust(
    document: dict[str, Any], files: list[str], allow_pickle: bool | None, location: str
) -> None:
    """Refuse to load a code-running model unless its origin is trusted (see the module doc)."""
    if allow_pickle is False:
        trusted = False
    elif allow_pickle is True:
        trusted = True
    else:
        trusted = is_signed_here(document) or pickle_allowed_by_settings()
    if not trusted:
        named = ", ".join(repr(name) for name in files) or "its code"
        raise UntrustedModelError(
            f"refusing to load the model at {location}: loading {named} runs code, and the "
            "model was not signed by this platform home. Pass allow_pickle=True (or set "
            f"{ALLOW_PICKLE_ENV}=1 or [models] allow_pickle = true) if you trust its source",
            files=files,
        )
