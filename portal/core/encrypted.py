"""A model attribute that reads and writes plaintext while the column holds only ciphertext."""

from __future__ import annotations

import json
from typing import Any, Self, overload

from portal.core.crypto import decrypt_text, encrypt_text


class _EncryptedColumn:
    """Reads and writes the ciphertext column named ``column`` as text."""

    def __init__(self, column: str):
        self.column = column

    def _read(self, obj: object) -> str | None:
        return decrypt_text(getattr(obj, self.column))

    def _write(self, obj: object, text: str | None) -> None:
        setattr(obj, self.column, encrypt_text(text or None))


class EncryptedText(_EncryptedColumn):
    """``description = EncryptedText("description_encrypted")`` on a model."""

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> str | None: ...
    def __get__(self, obj: object | None, objtype: type | None = None) -> Self | str | None:
        if obj is None:
            return self
        return self._read(obj)

    def __set__(self, obj: object, value: str | None) -> None:
        self._write(obj, value)


class EncryptedJSON(_EncryptedColumn):
    """The same for a small dict (a complainant's identity and contact details)."""

    @overload
    def __get__(self, obj: None, objtype: type | None = None) -> Self: ...
    @overload
    def __get__(self, obj: object, objtype: type | None = None) -> dict[str, Any]: ...
    def __get__(self, obj: object | None, objtype: type | None = None) -> Self | dict[str, Any]:
        if obj is None:
            return self
        text = self._read(obj)
        return json.loads(text) if text else {}

    def __set__(self, obj: object, value: dict[str, Any] | None) -> None:
        cleaned = {key: item for key, item in (value or {}).items() if item}
        self._write(obj, json.dumps(cleaned, ensure_ascii=False) if cleaned else None)
