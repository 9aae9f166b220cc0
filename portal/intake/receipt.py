"""Receipts: 16 digits from the operating system's random source, kept only as a keyed hash
(docs/architecture.md §8)."""

from __future__ import annotations

import re
import secrets

from portal.core.security import keyed_hash

RECEIPT_DIGITS = 16


def new_receipt() -> str:
    return f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"


def normalise_receipt(typed: str) -> str:
    """Digits only: people type receipts with spaces, dashes or dots between the groups."""
    return re.sub(r"\D", "", typed or "")


def receipt_hash(receipt: str) -> str:
    return keyed_hash(normalise_receipt(receipt), "receipt")


def group_receipt(receipt: str) -> str:
    return " ".join(receipt[i : i + 4] for i in range(0, len(receipt), 4))
