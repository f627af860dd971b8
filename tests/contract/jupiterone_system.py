"""JupiterOne registered with the contract suite: its emulator, and the JupiterOne-specific
strategies and tables the e2e and export tests already keep (imported, not copied)."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from j1sync.emulator.faults import FaultSwitches, Stats
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from j1sync.providers.jupiterone.models import SPEC_MODELS
from tests.contract.systems import (
    Case,
    ContractSystem,
    FieldChange,
    Snapshot,
    by_id,
    document_files,
)
from tests.e2e.conftest import PARAMETER_SECRET, PARAMETER_SECRET_VARIABLE
from tests.e2e.strategies import MANAGED_TAG, Scenario, scenarios
from tests.e2e.test_every_field import (
    NAMES,
    ROWS,
    SEED,
    SUPPORT_QUESTIONS,
    SUPPORT_RESOURCE_GROUPS,
)
from tests.e2e.test_property import keys, question_key, untouchable
from tests.export.conftest import BASE_SEED
from tests.export.strategies import accounts

API_VERSION = "j1sync/v1"
API_KEY = "contract-Key-3c8e41a7f2"
HAND_EDIT = "edited by hand in the contract suite"


@dataclass
class JupiterOneTarget:
    emu: Emulator

    @property
    def switches(self) -> FaultSwitches:
        return self.emu.switches

    @property
    def stats(self) -> Stats:
        return self.emu.stats

    def env(self) -> dict[str, str]:
        return {
            "JUPITERONE_API_KEY": self.emu.api_key,
            "JUPITERONE_ACCOUNT_ID": self.emu.account,
            "JUPITERONE_API_URL": self.emu.url,
            PARAMETER_SECRET_VARIABLE: PARAMETER_SECRET,
        }

    def reset(self, account: Any) -> None:
        store = self.emu.store
        for collection, objects in store.snapshot().items():
            for obj in objects:
                store.delete(collection, str(obj["id"]))
        self.emu.backend.deferred.clear()
        self.emu.seed_objects(json.loads(json.dumps(account)))
        switches = self.emu.switches
        switches.rate_429 = switches.fail_rate = switches.lose_responses = 0.0
        switches.clear_failures()
        switches.reseed(11)
        self.emu.stats.reset()

    def snapshot(self) -> Snapshot:
        return self.emu.snapshot()

    def __repr__(self) -> str:
        return f"JupiterOneTarget({self.emu.url})"


@contextmanager
def emulator() -> Iterator[JupiterOneTarget]:
    with running_emulator(db=":memory:", seed="none", api_key=API_KEY, page_size=5) as emu:
        yield JupiterOneTarget(emu)


def to_case(scenario: Scenario) -> Case:
    addresses = {
        f"{kind}/{spec.get('instance') or name if kind == 'IntegrationSchedule' else name}"
        for kind, name, spec in scenario.manifests
    }
    return Case(
        files=document_files(API_VERSION, scenario.manifests),
        account=scenario.seed,
        addresses=frozenset(addresses),
        facts=scenario,
    )


def natural_keys(snapshot: Snapshot) -> dict[str, list[str]]:
    return keys(dict(snapshot))


def unmanaged(snapshot: Snapshot, case: Case) -> dict[Hashable, Any]:
    return dict(untouchable(dict(snapshot), case.facts))


def gone(snapshot: Snapshot, case: Case) -> set[Hashable]:
    """Rules and questions that carry the managed tag and have no manifest."""
    result: set[Hashable] = set()
    for collection, kind in (("rules", "AlertRule"), ("questions", "Question")):
        declared = case.facts.names(kind)
        for obj in snapshot.get(collection, []):
            if MANAGED_TAG in obj["tags"] and question_key(obj) not in declared:
                result.add((collection, obj["id"]))
    return result


# What a person edits by hand, per collection: (kind, the object's key, field, new value)
_EDITABLE = (
    ("rules", "AlertRule", "description"),
    ("questions", "Question", "description"),
    ("iam_groups", "IamGroup", "description"),
)


def hand_edit(target: Any, case: Case) -> str | None:
    """Change the description of one declared rule, question or IAM group in the store."""
    store = target.emu.store
    for collection, kind, key in _EDITABLE:
        declared = case.facts.names(kind)
        for obj in store.objects(collection):
            name = question_key(obj)
            if name in declared:
                store.replace(collection, {**obj, key: HAND_EDIT})
                return f"{kind}/{name}"
    return None


def field_changes() -> list[FieldChange]:
    """The e2e every-field table (tests/e2e/test_every_field.py) with its support
    manifests (questions and resource groups that rows reference), each row's object
    named on its own (a schedule is named by its instance, and rows that move to another
    instance run alone)."""
    support = [
        *[("Question", name, spec) for name, spec in SUPPORT_QUESTIONS.items()],
        *[("ResourceGroup", name, spec) for name, spec in SUPPORT_RESOURCE_GROUPS.items()],
    ]
    changes = []
    for index, row in enumerate(ROWS):
        if row.name or row.kind == "IntegrationSchedule":
            name = row.name or NAMES[row.kind]
        elif row.kind == "Parameter":
            name = f"{NAMES[row.kind]}_{index}"
        else:
            name = f"{NAMES.get(row.kind, 'under-test')}-{index}"
        changes.append(
            FieldChange(
                kind=row.kind,
                field=row.field,
                base=document_files(API_VERSION, [*support, (row.kind, name, row.base)]),
                changed=document_files(API_VERSION, [*support, (row.kind, name, row.changed)]),
                address=row.address or f"{row.kind}/{name}",
                paths=row.paths,
                alone=bool(row.address),
            )
        )
    return changes


def adopted(change: Mapping[str, Any]) -> bool:
    """Adopting a rule or a question adds the managed tag, and nothing else."""
    return (
        change["kind"] in ("Question", "AlertRule")
        and change["action"] == "update"
        and change["changed_paths"] == ["tags"]
    )


def export_accounts() -> st.SearchStrategy[dict[str, Any]]:
    return accounts().map(lambda seed: {**BASE_SEED, **seed})


SYSTEM = ContractSystem(
    name="jupiterone",
    emulator=emulator,
    cases=lambda: scenarios().map(to_case),
    natural_keys=natural_keys,
    untouchable=unmanaged,
    gone=gone,
    hand_edit=hand_edit,
    field_account=SEED,
    field_changes=field_changes(),
    spec_models=SPEC_MODELS,
    export_accounts=export_accounts,
    export_args=("export",),
    adopted=adopted,
    objects=by_id,
    secret_variables=("JUPITERONE_API_KEY",),
)
