"""{% marking %}: the installation's protective marking (settings.PROTECTIVE_MARKING), for
internal pages and the documents made from templates."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def marking() -> str:
    return settings.PROTECTIVE_MARKING
