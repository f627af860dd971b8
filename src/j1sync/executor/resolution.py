"""Turning a plan back into what the provider needs: ids by address, and desired objects
whose `${env:…}` values come from the applying process's own environment."""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping, Sequence

from j1sync.engine.contract import DesiredObject, LiveObject
from j1sync.engine.model import Plan
from j1sync.engine.paths import get_path, has_path, parse_path, set_path
from j1sync.engine.sensitive import missing_variables, resolve_template
from j1sync.errors import ConfigError, ResolutionError

_ABSENT = object()


class RunResolver:
    """Resolver for one apply: live ids, plus ids of objects created in this run."""

    def __init__(self, live: Sequence[LiveObject]) -> None:
        self._ids = {obj.address: obj.id for obj in live if obj.id is not None}
        self._lock = threading.Lock()

    def record(self, address: str, object_id: str) -> None:
        with self._lock:
            self._ids[address] = object_id

    def id_of(self, address: str) -> str:
        with self._lock:
            found = self._ids.get(address)
        if found is None:
            raise ResolutionError(
                f"{address} has no id: it is not in the account and was not created in this run"
            )
        return found


def desired_objects(
    plan: Plan, env: Mapping[str, str], live: Sequence[LiveObject] = ()
) -> dict[str, DesiredObject]:
    """address -> DesiredObject for every create and update, secrets re-resolved (and
    literal credentials the account holds alike copied from `live`, the account now).

    Every unset variable, and every credential a saved plan could not carry, is reported
    at once, before any change is made.
    """
    _refuse_literal_secrets(plan)
    missing: dict[str, list[str]] = {}
    for change in plan.actionable:
        for template in change.sensitive.values():
            for name in missing_variables(template, env):
                missing.setdefault(name, []).append(change.address)
    if missing:
        lines = [
            f"{name}{' (set but empty)' if name in env else ''} "
            f"(used by {', '.join(sorted(set(users)))})"
            for name, users in missing.items()
        ]
        raise ConfigError(
            "environment variables needed by the plan are not set: " + "; ".join(lines)
        )
    result: dict[str, DesiredObject] = {}
    live_by_address = {obj.address: obj for obj in live}
    for change in plan.actionable:
        if change.action == "delete" or change.after is None:
            continue
        state = copy.deepcopy(change.after)
        kept = dict(change.secret_values)  # `apply PATHS`: the manifests' own values
        current = live_by_address.get(change.address)
        for path in change.account_secrets:
            if path not in kept:
                value = get_path(current.state, path, _ABSENT) if current else _ABSENT
                if value is _ABSENT:
                    raise ConfigError(
                        f"plan: {change.address}: the account holds no value at {path}"
                    )
                kept[path] = value
        for path, value in kept.items():
            if path:
                set_path(state, path, copy.deepcopy(value))
            else:
                state = copy.deepcopy(value)
        for path, template in change.sensitive.items():
            if any(_below(path, parent) for parent in kept):
                continue  # restored whole, with the rest of its dict
            if not has_path(state, path):
                raise ConfigError(f"plan: {change.address} has no value at sensitive path {path}")
            set_path(state, path, resolve_template(template, env))
        result[change.address] = DesiredObject(
            kind=change.kind, name=change.name, state=state, depends_on=tuple(change.depends_on)
        )
    return result


def _below(path: str, parent: str) -> bool:
    return path != parent and parse_path(path)[: len(parse_path(parent))] == parse_path(parent)


def literal_secrets(plan: Plan, *, unless_held: bool = False) -> list[str]:
    """`address: path` of each credential written literally in a manifest that a create
    or update needs: a plan file holds only its path. With `unless_held`, those whose
    value this process still holds (a plan made in this run) are left out."""
    return [
        f"{change.address}: {path}"
        for change in plan.actionable
        if change.action != "delete"
        for path in change.literal_secrets
        if not (unless_held and path in change.secret_values)
    ]


LITERAL_SECRET_ADVICE = (
    "write each as ${env:NAME} in the manifest and set NAME where plan and apply run, or "
    "apply the manifests directly with `j1sync apply PATHS`"
)


def literal_secret_warning(plan: Plan) -> str | None:
    """For `plan --out`: the changes `apply --plan` will refuse, and what to do."""
    found = literal_secrets(plan)
    if not found:
        return None
    return (
        "apply --plan will refuse this plan: it cannot carry these credentials, written "
        "literally in the manifests: " + "; ".join(found) + "; " + LITERAL_SECRET_ADVICE
    )


def _refuse_literal_secrets(plan: Plan) -> None:
    """A credential written literally in a manifest is not in a saved plan (only its path
    is): such a change can be applied from the manifests, not from the file."""
    problems = literal_secrets(plan, unless_held=True)
    if problems:
        raise ConfigError(
            "the plan cannot carry these credentials, written literally in the manifests "
            "(a plan file never holds a secret): "
            + "; ".join(problems)
            + ". "
            + LITERAL_SECRET_ADVICE[0].upper()
            + LITERAL_SECRET_ADVICE[1:]
        )
