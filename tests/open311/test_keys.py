"""API keys (command, admin, revocation) and the attribute fixture loader."""

from __future__ import annotations

import hashlib
import json
import re
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command

from api.models import ApiKey, ServiceAttribute
from api.open311.errors import Open311Error
from api.open311.keys import DEMO_KEY, api_key_authenticate, api_key_create
from tests.open311.forms import BASE, form, post

pytestmark = pytest.mark.django_db

KEY = re.compile(r"ht311_[A-Za-z0-9_-]{43}")


def test_only_the_digest_and_a_prefix_are_stored():
    """The clear key is returned once; the row keeps its SHA-256 and 12 characters."""
    issued = api_key_create(name="Đối tác A", rate_limit_per_hour=5)
    assert KEY.fullmatch(issued.clear)
    row = ApiKey.objects.get(pk=issued.key.pk)
    assert row.key_hash == hashlib.sha256(issued.clear.encode()).hexdigest()
    assert row.prefix == issued.clear[:12]
    stored = json.dumps(list(ApiKey.objects.values()), default=str)
    assert issued.clear not in stored
    assert api_key_authenticate(clear=issued.clear).pk == row.pk


def test_command_prints_the_key_once():
    out, err = StringIO(), StringIO()
    call_command(
        "open311_key_create",
        "FixMyStreet VN",
        "--rate-limit",
        "50",
        stdout=out,
        stderr=err,
    )
    clear = out.getvalue().strip()
    assert KEY.fullmatch(clear)
    assert "not be shown again" in err.getvalue()
    key = api_key_authenticate(clear=clear)
    assert (key.name, key.rate_limit_per_hour) == ("FixMyStreet VN", 50)


def test_admin_shows_a_new_key_once_and_revokes(admin_client):
    """Adding a key in the admin shows it in a message, once; the revoke action
    switches it off and POST answers 403 from then on."""
    response = admin_client.post(
        "/admin/api/apikey/add/", {"name": "Tổng đài 1022", "rate_limit_per_hour": 100}
    )
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    shown = [KEY.search(t).group(0) for t in texts if KEY.search(t)]
    assert len(shown) == 1
    clear = shown[0]
    key = ApiKey.objects.get(name="Tổng đài 1022")
    assert key.key_hash == ApiKey.digest(clear)
    change = f"/admin/api/apikey/{key.pk}/change/"
    assert clear in admin_client.get(change).content.decode()  # the message, once
    page = admin_client.get(change).content.decode()
    assert clear not in page
    assert key.prefix in page

    response = admin_client.post(
        "/admin/api/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert not key.active
    assert key.revoked_at is not None
    with pytest.raises(Open311Error) as caught:
        api_key_authenticate(clear=clear)
    assert caught.value.status == 403


def test_admin_pages_for_attributes_and_answers(admin_client, key, client):
    """The attribute list and edit page, and the (read-only) answers list, open."""
    assert post(client, body=form(key)).status_code == 200
    attribute = ServiceAttribute.objects.get(category__code="VSMT", code="loai_rac")
    for url in (
        "/admin/api/serviceattribute/",
        f"/admin/api/serviceattribute/{attribute.pk}/change/",
        "/admin/api/requestattributevalue/",
    ):
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/api/requestattributevalue/add/").status_code == 403


def test_fixture_loader_is_idempotent(client):
    """A second load changes nothing, so the discovery changeset stays."""
    before = client.get(f"{BASE}discovery.json").json()["changeset"]
    out = StringIO()
    call_command("open311_load_fixtures", stdout=out)
    assert "0 attributes created, 0 updated, 8 unchanged" in out.getvalue()
    assert client.get(f"{BASE}discovery.json").json()["changeset"] == before


@pytest.mark.django_db
def test_demo_key_is_created_once_and_posts(settings):
    """In demo mode `open311_key_create --demo` makes the README's demo key once; it
    authenticates."""
    settings.DEMO_MODE = True
    for _ in range(2):
        out = StringIO()
        call_command("open311_key_create", "Demo", "--demo", stdout=out)
        assert out.getvalue().strip() == DEMO_KEY
    assert ApiKey.objects.filter(key_hash=ApiKey.digest(DEMO_KEY)).count() == 1
    assert api_key_authenticate(clear=DEMO_KEY).usable


def test_demo_key_is_refused_outside_demo_mode(settings, client):
    """The published demo key is refused outside demo mode even when the database
    holds it (a copied demo database), with a bilingual 403; --demo is refused too."""
    settings.DEMO_MODE = True
    call_command("open311_key_create", "Demo", "--demo", stdout=StringIO())
    settings.DEMO_MODE = False
    with pytest.raises(Open311Error) as caught:
        api_key_authenticate(clear=DEMO_KEY)
    assert caught.value.status == 403
    response = post(client, body=form(DEMO_KEY))
    assert response.status_code == 403
    (error,) = response.json()
    assert "HT_DEMO=1" in error["description"]
    with pytest.raises(CommandError, match="HT_DEMO=1"):
        call_command("open311_key_create", "Demo", "--demo", stdout=StringIO())
