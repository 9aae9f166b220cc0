def connect() -> None:
    """Subscribe notification emails to signals (written by the notifications work)."""
