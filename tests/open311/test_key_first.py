"""POST requests checks the api_key before it parses the body: a stranger cannot
make the server read and parse large bodies."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.open311.forms import BASE, FORM, form, post

pytestmark = pytest.mark.django_db

URL = f"{BASE}requests.json"
# A body no parser accepts: multipart without a boundary.
UNPARSEABLE = {"content_type": "multipart/form-data", "data": b"\x00" * 100}


def test_a_bad_key_in_the_query_is_refused_before_the_body_is_parsed(client):
    """A wrong key in the query string answers 403, not the 400 parsing the
    (unparseable) body would give: the body was never parsed."""
    response = client.post(f"{URL}?api_key=ht311_wrong", **UNPARSEABLE)
    assert response.status_code == 403
    assert "api_key" in response.json()[0]["description"]


def test_a_good_key_in_the_query_then_parses_the_body(client, key):
    """With a valid key in the query string the body is read as usual (here it
    cannot be parsed: 400)."""
    response = client.post(f"{URL}?api_key={key}", **UNPARSEABLE)
    assert response.status_code == 400
    body = form(None)
    response = client.post(f"{URL}?api_key={key}", urlencode(body), content_type=FORM)
    assert response.status_code == 200, response.content


def test_a_body_over_the_bound_is_refused_unread(client, settings, key):
    """Without a key in the query string, a body beyond OPEN311_MAX_BODY_BYTES is
    refused (413) on its Content-Length, key or not."""
    settings.OPEN311_MAX_BODY_BYTES = 2048
    big = form(key, description="Rác " * 1000)
    response = post(client, body=big)
    assert response.status_code == 413
    assert "KB" in response.json()[0]["description"]
    response = post(client, body=form(None, description="Rác " * 1000))
    assert response.status_code == 413


def test_a_key_in_a_small_body_is_still_accepted(client, key):
    assert post(client, body=form(key)).status_code == 200
    assert post(client, body=form(None)).status_code == 403
