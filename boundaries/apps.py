from django.apps import AppConfig


class BoundariesConfig(AppConfig):
    name = "boundaries"
    verbose_name = "Địa giới hành chính (Boundaries)"
