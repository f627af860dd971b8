"""The fields of a live JupiterOne object that no manifest of its kind holds, named
where they would go unseen: export leaves them out of the manifest it writes, and a plan
that deletes the object loses them (a renamed manifest deletes one object and creates
another, which never has them). One wording (providers/unmanaged.py) with xyOps's."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from j1sync.engine.contract import LiveObject
from j1sync.providers.jupiterone import questions
from j1sync.providers.unmanaged import unmanaged_note

log = logging.getLogger("j1sync.plan")

# kind -> its live object's unmanaged fields that hold a value (AlertRule: none, every
# field a rule input takes is a manifest field)
UNMANAGED: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    questions.KIND: questions.unmanaged_fields,
}


def unmanaged_notes(written: Sequence[LiveObject]) -> list[str]:
    """A warning per object export wrote (`written`) naming the fields its manifest
    leaves out."""
    notes = []
    for obj in written:
        fields = UNMANAGED[obj.kind](obj.raw) if obj.kind in UNMANAGED else []
        if fields:
            notes.append(unmanaged_note(obj.address, fields))
    return notes


def warn_deleted_unmanaged(deleted: Sequence[str], live: Sequence[LiveObject]) -> None:
    """Log a warning for each object of the `deleted` addresses that holds fields no
    manifest does: nothing the plan creates will have them."""
    gone = set(deleted)
    if not gone:
        return  # (a plan of 20,000 objects deleting none: ~5 ms of addresses made for none)
    for note in unmanaged_notes([obj for obj in live if obj.address in gone]):
        log.warning(
            "warning: %s; the plan deletes it, and nothing it creates has them (a "
            "manifest renamed from it makes a new object without them)",
            note,
        )
