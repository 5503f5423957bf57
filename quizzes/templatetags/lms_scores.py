"""How a quiz percentage is shown: exactly the value that decided pass/fail."""

from decimal import Decimal, InvalidOperation

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def shown_percent(value) -> str:
    """The stored percentage (2 places) with no rounding and no trailing zeros.

    70.00 shows "70", 69.50 shows "69,5", 66.67 shows "66,67": a learner
    never sees 70 % next to "not passed" for a pass mark of 70.
    """
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return ""
    places = 0
    while places < 2 and number != number.quantize(Decimal(1).scaleb(-places)):
        places += 1
    return floatformat(number, places)
