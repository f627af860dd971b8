"""Is a saved plan still about the account as it is now?"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from j1sync.engine.contract import LiveObject
from j1sync.engine.fingerprint import live_fingerprint, saved_fingerprint
from j1sync.engine.model import Change, Plan
from j1sync.engine.plan import users_left_alone
from j1sync.errors import StalePlan

SHOWN = 10  # the changes a stale plan's error names; the others are counted


def check_stale(plan: Plan, live: Sequence[LiveObject]) -> None:
    """Raise StalePlan when an address's live object changed since the plan: how many,
    the first SHOWN of them, and whether the plan appears to be applied already (every
    change's object is now as the plan would leave it: a saved plan applied twice).
    A saved plan's fingerprints are keyed again with its `fingerprint_key`."""
    now: dict[str, list[LiveObject]] = defaultdict(list)
    for obj in live:
        now[obj.address].append(obj)
    problems: list[str] = []
    created = {change.address for change in plan.actionable if change.action == "create"}
    for change in plan.actionable:
        found = now.get(change.address, [])
        if change.action != "delete":  # what it names must still be there (or made here)
            problems += [
                f"{change.address}: needs {needed}, which is no longer in the account"
                for needed in change.depends_on
                if needed not in created and needed not in now
            ]
        if change.action == "create":
            if found:
                problems.append(f"{change.address}: now exists in the account")
        elif not found:
            problems.append(f"{change.address}: no longer exists in the account")
        elif len(found) > 1:
            problems.append(f"{change.address}: now matches {len(found)} live objects")
        elif _fingerprint(plan, found[0]) != change.live_fingerprint:
            problems.append(f"{change.address}: changed since the plan was made")
    problems += _new_users(plan, live)
    if not problems:
        return
    if all(_as_planned(change, now.get(change.address, [])) for change in plan.actionable):
        why = (
            "the plan is stale: it appears to be applied already (every object it changes "
            "is now as it would leave it; run plan again to see what is left); "
            f"{len(problems)} of its objects changed since it was made:"
        )
    else:
        why = (
            "the plan is stale; the account changed since it was made (run plan again); "
            f"{len(problems)} of its objects changed:"
        )
    shown = problems[:SHOWN]
    if len(problems) > SHOWN:
        shown.append(f"… and {len(problems) - SHOWN} more")
    raise StalePlan(why + "\n  " + "\n  ".join(shown))


def _fingerprint(plan: Plan, live: LiveObject) -> str:
    fingerprint = live_fingerprint(live, plan.fingerprint_salt)
    key = plan.fingerprint_key
    return fingerprint if key is None else saved_fingerprint(key, fingerprint)


def _as_planned(change: Change, found: Sequence[LiveObject]) -> bool:
    """Whether the live object of `change` is as the plan would leave it: gone after a
    delete; after a create or an update, one object holding the plan's values in every
    field the plan manages (contract.comparable_live_state's rule). Not when the change
    writes a secret: its value is never read back, so no one can tell (a newer secret
    written since must not pass for the plan's)."""
    if change.action == "delete":
        return not found
    if change.sensitive or change.literal_secrets or change.account_secrets:
        return False
    if len(found) != 1 or change.after is None:
        return False
    live = {k: v for k, v in found[0].state.items() if k in change.after}
    return live == change.after


def _new_users(plan: Plan, live: Sequence[LiveObject]) -> list[str]:
    """The deletes of objects that a live object the plan leaves alone now uses (a
    hand-made question made since, naming a parameter the plan deletes): the plan would
    have kept them (engine/plan.py `_keep_what_is_used`, of the same objects)."""
    deleted = {c.address for c in plan.actionable if c.action == "delete"}
    if not deleted:
        return []
    users = users_left_alone(deleted, {c.address for c in plan.changes}, live)
    return [f"{target}: now used by {', '.join(sorted(users[target]))}" for target in sorted(users)]
