"""Refusals of casework that is not a workflow transition (workflow refusals are ``workflow.InvalidTransition``)."""

from __future__ import annotations


class CaseworkRefused(Exception):
    """A casework step that the rules do not allow; ``reason`` is a key in ``labels.CASEWORK_REASONS``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
