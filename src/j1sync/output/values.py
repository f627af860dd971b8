"""How renderers show a plan's values and counts: one spelling for text and Markdown."""

from __future__ import annotations

import json
from typing import Any

from j1sync.engine.model import Change, Plan
from j1sync.engine.paths import get_path

MAX_VALUE_CHARS = 200
ABSENT = "(absent)"
_MISSING = object()

SYMBOLS = {"create": "+", "update": "~", "delete": "-", "no-op": " "}


def show_value(value: Any, limit: int = MAX_VALUE_CHARS) -> str:
    """Compact JSON on one line (newlines escaped), cut at `limit` characters."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def value_at(state: dict[str, Any] | None, path: str) -> str:
    found = _MISSING if state is None else get_path(state, path, _MISSING)
    return ABSENT if found is _MISSING else show_value(found)


def field_lines(change: Change) -> list[tuple[str, str | None, str | None]]:
    """(path, before, after) to show for a change; None where that side has nothing."""
    if change.action == "update":
        return [
            (p, value_at(change.before, p), value_at(change.after, p)) for p in change.changed_paths
        ]
    if change.action == "create":
        return [(k, None, show_value(v)) for k, v in (change.after or {}).items()]
    return []


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_line(plan: Plan) -> str:
    totals = plan.totals()
    return (
        f"Plan: {totals['create']} to create, {totals['update']} to update, "
        f"{totals['delete']} to delete, {totals['unmanaged']} unmanaged."
    )


NO_CHANGES = "No changes. The account matches the manifests."


def pruning_note(plan: Plan) -> str | None:
    """Why this plan deletes nothing that no manifest declares, when it does not."""
    if plan.pruning["enabled"]:
        return None
    return (
        f"Pruning is off: {plan.pruning['reason']}. Nothing is deleted: live objects that no "
        "manifest of this run declares are left alone; run over the whole project to prune."
    )
