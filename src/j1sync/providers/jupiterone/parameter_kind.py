"""Parameter: the account's parameter store as a kind (graphql area). Natural key: the
name (which is also the id: parameters have no other).

Ownership: parameters carry no tags, so a live parameter no manifest declares is deleted
only when j1sync.yaml enables `prune: Parameter` (like IamGroup). j1sync's own records
(`j1sync_` names: the apply lock, secret fingerprints) are never live objects of the kind.

Secrets: a secret's value cannot be read back. Its desired state keeps `value` only when
it must be written: on create, when the `${env:}` value no longer matches the keyed
fingerprint j1sync keeps beside it (parameter_fingerprint.py), or on `apply --rotate
NAME`. Otherwise `resolve_desired` leaves `value` out of the desired state, and the
engine's `comparable_live_state()` then leaves it out of the comparison: no perpetual diff.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

from j1sync.credentials import ENV_PLAN_KEY
from j1sync.engine.contract import DesiredObject, LiveObject, PrunePolicy, Resolver
from j1sync.errors import ResolutionError
from j1sync.manifest.document import Manifest, ProjectConfig
from j1sync.manifest.names import spec_problem
from j1sync.providers.jupiterone.client import JupiterOneClient
from j1sync.providers.jupiterone.models.parameter import (
    KIND,
    ParameterSpec,
    is_reserved_parameter,
)
from j1sync.providers.jupiterone.parameter_fingerprint import (
    FingerprintKey,
    fingerprint_name,
    fingerprinted_name,
    key_source,
    new_record,
    unchanged,
)
from j1sync.providers.jupiterone.parameters import ParameterStore
from j1sync.providers.node_json import js_numbers

VALUE = "value"
# Where a live object keeps its fingerprint record (raw is never output).
RECORD = "j1syncFingerprint"

log = logging.getLogger("j1sync.parameters")


def normalize_parameter(value: Any, secret: Any) -> dict[str, Any]:
    return {VALUE: value, "secret": bool(secret)}


def parameter_credential_paths(state: Mapping[str, Any]) -> list[str]:
    """A secret's value, on either side of a change, is never shown."""
    return [VALUE] if state.get("secret") and VALUE in state else []


