"""The one safety gate: every managed object of a kind deleted, or too large a share of
them changing at once.

A typo in a manifest folder path or a wrong managed tag can make every managed object look
orphaned; this gate turns that into a blocked plan instead of a mass deletion. Deleting all
of a kind's managed objects is blocked at any size (1 of 1 included); the share rule
applies from `min_managed` objects.

An adoption (a live object without the managed tag that a manifest now declares) is not a
managed object yet: the gate weighs only what the account already gives j1sync, so that
adopting an account after `export` (every rule and question's update adds the tag) is
not blocked, and a managed tag changed to one that hand-made objects carry still is
(their deletes are all of the kind's managed objects, however many the plan adopts).

A managed object no manifest declares that the plan keeps, as something it leaves alone
still uses it (`Not deleted, still in use`), is a managed object all the same: with one
kept, the kind's managed objects are not all deleted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from fractions import Fraction

from j1sync.engine.model import Change, Plan, Safety
from j1sync.errors import UnsafePlan


def evaluate_safety(
    changes: Sequence[Change],
    min_managed: int,
    max_fraction: float,
    adopted: Collection[str] = (),
    kept: Iterable[str] = (),
) -> Safety:
    """Per kind: managed = live objects the plan owns (updated, deleted or unchanged) but
    those it adopts (`adopted`: their addresses; module docstring), and those it would
    delete but keeps as something it leaves alone still uses them (`kept`: the kind of
    each, one per object; engine/plan.py `_keep_what_is_used`); the thresholds are
    j1sync.yaml's (ProjectConfig: its defaults live in manifest.document)."""
    managed: Counter[str] = Counter(kept)
    risky: Counter[str] = Counter()
    deleted: Counter[str] = Counter()
    for change in changes:
        if change.address in adopted:
            continue
        if change.action in ("update", "delete", "no-op"):
            managed[change.kind] += 1
        if change.action in ("update", "delete"):
            risky[change.kind] += 1
        if change.action == "delete":
            deleted[change.kind] += 1
    limit = Fraction(max_fraction).limit_denominator(10_000)
    messages: list[str] = []
    for kind, total in managed.items():
        count = risky[kind]
        if deleted[kind] == total:
            messages.append(f"{kind}: every managed object would be deleted ({total} of {total})")
        elif total >= min_managed and Fraction(count, total) > limit:
            share, most = _percents(Fraction(count, total), limit)
            messages.append(
                f"{kind}: {count} of {total} managed objects would be deleted or updated "
                f"({share}% > {most}%)"
            )
    return {"blocked": bool(messages), "messages": messages}


def _percents(share: Fraction, limit: Fraction) -> tuple[str, str]:
    """`share` and `limit` (share > limit) as percentages: the limit as j1sync.yaml gives
    it, the share with as many decimals as it takes to show it above the limit (13 of 42
    over 30.9%: "31% > 30.9%", never "31% > 31%", nor 30.04% as "30% > 30%")."""
    most = f"{float(limit * 100):g}"
    exact = float(share * 100)
    for places in range(4):
        shown = f"{exact:.{places}f}"
        if float(shown) > float(most):
            return shown, most
    return f"{exact:g}", most


def raise_if_unsafe(plan: Plan, force: bool) -> None:
    """Refuse a blocked plan unless forced (UnsafePlan exits 3). The plan's messages say
    what is blocked only: plan and drift show them too, and only apply has --force."""
    if plan.safety["blocked"] and not force:
        raise UnsafePlan(
            "plan blocked by a safety limit; --force to apply it anyway:\n"
            + "\n".join(plan.safety["messages"])
        )
