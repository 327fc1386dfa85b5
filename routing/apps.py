from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class RoutingConfig(AppConfig):
    name = "routing"
    verbose_name = "Điều phối (Routing)"


class PolicyAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the policy's site (``routing.admin_site``):
    named in ``INSTALLED_APPS`` instead of ``django.contrib.admin``."""

    default = False  # not the ``routing`` app's own config
    default_site = "routing.admin_site.PolicyAdminSite"
