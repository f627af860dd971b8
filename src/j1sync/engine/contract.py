"""The seam between the pure engine and a provider (one per system, docs/architecture.md §8).

The engine only ever sees these shapes. A provider implements `ResourceKind` once per kind
and `Provider` once; the engine never imports a provider and never branches on a kind name.
All `state` dicts are *normalized*: JSON-like (dict/list/str/int/float/bool/None), server
fields dropped, defaults filled, sets sorted, so that equal means "no change".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from j1sync.deferred import Deferred
from j1sync.errors import SourceLocation
from j1sync.manifest.document import Manifest, ProjectConfig

if TYPE_CHECKING:  # the model builds on this module
    from j1sync.engine.model import Change

Action = Literal["create", "update", "delete", "no-op"]

# How a kind's live objects without a manifest are treated:
#   "tagged"  - deleted when they carry the managed tag (rules, questions)
#   "opt-in"  - deleted only when j1sync.yaml enables prune for the kind (IAM groups)
#   "never"   - never deleted (integration schedules)
PrunePolicy = Literal["tagged", "opt-in", "never"]


def address_of(kind: str, name: str) -> str:
    return f"{kind}/{name}"


def kind_of(address: str) -> str:
    """`AlertRule/x` -> `AlertRule` (a kind name never holds a slash; a name may)."""
    return address.partition("/")[0]


@dataclass(frozen=True)
class DesiredObject:
    kind: str
    name: str  # natural key
    state: dict[str, Any]  # normalized desired state; its keys are the fields it manages
    depends_on: tuple[str, ...] = ()  # addresses this object needs before create/update
    source: SourceLocation | None = None
    # The spec as its manifest wrote it (no defaults filled in): how a plan shows a new
    # object. Display only; never compared, never sent.
    declared: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def address(self) -> str:
        return address_of(self.kind, self.name)


@dataclass(frozen=True)
class LiveObject:
    kind: str
    name: str  # natural key (question with empty name: its title)
    id: str | None
    state: dict[str, Any]  # normalized live state, same shape as DesiredObject.state
    managed: bool = False  # carries the managed tag
    builtin: bool = False  # never deleted (e.g. IAM groups Users, Administrators)
    references: tuple[str, ...] = ()  # addresses of live objects it uses (rule -> question)
    raw: dict[str, Any] = field(default_factory=dict, compare=False)  # API object; never output
    # why no manifest can declare it as it is (a value its system allows and its manifest
    # model refuses: manifest/names.spec_problem), or None: export leaves it out, the plan
    # never deletes it
    undeclarable: str | None = None
    # what the account changes whenever the object is written, where its state cannot show
    # every write (a secret parameter's value is never read back: its lastUpdatedOn); part
    # of its fingerprint, so `apply --plan` sees such a write since the plan; None: none
    revision: str | None = None

    @property
    def address(self) -> str:
        return address_of(self.kind, self.name)


def manifest_lines(desired: Iterable[DesiredObject]) -> Mapping[str, SourceLocation]:
    """Where each of `desired`'s manifests is (file, line), by address, for the messages
    that send the user there: worked out when first read, so a plan with nothing to say
    never works it out (at 20,000 objects ~15 ms, after the account's last page)."""
    return Deferred(_lines_of, desired)


def _lines_of(desired: Iterable[DesiredObject]) -> dict[str, SourceLocation]:
    return {d.address: d.source for d in desired if d.source is not None}


def comparable_live_state(live: LiveObject, desired: DesiredObject) -> dict[str, Any]:
    """The live state restricted to the fields `desired` manages: the one rule by which a
    plan and an apply compare an object. A kind leaves a field out of its desired state to
    leave it unmanaged (IamGroup `members`, IntegrationSchedule `definition` when the
    manifest omits them); comparing the full live state would report a change forever."""
    return {k: v for k, v in live.state.items() if k in desired.state}


class Resolver(Protocol):
    """At apply time: the live id of an address, including objects created in this run."""

    def id_of(self, address: str) -> str: ...


class ResourceKind(Protocol):
    """One kind of object j1sync manages. Implemented by a provider, driven by the engine."""

    kind: str
    prune: PrunePolicy

    def desired(self, manifest: Manifest, project: ProjectConfig) -> DesiredObject:
        """Normalize a manifest (managed tag added, defaults filled)."""
        ...

    def create(self, desired: DesiredObject, resolver: Resolver) -> str:
        """Create the object; return its new id."""
        ...

    def update(self, live: LiveObject, desired: DesiredObject, resolver: Resolver) -> None: ...

    def delete(self, live: LiveObject) -> None: ...

    def find(self, name: str) -> list[LiveObject]:
        """Re-read live objects with this natural key (after an ambiguous mutation)."""
        ...


@runtime_checkable
class ResolvesAgainstLive(Protocol):
    """Optional, for a kind whose manifests can only match something that already exists
    (an integration schedule needs its instance) or name one (a rule action's integration
    instance). Before planning, each desired object is given the natural keys of the live
    objects it means; problems (none, or several candidates) are returned as messages and
    stop the run before any plan exists. `live` is every object read, of every kind: a
    kind picks what it needs."""

    def resolve_desired(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> tuple[list[DesiredObject], list[str]]: ...


@runtime_checkable
class ResolvesAgainstKinds(Protocol):
    """Optional, with `ResolvesAgainstLive`: the kinds of live objects `resolve_desired`
    reads (it reads no other; a rule's actions, the integration instances), so that a
    plan may resolve as soon as those are read, while the rest is read. The resolution
    must be the same whenever it is made, given the same objects."""

    resolves_against: Collection[str]


@runtime_checkable
class ChecksReferences(Protocol):
    """Optional, for a kind whose manifests name other objects by natural key (an OpenCTI
    group its roles and markings). Before planning, each desired object's names are checked
    against `known`, the addresses the run declares and those read from the account; each
    name that is neither is a message naming the manifest, its field and the name, and
    they stop the run before any plan exists (an apply would fail half-way)."""

    def reference_problems(
        self, desired: Sequence[DesiredObject], known: Collection[str]
    ) -> list[str]: ...


@runtime_checkable
class DeclaresCredentials(Protocol):
    """Optional, for a kind whose objects hold credentials (a rule's webhook URL, headers
    and body; chat and ticketing tokens). It names the paths of a normalized state that
    hold them, present in that state (a leaf or a whole subtree); the engine masks every
    string there in every output and never writes one into a plan file."""

    def credential_paths(self, state: Mapping[str, Any]) -> list[str]: ...


@runtime_checkable
class HoldsKinds(Protocol):
    """Optional, for a kind whose objects may hold objects of other kinds (their
    `references`) that the API will not delete while held, or whose delete would break
    them (a dashboard its resource group, the questions its widgets show). When a plan
    deletes objects of such kinds, this kind is read too, even with no manifest of its
    own, so that what its objects hold is kept (engine/plan.py `UsersOf`,
    `_keep_what_is_used`); a plan that deletes none does not read it for this."""

    holds_kinds: tuple[str, ...]


@runtime_checkable
class RewritesOnRequest(Protocol):
    """Optional, for a kind holding values it cannot read back (a secret parameter):
    `apply --rotate NAME` has the named objects written again even where the kind finds
    no change. `rotate_problems` names those of the names it was given that none of
    `desired` (the manifests' objects of its kind) is: checked once the manifests are
    loaded, before the account is locked or read."""

    def rotate(self, names: Collection[str]) -> None: ...

    def rotate_problems(self, desired: Sequence[DesiredObject]) -> list[str]: ...


@runtime_checkable
class ConfirmsUnreadable(Protocol):
    """Optional, with `RewritesOnRequest`: after an ambiguous write, whether the re-read
    `live` object holds what `desired` asks though the re-read cannot show it (a secret's
    value), by the kind's own record of what it wrote. Without it every such re-read
    would find the change not made and write again, and a write whose answers keep
    getting lost would fail though it was made."""

    def holds(self, live: LiveObject, desired: DesiredObject) -> bool: ...


class LockStore(Protocol):
    """A few named text values kept in the account itself, seen alike by every machine
    that reaches it (e.g. a parameter store, a bucket). Plain reads and writes, no
    compare-and-set: engine/lock.py builds the apply lock on top."""

    def read(self, name: str) -> str | None:
        """The value stored under `name`, or None when there is none."""
        ...

    def write(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None:
        """Remove the value; no error when there is none."""
        ...


class Provider(Protocol):
    """A connected account: its kinds in dependency order, a way to read it all, and a
    place in the account for the lock that keeps applies from overlapping."""

    account: str
    kinds: Sequence[ResourceKind]

    def read_live(self, kinds: Sequence[str] | None = None) -> list[LiveObject]:
        """Read every live object of the given kinds (all when None), concurrently."""
        ...

    def kind(self, name: str) -> ResourceKind: ...

    def lock_store(self) -> LockStore: ...


# Live objects a read hands over before it ends (ReadsInParts).
LivePart = Callable[[Sequence[LiveObject]], None]


def no_part(live: Sequence[LiveObject]) -> None:
    """The `LivePart` of a plain `read_live`: keeps nothing."""


class KindRead(list[LiveObject]):
    """A part (ReadsInParts) that is every live object of one kind, as the read returns
    them: that kind's read is over, the rest may not be (its objects may have come in
    parts before). What resolves against that kind (ResolvesAgainstKinds) can then be
    resolved while the rest is read."""

    def __init__(self, kind: str, objects: Iterable[LiveObject]) -> None:
        super().__init__(objects)
        self.kind = kind


@runtime_checkable
class ReadsInParts(Protocol):
    """Optional, for a provider that can hand over live objects before its whole read is
    done: reads as `read_live` does, and calls `part` with each group of objects as soon as
    they are read and normalized (a kind, a page of one), from any thread, so that a plan
    works on them while the rest is read. A part is a head start, never a different
    answer: each object handed over is among those returned (or, once linked, replaced
    there by its linked copy); none need be handed over at all. A kind read whole may be
    said with a `KindRead` of its objects, in the order the read returns them."""

    def read_live_in_parts(
        self, kinds: Sequence[str] | None, part: LivePart
    ) -> list[LiveObject]: ...


@runtime_checkable
class GuardsChanges(Protocol):
    """Optional, for a provider some of whose changes are dangerous in a way the safety
    gate's counts cannot see (taking every administrator's rights away): the plan's
    changes -> a message per such change, each blocking the plan as the safety gate
    does (exit 3; `apply --force` proceeds)."""

    def safety_messages(self, changes: Sequence[Change]) -> list[str]: ...


KindRegistry = Mapping[str, ResourceKind]
