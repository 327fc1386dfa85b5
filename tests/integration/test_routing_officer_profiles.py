"""Upgrading to role-based zone editing (migration routing/0007): staff who edited
zones through the routing officers' group keep that right as a role."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User

from routing.models import StaffProfile
from routing.reports.access import may_edit_zones
from routing.reports.roles import ROUTING_OFFICER_GROUP

pytestmark = pytest.mark.django_db

migration = import_module("routing.migrations.0007_routing_officer_profiles")


def member(username: str, *, is_staff: bool = True, role: str | None = None) -> User:
    user = User.objects.create_user(username, is_staff=is_staff)
    user.groups.add(Group.objects.get(name=ROUTING_OFFICER_GROUP))
    if role:
        StaffProfile.objects.create(user=user, role=role)
    return user


def test_group_members_without_a_profile_become_routing_officers():
    """A staff member of the group with no profile gets the routing officer role
    and may still edit zones; a member with a profile keeps its role; a member who
    was not staff (and could not edit zones) gets nothing; running it twice adds
    nothing."""
    officer = member("dieu-phoi")
    planner = member("quy-hoach", role="planner")
    outsider = member("ngoai", is_staff=False)
    bystander = User.objects.create_user("khac", is_staff=True)

    migration.profiles_create(apps, None)
    migration.profiles_create(apps, None)

    officer = User.objects.get(pk=officer.pk)
    assert officer.staff_profile.role == "routing_officer"
    assert may_edit_zones(officer)
    assert StaffProfile.objects.get(user=planner).role == "planner"
    assert not StaffProfile.objects.filter(user__in=[outsider, bystander]).exists()
    assert StaffProfile.objects.count() == 2
