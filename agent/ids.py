"""Ids the server makes: for threads, runs and messages."""

import secrets


def new_id() -> str:
    """A short random id: 16 URL-safe characters (it is in every token event, so short pays)."""
    return secrets.token_urlsafe(12)
