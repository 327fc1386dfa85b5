"""The demo app: it has no models, only the ``reports_generate`` command."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "Dữ liệu mô phỏng (demo)"
