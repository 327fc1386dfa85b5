"""Vietnamese text helpers: Unicode normalisation and diacritic-free forms for search."""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    """Names are stored in NFC, so that the same name always compares equal."""
    return unicodedata.normalize("NFC", text).strip()


def ascii_fold(text: str) -> str:
    """'Phường Đồng Hới' → 'Phuong Dong Hoi' (đ/Đ are letters, not accents, in Unicode)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).strip()
