"""What a citizen types finds the report: case, spaces and dashes do not matter, the
HT prefix may be left out, and the demo's SY codes keep their prefix."""

import pytest

from routing.reports.tracking import tracking_code_new, tracking_code_normalise


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("HT-7K3Q-X9MB", "HT-7K3Q-X9MB"),
        ("ht 7k3q x9mb", "HT-7K3Q-X9MB"),
        ("7K3QX9MB", "HT-7K3Q-X9MB"),
        ("HT7K3QX9MB", "HT-7K3Q-X9MB"),
        ("SY-227V-ZJNT", "SY-227V-ZJNT"),
        ("sy227vzjnt", "SY-227V-ZJNT"),
        # Eight symbols that happen to start like a prefix are a bare code.
        ("SY27ZJNT", "HT-SY27-ZJNT"),
    ],
)
def test_typed_codes_normalise(typed, code):
    assert tracking_code_normalise(typed) == code


def test_a_new_code_is_its_own_normal_form():
    code = tracking_code_new()
    assert tracking_code_normalise(code) == code
