"""A rule or a board that names a question no manifest can declare as it is.

A rule's `questionRef` and a board widget's `question` must name a Question manifest
(checks/references.py). When the question cannot have one (LiveObject.undeclarable: its
query holds `${env:...}`), neither can the rule or the board: export leaves it out too,
and the plan never deletes it. Before, the rule was exported and the first plan of the
folder failed ('no Question manifest named ...'). Questions are read whenever rules or
boards are (their names are needed, and they are pruned by tag), so export and plan judge
alike. A resource group is read only when a run asks for it: a rule naming one that no
manifest can declare is exported, and the plan says what it names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from j1sync.engine.contract import LiveObject
from j1sync.providers.jupiterone.questions import KIND as QUESTION_KIND


def with_undeclarable_targets(live: Sequence[LiveObject]) -> list[LiveObject]:
    """`live`, each object that names an undeclarable question made undeclarable too
    (most accounts hold none: one pass, no copy)."""
    held = {obj.address for obj in live if obj.kind == QUESTION_KIND and obj.undeclarable}
    if not held:
        return list(live)
    return [_held_back(obj, held) for obj in live]


def _held_back(obj: LiveObject, held: set[str]) -> LiveObject:
    if obj.undeclarable is not None or obj.kind == QUESTION_KIND:
        return obj
    named = [address for address in obj.references if address in held]
    if not named:
        return obj
    return replace(
        obj,
        undeclarable=f"it names {', '.join(named)}, which no manifest can declare as it is",
    )
