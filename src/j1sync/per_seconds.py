"""`N/SECONDS`: how a rate is written on the command line and in the environment
(`--rate-limit 10/1`, `emulator serve --quotas 2000/120,1000/60`)."""

from __future__ import annotations

import math


def parse_per_seconds(text: str) -> tuple[int, float] | None:
    """ "N/SECONDS" -> (N, SECONDS), e.g. "10/1" or " 600/60 "; None unless N is a whole
    number >= 1 and SECONDS a finite number > 0. Each caller words its own error."""
    count, sep, window = text.strip().partition("/")
    if not sep:
        return None
    try:
        parsed = (int(count), float(window))
    except ValueError:
        return None
    # a window of infinity made a rate of zero (a division by zero later)
    return parsed if parsed[0] >= 1 and 0 < parsed[1] < math.inf else None


def parse_rate_limit(value: str | tuple[int, float] | None) -> tuple[int, float] | None:
    """An emulator's `--rate-limit`: "N/SECONDS" (or a tuple) -> (N, SECONDS); "N" alone
    is N a minute."""
    if value is None or isinstance(value, tuple):
        return value
    count, _, window = value.partition("/")
    parsed = parse_per_seconds(f"{count}/{window or 60}")
    if parsed is None:
        raise ValueError(f"rate limit must look like N/SECONDS (N >= 1, SECONDS > 0): {value!r}")
    return parsed
