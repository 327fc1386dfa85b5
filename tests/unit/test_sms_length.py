"""SMS segments (GSM-7 and UCS-2, 3GPP TS 23.038) and the ASCII-only text."""

import pytest

from routing.notifications.sms import sms_text
from routing.notifications.sms_length import SmsLength, is_gsm7, sms_segments


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", SmsLength("GSM-7", 0, 1)),
        ("a" * 160, SmsLength("GSM-7", 160, 1)),
        ("a" * 161, SmsLength("GSM-7", 161, 2)),  # 153 a segment once split
        ("a" * 306, SmsLength("GSM-7", 306, 2)),
        ("a" * 307, SmsLength("GSM-7", 307, 3)),
        # The extension table takes two septets: [ ] { } ~ ^ | \ €
        ("[" * 80, SmsLength("GSM-7", 160, 1)),
        ("[" * 80 + "a", SmsLength("GSM-7", 161, 2)),
        ("@£$¥èéùìòÇØøÅåΔ_ÆæßÉ¤¡ÄÖÑÜ§¿äöñüà", SmsLength("GSM-7", 33, 1)),
        # One Vietnamese letter makes the whole text UCS-2: 70, then 67 a segment.
        ("ệ" + "a" * 69, SmsLength("UCS-2", 70, 1)),
        ("ệ" + "a" * 70, SmsLength("UCS-2", 71, 2)),
        ("đ" * 134, SmsLength("UCS-2", 134, 2)),
        ("đ" * 135, SmsLength("UCS-2", 135, 3)),
        # Outside the BMP: two UTF-16 units.
        ("👍" * 35, SmsLength("UCS-2", 70, 1)),
        ("👍" * 35 + "a", SmsLength("UCS-2", 71, 2)),
    ],
)
def test_segments(text, expected):
    assert sms_segments(text) == expected


def test_ascii_only_drops_diacritics_and_typography(settings):
    """Đ/đ are letters of their own in Unicode, not a D with an accent."""
    settings.SMS_ASCII_ONLY = True
    text = sms_text("Đã xử lý – “Đường Trần Hưng Đạo” ‘ổ gà’ — xong…\u00a0OK")
    assert text == "Da xu ly - \"Duong Tran Hung Dao\" 'o ga' - xong... OK"
    assert is_gsm7(text)


def test_without_ascii_only_the_text_is_untouched(settings):
    settings.SMS_ASCII_ONLY = False
    assert sms_text("Đã xử lý – xong") == "Đã xử lý – xong"
