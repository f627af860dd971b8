"""Desired objects + live objects -> a Plan. Pure: the provider did all reading.

Ownership rules (docs/architecture.md §3): match by (kind, name); a manifest that matches
two or more live objects is an error; live objects nobody declares are deleted only when
their kind's prune policy says so, otherwise counted as unmanaged and never touched.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from operator import attrgetter
from typing import Any

from j1sync import __version__
from j1sync.canonical import canonical_json, text_bytes
from j1sync.engine.contract import (
    DesiredObject,
    LiveObject,
    PrunePolicy,
    comparable_live_state,
    manifest_lines,
)
from j1sync.engine.diff import diff_states
from j1sync.engine.fingerprint import live_fingerprint, new_salt
from j1sync.engine.model import (
    STILL_USED,
    SUMMARY_COLUMNS,
    Change,
    Plan,
    PlanSection,
    Pruning,
    Safety,
    SectionHead,
    UnmanagedObject,
    plan_has_changes,
    pruning_on,
)
from j1sync.engine.order import Schedule
from j1sync.engine.paths import get_path
from j1sync.engine.safety import evaluate_safety
from j1sync.engine.sensitive import (
    CredentialPaths,
    MaskedState,
    Secrets,
    credential_strings,
    holds_literal,
    literal_pattern,
    mask,
    mask_path,
    strings_in,
)
from j1sync.errors import ResolutionError, SourceLocation
from j1sync.manifest.document import ProjectConfig, ownership_mark
from j1sync.providers.registry import system_of_kind

__all__ = ["Change", "Plan", "Safety", "UnmanagedObject", "build_plan", "plan_has_changes"]

Key = tuple[str, str]
_ABSENT = object()

PRUNING_OFF_NOTE = "no manifest of this run declares it; not deleted: pruning is off"


def _describe(desired: DesiredObject) -> str:
    return f"declared at {desired.source}" if desired.source else "declared in the manifests"


# (kind, name) -> why no manifest can have that name, or None (manifest/names.name_problem)
Undeclarable = Callable[[str, str], str | None]
# The kinds a plan deletes objects of -> live objects read apart (kinds neither declared nor
# pruned, so all left alone and not listed) that may use such objects (a hand-made board
# showing a managed question): asked once, only by a plan that deletes, so a plan that
# deletes nothing reads nothing more (reconcile.py `holders_to_read`).
UsersOf = Callable[[Collection[str]], Sequence[LiveObject]]


def _prune_reason(
    live: LiveObject,
    policy: PrunePolicy,
    project: ProjectConfig,
    undeclarable: Undeclarable | None = None,
) -> tuple[str | None, str | None]:
    """(delete reason, unmanaged note) for a live object no manifest declares. One whose
    name no manifest can have (`undeclarable`) is never deleted: no manifest can have
    declared it, nor keep it (a name renamed to end in a space, one holding a control);
    nor one whose values none can (LiveObject.undeclarable: export left it out)."""
    reason = None
    if policy == "tagged" and live.managed:
        mark = ownership_mark(system_of_kind(live.kind), project.managed_tag)
        reason = f"carries {mark} and no manifest declares it"
    elif policy == "opt-in" and project.prune.get(live.kind, False):
        if live.builtin:
            return None, "built-in; never deleted"
        reason = f"prune is enabled for {live.kind} in j1sync.yaml and no manifest declares it"
    problem = undeclarable(live.kind, live.name) if reason and undeclarable else None
    if problem is not None:
        return None, f"no manifest can have this name ({problem}); never deleted"
    if reason and live.undeclarable is not None:
        return None, f"no manifest can declare it as it is ({live.undeclarable}); never deleted"
    return reason, None


class _LiveIndex:
    """The live objects by natural key, made without a tuple or a list per object (a plan
    of 20,000 objects made 40,000 more for the collector to walk): by kind, then name, the
    first object of each key; and the keys several objects share, with all of theirs in
    the order of `live`."""

    def __init__(self, live: Iterable[LiveObject]) -> None:
        self.by_kind: dict[str, dict[str, LiveObject]] = {}
        self.shared: dict[Key, list[LiveObject]] = {}
        for obj in live:
            names = self.by_kind.get(obj.kind)
            if names is None:
                names = self.by_kind[obj.kind] = {}
            first = names.get(obj.name)
            if first is None:
                names[obj.name] = obj
            else:
                self.shared.setdefault((obj.kind, obj.name), [first]).append(obj)

    def sharing(self, kind: str, name: str) -> list[LiveObject] | None:
        """The live objects of a key several share (None: one or none)."""
        return self.shared.get((kind, name)) if self.shared else None


_NO_LIVE: Mapping[str, LiveObject] = {}
_NO_NAMES: frozenset[str] = frozenset()


def _match(
    desired: Sequence[DesiredObject], live: _LiveIndex
) -> tuple[list[LiveObject | None], dict[str, set[str]]]:
    """Each desired object's live object (None: none), in the same order, and the names
    declared, by kind."""
    matched: list[LiveObject | None] = []
    ambiguous: list[str] = []
    seen: dict[str, set[str]] = {}
    by_kind, shared = live.by_kind, live.shared
    for obj in desired:
        kind, name = obj.kind, obj.name
        names = seen.get(kind)
        if names is None:
            names = seen[kind] = set()
        if name in names:
            raise ResolutionError(f"{obj.address} is declared more than once")
        names.add(name)
        have = by_kind.get(kind, _NO_LIVE).get(name)
        candidates = shared.get((kind, name)) if have is not None and shared else None
        if candidates is None:
            matched.append(have)
        else:
            matched.append(None)
            ids = ", ".join(str(c.id) for c in candidates)
            ambiguous.append(
                f"{obj.address} ({_describe(obj)}) matches {len(candidates)} live objects "
                f"with ids {ids}; rename or remove all but one of them"
            )
    if ambiguous:
        raise ResolutionError("ambiguous match, j1sync never guesses:\n" + "\n".join(ambiguous))
    return matched, seen


def _adopts(live: LiveObject, policy: PrunePolicy) -> bool:
    """Whether declaring `live` takes it over: a kind pruned by tag, an object without it."""
    return policy == "tagged" and not live.managed


def _update_reason(live: LiveObject, policy: PrunePolicy, paths: list[str], tag: str) -> str:
    fields = f"{len(paths)} field differs" if len(paths) == 1 else f"{len(paths)} fields differ"
    if _adopts(live, policy):
        mark = ownership_mark(system_of_kind(live.kind), tag)
        return f"adopt: an existing object without {mark} is now declared; {fields}"
    return f"{fields} from the manifest"


def build_plan(
    desired: Sequence[DesiredObject],
    live: Sequence[LiveObject],
    kinds: Mapping[str, PrunePolicy],
    project: ProjectConfig,
    account: str,
    sensitive: Mapping[str, str],
    credentials: Mapping[str, CredentialPaths] | None = None,
    *,
    pruning: Pruning | None = None,
    salt: str | None = None,
) -> Plan:
    """Compare the manifests' desired objects with the live account (`Planner.plan`, with
    nothing worked out beforehand).

    `kinds` maps each kind to its prune policy, in dependency order (it orders the plan);
    `sensitive` maps resolved secret strings to their `${env:…}` templates;
    `credentials` gives, per kind that has any, the paths of a state holding credentials;
    `salt` keys the live fingerprints (a new one when None; the parts of a plan that
    `join_plans` joins share one).
    """
    planner = Planner(sensitive, credentials, salt)
    return planner.plan(desired, live, kinds, project, account, pruning=pruning)


class Planner:
    """Makes plans with one masking (`sensitive`, `credentials`: see `build_plan`) and one
    fingerprint salt, and works out beforehand what does not need every object:
    `prepare_desired` (masking, canonical JSON) and `prepare_live` (canonical JSON,
    credential paths, fingerprint) take objects as soon as they are known, and once both
    objects of a natural key are, compare them. A plan made once the account is read then
    has only the work that needs every object left (matching by natural key, deletes,
    duplicates, order). What was prepared is used for the very same objects only (a
    desired object `resolve_against_live` rewrote, a live one linking replaced, is worked
    out when planned); the plan is the same whether, when and in which order anything was
    prepared. Preparing never fails: what cannot be prepared is worked out when planned,
    failing there if at all."""

    def __init__(
        self,
        sensitive: Mapping[str, str],
        credentials: Mapping[str, CredentialPaths] | None = None,
        salt: str | None = None,
    ) -> None:
        self._masking = _Masking(
            Secrets.from_sensitive(sensitive), credentials or {}, salt or new_salt()
        )
        # by the object's id (the object kept in the entry: `is` tells it is the same)
        self._desired: dict[int, _DesiredSide] = {}
        self._live: dict[int, _LiveSide] = {}
        self._compared: dict[int, _Comparison] = {}  # by the desired object's id
        # prepared objects not yet compared, by natural key (the last of each)
        self._desired_keys: dict[Key, _DesiredSide] = {}
        self._live_keys: dict[Key, _LiveSide] = {}
        # what the credential paths of the objects prepared hold: with those `plan` is
        # given, the run's literals (`_Masking.run_literals`)
        self._literals: set[str] = set()

    def prepare_desired(self, desired: Iterable[DesiredObject]) -> None:
        for want in desired:
            with suppress(Exception):  # worked out when planned (the class says why)
                side = _DesiredSide.of(want, self._masking)
                if side.paths:
                    self._literals.update(credential_strings(want.state, side.paths))
                self._desired[id(want)] = self._desired_keys[(want.kind, want.name)] = side
                self._compare((want.kind, want.name))

    def prepare_live(self, live: Iterable[LiveObject]) -> None:
        for have in live:
            if id(have) in self._live:
                continue  # handed over again
            with suppress(Exception):  # as prepare_desired
                side = _LiveSide.of(have, self._masking)
                self._live[id(have)] = self._live_keys[(have.kind, have.name)] = side
                self._compare((have.kind, have.name))
            self._gather(have)

    def _compare(self, key: Key) -> None:
        """Compare the objects of `key` once both sides are prepared (the desired one then
        belongs to the comparison)."""
        if key in self._desired_keys and key in self._live_keys:
            want, have = self._desired_keys.pop(key), self._live_keys.pop(key)
            self._desired.pop(id(want.obj), None)
            self._compared[id(want.obj)] = _Comparison.of(want, have, self._masking)

    def plan(
        self,
        desired: Sequence[DesiredObject],
        live: Sequence[LiveObject],
        kinds: Mapping[str, PrunePolicy],
        project: ProjectConfig,
        account: str,
        *,
        pruning: Pruning | None = None,
        undeclarable: Undeclarable | None = None,
        users_of: UsersOf | None = None,
    ) -> Plan:
        """The plan of `desired` against `live` (`kinds`: see `build_plan`; `undeclarable`:
        see `_prune_reason`; `users_of`: see `UsersOf`)."""
        masking = self._masking
        masking.run_literals = self._run_literals(desired, live)
        prune = pruning or pruning_on()
        index = _LiveIndex(live)
        matched, declared = _match(desired, index)

        changes: list[Change] = []
        # not counted as managed by the safety limits (engine/safety.py): updates that adopt
        # an untagged object, and built-ins (never deleted, so never managed, declared or not)
        adopted: set[str] = set()
        for want, have in zip(desired, matched, strict=True):
            if have is None:
                changes.append(_create_change(self._desired_side(want), masking))
            else:
                policy = kinds.get(want.kind, "never")
                changes.append(self._comparison(want, have).planned(policy, project.managed_tag))
                if _adopts(have, policy) or have.builtin:
                    adopted.add(want.address)

        unmanaged: list[UnmanagedObject] = []
        for kind, names in index.by_kind.items():
            mine = declared.get(kind, _NO_NAMES)
            for name, obj in names.items():
                if name in mine:
                    continue
                objects = index.sharing(kind, name)
                if objects is not None:
                    shared = f"{len(objects)} live objects share this name; none is touched"
                    unmanaged.extend(_unmanaged(each, shared) for each in objects)
                    continue
                reason, note = _prune_reason(obj, kinds.get(kind, "never"), project, undeclarable)
                if reason is not None and not prune["enabled"]:
                    reason, note = None, PRUNING_OFF_NOTE
                if reason is None:
                    unmanaged.append(_unmanaged(obj, note))
                else:
                    changes.append(_delete_change(self._live_side(obj), reason, masking))

        users: Sequence[LiveObject] = ()
        if users_of is not None:
            deleted_kinds = {c.kind for c in changes if c.action == "delete"}
            if deleted_kinds:
                users = users_of(deleted_kinds)
        left = _keep_what_is_used(changes, live, unmanaged, users)
        # the deletes not made as something left alone uses them: managed objects all the
        # same, which the safety limits count (engine/safety.py)
        kept: list[Change] = []
        if left is not changes:
            going = {c.address for c in left if c.action == "delete"}
            kept = [c for c in changes if c.action == "delete" and c.address not in going]
        changes = left
        _order_deletes(changes, live)
        sources = manifest_lines(desired)
        _refuse_deleting_what_is_used(changes, sources)
        # a cycle no order can apply (new objects that name each other) is said now, at
        # the manifests' lines, not when apply starts
        Schedule(changes, sources)
        order = {kind: i for i, kind in enumerate(kinds)}
        changes = _in_order(changes, order)
        unmanaged.sort(key=lambda u: (order.get(u.kind, len(order)), u.kind, u.name, str(u.id)))
        summary = _summary(changes, unmanaged, kinds)
        safety = evaluate_safety(
            changes,
            project.safety_min_objects,
            project.safety_max_change_fraction,
            adopted,
            kept=[c.kind for c in kept],
        )
        return Plan(
            j1sync_version=__version__,
            account=account,
            created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            changes=changes,
            unmanaged=unmanaged,
            summary=summary,
            safety=safety,
            pruning=prune,
            fingerprint_salt=masking.salt,
        )

    def _run_literals(
        self, desired: Sequence[DesiredObject], live: Sequence[LiveObject]
    ) -> re.Pattern[str] | None:
        """The `literal_pattern` of what the credential paths of every object of the run
        hold (each desired and live one, prepared or given here), built once per plan: a
        credential written literally in one object is masked wherever any object quotes
        it (a rule's web hook URL in a question's title). None when there is none."""
        # what was prepared is known by id: the planner holds each object it prepared (its
        # side does), so no other object has its id meanwhile
        pending, compared, prepared_live = self._desired, self._compared, self._live
        for want in [w for w in desired if id(w) not in compared and id(w) not in pending]:
            self._gather(want)
        for have in [h for h in live if id(h) not in prepared_live]:
            self._gather(have)
        return literal_pattern(self._literals) if self._literals else None

    def _gather(self, obj: DesiredObject | LiveObject) -> None:
        """What `obj`'s credential paths hold, into the run's literals. A state whose
        paths cannot be found adds none: an object left alone is never masked (a live
        one of a shape the kind cannot read), a change to one fails where it is."""
        with suppress(Exception):
            self._literals.update(self._masking.literals_of(obj.kind, obj.state))

    def _desired_side(self, want: DesiredObject) -> _DesiredSide:
        """What was prepared of `want`, else worked out now; taken once: a change owns
        its masked state."""
        side = self._desired.pop(id(want), None)
        if side is not None and side.obj is want:
            return side.for_run(self._masking)
        return _DesiredSide.of(want, self._masking)

    def _comparison(self, want: DesiredObject, have: LiveObject) -> _Comparison:
        """`want` compared with `have` beforehand, else now; taken once, as a side. `want`
        compared with another live object (of its key, replaced since: a linked rule) has
        its own side taken from there (that comparison is dropped)."""
        compared = self._compared.pop(id(want), None)
        if compared is not None and compared.want is want:
            if compared.have is have and compared.fits(self._masking):
                return compared
            side = compared.side.for_run(self._masking)
            return _Comparison.of(side, self._live_side(have), self._masking)
        return _Comparison.of(self._desired_side(want), self._live_side(have), self._masking)

    def _live_side(self, have: LiveObject) -> _LiveSide:
        side = self._live.get(id(have))
        if side is not None and side.obj is have:
            return side
        return _LiveSide.of(have, self._masking)


_name_of = attrgetter("name")


def _in_order(changes: list[Change], order: Mapping[str, int]) -> list[Change]:
    """`changes` sorted by (kind's place in `order`, then unknown kinds last; kind; name),
    stably: each kind's changes sorted by name, the kinds one after the other."""
    by_kind: dict[str, list[Change]] = {}
    for change in changes:
        same = by_kind.get(change.kind)
        if same is None:
            by_kind[change.kind] = [change]
        else:
            same.append(change)
    last = len(order)
    ordered: list[Change] = []
    for kind in sorted(by_kind, key=lambda k: (order.get(k, last), k)):
        ordered.extend(sorted(by_kind[kind], key=_name_of))
    return ordered


def join_plans(parts: Sequence[tuple[SectionHead, Plan]], account: str) -> Plan:
    """One plan of several targets' plans (made with one salt), in the given order: their
    changes, unmanaged objects and summaries one after the other, blocked when any part
    is, one section per part (`head`: system, title, target) with its kinds and safety."""
    if not parts:
        raise ValueError("join_plans needs at least one plan")
    first = parts[0][1]
    sections: list[PlanSection] = [
        {**head, "kinds": list(plan.summary), "safety": plan.safety} for head, plan in parts
    ]
    messages = [m for _, plan in parts for m in plan.safety["messages"]]
    return Plan(
        j1sync_version=first.j1sync_version,
        account=account,
        created_at=first.created_at,
        changes=[c for _, plan in parts for c in plan.changes],
        unmanaged=[u for _, plan in parts for u in plan.unmanaged],
        summary={k: v for _, plan in parts for k, v in plan.summary.items()},
        safety={"blocked": any(p.safety["blocked"] for _, p in parts), "messages": messages},
        pruning=first.pruning,
        fingerprint_salt=first.fingerprint_salt,
        sections=sections,
    )


class _Masking:
    """What a plan masks (engine/sensitive.py does the masking) and its fingerprint salt."""

    def __init__(
        self, secrets: Secrets, credentials: Mapping[str, CredentialPaths], salt: str
    ) -> None:
        self.secrets = secrets
        self.credentials = credentials
        self.salt = salt
        # the run's credentials written literally (`Planner._run_literals`), set by each
        # plan before any change is masked; None while objects are prepared
        self.run_literals: re.Pattern[str] | None = None

    def paths(self, kind: str, *states: dict[str, Any] | None) -> set[str]:
        declare = self.credentials.get(kind)
        if declare is None:
            return set()
        return {path for state in states if state is not None for path in declare(state)}

    def literals_of(self, kind: str, state: dict[str, Any]) -> list[str]:
        """What `state`'s credential paths hold (`run_literals` is made of them)."""
        paths = self.paths(kind, state)
        return credential_strings(state, paths) if paths else []

    def before(
        self,
        live: LiveObject,
        after: MaskedState | None = None,
        live_paths: Collection[str] | None = None,
        desired: DesiredObject | None = None,
    ) -> Any:
        """The live state masked at its own credential paths (`live_paths` when known) and,
        so that a rotated or hand-edited secret shows neither value, wherever the desired
        side was masked; its keys as `mask` shows a live state's beside `desired`'s."""
        paths = set(self.paths(live.kind, live.state) if live_paths is None else live_paths)
        literals = credential_strings(live.state, paths) if paths else []
        if after is not None:
            paths |= set(after.templates) | set(after.literal)
            literals += strings_in(list(after.literal.values()), keys=True)
        twin = desired.state if desired is not None else None
        masked = mask(
            live.state,
            self.secrets,
            paths,
            live=True,
            desired=twin,
            literals=literals,
            run_literals=self.run_literals,
        )
        return masked.state

    def declared(self, want: DesiredObject, after: MaskedState) -> dict[str, Any] | None:
        """The spec as written, masked like the desired state: `${env:}` values, the
        kind's credential paths, and any string a credential path of the state held."""
        if want.declared is None:
            return None
        spec = dict(want.declared)
        paths = self.paths(want.kind, spec)
        literals = strings_in(list(after.literal.values()), keys=True)
        shown: dict[str, Any] = mask(
            spec, self.secrets, paths, literals=literals, run_literals=self.run_literals
        ).state
        return shown

    def fingerprint(self, live: LiveObject, state_json: str | None = None) -> str:
        return live_fingerprint(live, self.salt, state_json)


_NO_PATHS: frozenset[str] = frozenset()


def _paths(masking: _Masking, kind: str, state: dict[str, Any]) -> frozenset[str]:
    found = masking.paths(kind, state)
    return frozenset(found) if found else _NO_PATHS  # most objects: one empty set, shared


@dataclass(frozen=True, slots=True)
class _DesiredSide:
    """What a desired object's change needs of its own side: its credential paths, its
    state masked there (with the run's literals it was masked with), the digest of its
    canonical JSON."""

    obj: DesiredObject
    paths: frozenset[str]
    masked: MaskedState
    digest: bytes | None
    run_literals: re.Pattern[str] | None

    @classmethod
    def of(cls, want: DesiredObject, masking: _Masking) -> _DesiredSide:
        paths = _paths(masking, want.kind, want.state)
        run = masking.run_literals
        masked = _mask_desired(want.state, masking.secrets, paths, run)
        return cls(want, paths, masked, _digest(want.state), run)

    def for_run(self, masking: _Masking) -> _DesiredSide:
        """This side as masked with the plan's run literals: prepared before they were
        known, it is masked again only when one of its strings holds one."""
        run = masking.run_literals
        if self.run_literals is run:
            return self
        if run is not None and self.run_literals is None:
            if not holds_literal(self.masked.state, run):
                return replace(self, run_literals=run)
            masked = _mask_desired(self.obj.state, masking.secrets, self.paths, run)
            return replace(self, masked=masked, run_literals=run)
        return _DesiredSide.of(self.obj, masking)  # another plan's literals

    def masked_with(self, live_paths: frozenset[str], masking: _Masking) -> MaskedState:
        """The state masked at its own credential paths and the live state's."""
        if live_paths <= self.paths and self.run_literals is masking.run_literals:
            return self.masked
        paths = self.paths | live_paths
        return _mask_desired(self.obj.state, masking.secrets, paths, masking.run_literals)


def _mask_desired(
    state: dict[str, Any],
    secrets: Secrets,
    paths: Collection[str],
    run_literals: re.Pattern[str] | None = None,
) -> MaskedState:
    """`state` masked (sensitive.mask) at `paths`, and wherever another string holds what a
    credential path holds literally (a web hook's URL copied into its notes), its own or,
    `run_literals`, another object's of the run (a rule's URL in a question's title)."""
    masked = mask(state, secrets, paths, run_literals=run_literals)
    if not masked.literal:
        return masked
    literals = strings_in(list(masked.literal.values()), keys=True)
    return mask(state, secrets, paths, literals=literals, run_literals=run_literals)


@dataclass(frozen=True, slots=True)
class _LiveSide:
    """What a live object's change needs of its own side: the digest of its state's
    canonical JSON, its fingerprint."""

    obj: LiveObject
    digest: bytes
    fingerprint: str

    @classmethod
    def of(cls, have: LiveObject, masking: _Masking) -> _LiveSide:
        # the state's canonical JSON once: the fingerprint and the comparison share it
        state_json = canonical_json(have.state)
        return cls(have, _text_digest(state_json), masking.fingerprint(have, state_json))

    def paths(self, masking: _Masking) -> frozenset[str]:
        """Its credential paths (asked for once, where a change needs them)."""
        return _paths(masking, self.obj.kind, self.obj.state)


def _digest(state: dict[str, Any]) -> bytes | None:
    """None for a state with no canonical JSON (not JSON-like: diff_states decides)."""
    try:
        return _text_digest(canonical_json(state))
    except (TypeError, ValueError):
        return None


def _text_digest(text: str) -> bytes:
    """Stands for a canonical JSON text in comparisons (equal digests: equal texts),
    kept instead of the text: a plan prepares two per object."""
    return hashlib.sha256(text_bytes(text)).digest()


@dataclass(frozen=True, slots=True)
class _Comparison:
    """A desired object compared with the live object of its natural key, and its change
    (to be given its reason when planned: an update's words the kind's prune policy)."""

    want: DesiredObject
    have: LiveObject
    change: Change
    paths: list[str]  # the fields that differ
    side: _DesiredSide  # want's own
    run_literals: re.Pattern[str] | None  # the run's literals it was masked with

    @classmethod
    def of(cls, want: _DesiredSide, have: _LiveSide, masking: _Masking) -> _Comparison:
        desired, live = want.obj, have.obj
        # compared by the digest of canonical JSON (equal texts: no change, as diff_states
        # says), the live state's when the kind manages every field it has, as most do
        before: dict[str, Any] = live.state
        same_state = have.digest == want.digest  # the fields compare alike too
        equal = same_state
        if not same_state:
            before = comparable_live_state(live, desired)
            whole = len(before) == len(live.state)
            before_digest = have.digest if whole else _digest(before)
            equal = before_digest is not None and before_digest == want.digest
        # the same state holds credentials at the same paths: the desired state's serve
        live_paths = want.paths if same_state else have.paths(masking)
        masked = want.masked_with(live_paths, masking)
        # a literal credential the account already holds alike: apply --plan copies it
        # from the live object (the stale check vouches that it has not changed since)
        same = {p for p, v in masked.literal.items() if get_path(live.state, p, _ABSENT) == v}
        paths = [] if equal else diff_states(before, desired.state)
        change = Change(
            address=desired.address,
            kind=desired.kind,
            name=desired.name,
            action="update" if paths else "no-op",
            reason="" if paths else "matches the manifest",  # an update's: when planned
            id=live.id,
            before=masking.before(live, masked, live_paths, desired),
            after=masked.state,
            changed_paths=list(
                dict.fromkeys(mask_path(p, masking.secrets, desired.state) for p in paths)
            ),
            depends_on=list(desired.depends_on),
            live_fingerprint=have.fingerprint,
            sensitive=masked.templates,
            literal_secrets=sorted(set(masked.literal) - same),
            account_secrets=sorted(same),
            secret_values=masked.literal,
        )
        return cls(desired, live, change, paths, want, masking.run_literals)

    def fits(self, masking: _Masking) -> bool:
        """Its change is as masking with the plan's run literals shows it: masked with
        them, or prepared before they were known and holding none on either side."""
        run = masking.run_literals
        if self.run_literals is run:
            return True
        return (
            run is not None
            and self.run_literals is None
            and not holds_literal(self.change.after, run)
            and not holds_literal(self.change.before, run)
        )

    def planned(self, policy: PrunePolicy, tag: str) -> Change:
        if self.paths:
            self.change.reason = _update_reason(self.have, policy, self.paths, tag)
        return self.change


def _create_change(want: _DesiredSide, masking: _Masking) -> Change:
    desired, masked = want.obj, want.masked
    return Change(
        address=desired.address,
        kind=desired.kind,
        name=desired.name,
        action="create",
        reason=f"{_describe(desired)}; not in the account",
        after=masked.state,
        depends_on=list(desired.depends_on),
        sensitive=masked.templates,
        literal_secrets=sorted(masked.literal),
        secret_values=masked.literal,
        manifest=masking.declared(desired, masked),
    )


def _delete_change(live: _LiveSide, reason: str, masking: _Masking) -> Change:
    have = live.obj
    return Change(
        address=have.address,
        kind=have.kind,
        name=have.name,
        action="delete",
        reason=reason,
        id=have.id,
        before=masking.before(have, live_paths=live.paths(masking)),
        live_fingerprint=live.fingerprint,
    )


def _unmanaged(live: LiveObject, note: str | None) -> UnmanagedObject:
    return UnmanagedObject(live.address, live.kind, live.name, live.id, note)


def _refuse_deleting_what_is_used(
    changes: Sequence[Change], sources: Mapping[str, SourceLocation]
) -> None:
    """A plan never deletes what a declared object needs (a resource group's permission
    names an IAM group that prune would delete): that apply would fail half-way. Said
    before any change, naming both and the ways out, each at its manifest (`sources`)."""
    deleted = {c.address: c for c in changes if c.action == "delete"}
    if not deleted:
        return
    problems = [
        f"{_at(sources.get(change.address))}{change.address} refers to {needed}, which this "
        "plan deletes "
        f"({deleted[needed].reason}); declare {needed} in a manifest, or stop referring to it"
        for change in changes
        if change.action != "delete"
        for needed in change.depends_on
        if needed in deleted
    ]
    if problems:
        raise ResolutionError("the plan would delete what a manifest uses:\n" + "\n".join(problems))


def _at(source: SourceLocation | None) -> str:
    return f"{source}: " if source is not None else ""


MAX_NAMED_USERS = 3


def users_left_alone(
    deleted: Collection[str], planned: Collection[str], live: Sequence[LiveObject]
) -> defaultdict[str, set[str]]:
    """Of the `deleted` addresses, each one that a live object the plan leaves alone (not
    `planned`) references, with those objects' addresses: the users that keep it (here)
    or make a saved plan stale (engine/stale.py)."""
    users: defaultdict[str, set[str]] = defaultdict(set)
    for obj in live:
        if obj.references and obj.address not in planned:
            for target in obj.references:
                if target in deleted and target != obj.address:
                    users[target].add(obj.address)
    return users


def _keep_what_is_used(
    changes: list[Change],
    live: Sequence[LiveObject],
    unmanaged: list[UnmanagedObject],
    read_for_uses: Sequence[LiveObject] = (),
) -> list[Change]:
    """`changes` without the deletes of objects that a live object the plan leaves alone
    still uses (a managed question an unmanaged rule runs, a resource group a hand-made
    rule belongs to): the API refuses such a delete, or it would break that object, and
    every apply would fail on it. Each is kept, unmanaged with a note naming its users,
    and so, in turn, is what a kept object uses. (A declared object that uses one is
    `_refuse_deleting_what_is_used`'s.) `read_for_uses`: live objects read only for what
    they use (`UsersOf`), all left alone."""
    deletes = {c.address: c for c in changes if c.action == "delete"}
    if not deletes:
        return changes
    deleted_live = {obj.address: obj for obj in live if obj.address in deletes}
    left_alone = [*live, *read_for_uses] if read_for_uses else live
    users = users_left_alone(deletes.keys(), {c.address for c in changes}, left_alone)
    kept = set(users)
    waiting = list(kept)  # kept objects whose own uses are still to be kept
    while waiting:  # what a kept object uses is kept too
        address = waiting.pop()
        for target in deleted_live[address].references:
            if target in deletes and target != address:
                users[target].add(address)
                if target not in kept:
                    kept.add(target)
                    waiting.append(target)
    if not kept:
        return changes
    for address in kept:
        named = sorted(users[address])
        more = len(named) - MAX_NAMED_USERS
        listed = ", ".join(named[:MAX_NAMED_USERS]) + (f" and {more} more" if more > 0 else "")
        note = f"{deletes[address].reason}, but {listed} {STILL_USED}"
        gone = deleted_live[address]
        unmanaged.append(UnmanagedObject(address, gone.kind, gone.name, gone.id, note))
    return [c for c in changes if c.address not in kept]


def _order_deletes(changes: list[Change], live: Sequence[LiveObject]) -> None:
    """A delete waits for every change to a live object that references it (a rule is
    deleted or repointed before the question it uses is deleted)."""
    if not any(c.action == "delete" for c in changes):
        return  # only deletes wait
    touched = {c.address for c in changes if c.action in ("update", "delete")}
    referrers: dict[str, set[str]] = defaultdict(set)
    for obj in live:
        if obj.references and obj.address in touched:
            for target in obj.references:
                if target != obj.address:
                    referrers[target].add(obj.address)
    for change in changes:
        if change.action == "delete":
            extra = sorted(referrers.get(change.address, set()) - set(change.depends_on))
            change.depends_on.extend(extra)


def _summary(
    changes: Sequence[Change], unmanaged: Sequence[UnmanagedObject], kinds: Mapping[str, object]
) -> dict[str, dict[str, int]]:
    names = list(kinds)
    for kind in [c.kind for c in changes] + [u.kind for u in unmanaged]:
        if kind not in names:
            names.append(kind)
    summary = {kind: dict.fromkeys(SUMMARY_COLUMNS, 0) for kind in names}
    for change in changes:
        summary[change.kind][change.action] += 1
    for obj in unmanaged:
        summary[obj.kind]["unmanaged"] += 1
    return summary
