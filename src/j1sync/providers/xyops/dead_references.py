"""Objects naming what was deleted from xyOps since.

xyOps lets a tag or an event be deleted while other objects name it, and they keep naming
it; where xyOps checks the reference on every write (values.CHECKED_REFERENCES), it then
takes no write of the naming object until the reference goes, and the plan's reference
check (kinds.unresolved_references) refuses a manifest that keeps it. An export writing
the object as xyOps holds it would make the next plan of the folder fail as a whole.

So, once every list is read, each object's dead references are found by that same rule
(for an object read, it names all it names already) and each is dealt with as
CHECKED_REFERENCES says: a dead tag or a run_event action of a dead event is dropped from
what export writes, with a warning (the next apply takes it out in xyOps too, as any
write must); an event in a dead category, or a workflow with an event node of a dead
event, is undeclarable: left out with a warning naming the field, never deleted by a plan.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

from j1sync.engine.contract import LiveObject
from j1sync.engine.paths import format_path
from j1sync.providers.xyops.kinds import (
    StatePath,
    checked_field,
    references,
    unresolved_references,
)
from j1sync.providers.xyops.system import SYSTEM
from j1sync.providers.xyops.values import CHECKED_REFERENCES, DROP_ID, DROP_ITEM, LEAVE_OUT


@dataclass(frozen=True)
class DeadReference:
    """One reference to an object xyOps no longer holds: where in the state, to what."""

    where: StatePath
    kind: str
    target: str

    @property
    def remedy(self) -> str:
        return CHECKED_REFERENCES[checked_field(self.where)]

    @property
    def path(self) -> str:
        return format_path(["spec", *self.where])

    def why(self) -> str:
        return (
            f"{self.kind} '{self.target}' was deleted from xyOps since, and xyOps takes no "
            "write of this object while it names it"
        )


@dataclass(frozen=True)
class XyopsLiveObject(LiveObject):
    """A live xyOps object, with the references export drops from its manifest."""

    dropped: tuple[DeadReference, ...] = ()


def with_dead_references(live: Sequence[LiveObject], read: Collection[str]) -> list[LiveObject]:
    """`live` (every object of the engine kinds `read`), each object naming an object of
    those kinds that none of them is marked: its dead references to drop, or undeclarable
    when one may not be dropped. A reference to a kind not read is not judged."""
    known = {obj.address for obj in live}
    return [_marked(obj, known, read) for obj in live]


def _marked(obj: LiveObject, known: set[str], read: Collection[str]) -> LiveObject:
    kind = obj.kind.removeprefix(SYSTEM.engine_kind(""))
    dead = [
        DeadReference(where, target_kind, target)
        for where, target_kind, target in unresolved_references(
            kind, obj.state, known, references(kind, obj.state)
        )
        if SYSTEM.engine_kind(target_kind) in read
    ]
    if not dead:
        return obj
    kept_out = [d for d in dead if d.remedy == LEAVE_OUT]
    if kept_out:
        said = f"{kept_out[0].path}: {kept_out[0].why()}"
        return obj if obj.undeclarable is not None else replace(obj, undeclarable=said)
    held = {f.name: getattr(obj, f.name) for f in fields(obj)}
    return XyopsLiveObject(**held, dropped=tuple(dead))


def without_dropped(obj: LiveObject, values: dict[str, Any]) -> dict[str, Any]:
    """`values` (the object's state, to export) without its dropped references."""
    dropped = obj.dropped if isinstance(obj, XyopsLiveObject) else ()
    ids: dict[str, set[str]] = {}
    items: dict[str, set[int]] = {}
    for dead in dropped:
        field, *rest = dead.where
        if dead.remedy == DROP_ID:
            ids.setdefault(str(field), set()).add(dead.target)
        elif dead.remedy == DROP_ITEM and rest and isinstance(rest[0], int):
            items.setdefault(str(field), set()).add(rest[0])
    for field, gone in ids.items():
        values[field] = [v for v in values.get(field) or [] if v not in gone]
    for field, indices in items.items():
        values[field] = [v for i, v in enumerate(values.get(field) or []) if i not in indices]
    return values


def dropped_notes(written: Sequence[LiveObject]) -> list[str]:
    """A warning per reference export dropped from the manifests it wrote (`written`): the
    system's export notes (export/run.py EXPORT_NOTES)."""
    notes = []
    for obj in written:
        for dead in obj.dropped if isinstance(obj, XyopsLiveObject) else ():
            said = f"{dead.path}: dropped"
            if dead.remedy == DROP_ITEM:  # (field, index, key): the item, for its key
                item = format_path(["spec", *dead.where[:2]])
                said = f"{item}: dropped, the whole item ({dead.where[-1]})"
            notes.append(
                f"{obj.address}: {said}: {dead.why()} (the next apply takes it out in xyOps "
                "too; create it there again and export again to keep it)"
            )
    return notes
