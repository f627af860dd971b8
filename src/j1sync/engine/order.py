"""Dependency order of a plan's changes, as levels that may each run concurrently."""

from __future__ import annotations

import graphlib
from collections.abc import Mapping, Sequence

from j1sync.engine.model import Change
from j1sync.errors import ResolutionError, SourceLocation


def levels(
    changes: Sequence[Change], sources: Mapping[str, SourceLocation] | None = None
) -> list[list[Change]]:
    """Actionable changes grouped so that each level depends only on earlier ones.

    Dependencies on no-op or absent objects are ignored (they already exist). Within a
    level the plan's own order is kept. A cycle is a ResolutionError naming its addresses
    (with file:line when `sources` knows them).
    """
    actionable = [c for c in changes if c.actionable]
    position = {c.address: i for i, c in enumerate(actionable)}
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for change in actionable:
        sorter.add(change.address, *(d for d in change.depends_on if d in position))
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        cycle: list[str] = exc.args[1]
        where = sources or {}
        named = [f"{a} ({where[a]})" if a in where else a for a in cycle]
        raise ResolutionError("dependency cycle: " + " -> ".join(named)) from exc
    result: list[list[Change]] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=position.__getitem__)
        result.append([actionable[position[a]] for a in ready])
        sorter.done(*ready)
    return result
