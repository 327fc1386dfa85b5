"""Tracking codes citizens can read out on the phone: 8 characters, no look-alikes.

The alphabet leaves out 0/O, 1/I/L and U, so "HT-7K3Q-X9MB" is read the same by ear
and by eye; 30⁸ ≈ 6.6 × 10¹¹ codes make guessing someone else's code hopeless. The
database's unique constraint catches the (astronomically rare) clash.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # 30 symbols, no 0 O 1 I L U
PREFIX = "HT"
# Codes of other origins, kept as typed: the demo's synthetic reports
# (``demo.synthetic``, "SY-…").
OTHER_PREFIXES = ("SY",)


def tracking_code_new() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{body[:4]}-{body[4:]}"


def tracking_code_normalise(text: str) -> str:
    """Accept what a citizen types: lower case, spaces or no dashes, with or without
    HT (another known prefix, such as the demo's SY, is kept)."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    prefix = PREFIX
    for known in (PREFIX, *OTHER_PREFIXES):
        if cleaned.startswith(known) and len(cleaned) > 8:
            prefix, cleaned = known, cleaned[len(known) :]
            break
    return f"{prefix}-{cleaned[:4]}-{cleaned[4:]}"
