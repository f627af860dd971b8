"""The provider contract suite's registration interface: what a system fills in to be
tested by tests/contract/ (the way octoDNS tests every provider with one suite).

A system registers one `ContractSystem` (see `jupiterone_system.py`) and is listed in
`SYSTEM_MODULES`; every generic test in this folder then runs against its emulator,
through the real CLI over HTTP:

- convergence: random manifest sets applied to random accounts converge (`plan
  --detailed-exitcode` exits 0 after `apply`), every declared object exists exactly once,
  unmanaged objects are byte-for-byte unchanged, managed objects without a manifest go;
- every field: a change to one field of one manifest plans an update of exactly that
  path at exactly that address, and apply heals it; the rows cover every spec field;
- export round trip: an export of a random account validates, its first plan changes
  nothing but what adoption must (the system says what), and after apply a second export
  is the same files;
- drift: a hand edit in the emulator is reported by `drift` and healed by `apply`;
- faults (429, 5xx, lost responses): apply converges, no natural key is held twice,
  unmanaged objects are unchanged.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import typing
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from io import StringIO
from typing import Any, Protocol

from hypothesis import strategies as st
from pydantic import BaseModel
from ruamel.yaml import YAML

from j1sync.emulator.faults import FaultSwitches, Stats

# Every object of a store snapshot, by collection: what the emulator holds, as stored.
Snapshot = Mapping[str, list[dict[str, Any]]]
# manifest files of one case: path relative to the manifest folder -> YAML text
Files = Mapping[str, str]

# The modules that register a system (each defines SYSTEM: ContractSystem).
SYSTEM_MODULES = (
    "tests.contract.jupiterone_system",
    "tests.contract.xyops_system",
    "tests.contract.opencti_system",
)


class Target(Protocol):
    """One running emulator, as the generic tests drive it. The fault switches and the
    request counters are the shared ones (j1sync.emulator.faults)."""

    @property
    def switches(self) -> FaultSwitches: ...

    @property
    def stats(self) -> Stats: ...

    def env(self) -> dict[str, str]:
        """The environment the j1sync CLI needs to reach this emulator (URL, key...)."""
        ...

    def reset(self, account: Any) -> None:
        """Forget everything and hold `account` (the system's seed) instead; faults off,
        counters zero."""
        ...

    def snapshot(self) -> Snapshot: ...


@dataclass(frozen=True)
class Case:
    """One generated situation: manifests and the account they are applied to.

    - `files`: the manifest folder's files (path -> YAML text).
    - `account`: the emulator's seed (managed objects with and without a manifest,
      hand-edited twins of manifests, unmanaged objects).
    - `addresses`: the engine addresses the manifests declare (`AlertRule/x`,
      `xyops.Event/y`): each must exist exactly once after apply.
    - `facts`: what the system's own checks need to know about the case.
    """

    files: Files
    account: Any
    addresses: frozenset[str]
    facts: Any = None


@dataclass(frozen=True)
class FieldChange:
    """One row of "every field changes exactly its path": `base` applied, then `changed`
    (the same manifests with one field of one manifest edited) plans an update of
    `paths` at `address` alone (`paths` empty: no change at all). Rows are applied
    together where their files agree (the objects they name alike, the objects they
    change each their own name): give each row's object a name of its own."""

    kind: str  # manifest kind (bare: `Event`)
    field: str  # the spec model's field; `[]` marks list items (`queries[].name`)
    base: Files
    changed: Files
    address: str
    paths: tuple[str, ...]
    alone: bool = False  # applied on its own (it moves to an object other rows name)


def by_id(snapshot: Snapshot) -> dict[Hashable, Any]:
    """Every stored object by (collection, id)."""
    return {(c, obj["id"]): obj for c, objs in snapshot.items() for obj in objs}


def nothing_gone(snapshot: Snapshot, case: Case) -> set[Hashable]:
    """Apply deletes nothing the checks need to see gone."""
    return set()


def no_credentials(snapshot: Snapshot, address: str, path: str) -> str:
    raise AssertionError(
        f"export wrote ${{env:...}} for {address} {path}: the system's ContractSystem "
        "needs a credential_value"
    )


def never_adopted(change: Mapping[str, Any]) -> bool:
    """The first plan of an export changes nothing at all."""
    return False


