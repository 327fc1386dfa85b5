from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages: the citizen's report form and tracking page, and (later) the officers'
    queue, the zone editor and the planners' map, all on the same map foundation."""

    name = "web"
    verbose_name = "Trang web (pages)"
