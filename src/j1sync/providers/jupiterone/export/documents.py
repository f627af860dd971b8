"""What JupiterOne's export adds to the generic one (export/documents.py, export/run.py):
integration schedules' metadata names and hints about references the exported kinds
cannot satisfy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from j1sync.engine.contract import LiveObject
from j1sync.export.naming import unique_names
from j1sync.providers.jupiterone.export.specs import SPEC_BUILDERS, ordered_spec
from j1sync.providers.jupiterone.integration_schedules import KIND as SCHEDULE


def instance_name(schedule: LiveObject) -> str:
    """The instance's own name: a schedule's key adds `(definition)` when names are shared."""
    return str(schedule.raw.get("name", schedule.name))


def schedule_names(schedules: Sequence[LiveObject]) -> list[str]:
    """metadata.name per schedule: the instance name, or `<name>-<definition>` where
    several instances share a name (those documents carry `instance` and `definition`)."""
    counts = Counter(instance_name(obj) for obj in schedules)
    wanted = []
    for obj in schedules:
        definition = obj.state.get("definition")
        shared = counts[instance_name(obj)] > 1
        name = instance_name(obj)
        wanted.append(f"{name}-{definition}" if shared and definition else name)
    return unique_names(wanted)


def export_documents(
    live: Sequence[LiveObject], managed_tag: str
) -> list[tuple[str, dict[str, Any]]]:
    """(metadata.name, spec) per live JupiterOne object, in order: a schedule is named
    after its instance, and names the instance in its spec when its name says more."""
    schedules = [obj for obj in live if obj.kind == SCHEDULE]
    metadata_names = dict(zip(map(id, schedules), schedule_names(schedules), strict=True))
    documents = []
    for obj in live:
        spec = SPEC_BUILDERS[obj.kind](obj, managed_tag)
        name = metadata_names.get(id(obj), obj.name)
        if obj.kind == SCHEDULE and name != instance_name(obj):
            spec = ordered_spec(SCHEDULE, {**spec, "instance": instance_name(obj)})
        documents.append((name, spec))
    return documents


def reference_hints(specs: Sequence[Mapping[str, Any]], kinds: Sequence[str]) -> list[str]:
    """What to add to the kinds exported so that the manifests validate: the kinds whose
    manifests the exported ones name (a rule's or a widget's question, a rule's or a
    board's resource group), when they were not exported."""
    widgets = [w for spec in specs for w in (spec.get("widgets") or {}).values()]
    named = (
        ("Question", any(s.get("questionRef") for s in specs), _RULES_USE_A_QUESTION),
        ("Question", any(w.get("question") for w in widgets), _WIDGETS_SHOW_A_QUESTION),
        ("ResourceGroup", any(s.get("resourceGroup") for s in specs), _IN_A_RESOURCE_GROUP),
    )
    return [
        f"{what} and {kind} was not exported; add --kind {kind} so that the manifests validate"
        for kind, used, what in named
        if used and kind not in kinds
    ]


_RULES_USE_A_QUESTION = "some AlertRules use a saved question (questionRef)"
_WIDGETS_SHOW_A_QUESTION = "some Dashboard widgets show a saved question (question)"
_IN_A_RESOURCE_GROUP = "some AlertRules or Dashboards belong to a resource group (resourceGroup)"
