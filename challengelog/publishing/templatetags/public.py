from django import template

register = template.Library()


@register.filter
def public(name, names):
    """A canonical name as the public may see it: `{{ forum.name|public:public_names }}`."""
    return names(name) if names else name
