"""A validator for settings held as floats: a number, not NaN or infinity.

NaN fails every comparison, so it passes Django's MinValueValidator and MaxValueValidator both; a time budget
of NaN would give a turn a deadline that never comes.
"""

from __future__ import annotations

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_finite(value: float) -> None:
    if not math.isfinite(value):
        raise ValidationError(_("Enter a number, not %(value)s."), code="not_finite", params={"value": value})


def at_most(value: float, bound: float) -> float:
    """The smaller of the two, and the bound for NaN (which min() returns when it comes first): a row
    written around the validators still gets a bounded deadline."""
    return value if value <= bound else bound
