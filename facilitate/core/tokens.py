"""Secret tokens (participants', circle members', logins', API tokens): made here, and stored only
as their hashes, so that a copy of the database lets nobody in."""

import hashlib
import secrets

#: Random bytes in a participant's or circle member's token.
TOKEN_BYTES = 24


def new_token(nbytes: int = TOKEN_BYTES) -> str:
    """A fresh, unguessable token, URL-safe."""
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """What is stored of ``token``: its SHA-256, in hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
