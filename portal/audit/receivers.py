def connect() -> None:
    """Subscribe the audit trail to every signal (written by the audit work)."""
