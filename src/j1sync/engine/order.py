"""Dependency order of a plan's changes: released one by one as their dependencies finish
(`Schedule`, what apply runs), or grouped in levels that may each run concurrently."""

from __future__ import annotations

import graphlib
import heapq
import itertools
from collections.abc import Mapping, Sequence

from j1sync.engine.model import Change
from j1sync.errors import ResolutionError, SourceLocation

Rank = tuple[int, int]  # (level, position in the plan): the order ready changes are taken


class Schedule:
    """The plan's actionable changes, each released once every change it depends on is done.

    Dependencies on no-op or absent objects are ignored (they already exist). Of the changes
    ready at once, `next_ready()` hands out the lowest level first, then the plan's order:
    taken one at a time, that is exactly `levels()` flattened, whatever the concurrency.
    Not thread-safe: one thread schedules. A cycle is a ResolutionError naming its
    addresses (with file:line when `sources` knows them).
    """

    def __init__(
        self, changes: Sequence[Change], sources: Mapping[str, SourceLocation] | None = None
    ) -> None:
        actionable = [c for c in changes if c.actionable]
        position = {c.address: i for i, c in enumerate(actionable)}
        graph = {c.address: [d for d in c.depends_on if d in position] for c in actionable}
        order = _static_order(graph, {c.address: c.action for c in actionable}, sources)
        level: dict[str, int] = {}
        for address in order:
            level[address] = 1 + max((level[d] for d in graph[address]), default=-1)
        self._by_address = {c.address: c for c in actionable}
        self._rank: dict[str, Rank] = {a: (level[a], position[a]) for a in position}
        self._sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter(graph)
        self._sorter.prepare()
        self._ready: list[tuple[Rank, str]] = []
        self._not_done = set(position)

    def __len__(self) -> int:
        return len(self._by_address)

    def rank(self, change: Change) -> Rank:
        return self._rank[change.address]

    def in_order(self) -> list[Change]:
        """Every actionable change, by rank (levels, then the plan's order)."""
        return sorted(self._by_address.values(), key=self.rank)

    def next_ready(self) -> Change | None:
        """The lowest-ranked change whose dependencies are all done (once each), or None."""
        for address in self._sorter.get_ready():
            heapq.heappush(self._ready, (self._rank[address], address))
        if not self._ready:
            return None
        return self._by_address[heapq.heappop(self._ready)[1]]

    def done(self, change: Change) -> None:
        """`change` finished (whatever its outcome): its dependents may become ready."""
        self._sorter.done(change.address)
        self._not_done.discard(change.address)

    def not_done(self) -> list[Change]:
        """The changes not marked done, by rank (what an interrupted apply never started)."""
        return sorted((self._by_address[a] for a in self._not_done), key=self.rank)


def _static_order(
    graph: dict[str, list[str]],
    actions: Mapping[str, str],
    sources: Mapping[str, SourceLocation] | None,
) -> list[str]:
    """`graph`'s addresses, each after those it depends on. An object being updated
    already exists, so waiting for its update only orders: where such waits close a cycle
    (two events updated to run each other), one is dropped from `graph`. A delete waits
    for the deletes of the objects that use it (a rule goes before its question); where
    such waits close a cycle of deletes only (two events that run each other, both
    deleted), every member goes, in whichever order among them: the wait of the
    cycle's lowest address is dropped (it goes first). A delete keeps waiting
    for an update or a create (one that stops naming it). A cycle of objects that must be
    created first (two new events that run each other) cannot be applied in any order: a
    ResolutionError naming each object and its manifest."""
    while True:
        try:
            return list(graphlib.TopologicalSorter(graph).static_order())
        except graphlib.CycleError as exc:
            cycle: list[str] = exc.args[1]  # each one waits for the one before it
            waits = list(itertools.pairwise(cycle))
            if all(actions[a] == "delete" for a in cycle):
                needed, waiting = min(waits, key=lambda wait: wait[1])
                graph[waiting] = [d for d in graph[waiting] if d != needed]
                continue
            for needed, waiting in waits:
                if actions[needed] == "update" and actions[waiting] != "delete":
                    graph[waiting] = [d for d in graph[waiting] if d != needed]
                    break
            else:
                where = sources or {}
                named = [f"{a} ({where[a]})" if a in where else a for a in cycle]
                raise ResolutionError(
                    "dependency cycle: " + " -> ".join(named) + "; no order can apply it: "
                    "make one of them without naming the other first, then name it"
                ) from exc


def levels(
    changes: Sequence[Change], sources: Mapping[str, SourceLocation] | None = None
) -> list[list[Change]]:
    """Actionable changes grouped so that each level depends only on earlier ones.

    Within a level the plan's own order is kept; the rest is as for `Schedule`.
    """
    schedule = Schedule(changes, sources)
    result: list[list[Change]] = []
    for change in schedule.in_order():
        level = schedule.rank(change)[0]
        if level == len(result):
            result.append([])
        result[level].append(change)
    return result
