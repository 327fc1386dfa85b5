"""Vietnamese text helpers: Unicode normalisation and diacritic-free forms for search."""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    """Names are stored in NFC, so that the same name always compares equal."""
    return unicodedata.normalize("NFC", text).strip()


# Invisible characters that reorder text (bidi embeddings, overrides, isolates and
# marks): in a name they can make it read as something else.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def controls_strip(text: str, keep: str = "") -> str:
    """``text`` without control characters (C0, DEL, C1: NUL among them) and bidi
    controls, except those in ``keep`` (e.g. tab and newline)."""
    return "".join(
        ch
        for ch in text
        if ch in keep or (unicodedata.category(ch) != "Cc" and ch not in BIDI_CONTROLS)
    )


def ascii_fold(text: str) -> str:
    """'Phường Đồng Hới' → 'Phuong Dong Hoi' (đ/Đ are letters, not accents, in Unicode)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()