class Parameters:
    kind = KIND
    prune: PrunePolicy = "opt-in"

    def __init__(self, client: JupiterOneClient) -> None:
        self._client = client
        self._store = ParameterStore(client)
        self._rotate: frozenset[str] = frozenset()
        # `--rotate` names as read before the apply: their lastUpdatedOn (`holds`)
        self._rotating: dict[str, Any] = {}
        self._key: FingerprintKey | None = None

    def rotate(self, names: Collection[str]) -> None:
        """`apply --rotate NAME`: write these secrets again, unchanged or not."""
        self._rotate = frozenset(names)

    def rotate_problems(self, desired: Sequence[DesiredObject]) -> list[str]:
        """`--rotate` names must be secret Parameter manifests."""
        secrets = {d.name for d in desired if d.state.get("secret")}
        return [
            f"--rotate {name}: no manifest declares a secret Parameter named {name!r}"
            for name in sorted(self._rotate - secrets)
        ]

    def fingerprint_key(self) -> FingerprintKey:
        if self._key is None:
            self._key = FingerprintKey.choose(self._client.settings.api_key, os.environ)
        return self._key

    def credential_paths(self, state: Mapping[str, Any]) -> list[str]:
        return parameter_credential_paths(state)

    def desired(self, manifest: Manifest, project: ProjectConfig) -> DesiredObject:
        spec = js_numbers(manifest.spec_data())  # as the account will answer it
        state = normalize_parameter(spec[VALUE], spec.get("secret"))
        return DesiredObject(KIND, manifest.name, state, source=manifest.source)

    def read_all(self) -> list[LiveObject]:
        entries = self._store.entries()
        records: dict[str, str] = {}
        for entry in entries:
            owner = fingerprinted_name(str(entry.get("name")))
            if owner is not None and isinstance(entry.get(VALUE), str):
                records[owner] = entry[VALUE]
        return [
            self._live(entry, records.get(entry["name"]))
            for entry in entries
            if not is_reserved_parameter(str(entry.get("name")))
        ]

    def find(self, name: str) -> list[LiveObject]:
        entry = self._store.get(name)
        if entry is None:
            return []
        return [self._live(entry, self._store.read(fingerprint_name(name)))]

    def _live(self, entry: dict[str, Any], record: str | None) -> LiveObject:
        name = str(entry["name"])
        state = normalize_parameter(entry.get(VALUE), entry.get("secret"))
        # a value holding `${env:...}` (a manifest would read it as a variable) or one the
        # manifest model refuses: export leaves it out, the plan never deletes it
        problem = spec_problem(ParameterSpec, state, parameter_credential_paths(state))
        # a secret's value is never read back: its lastUpdatedOn tells `apply --plan` that
        # it was written since the plan (by hand or by another apply)
        updated = entry.get("lastUpdatedOn")
        revision = None if updated is None else str(updated)
        return LiveObject(
            KIND,
            name,
            name,
            state,
            raw={**entry, RECORD: record},
            undeclarable=problem,
            revision=revision,
        )

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]:
        """A secret whose value j1sync wrote and that nobody changed since is compared by
        its other fields only."""
        live_by_name = {obj.name: obj for obj in live if obj.kind == KIND}
        resolved = []
        for want in desired:
            have = live_by_name.get(want.name)
            if want.name in self._rotate and have is not None:
                self._rotating[want.name] = have.raw.get("lastUpdatedOn")
            if have is not None and self._secret_unchanged(want, have):
                want = replace(want, state={k: v for k, v in want.state.items() if k != VALUE})
            elif have is not None and want.state.get("secret"):
                self._warn_other_key(want, have)
            resolved.append(want)
        return resolved, []

    def _warn_other_key(self, want: DesiredObject, have: LiveObject) -> None:
        """A secret whose record was keyed from another secret than this run's (a drift
        job without the J1SYNC_PLAN_KEY apply had): its value cannot be checked here, and
        the plan shows it changed, like a hand edit. Say why, on stderr."""
        source, mine = key_source(have.raw.get(RECORD)), self.fingerprint_key().source
        if source is None or source == mine:
            return
        log.warning(
            "%s: the fingerprint of its secret value was made with %s, and this run keys "
            "with %s: the value cannot be checked here and is planned as changed (written "
            "again by apply). Give plan, apply and drift the same %s.",
            want.address,
            source,
            mine,
            source if source == ENV_PLAN_KEY else ENV_PLAN_KEY,
        )

    def _secret_unchanged(self, want: DesiredObject, have: LiveObject) -> bool:
        return want.name not in self._rotate and self.holds(have, want)

    def holds(self, live: LiveObject, desired: DesiredObject) -> bool:
        """A secret whose fingerprint record says j1sync wrote `desired`'s value into it,
        and nobody wrote it since (engine.contract.ConfirmsUnreadable)."""
        if not (desired.state.get("secret") and live.state.get("secret")):
            return False
        if VALUE not in desired.state:
            return False
        if desired.name in self._rotating and (
            live.raw.get("lastUpdatedOn") == self._rotating[desired.name]
        ):
            return False  # `--rotate`: written again, or not held (it was before)
        return unchanged(
            live.raw.get(RECORD),
            self.fingerprint_key(),
            desired.name,
            desired.state[VALUE],
            live.raw.get("lastUpdatedOn"),
        )

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        self._write(desired)
        return desired.name

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None:
        if live.state.get("secret") and not desired.state["secret"]:
            # parameters.md: a secret is made non-secret only with a new value in the same
            # request, and j1sync cannot know whether the value is new: remove, then set.
            self._store.delete(live.name)
        self._write(desired)
        if not desired.state["secret"] and live.raw.get(RECORD) is not None:
            self._store.delete(fingerprint_name(live.name))

    def delete(self, live: LiveObject) -> None:
        self._store.delete(live.name)
        if live.state.get("secret") or live.raw.get(RECORD) is not None:
            self._store.delete(fingerprint_name(live.name))

    def _write(self, desired: DesiredObject) -> None:
        if VALUE not in desired.state:
            raise ResolutionError(
                f"{desired.address}: the secret's value is unknown here; plan again"
            )
        value, secret = desired.state[VALUE], bool(desired.state["secret"])
        self._store.set(desired.name, value, secret=secret)
        if secret:
            written = (self._store.get(desired.name) or {}).get("lastUpdatedOn")
            record = new_record(self.fingerprint_key(), desired.name, value, written)
            self._store.write(fingerprint_name(desired.name), record)
