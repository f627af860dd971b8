"""An object as xyOps holds it, read as xyOps reads it: the live side of a comparison.

xyOps (Node.js) keeps each field as it was written, of whatever JSON type, and reads it as
JavaScript does: the string "false" is true, `null` is false, "02" is text. So a stored
value is compared as it is, never turned into the manifest field's type (a plan shows
`~ enabled: "false" -> false`, and apply writes the manifest's value), and a `null` is a
value, never the manifest's default. Numbers are one type there (`1.0` is `1`: the
caller's node_json.js_numbers).

A field the object lacks is compared as xyOps reads a missing one:

- an `enabled` flag (an object's or a trigger's) and a monitor's `display` as false,
  whatever a manifest's default (true): 1.0.88 reads them so (`if (!channel.enabled)`,
  `trigger.enabled && trigger.type`: lib/action.js, job.js, schedule.js, monitor.js,
  api.js; the UI's `if (!mon_def.display)`). An action or a limit always has its own:
  xyOps refuses one without it on every write ("Missing enabled flag", lib/api.js
  requireValidActions, requireValidLimits), so one missing it (never in xyOps) is taken
  at the manifest's default, as the other fields below;
- any other field as the manifest's default: the docs call these fields optional, their
  defaults are none (false, 0, "", an empty list or object, which xyOps's creates fill
  in), or a value xyOps itself fills in, requires or reads a missing one as (a web hook's
  `method` and `timeout`, a monitor's `data_type`, a job's `algo`, a category's `color`:
  the UI's `cat.color || 'plain'`). One is not: an alert's `samples` (1), which the UI
  always writes; 1.0.88 counts an alert's true samples up to it and, without it, never
  raises the alert. No manifest value means that, and a missing one is compared as 1
  (docs/xyops.md says so).

A workflow node without `data` holds none, as a manifest's node without it does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic_core import PydanticUndefined

from j1sync.engine.paths import format_path
from j1sync.providers.unmanaged import unmanaged_note as unmanaged_note  # export, xypdf
from j1sync.providers.xyops.models import SPEC_MODELS

# The fields xyOps sets on every object (create_* docs; data "... set by the server"), and
# its id (a manifest's metadata.name): never a manifest field, and never left out unsaid.
SERVER_SET = frozenset({"id", "username", "created", "modified", "revision", "sort_order"})
FLAG = "enabled"
# Fields other than `enabled` that xyOps reads as false when missing.
FALSE_WHEN_MISSING = frozenset({("Monitor", "display")})
# Lists of items with an `enabled` flag, and what a missing one is read as: a trigger's
# as xyOps reads it, an action's or limit's (never missing in xyOps) at its default.
ITEM_FLAGS = {"actions": True, "alert_actions": True, "limits": True, "triggers": False}


def stored_values(kind: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The spec fields of a `kind` object as xyOps holds it (`raw`: the API's object),
    each as stored, a missing one as xyOps reads it (a required one missing left out)."""
    values: dict[str, Any] = {}
    for name, info in SPEC_MODELS[kind].model_fields.items():
        if name in raw:
            values[name] = raw[name]
        elif name == FLAG or (kind, name) in FALSE_WHEN_MISSING:
            values[name] = False
        else:
            default = info.get_default(call_default_factory=True)
            if default is not PydanticUndefined:  # a required field missing stays so
                values[name] = default
    for name, missing in ITEM_FLAGS.items():
        if isinstance(values.get(name), list):
            values[name] = [_flagged(item, missing) for item in values[name]]
    workflow = values.get("workflow")
    if isinstance(workflow, Mapping) and isinstance(workflow.get("nodes"), list):
        nodes = [
            {**node, "data": None} if isinstance(node, Mapping) and "data" not in node else node
            for node in workflow["nodes"]
        ]
        values["workflow"] = {**workflow, "nodes": nodes}
    return values


def _flagged(item: Any, missing: bool) -> Any:
    """An item, its `enabled` `missing` where it has none."""
    if isinstance(item, Mapping) and FLAG not in item:
        return {FLAG: missing, **item}
    return item


def stored_problem(kind: str, raw: Mapping[str, Any]) -> str | None:
    """Why no manifest can say what `raw` holds where the manifest model cannot tell (it
    is never shown a null: manifest/names.spec_problem leaves nulls out, and would take
    the default in their place): a field held as null where a manifest's never is. None
    when there is none."""
    for name, info in SPEC_MODELS[kind].model_fields.items():
        default = info.get_default(call_default_factory=True)
        if name in raw and raw[name] is None and default is not None:
            field = format_path(["spec", name])
            return f"{field}: null in xyOps (read there as false or none)"
    return None


def unmanaged_fields(kind: str, raw: Mapping[str, Any]) -> list[str]:
    """The fields of `raw` (an object as xyOps, or an XYPDF file, holds it) that are no
    manifest field of `kind` nor set by xyOps: what a manifest of it leaves out (another
    tool's, a later xyOps's), sorted."""
    return sorted(set(raw) - set(SPEC_MODELS[kind].model_fields) - SERVER_SET)
