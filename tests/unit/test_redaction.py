"""Masking the personal numbers and addresses citizens write into descriptions
(``routing.reports.redaction``): every way people write a Vietnamese phone number,
e-mail addresses and ID-card numbers is masked; dates, amounts, house numbers,
times and public hotlines are left as written."""

from __future__ import annotations

import time

import pytest

from routing.reports.redaction import EMAIL, ID_NUMBER, PHONE, text_mask


@pytest.mark.parametrize(
    "phone",
    [
        "0912345678",
        "0912 345 678",
        "091 234 5678",
        "091.234.5678",
        "0912.345.678",
        "0912-345-678",
        "0912 - 345 - 678",
        "0987654321",
        "0358 123 456",
        "0703 456 789",
        "0865.123.456",
        "+84912345678",
        "+84 912 345 678",
        "+84-912-345-678",
        "+84 (0) 912 345 678",
        "84912345678",
        "0084 912 345 678",
        "02323822123",
        "0232 3822 123",
        "0232.382.2123",
        "(0232) 3822 123",
        "(024) 3825 1234",
        "+84 232 3822 123",
        "01234567890",  # an old 11-digit mobile
    ],
)
def test_phone_numbers_in_every_written_form_are_masked(phone):
    """The number goes, the words around it stay."""
    text = f"Liên hệ anh Hùng {phone}, gọi sau 17 giờ."
    assert text_mask(text) == f"Liên hệ anh Hùng {PHONE}, gọi sau 17 giờ."


@pytest.mark.parametrize(
    "email",
    ["an@example.vn", "nguyen.van.an+rac@gmail.com", "hung_1985@yahoo.com.vn"],
)
def test_email_addresses_are_masked(email):
    assert text_mask(f"Gửi ảnh qua {email} nhé.") == f"Gửi ảnh qua {EMAIL} nhé."


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "CCCD 044203001234 cấp tại Quảng Bình",
            f"CCCD {ID_NUMBER} cấp tại Quảng Bình",
        ),
        ("số CCCD: 0442 0300 1234.", f"số CCCD: {ID_NUMBER}."),
        ("căn cước số 044 203 001 234", f"căn cước số {ID_NUMBER}"),
        ("mã định danh 036203001234", f"mã định danh {ID_NUMBER}"),
        ("CMND 194123456", f"CMND {ID_NUMBER}"),
        ("chứng minh nhân dân số 194 123 456", f"chứng minh nhân dân số {ID_NUMBER}"),
        ("giấy tờ 194123456 của tôi", f"giấy tờ {ID_NUMBER} của tôi"),
        ("người kia có số 036203001234", f"người kia có số {ID_NUMBER}"),
    ],
)
def test_id_card_numbers_are_masked(written, expected):
    """Twelve digits from a province code (CCCD) anywhere, nine digits together
    (CMND), and either grouped when the words name an ID card."""
    assert text_mask(written) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Ngày 03.05.2025 lúc 07:30 rác vẫn chưa được thu gom.",
        "Từ 12/03/2025 đến 2025-05-03, 7h30 sáng và 17 giờ.",
        "Ngày 03-05-2025 07 giờ có xe đổ trộm.",
        "Nhà số 12-14 đường Lý Thường Kiệt, kiệt 45/12, tổ 3.",
        "Km 12+300 quốc lộ 1A, cách cầu Nhật Lệ 200 m.",
        "Phạt 120.000.000 đồng, giá 1.500.000 đ, thiệt hại 2,500,000.",
        "Đã nộp 150000000 đồng, còn 200000000đ.",
        "Gọi 1022, 113, 114 hoặc 1900 1234 khi khẩn cấp.",
        "Tọa độ 17.4689, 106.6155; cao 12 m; 3 hộ, 25 người.",
        "Cột điện số 0231 bị nghiêng 30 độ.",
    ],
)
def test_dates_amounts_house_numbers_and_hotlines_stay(text):
    assert text_mask(text) == text


def test_several_kinds_in_one_text():
    text = (
        "Tôi (SĐT 0912 345 678, email an@example.vn, CCCD 044203001234) thấy "
        "ngày 03.05.2025 xe 74A-123.45 đổ rác; gọi 0987654321 3 lần."
    )
    assert text_mask(text) == (
        f"Tôi (SĐT {PHONE}, email {EMAIL}, CCCD {ID_NUMBER}) thấy "
        f"ngày 03.05.2025 xe 74A-123.45 đổ rác; gọi {PHONE} 3 lần."
    )


def test_a_phone_right_after_a_date_is_still_masked():
    assert text_mask("03.05.2025 0912345678") == f"03.05.2025 {PHONE}"


def test_empty_text():
    assert text_mask("") == ""


@pytest.mark.parametrize(
    "text",
    ["1 " * 2000, "0" * 4000, "12." * 1333, "a" * 3998 + "@x", "+(0 " * 1000],
)
def test_the_longest_description_is_masked_in_linear_time(text):
    """A 4,000-character description made to be slow (long runs of digit groups,
    a word that never becomes an address) takes well under a second (about
    0.1 s measured on the team's machines)."""
    started = time.perf_counter()
    text_mask(text)
    assert time.perf_counter() - started < 2.0
