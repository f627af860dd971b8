"""How renderers show a plan's values and counts: one spelling for text and Markdown."""

from __future__ import annotations

from j1sync.engine.model import STILL_USED, Plan, PlanSection
from j1sync.output.text_diff import exact, read_like_another

SYMBOLS = {"create": "+", "update": "~", "delete": "-", "no-op": " "}


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_line(plan: Plan) -> str:
    totals = plan.totals()
    return (
        f"Plan: {totals['create']} to create, {totals['update']} to update, "
        f"{totals['delete']} to delete, {totals['unmanaged']} unmanaged."
    )


NO_CHANGES = "No changes. The account matches the manifests."
NO_CHANGES_HERE = "No changes: this target matches the manifests."


# A report of a run against the emulators (--emulator; the action's `emulator: auto` when
# no secret is set) says so in its heading, so that a plan of an emulator's data (the
# JupiterOne emulator's demo account, xyOps's and OpenCTI's fresh servers) is never read
# as one of a live system; it names each target `emulator`, not by its address (a port
# that changes every run).
EMULATED = "emulator: local data, not a live system"
EMULATOR_TARGET = "emulator"


def report_title(title: str, emulator: bool) -> str:
    """A report's heading: `j1sync plan`, or `j1sync plan (emulator: local data, ...)`."""
    return f"{title} ({EMULATED})" if emulator else title


def section_heading(section: PlanSection, emulator: bool = False) -> str:
    """How a plan over several targets names one: `xyOps: https://xyops.example.com`;
    against the emulators, `xyOps: emulator`."""
    return f"{section['title']}: {EMULATOR_TARGET if emulator else section['target']}"


def pruning_note(plan: Plan) -> str | None:
    """Why this plan deletes nothing that no manifest declares, when it does not."""
    if plan.pruning["enabled"]:
        return None
    return (
        f"Pruning is off: {plan.pruning['reason']}. Nothing is deleted: live objects that no "
        "manifest of this run declares are left alone; run over the whole project to prune."
    )


STILL_USED_HEADING = "Not deleted, still in use by objects this plan leaves alone:"


def still_used(plan: Plan) -> list[tuple[str, str]]:
    """(address, why) of each object the plan would delete but for a live object it leaves
    alone that still uses it (engine/plan.py): shown, so that a removed manifest's object
    staying is never silent."""
    return [
        (u.address, u.note)
        for u in plan.unmanaged
        if u.note is not None and u.note.endswith(STILL_USED)
    ]


def alike_addresses(plan: Plan) -> dict[str, str]:
    """How to show the plan's changes whose addresses read like another's (`Question/café`
    twice, one spelt with U+0301; a name with U+00A0 for a space: text_diff.read_alike):
    escaped, every character past ASCII as `\\u…`, so a create and a delete never show one
    name. Any other address is shown as it is."""
    alike = read_like_another(change.address for change in plan.actionable)
    return {address: exact(address)[1:-1] for address in alike}
