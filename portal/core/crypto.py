"""Encryption at rest with a key ring (docs/architecture.md §8).

Fernet (AES-128-CBC with HMAC-SHA256, from the ``cryptography`` library) is authenticated encryption: a changed
byte makes decryption fail instead of returning garbage. ``MultiFernet`` encrypts with the first key of the ring and
decrypts with any of them, which is what makes rotation possible without downtime.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

__all__ = ["InvalidToken", "KeyRing", "decrypt", "decrypt_text", "encrypt", "encrypt_text", "keyring"]


class KeyRing:
    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError("the encryption key ring is empty")
        self.keys = keys
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    @classmethod
    def from_setting(cls, value: str) -> KeyRing:
        return cls([key.strip() for key in value.replace("\n", ",").split(",") if key.strip()])

    def encrypt(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def decrypt(self, token: bytes) -> bytes:
        return self._fernet.decrypt(token)

    def rotate(self, token: bytes) -> bytes:
        """Re-encrypt a token under the newest key."""
        return self._fernet.rotate(token)


def keyring() -> KeyRing:
    return current_app.extensions["portal_keyring"]


def encrypt(data: bytes) -> bytes:
    return keyring().encrypt(data)


def decrypt(token: bytes) -> bytes:
    return keyring().decrypt(token)


def encrypt_text(text: str | None) -> bytes | None:
    return None if text is None else encrypt(text.encode())


def decrypt_text(token: bytes | None) -> str | None:
    return None if token is None else decrypt(token).decode()
