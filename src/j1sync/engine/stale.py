"""Is a saved plan still about the account as it is now?"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from j1sync.engine.contract import LiveObject
from j1sync.engine.fingerprint import live_fingerprint
from j1sync.engine.model import Plan
from j1sync.engine.plan import users_left_alone
from j1sync.errors import StalePlan


def check_stale(plan: Plan, live: Sequence[LiveObject]) -> None:
    """Raise StalePlan naming every address whose live object changed since the plan."""
    now: dict[str, list[LiveObject]] = defaultdict(list)
    for obj in live:
        now[obj.address].append(obj)
    problems: list[str] = []
    for change in plan.actionable:
        found = now.get(change.address, [])
        if change.action == "create":
            if found:
                problems.append(f"{change.address}: now exists in the account")
        elif not found:
            problems.append(f"{change.address}: no longer exists in the account")
        elif len(found) > 1:
            problems.append(f"{change.address}: now matches {len(found)} live objects")
        elif live_fingerprint(found[0], plan.fingerprint_salt) != change.live_fingerprint:
            problems.append(f"{change.address}: changed since the plan was made")
    problems += _new_users(plan, live)
    if problems:
        raise StalePlan(
            "the plan is stale; the account changed since it was made "
            "(run plan again):\n  " + "\n  ".join(problems)
        )


def _new_users(plan: Plan, live: Sequence[LiveObject]) -> list[str]:
    """The deletes of objects that a live object the plan leaves alone now uses (a
    hand-made question made since, naming a parameter the plan deletes): the plan would
    have kept them (engine/plan.py `_keep_what_is_used`, of the same objects)."""
    deleted = {c.address for c in plan.actionable if c.action == "delete"}
    if not deleted:
        return []
    users = users_left_alone(deleted, {c.address for c in plan.changes}, live)
    return [f"{target}: now used by {', '.join(sorted(users[target]))}" for target in sorted(users)]
