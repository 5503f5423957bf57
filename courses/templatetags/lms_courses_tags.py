from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """Look a key up in a dict from a template: {{ labels|get_item:key }}."""
    return mapping.get(key, "")
