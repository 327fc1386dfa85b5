"""Tracking codes citizens can read out on the phone: 8 characters, no look-alikes.

The alphabet leaves out 0/O, 1/I/L and U, so "HT-7K3Q-X9MB" is read the same by ear
and by eye; 30⁸ ≈ 6.6 × 10¹¹ codes make guessing someone else's code hopeless. The
database's unique constraint catches the (astronomically rare) clash.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 symbols, no 0 O 1 I L U
PREFIX = "HT"


def tracking_code_new() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{body[:4]}-{body[4:]}"


def tracking_code_normalise(text: str) -> str:
    """Accept what a citizen types: lower case, spaces or no dashes, with or without HT."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    if cleaned.startswith(PREFIX) and len(cleaned) > 8:
        cleaned = cleaned[len(PREFIX) :]
    return f"{PREFIX}-{cleaned[:4]}-{cleaned[4:]}"
