"""Template helpers of the pages."""

from django import template
from django.conf import settings
from django.utils.translation import get_language

from web import access

register = template.Library()


@register.simple_tag
def other_languages() -> list[tuple[str, str]]:
    """The languages to switch to, each named in itself (``settings.LANGUAGES`` holds
    the endonyms; Django's translated names would say "Tiếng Anh" for English)."""
    current = get_language()
    return [(code, name) for code, name in settings.LANGUAGES if code != current]


@register.simple_tag(takes_context=True)
def staff_links(context: template.Context) -> list[dict[str, str]]:
    """The staff pages the signed-in user may open (``web.access.staff_links``)."""
    request = context.get("request")
    return access.staff_links(request.user) if request is not None else []
