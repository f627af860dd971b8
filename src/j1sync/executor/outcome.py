"""What an apply did, change by change, and the progress events it emits while doing it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from j1sync.engine.contract import Action
from j1sync.engine.model import Change

# unknown: the change was sent, its answer lost, and re-reading the object failed too:
# it may or may not have been made (the next apply finds out by name)
Status = Literal["applied", "failed", "unknown", "skipped"]
STATUSES: tuple[Status, ...] = ("applied", "failed", "unknown", "skipped")
EventType = Literal["start", "change_started", "change_finished", "finish"]
# Why a change an interrupted apply never started is skipped (the report tells it apart).
NOT_STARTED = "not started: apply was interrupted"
# Why one the lost apply lock kept from starting: who holds the lock now is said once, in
# the error after the closing line (engine/lock.py LockLost), not on each change's line.
LOCK_LOST = "not started: the apply lock was lost (see below)"


@dataclass(frozen=True)
class Outcome:
    address: str
    action: Action
    status: Status
    message: str = ""
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "action": self.action,
            "status": self.status,
            "message": self.message,
            "id": self.id,
        }


@dataclass
class ApplyResult:
    """Outcomes in dependency order (levels, the plan's order within one), whichever
    order the changes ran in: the same list at any --concurrency."""

    outcomes: list[Outcome] = field(default_factory=list)
    # Ctrl-C/SIGTERM came during the run: no change started after it (`not_started` says
    # how many it kept from starting; none when it came once every change had started)
    interrupted: bool = False

    @property
    def not_started(self) -> int:
        """Changes an interrupt kept from starting."""
        return sum(o.status == "skipped" and o.message == NOT_STARTED for o in self.outcomes)

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for outcome in self.outcomes:
            counts[outcome.status] += 1
        return counts

    @property
    def ok(self) -> bool:
        """True when every change was applied."""
        return all(o.status == "applied" for o in self.outcomes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "interrupted": self.interrupted,
            "counts": self.counts,
            "outcomes": [o.to_dict() for o in self.outcomes],
        }


@dataclass(frozen=True)
class ApplyEvent:
    """Progress for the CLI: `start` and `finish` carry the total; `change_started` the
    change; `change_finished` the change and its outcome. Callbacks are never concurrent."""

    type: EventType
    total: int
    change: Change | None = None
    outcome: Outcome | None = None
