"""Fixtures for the analytics tests: staff clients and synthetic reports."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from demo.synthetic import reports_generate
from routing.models import Department, StaffProfile

END = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def staff_client(role: str | None, *, superuser: bool = False) -> Client:
    """A test client signed in as a user of ``role`` (None: no profile)."""
    user = get_user_model().objects.create_user(
        username=f"{role}-{uuid.uuid4().hex[:8]}",
        password="x",
        is_superuser=superuser,
        is_staff=superuser,
    )
    if role is not None:
        department = (
            Department.objects.order_by("id").first()
            if role == "department_officer"
            else None
        )
        StaffProfile.objects.create(
            user=user,
            role=role,
            department=department,
            unit_code="18880" if role == "unit_officer" else "",  # Phường Đồng Hới
        )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def planner(db) -> Client:
    return staff_client("planner")


@pytest.fixture
def synthetic(db) -> int:
    """3,000 synthetic reports over three years to 1 March 2026 (all boundary sets
    of Đồng Hới from 2023 on: qb-2020, then qt-2025)."""
    done = reports_generate(count=3_000, seed=7, years=3, end=END)
    return done.reports
