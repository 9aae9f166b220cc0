"""A model attribute that reads and writes plaintext while the column holds only ciphertext."""

from __future__ import annotations

import json

from portal.core.crypto import decrypt_text, encrypt_text


class EncryptedText:
    """``description = EncryptedText("description_encrypted")`` on a model."""

    def __init__(self, column: str):
        self.column = column

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return decrypt_text(getattr(obj, self.column))

    def __set__(self, obj, value: str | None) -> None:
        setattr(obj, self.column, encrypt_text(value or None))


class EncryptedJSON(EncryptedText):
    """The same for a small dict (a complainant's identity and contact details)."""

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        text = super().__get__(obj, objtype)
        return json.loads(text) if text else {}

    def __set__(self, obj, value: dict | None) -> None:
        cleaned = {key: item for key, item in (value or {}).items() if item}
        super().__set__(obj, json.dumps(cleaned, ensure_ascii=False) if cleaned else None)
