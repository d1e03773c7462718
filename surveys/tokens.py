"""Survey links: a random token goes into the e-mail, only its hash into the database."""

import hashlib
import re
import secrets

# 32 random bytes: 256 bits, far beyond guessing; URL-safe base64 without padding.
TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def new_token() -> tuple[str, str]:
    """(token for the link, hash to store)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def looks_like_token(value: str) -> bool:
    """Cheap shape check before any database lookup."""
    return bool(TOKEN_PATTERN.match(value or ""))
