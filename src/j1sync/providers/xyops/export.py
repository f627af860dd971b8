"""Live xyOps objects -> manifest specs that load back into the same desired state
(export then plan changes nothing): defaults left out, j1sync's marker line taken out of
`notes` (a manifest's desired state adds it back), an action's, limit's or trigger's
`enabled: true` left out (its default), a workflow's `plugin` (xyOps sets it) left out,
a reference to what xyOps deleted since dropped where it may be (dead_references.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from j1sync.engine.contract import LiveObject
from j1sync.export.specs import model_spec
from j1sync.providers.marker import split_marker
from j1sync.providers.xyops.dead_references import without_dropped
from j1sync.providers.xyops.kinds import KIND_APIS
from j1sync.providers.xyops.models import (
    SPEC_MODELS,
    Action,
    Header,
    Limit,
    Trigger,
    WorkflowConnection,
    WorkflowNode,
)
from j1sync.providers.xyops.stored import unmanaged_fields, unmanaged_note
from j1sync.providers.xyops.system import SYSTEM
from j1sync.providers.xyops.values import WORKFLOW

# A spec's lists of sub-objects, and the manifest model of their items: export writes an
# item's keys in its model's order (as apply writes them, so an export after an apply
# writes the same file), the others after them as xyOps holds them.
ITEM_MODELS: dict[str, type[BaseModel]] = {
    "actions": Action,
    "alert_actions": Action,
    "limits": Limit,
    "triggers": Trigger,
    "headers": Header,
}
ITEM_LISTS = ("actions", "alert_actions", "limits", "triggers")
WORKFLOW_PARTS: dict[str, type[BaseModel]] = {
    "nodes": WorkflowNode,
    "connections": WorkflowConnection,
}


def _item(item: Any) -> Any:
    if not isinstance(item, Mapping):
        return item
    return {k: v for k, v in item.items() if not (k == "enabled" and v is True)}


def _in_model_order(items: Any, model: type[BaseModel]) -> Any:
    """`items` (a list), each mapping's keys in `model`'s order, the others after."""
    if not isinstance(items, list):
        return items
    return [
        {
            **{k: item[k] for k in model.model_fields if k in item},
            **{k: v for k, v in item.items() if k not in model.model_fields},
        }
        if isinstance(item, Mapping)
        else item
        for item in items
    ]


def spec_of(kind: str, live: LiveObject, managed_tag: str) -> dict[str, Any]:
    """The spec of a `kind` manifest (bare kind) that means `live`."""
    values = without_dropped(live, dict(live.state))
    values["notes"] = split_marker(values.get("notes"), managed_tag)[0]
    for name, model in ITEM_MODELS.items():
        if name in values:
            values[name] = _in_model_order(values[name], model)
    workflow = values.get("workflow")
    if isinstance(workflow, Mapping):
        parts = {name: _in_model_order(workflow.get(name), m) for name, m in WORKFLOW_PARTS.items()}
        values["workflow"] = {**workflow, **{k: v for k, v in parts.items() if k in workflow}}
    for name in ITEM_LISTS:
        if isinstance(values.get(name), list):
            values[name] = [_item(i) for i in values[name]]
    if kind == "Event" and values.get("type") == WORKFLOW:
        values.pop("plugin", None)
    return model_spec(SPEC_MODELS[kind], values)


def unmanaged_notes(written: Sequence[LiveObject]) -> list[str]:
    """A warning per object export wrote (`written`) naming its fields that are not
    manifest fields (stored.unmanaged_fields, the rule an XYPDF file's are named by): its
    manifest leaves them out, never silently."""
    notes = []
    for obj in written:
        kind = obj.kind.removeprefix(SYSTEM.engine_kind(""))
        fields = unmanaged_fields(kind, obj.raw)
        if fields:
            notes.append(unmanaged_note(obj.address, fields))
    return notes


def _builder(kind: str) -> Callable[[LiveObject, str], dict[str, Any]]:
    return lambda live, managed_tag: spec_of(kind, live, managed_tag)


# engine kind (`xyops.Event`) -> spec builder (the registry's extras export_specs)
SPEC_BUILDERS: dict[str, Callable[[LiveObject, str], dict[str, Any]]] = {
    api.engine_kind: _builder(kind) for kind, api in KIND_APIS.items()
}
