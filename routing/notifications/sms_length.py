"""How many SMS segments a text takes, and in which encoding (GSM 03.38 / 3GPP TS 23.038).

A text made only of the GSM-7 default alphabet (and its extension table, whose
characters take two septets) travels as GSM-7: 160 characters in one segment, 153 a
segment once it is split (the rest of each is the concatenation header). Any other
character (a Vietnamese letter with a diacritic: "ệ", "đ") turns the whole message
into UCS-2: 70 characters in one segment, 67 a segment once split, and a character
outside the Basic Multilingual Plane (an emoji) counts twice. Brandname gateways bill
per segment, and Unicode messages usually at a higher rate, hence ``SMS_ASCII_ONLY``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# The GSM 03.38 default alphabet (ESC, 0x1B, left out: it introduces the extension).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each takes an escape septet and its own.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@dataclass(frozen=True)
class SmsLength:
    encoding: str  # "GSM-7" or "UCS-2"
    characters: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def sms_segments(text: str) -> SmsLength:
    """The encoding ``text`` needs, its length in that encoding, and its segments
    (an empty text is one segment)."""
    if is_gsm7(text):
        units = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        single, part, encoding = GSM7_SINGLE, GSM7_PART, "GSM-7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = UCS2_SINGLE, UCS2_PART, "UCS-2"
    segments = 1 if units <= single else math.ceil(units / part)
    return SmsLength(encoding=encoding, characters=units, segments=segments)
