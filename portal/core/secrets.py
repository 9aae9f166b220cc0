"""Secrets a newcomer never has to make by hand.

When the environment does not give them, they are generated once into ``instance/`` (mode 0600) and read back on
every later start. They are never committed (``instance/`` is git-ignored) and never logged.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet


def _read_or_create(path: Path, make: Callable[[], str]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when two workers start at once, exactly one writes and the other reads what it wrote.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    value = make()
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    return value


def load_secrets(config: dict) -> None:
    """Fill SECRET_KEY, RECEIPT_KEY and ENCRYPTION_KEYS from instance/ when the environment left them empty."""
    instance = Path(config["INSTANCE_PATH"])
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _read_or_create(instance / "secret_key", lambda: secrets.token_urlsafe(48))
    if not config.get("RECEIPT_KEY"):
        config["RECEIPT_KEY"] = _read_or_create(instance / "receipt_key", lambda: secrets.token_urlsafe(48))
    if not config.get("ENCRYPTION_KEYS"):
        ring = _read_or_create(instance / "encryption_keys", lambda: Fernet.generate_key().decode())
        config["ENCRYPTION_KEYS"] = ",".join(ring.split())


def keyring_file(config: dict) -> Path:
    return Path(config["INSTANCE_PATH"]) / "encryption_keys"