@dataclass(frozen=True)
class ContractSystem:
    """What a system gives the contract suite.

    - `emulator()`: a context manager running one emulator (`Target`) for a test module.
    - `cases()`: random manifest sets with random accounts (`Case`).
    - `natural_keys(snapshot)`: engine kind -> the natural key of every stored object of
      that kind, as j1sync matches them (a key listed twice is a duplicate).
    - `untouchable(snapshot, case)`: the objects j1sync must leave byte-for-byte alone
      in this case, keyed as `objects` keys them.
    - `gone(snapshot, case)`: keys (as `objects`) of objects apply must delete.
    - `hand_edit(target, case)`: after the case is applied, change one managed object
      in the emulator's store as a person would; return its address (None: nothing in
      this case can be edited).
    - `field_account`, `field_changes`: the account and the rows of the every-field
      test; `spec_models`: manifest kind -> spec model, which the rows must cover.
    - `export_accounts()`: random accounts to export; `export_args`: the CLI arguments
      before `--out DIR`; `adopted(change)`: a change (plan JSON) the first plan of an
      export may show because adoption needs it (JupiterOne: the managed tag);
      `exported_keys(snapshot)`: the natural keys (as `natural_keys`) an export writes,
      when it leaves some objects out (OpenCTI: the built-ins); None: all of them.
    - `objects(snapshot)`: every stored object by a stable key.
    - `credential_value(snapshot, address, path)`: the stored credential an export wrote
      as `${env:NAME}` (listed in its .env.example), which the round trip then sets.
    - `secret_variables`: the variables holding credentials (the API key, a token
      manifests reference): their values never appear in any command's output.
    - `known_gaps`: contract tests the system fails for a known reason, with the reason.
    """

    name: str
    emulator: Callable[[], AbstractContextManager[Target]]
    cases: Callable[[], st.SearchStrategy[Case]]
    natural_keys: Callable[[Snapshot], Mapping[str, Sequence[str]]]
    untouchable: Callable[[Snapshot, Case], Mapping[Hashable, Any]]
    hand_edit: Callable[[Target, Case], str | None]
    field_account: Any
    field_changes: Sequence[FieldChange]
    spec_models: Mapping[str, type[BaseModel]]
    export_accounts: Callable[[], st.SearchStrategy[Any]]
    export_args: tuple[str, ...] = ("export",)
    adopted: Callable[[Mapping[str, Any]], bool] = never_adopted
    exported_keys: Callable[[Snapshot], Mapping[str, Sequence[str]]] | None = None
    gone: Callable[[Snapshot, Case], set[Hashable]] = nothing_gone
    objects: Callable[[Snapshot], Mapping[Hashable, Any]] = by_id
    credential_value: Callable[[Snapshot, str, str], str] = no_credentials
    # environment variables (of `Target.env()`) whose values no command may ever print
    secret_variables: tuple[str, ...] = ()
    # test function -> why this system cannot pass it yet: run as a strict xfail (it
    # must fail, and turns the suite red once it passes, so the entry goes)
    known_gaps: Mapping[str, str] = field(default_factory=dict)

    # failure reports (hypothesis's too) name the system, not its tables
    def __repr__(self) -> str:
        return f"ContractSystem({self.name!r})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


def registered() -> list[ContractSystem]:
    """Every registered system, in `SYSTEM_MODULES` order."""
    return [importlib.import_module(module).SYSTEM for module in SYSTEM_MODULES]


def spec_fields(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    """Every field of a spec model, nested models' too (`feed_attributes[].attribute`); a
    model nested in itself (a FilterGroup's `filterGroups`) is listed once."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path
        for nested, in_list in _nested(info.annotation):
            if nested is not model:
                yield from spec_fields(nested, f"{path}[]." if in_list else f"{path}.")


def _nested(annotation: Any, in_list: bool = False) -> Iterator[tuple[type[BaseModel], bool]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, in_list
        return
    origin = typing.get_origin(annotation)
    for arg in typing.get_args(annotation):
        yield from _nested(arg, in_list or origin is list)


def document_files(
    api_version: str, documents: Iterable[tuple[str, str, Mapping[str, Any]]]
) -> dict[str, str]:
    """(kind, name, spec) documents as one YAML file each, named after the kind and the
    object (`<kind>/<digest of name>.yaml`): the same document is the same file in every
    case, so cases can be joined (the every-field test applies many rows at once)."""
    files: dict[str, str] = {}
    for kind, name, spec in documents:
        digest = hashlib.sha256(name.encode()).hexdigest()[:12]
        files[f"{kind}/{digest}.yaml"] = _yaml_text(
            json.dumps([api_version, kind, name, spec], sort_keys=True)
        )
    return files


@functools.lru_cache(maxsize=4096)
def _yaml_text(document: str) -> str:
    """One manifest's YAML (cached: rows repeat the documents they share)."""
    api_version, kind, name, spec = json.loads(document)
    yaml = YAML(typ="safe")  # libyaml's emitter when installed
    yaml.default_flow_style = False
    text = StringIO()
    document = {"apiVersion": api_version, "kind": kind, "metadata": {"name": name}}
    if spec:  # an empty spec is left out, as export writes it (the loader refuses `spec: {}`)
        document["spec"] = spec
    yaml.dump(document, text)
    return text.getvalue()
