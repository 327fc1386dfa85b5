"""Mask the personal numbers and addresses citizens write into their descriptions.

Before the operations centre approves a report for publication, its description is
masked here: phone numbers (Vietnamese mobiles and landlines as people write them:
``0912 345 678``, ``091.234.5678``, ``0912-345-678``, ``(0232) 3822 123``,
``+84 912 345 678``, ``84912345678``), e-mail addresses, and ID-card numbers
(CCCD, 12 digits; CMND, 9 digits). The approver reads the result and edits it
(names and house addresses are left to them: no pattern tells a name from a word).

Numbers are read as runs of digit groups joined by single spaces, dots, dashes or
a closing bracket; a run is masked when its digits (or a prefix of its groups)
have the shape of a phone or ID number. What must stay is left alone: dates
(``03.05.2025``, ``2025-05-03``), amounts grouped in thousands (``120.000.000``)
or followed by a currency (``150000000 đồng``), house numbers, times, hotlines
of public services (``1022``, ``113``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PHONE = "[SĐT đã ẩn]"
EMAIL = "[email đã ẩn]"
ID_NUMBER = "[số giấy tờ đã ẩn]"

# Starting only where an address can start, so a long word is read once.
_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# A run of digit groups: an optional "+" or "(" first, groups joined by one space,
# dot or dash (spaces allowed around a dash) or a bracket ("+84 (0) 912…").
# At most eight groups: no number masked here has more (a long run of digits is
# read from each of its groups in turn, so the work stays linear).
_RUN = re.compile(r"(?:\+|\(\s?)?\d+(?:(?:\s?-\s?|[ .]|\)\s?| ?\()\d+){0,7}")
MAX_DIGITS = 14  # the longest shape: 0084 + a ten-digit national number
_GROUP = re.compile(r"\d+")
# Dates and times are never numbers to mask (day, month, four-digit year).
_DATE = re.compile(
    r"(?<!\d)(?:0?[1-9]|[12]\d|3[01])([./-])(?:0?[1-9]|1[0-2])\1(?:19|20)\d{2}(?!\d)"
    r"|(?<!\d)(?:19|20)\d{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)"
)
_AMOUNT = re.compile(r"[1-9]\d{0,2}(?:[.,]\d{3})+")
_CURRENCY = re.compile(
    r"\s?(?:đồng|đ|vnđ|vnd|d|k|tr|triệu|nghìn|ngàn|tỷ)(?!\w)", re.IGNORECASE
)
_ID_WORDS = re.compile(
    r"(?:cccd|cmnd|cmt|căn cước(?: công dân)?|chứng minh(?: nhân dân| thư)?"
    r"|định danh(?: cá nhân)?|hộ chiếu)\W{0,12}(?:số\W{0,3})?$",
    re.IGNORECASE,
)
MOBILE_PREFIXES = "35789"


@dataclass(frozen=True)
class _Run:
    start: int
    ends: tuple[int, ...]  # where each prefix of groups ends in the text
    digits: tuple[str, ...]  # each prefix's digits
    plus: bool  # written with a leading "+"


def _run_at(text: str, match: re.Match[str]) -> _Run:
    groups = list(_GROUP.finditer(match.group()))
    base = match.start()
    ends, digits, joined = [], [], ""
    for group in groups:
        joined += group.group()
        ends.append(base + group.end())
        digits.append(joined)
        if len(joined) > MAX_DIGITS:
            break
    return _Run(
        start=base,
        ends=tuple(ends),
        digits=tuple(digits),
        plus=match.group().startswith("+"),
    )


def _phone(digits: str, plus: bool) -> bool:
    """Whether these digits are a Vietnamese phone number: 10-digit mobiles,
    11-digit landlines (and the old 11-digit mobiles), or either after 84."""
    if digits.startswith("0084"):
        digits, plus = digits[2:], True
    if digits.startswith("84") and (plus or len(digits) in (11, 12)):
        rest = digits[2:]
        rest = rest[1:] if rest.startswith("0") else rest  # +84 (0) 912…
        return len(rest) in (9, 10) and rest[0] in "12" + MOBILE_PREFIXES
    if not digits.startswith("0"):
        return False
    if len(digits) == 10:
        return digits[1] in MOBILE_PREFIXES
    return len(digits) == 11 and digits[1] in "12"


def _id_number(text: str, run: _Run, index: int) -> bool:
    """CCCD (12 digits from a province code 0xx) or CMND (9 digits): written
    together, or in groups after words that name an ID card."""
    digits = run.digits[index]
    if len(digits) not in (9, 12):
        return False
    named = _ID_WORDS.search(text[max(0, run.start - 40) : run.start]) is not None
    if named:
        return True
    if _CURRENCY.match(text, run.ends[index]):
        return False
    if len(digits) == 12:
        return digits.startswith("0")
    return index == 0  # nine digits written together


def _classify(text: str, run: _Run, index: int) -> str | None:
    digits = run.digits[index]
    span = text[run.start : run.ends[index]].lstrip("+( ")
    if _AMOUNT.fullmatch(span):
        return None
    if _phone(digits, run.plus):
        return PHONE
    if _id_number(text, run, index):
        return ID_NUMBER
    return None


def _protected(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _DATE.finditer(text)]


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


def _number_spans(text: str) -> list[tuple[int, int, str]]:
    """Where the phone and ID numbers of ``text`` are: (start, end, placeholder)."""
    protected = _protected(text)
    spans: list[tuple[int, int, str]] = []
    position = 0
    while (match := _RUN.search(text, position)) is not None:
        run = _run_at(text, match)
        found = None
        for index in reversed(range(len(run.digits))):  # the longest shape first
            end = run.ends[index]
            if _overlaps(run.start, end, protected):
                continue
            kind = _classify(text, run, index)
            if kind is not None:
                found = (end, kind)
                break
        if found is None:
            # No shape from here: move past the first group and look again.
            position = run.ends[0]
            continue
        end, kind = found
        spans.append((run.start, end, kind))
        position = end
    return spans


def _emails_masked(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """``text`` with its e-mail addresses replaced, and where the placeholders are."""
    if "@" not in text:
        return text, []
    out: list[str] = []
    spans: list[tuple[int, int, str]] = []
    position = length = 0
    for match in _EMAIL.finditer(text):
        before = text[position : match.start()]
        out += [before, EMAIL]
        length += len(before)
        spans.append((length, length + len(EMAIL), EMAIL))
        length += len(EMAIL)
        position = match.end()
    out.append(text[position:])
    return "".join(out), spans


def text_mask_segments(text: str) -> list[tuple[str, bool]]:
    """The masked text as segments ``(text, masked)``: ``masked`` segments are the
    placeholders put in place of a phone number, e-mail address or ID number, so a
    reviewer's page can highlight exactly what was masked. Joined, the segments
    are :func:`text_mask`'s result."""
    if not text:
        return []
    text, emails = _emails_masked(text)
    spans = sorted(emails + _number_spans(text))
    segments: list[tuple[str, bool]] = []
    position = 0
    for start, end, kind in spans:
        if start > position:
            segments.append((text[position:start], False))
        segments.append((kind, True))
        position = end
    if position < len(text):
        segments.append((text[position:], False))
    return segments


def text_mask(text: str) -> str:
    """``text`` with e-mail addresses, phone numbers and ID-card numbers replaced
    by a bracketed Vietnamese placeholder (see the module docstring)."""
    return "".join(segment for segment, _ in text_mask_segments(text))
