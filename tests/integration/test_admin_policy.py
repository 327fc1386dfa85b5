"""The Django admin asks the access policy: who may use it (``may_use_admin``) and
what each may do with each model (``admin_model_rights``), through
``routing.admin_site``; ``is_staff``, groups and Django permissions grant nothing
by themselves."""

from __future__ import annotations

from itertools import count

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group, Permission
from django.test import RequestFactory

from routing.models import Department, StaffProfile
from routing.reports import access
from routing.reports.roles import ROUTING_OFFICER_GROUP, Role
from tests.factories import report_create

pytestmark = pytest.mark.django_db

_names = count()
NOTHING: frozenset[str] = frozenset()
VIEW = frozenset({access.VIEW})
ALL = access.ADMIN_RIGHTS

# actor: (may use the admin, rights on reports, on API keys, on user accounts)
TABLE = {
    "anonymous visitor": (False, NOTHING, NOTHING, NOTHING),
    "staff flag, no role": (False, NOTHING, NOTHING, NOTHING),
    Role.IOC_OPERATOR: (True, VIEW, NOTHING, NOTHING),
    Role.DEPARTMENT_OFFICER: (False, NOTHING, NOTHING, NOTHING),
    Role.UNIT_OFFICER: (False, NOTHING, NOTHING, NOTHING),
    Role.ROUTING_OFFICER: (False, NOTHING, NOTHING, NOTHING),
    Role.PLANNER: (False, NOTHING, NOTHING, NOTHING),
    Role.ADMIN: (True, ALL, ALL, ALL),
    "superuser": (True, ALL, ALL, ALL),
    "deactivated operator": (False, NOTHING, NOTHING, NOTHING),
}


def actor(name: str):
    users = get_user_model().objects
    if name == "anonymous visitor":
        return AnonymousUser()
    if name == "superuser":
        return users.create_superuser(f"root-{next(_names)}")
    # Every one flagged is_staff, as staff_create used to make every role.
    user = users.create_user(
        f"admin-policy-{next(_names)}",
        is_staff=True,
        is_active=name != "deactivated operator",
    )
    role = Role.IOC_OPERATOR if name == "deactivated operator" else name
    if role in Role.values:
        profile = {"role": role}
        if role == Role.DEPARTMENT_OFFICER:
            profile["department"] = Department.objects.get(code="dh-qldt")
        if role == Role.UNIT_OFFICER:
            profile["unit_code"] = "18880"
        StaffProfile.objects.create(user=user, **profile)
    return user


def request_as(user, method: str = "GET"):
    request = getattr(RequestFactory(), method.lower())("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("name", TABLE)
def test_the_admin_table(name):
    """Each actor may use the admin and do with reports, API keys and accounts
    what its row says; the admin site asks the same question."""
    user = actor(name)
    uses, reports, keys, accounts = TABLE[name]
    assert access.may_use_admin(user) is uses
    assert access.admin_model_rights(user, "routing.report") == reports
    assert access.admin_model_rights(user, "api.apikey") == keys
    assert access.admin_model_rights(user, "auth.user") == accounts
    assert admin.site.has_permission(request_as(user)) is uses


def model_admins():
    """Every ModelAdmin of the site and every inline they show, with its model."""
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin
        for inline in model_admin.get_inline_instances(request_as(AnonymousUser())):
            yield inline.model, inline


@pytest.mark.parametrize("name", TABLE)
def test_every_model_admin_asks_the_policy(name):
    """For every ModelAdmin and inline (Django's own included) the view right is
    the policy's, and nothing a write needs is granted beyond it (a ModelAdmin may
    allow less: read-only records)."""
    user = actor(name)
    for model, model_admin in model_admins():
        rights = access.admin_model_rights(user, model)
        where = f"{type(model_admin).__name__} as {name}"
        reading = request_as(user)
        assert model_admin.has_view_permission(reading) is (access.VIEW in rights), (
            where
        )
        writing = request_as(user, "POST")
        inline = isinstance(model_admin, admin.options.InlineModelAdmin)
        answers = {
            access.ADD: model_admin.has_add_permission(writing, None)
            if inline
            else model_admin.has_add_permission(writing),
            access.CHANGE: model_admin.has_change_permission(writing),
            access.DELETE: model_admin.has_delete_permission(writing),
        }
        granted = {right for right, allowed in answers.items() if allowed}
        assert granted <= rights, where


def test_groups_and_permissions_grant_nothing_the_policy_does_not():
    """A planner in the routing officers' group (which holds the zone models'
    permissions) and given a report permission of its own is still refused both,
    and the admin's app list shows it nothing."""
    planner = actor(Role.PLANNER)
    planner.groups.add(Group.objects.get(name=ROUTING_OFFICER_GROUP))
    planner.user_permissions.add(Permission.objects.get(codename="view_report"))
    planner = get_user_model().objects.get(pk=planner.pk)
    assert not planner.has_perm("routing.change_responsibilityzone")
    assert not planner.has_perm("routing.view_report")
    assert not planner.has_module_perms("routing")
    assert planner.get_all_permissions() == set()


def test_the_operations_centre_gets_the_views_the_policy_names():
    """An operator's permissions, as Django spells them, are exactly the views of
    the models the policy names, and their apps."""
    operator = actor(Role.IOC_OPERATOR)
    expected = {
        f"{label.split('.')[0]}.view_{label.split('.')[1]}"
        for label in access.IOC_ADMIN_VIEWS
    }
    assert operator.get_all_permissions() == expected
    assert operator.has_module_perms("boundaries")
    assert not operator.has_module_perms("auth")
    assert not operator.has_perm("boundaries.add_adminunit")  # importing boundaries


def test_the_operations_centre_reads_reports_in_the_admin_but_changes_nothing(
    client, settings, tmp_path
):
    """An operator opens a report in the admin and sees who sent it (the
    operations centre may), but saving is refused; a planner flagged is_staff is
    sent to the admin's sign-in."""
    settings.MEDIA_ROOT = tmp_path
    report = report_create(
        category="VSMT", reporter_name="Đặng Thị Hỏi", reporter_phone="0912777111"
    )
    page = f"/admin/routing/report/{report.pk}/change/"
    client.force_login(actor(Role.IOC_OPERATOR))
    shown = client.get(page)
    assert shown.status_code == 200
    assert "Đặng Thị Hỏi" in shown.content.decode()
    assert "+84912777111" in shown.content.decode()
    assert client.post(page, {"reporter_name": "x"}).status_code == 403
    report.refresh_from_db()
    assert report.reporter_name == "Đặng Thị Hỏi"
    client.force_login(actor(Role.PLANNER))
    refused = client.get(page)
    assert refused.status_code == 302
    assert refused["Location"].startswith("/admin/login/")
