"""Turning a plan back into what the provider needs: ids by address, and desired objects
whose `${env:…}` values come from the applying process's own environment."""

from __future__ import annotations

import copy
import threading
from collections.abc import Mapping, Sequence

from j1sync.engine.contract import DesiredObject, LiveObject
from j1sync.engine.model import Plan
from j1sync.engine.paths import has_path, parse_path, set_path
from j1sync.engine.sensitive import missing_variables, resolve_template
from j1sync.errors import ConfigError, ResolutionError


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


def desired_objects(plan: Plan, env: Mapping[str, str]) -> dict[str, DesiredObject]:
    """address -> DesiredObject for every create and update, secrets re-resolved.

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
        lines = [f"{name} (used by {', '.join(sorted(set(a)))})" for name, a in missing.items()]
        raise ConfigError(
            "environment variables needed by the plan are not set: " + "; ".join(lines)
        )
    result: dict[str, DesiredObject] = {}
    for change in plan.actionable:
        if change.action == "delete" or change.after is None:
            continue
        state = copy.deepcopy(change.after)
        for path, value in change.secret_values.items():  # `apply PATHS` only
            if path:
                set_path(state, path, copy.deepcopy(value))
            else:
                state = copy.deepcopy(value)
        for path, template in change.sensitive.items():
            if any(_below(path, kept) for kept in change.secret_values):
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


def _refuse_literal_secrets(plan: Plan) -> None:
    """A credential written literally in a manifest is not in a saved plan (only its path
    is): such a change can be applied from the manifests, not from the file."""
    problems = [
        f"{change.address}: {path}"
        for change in plan.actionable
        if change.action != "delete"
        for path in change.literal_secrets
        if path not in change.secret_values
    ]
    if problems:
        raise ConfigError(
            "the plan cannot carry these credentials, written literally in the manifests "
            "(a plan file never holds a secret): " + "; ".join(problems) + ". Write each "
            "as ${env:NAME} in the manifest and set NAME where plan and apply run, or "
            "apply the manifests directly with `j1sync apply PATHS`"
        )
