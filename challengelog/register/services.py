"""Writes to the register that are not an import."""

import re

from challengelog.register.models import Challenge, Partnership


def next_reference(partnership: Partnership) -> str:
    """The reference a new challenge takes: the highest number so far plus one, in its style
    ("148" -> "149", "CL-009" -> "CL-010")."""
    last = (
        Challenge.objects.filter(partnership=partnership)
        .order_by("-reference_number")
        .values_list("reference", "reference_number")
        .first()
    )
    if not last or not last[1]:
        return "1"
    reference, number = last
    match = re.match(r"^(.*?)(\d+)$", reference)
    prefix, digits = match.group(1), match.group(2)
    return f"{prefix}{str(number + 1).zfill(len(digits))}"
