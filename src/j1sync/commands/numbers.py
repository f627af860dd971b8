"""Number options and settings: a float given on the command line or in an environment
variable must be a finite number. `float()` reads "nan" and "inf", and click's
FloatRange lets NaN through any bounds (every comparison with it is false): a retry
budget of NaN retried for ever, a backoff of NaN retried without waiting."""

from __future__ import annotations

import math
from typing import Any

import click


class FiniteFloatRange(click.FloatRange):
    """click.FloatRange that also refuses NaN and the infinities, as a usage error."""

    name = "float range"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return number
