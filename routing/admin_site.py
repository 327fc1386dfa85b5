"""The Django admin as the access policy allows it.

Who may use the admin, and what they may do with each model, is
``routing.reports.access`` (``may_use_admin``, ``admin_model_rights``); this module
only plugs those answers into Django:

- ``PolicyAdminSite`` lets in only the users the policy allows (Django's default
  asks ``is_staff``, which ``manage.py staff_create`` used to give every role), and
  its sign-in form refuses the others as a wrong password would;
- ``PolicyBackend``, the authentication backend (Django's ``ModelBackend`` for
  passwords and sessions), answers every model permission question
  (``user.has_perm("routing.view_report")``, which each ModelAdmin's
  ``has_*_permission`` asks, in every app, Django's own included) from the policy
  alone: groups and per-user permissions are never read, so a planner put in a
  group, or made ``is_staff``, still gets nothing.

A ModelAdmin may allow less than the policy (read-only records), never more.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from routing.reports.access import ADMIN_RIGHTS, admin_model_rights, may_use_admin


class PolicyAdminSignInForm(AdminAuthenticationForm):
    """The admin's sign-in: the right password is not enough, the role must be
    one that uses the admin (other staff sign in on ``/ops/login``)."""

    def confirm_login_allowed(self, user: Any) -> None:
        AuthenticationForm.confirm_login_allowed(self, user)  # inactive accounts
        if not may_use_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class PolicyAdminSite(AdminSite):
    """``admin.site`` (made by ``routing.apps.PolicyAdminConfig``)."""

    site_header = "Hiện Trường — quản trị (administration)"
    site_title = "Hiện Trường"
    login_form = PolicyAdminSignInForm

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request.user)


def _model_right(perm: str) -> tuple[str, str] | None:
    """``"routing.view_report"`` → ``("routing.report", "view")``; None for a
    permission that is not one of a model's four."""
    app_label, _, codename = perm.partition(".")
    action, _, model_name = codename.partition("_")
    if not app_label or action not in ADMIN_RIGHTS or not model_name:
        return None
    return f"{app_label}.{model_name}", action


class PolicyBackend(ModelBackend):
    """Passwords and sessions as Django's ``ModelBackend``; model permissions from
    the policy, for every user but active superusers (whom Django lets through
    before asking a backend, and whom the policy treats as admins anyway)."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        right = _model_right(perm)
        if right is not None and right[1] in admin_model_rights(user_obj, right[0]):
            return True
        # Stop here: no other backend may grant what the policy does not.
        raise PermissionDenied

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        try:
            models = apps.get_app_config(app_label).get_models()
        except LookupError:
            raise PermissionDenied from None
        if any(admin_model_rights(user_obj, model) for model in models):
            return True
        raise PermissionDenied

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        """The permissions ``has_perm`` grants, spelled as Django spells them."""
        return {
            f"{model._meta.app_label}.{right}_{model._meta.model_name}"
            for model in apps.get_models()
            for right in admin_model_rights(user_obj, model)
        }

    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()
