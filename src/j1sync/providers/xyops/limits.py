"""What xyOps takes in `limits` beyond the number each type needs (values.LIMIT_NEEDS):
xyOps 1.0.88 lib/api.js requireValidLimits, on every write of a category or an event. An
optional number a type has (a memory limit's `duration`, a retry limit's `amount` and
`duration`, ...) is a number when set, a file limit's `accept` a list of extensions, a
daily limit's `condition` one of the UI's, and a queue limit with an `amount` needs an
enabled job limit beside it. Anything else is refused half-way through an apply, so the
manifest models check it first and the emulator refuses it, in xyOps's words.

Each check answers (path below the limit or the list, xyOps's message) or None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# type -> (field, what xyOps says when it is set and no number)
OPTIONAL_NUMBERS: dict[str, tuple[tuple[str, str], ...]] = {
    "mem": (("duration", "Invalid memory duration (not a number)"),),
    "cpu": (("duration", "Invalid CPU duration (not a number)"),),
    "retry": (
        ("amount", "Invalid max retries (not a number)"),
        ("duration", "Invalid retry delay (not a number)"),
    ),
    "queue": (("amount", "Invalid max queue (not a number)"),),
    "file": (
        ("amount", "Invalid max files (not a number)"),
        ("size", "Invalid max file size (not a number)"),
    ),
    "day": (("amount", "Invalid max condition count (not a number)"),),
    "tag": (("amount", "Invalid max tags (not a number)"),),
}
# internal/ui.json action_condition_menu (1.0.88): what a daily limit counts
DAY_CONDITIONS = (
    "start",
    "complete",
    "continue",
    "success",
    "error",
    "user",
    "warning",
    "critical",
    "abort",
)
ACCEPT_ILLEGAL = re.compile(r"[^\w\s\-.,]+", re.ASCII)
QUEUE_NEEDS_JOB = (
    "Limit Configuration: The 'Max Queue Limit' requires a 'Max Concurrent Jobs' limit to be "
    "present."
)

Problem = tuple[tuple[str | int, ...], str]


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def limit_problem(limit: Mapping[str, Any]) -> Problem | None:
    """Why xyOps refuses one limit, beyond the number its type needs; or None."""
    kind = str(limit.get("type"))
    for field, said in OPTIONAL_NUMBERS.get(kind, ()):
        value = limit.get(field)
        if value and not _number(value):
            return (field,), said
    if kind == "file":
        accept = limit.get("accept")
        if accept and not isinstance(accept, str):
            return ("accept",), "Invalid file type list (not a string)"
        if accept and ACCEPT_ILLEGAL.search(accept):
            return ("accept",), "Invalid file type list (contains illegal characters)"
    if kind == "day" and limit.get("condition") not in DAY_CONDITIONS:
        return ("condition",), "Invalid condition (unknown)"
    return None


def limits_problem(limits: Sequence[Any]) -> Problem | None:
    """Why xyOps refuses the list as a whole (a queue limit without a job limit), the path
    naming the queue limit; or None."""

    def enabled(kind: str) -> list[int]:
        return [
            index
            for index, limit in enumerate(limits)
            if isinstance(limit, Mapping)
            and limit.get("type") == kind
            and limit.get("enabled") == 1
        ]

    queues = enabled("queue")
    if queues and limits[queues[0]].get("amount") and not enabled("job"):
        return (queues[0],), QUEUE_NEEDS_JOB
    return None
