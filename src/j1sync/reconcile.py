"""The pipeline behind plan, apply and drift: manifests + live account -> plan.

Kept out of the CLI so commands stay thin and the pipeline can be driven from tests.
"""

from __future__ import annotations

import importlib
import logging
import os
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext, suppress
from dataclasses import dataclass, replace
from functools import partial
from queue import Empty, SimpleQueue
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel

from j1sync.connection import ConnectionOptions
from j1sync.deferred import Deferred
from j1sync.engine.contract import (
    ChecksReferences,
    DeclaresCredentials,
    DesiredObject,
    GuardsChanges,
    HoldsKinds,
    KindRead,
    LiveObject,
    Provider,
    ReadsInParts,
    ResolvesAgainstKinds,
    ResolvesAgainstLive,
    RewritesOnRequest,
    kind_of,
    manifest_lines,
)
from j1sync.engine.model import Pruning, SectionHead
from j1sync.engine.plan import Plan, Planner, UsersOf, join_plans
from j1sync.engine.sensitive import CredentialPaths
from j1sync.entry import keep_until_exit
from j1sync.errors import (
    AuthError,
    BadUserInput,
    J1SyncError,
    ReadGivenUp,
    ResolutionError,
)
from j1sync.http.pacing import GivesWay, paced
from j1sync.interrupts import SIGNAL_CHECK_S, result_of, settled
from j1sync.manifest import load_manifests, load_project_config, parse_ahead
from j1sync.manifest.discovery import Discovery
from j1sync.manifest.document import Manifest, ManifestSet, ProjectConfig
from j1sync.manifest.kind_scan import check_systems_scanned
from j1sync.manifest.names import name_problem
from j1sync.providers.registry import (
    System,
    system_name_of,
    system_named,
    systems,
)
from j1sync.providers.targets import Target, Targets, locks, targets_of

READER_THREAD = "j1sync-read"  # the account reads' threads are named after it

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlannedRun:
    """A plan together with the live objects it was made from (apply needs both)."""

    manifests: ManifestSet
    plan: Plan
    live: list[LiveObject]


def load(
    paths: Sequence[str],
    allow_empty: bool = False,
    discovery: Discovery | None = None,
    give_way: Callable[[], object] | None = None,
) -> ManifestSet:
    return load_manifests(
        list(paths), allow_empty=allow_empty, discovery=discovery, give_way=give_way
    )


def desired_objects(
    manifests: ManifestSet, provider: Provider, give_way: Callable[[], object] | None = None
) -> list[DesiredObject]:
    """Each manifest's desired object, which keeps the spec as written for the plan
    (giving way as it goes: http.pacing.paced)."""
    return [
        replace(provider.kind(m.kind).desired(m, manifests.project), declared=_declared(m.spec))
        for m in paced(manifests.manifests, give_way)
    ]


def _declared(spec: BaseModel) -> Mapping[str, Any]:
    """A spec as its manifest wrote it (no defaults filled in), dumped when first read: a
    plan shows it only for an object it creates, so a plan of existing objects dumps each
    spec once (the kind's desired state), not twice (~1 s at 20,000 objects)."""
    return Deferred(_as_written, spec)


def _as_written(spec: BaseModel) -> dict[str, Any]:
    return spec.model_dump(mode="json", exclude_unset=True)


def kinds_to_read(
    provider: Provider, project: ProjectConfig, declared_kinds: Iterable[str]
) -> list[str]:
    """The kinds a plan needs from the account, in the provider's order: those the
    manifests declare, and those whose live objects it may delete with no manifest — a
    kind pruned by tag (rules, questions) always, a kind pruned on request (IamGroup) when
    j1sync.yaml enables it. Nothing else is read up front: a repository of questions and
    rules never calls the IAM API (beta, SSO accounts only, accessAdmin). (What may use
    what a plan deletes is read once it does: `holders_to_read`.)"""
    wanted = set(declared_kinds)
    return [
        kind.kind
        for kind in provider.kinds
        if kind.kind in wanted
        or kind.prune == "tagged"
        or (kind.prune == "opt-in" and prune_enabled(project, kind.kind))
    ]


def holders_to_read(
    provider: Provider, deleted_kinds: Collection[str], read: Collection[str]
) -> list[str]:
    """The kinds not `read` whose objects may use objects of `deleted_kinds` (`HoldsKinds`:
    boards show questions and belong to resource groups, resource groups give IAM groups
    rights): what a plan that deletes reads besides, so that what a hand-made object of
    theirs uses is kept (engine/plan.py `UsersOf`); a plan that deletes nothing reads
    none of them."""
    return [
        kind.kind
        for kind in provider.kinds
        if isinstance(kind, HoldsKinds)
        and kind.kind not in read
        and not set(kind.holds_kinds).isdisjoint(deleted_kinds)
    ]


def read_holders(provider: Provider, holders: Sequence[str]) -> list[LiveObject]:
    """The live objects of `holders` (`holders_to_read`). A key refused them (a role
    without that part of the API: FORBIDDEN), or an API without them, reads none, with a
    warning: what uses what the plan deletes is then not checked, as no plan checked it
    before, and the plan, which asked for none of these kinds, is not stopped for it."""
    if not holders:
        return []
    try:
        return [obj for obj in provider.read_live(holders) if obj.kind in holders]
    except (AuthError, BadUserInput) as exc:
        log.warning(
            "%s not read, so not checked for uses of what this plan deletes: %s",
            ", ".join(holders),
            exc,
        )
        return []


def _users_of(provider: Provider, read: Collection[str]) -> UsersOf:
    """Reads the holders of what a plan deletes (`holders_to_read`), when it deletes."""

    def users_of(deleted_kinds: Collection[str]) -> Sequence[LiveObject]:
        return read_holders(provider, holders_to_read(provider, deleted_kinds, read))

    return users_of


def prune_enabled(project: ProjectConfig, kind: str) -> bool:
    """Whether j1sync.yaml enables prune for `kind` (in its system's section)."""
    return project.for_system(system_name_of(kind)).prune.get(kind, False)


def run_systems(project: ProjectConfig, api_versions: Iterable[object]) -> tuple[str, ...]:
    """The systems a run covers (ProjectConfig.run_systems)."""
    return project.run_systems(api_versions)


def systems_in_run(project: ProjectConfig) -> list[System]:
    names = project.in_run or (systems()[0].name,)
    return [s for name in names if (s := system_named(name)) is not None]


def import_connection(project: ProjectConfig) -> None:
    """Import the modules connecting the systems the run most likely covers needs
    (`System.connect_imports`; those j1sync.yaml names, else the first): what the
    first request waits for besides the scan of the files (parse_ahead.scan_for). Only
    imports: the connection itself, and its errors, come once the scan has named the
    run's systems."""
    likely = replace(project, in_run=run_systems(project, ()))
    for system in systems_in_run(likely):
        for module in system.connect_imports:
            with suppress(ImportError):  # said by the connection, if it needs it
                importlib.import_module(module)


def declared(manifests: ManifestSet, desired: Sequence[DesiredObject] = ()) -> set[str]:
    """The kinds the manifests declare, and those their objects depend on (a rule's
    action names an integration instance: the instances are read to resolve it)."""
    kinds = {manifest.kind for manifest in manifests.manifests}
    return kinds | {kind_of(address) for obj in desired for address in obj.depends_on}


def kinds_in_plan(plan: Plan) -> list[str]:
    """The kinds a saved plan touches or declares (every declared object has a change,
    no-ops included), and those its changes depend on: what `apply --plan` reads to
    check it (and to find the ids its changes refer to)."""
    kinds = {change.kind for change in plan.changes}
    return sorted(kinds | {kind_of(a) for change in plan.changes for a in change.depends_on})


def kinds_to_check(
    plan: Plan, provider: Provider, project: ProjectConfig
) -> tuple[list[str], list[str]]:
    """What `apply --plan` reads: `kinds_in_plan`, and when the plan deletes, every kind
    a plan of `project` reads (`kinds_to_read`); then (`read_holders`) those that may use
    what it deletes (`holders_to_read`): a live object made since the plan that uses what
    it deletes makes it stale (engine/stale.py)."""
    kinds = kinds_in_plan(plan)
    deleted = {change.kind for change in plan.actionable if change.action == "delete"}
    if not deleted:
        return kinds, []
    read = set(kinds) | set(kinds_to_read(provider, project, kinds))
    return sorted(read), holders_to_read(provider, deleted, read)


def credential_paths(provider: Provider) -> dict[str, CredentialPaths]:
    """Per kind that declares any, where its states hold credentials."""
    return {
        kind.kind: kind.credential_paths
        for kind in provider.kinds
        if isinstance(kind, DeclaresCredentials)
    }


def resolve_against_live(
    provider: Provider,
    desired: Sequence[DesiredObject],
    live: Sequence[LiveObject],
    early: Mapping[str, EarlyResolution] | None = None,
) -> list[DesiredObject]:
    """Manifests that can only match existing objects are resolved, and the objects they
    name by natural key checked, before any plan exists. A kind resolved while the rest
    was read (`early`, by kind) is taken from there when it was given these very objects;
    its problems come in their place, raised here with the others."""
    resolved: list[DesiredObject] = []
    problems: list[str] = []
    known: set[str] | None = None
    of_kind = _by_kind(desired)
    of_kinds: dict[frozenset[str], list[LiveObject]] = {}  # live objects of early's kinds
    for kind in provider.kinds:
        wanted = of_kind.get(kind.kind, [])
        if wanted and isinstance(kind, ChecksReferences):
            if known is None:
                known = {d.address for d in desired} | {obj.address for obj in live}
            problems += kind.reference_problems(wanted, known)
        if isinstance(kind, ResolvesAgainstLive):
            made = (early or {}).get(kind.kind)
            if made is not None and made.kinds not in of_kinds:
                of_kinds[made.kinds] = [obj for obj in live if obj.kind in made.kinds]
            if made is not None and made.holds_for(wanted, of_kinds[made.kinds]):
                wanted, found = list(made.resolved), made.problems
            else:
                wanted, found = kind.resolve_desired(wanted, live)
            problems += found
        resolved += wanted
    if problems:
        raise ResolutionError("\n".join(located(problems, desired)))
    return resolved


def _by_kind(desired: Sequence[DesiredObject]) -> dict[str, list[DesiredObject]]:
    """`desired` by kind, each kind's in their order."""
    of_kind: dict[str, list[DesiredObject]] = defaultdict(list)
    for obj in desired:
        of_kind[obj.kind].append(obj)
    return of_kind


def located(problems: Sequence[str], desired: Sequence[DesiredObject]) -> list[str]:
    """Each problem that begins with a desired object's address (`AlertRule/x: ...`, as
    kinds word them) led by where that object's manifest is (`file:line:column: `), as
    the loader's errors are: the user is sent to the file to mend."""
    sources = manifest_lines(desired)
    if not sources:
        return list(problems)
    out = []
    for problem in problems:
        source = sources.get(problem.split(": ", 1)[0])
        out.append(f"{source}: {problem}" if source is not None else problem)
    return out


@dataclass(frozen=True)
class EarlyResolution:
    """A kind's `resolve_desired` made while the rest of the account was read, once the
    kinds it resolves against (`ResolvesAgainstKinds`) were: the desired objects it was
    given, the live objects of those kinds, what it gave back."""

    kinds: frozenset[str]
    wanted: Sequence[DesiredObject]
    against: Sequence[LiveObject]
    resolved: Sequence[DesiredObject]
    problems: list[str]

    def holds_for(self, wanted: Sequence[DesiredObject], against: Sequence[LiveObject]) -> bool:
        """Made of these very objects: `wanted`, and `against`, the live objects of its
        kinds."""
        return _same(self.wanted, wanted) and _same(self.against, against)


def _same(made: Sequence[object], given: Sequence[object]) -> bool:
    return len(made) == len(given) and all(a is b for a, b in zip(made, given, strict=True))


class _ResolvingEarly:
    """Resolves each kind of `provider` that says which kinds it resolves against
    (`ResolvesAgainstKinds`) as soon as those are read (`when_read`), its resolved objects
    then prepared for the plan: work that would otherwise wait for the whole read. Never
    fails: a resolution that raises is made again when planned, failing there."""

    def __init__(
        self,
        provider: Provider,
        desired: Sequence[DesiredObject],
        planner: Planner,
        needed: Collection[str],
    ) -> None:
        self._planner = planner
        self._of_kind = _by_kind(desired)
        # of the kinds each resolves against, those the plan reads (`needed`): the others'
        # objects are never there, early or when planned
        self._pending = [
            (kind, frozenset(kind.resolves_against) & frozenset(needed))
            for kind in provider.kinds
            if isinstance(kind, ResolvesAgainstLive)
            and isinstance(kind, ResolvesAgainstKinds)
            and kind.kind in self._of_kind
        ]
        self.made: dict[str, EarlyResolution] = {}

    def when_read(self, reads: _Reads) -> None:
        for pending in list(self._pending):
            kind, kinds = pending
            against = reads.read_of(kinds)
            if against is None:
                continue
            self._pending.remove(pending)
            wanted = self._of_kind[kind.kind]
            try:
                resolved, problems = kind.resolve_desired(wanted, against)
            except Exception:  # made again when planned (the class says why)
                continue
            self.made[kind.kind] = EarlyResolution(kinds, wanted, against, resolved, problems)
            self._planner.prepare_desired(
                r for r, w in zip(resolved, wanted, strict=False) if r is not w
            )


# -- loading the manifests while the account is read ----------------------------------

Connect = Callable[[ProjectConfig], AbstractContextManager[Provider]]


def connect_with(options: ConnectionOptions) -> Connect:
    """A `Connect` for `connection.open_systems` (the command's connection flags): each
    system of the run (`project.in_run`) connected to its target, j1sync.yaml giving the
    defaults and the ownership marker."""
    from j1sync.connection import open_systems

    def connect(project: ProjectConfig) -> AbstractContextManager[Provider]:
        return open_systems(systems_in_run(project), project, options)

    return connect


@contextmanager
def account_lock(provider: Provider, lock_timeout_s: float) -> Iterator[None]:
    """Hold the account's apply lock (only apply changes the account; plan and drift do
    not lock). Apply takes it once its input is known to be valid (manifests loaded, or a
    saved plan trusted) and before it reads the account it plans from."""
    with locks(provider, lock_timeout_s):  # each target's own lock
        yield


@contextmanager
def connect_and_plan(
    paths: Sequence[str],
    connect: Connect,
    reading: Callable[[], AbstractContextManager[None]] = nullcontext,
    *,
    allow_empty: bool = False,
    lock_timeout_s: float | None = None,
    while_reading: Callable[[], object] | None = None,
) -> Iterator[tuple[Provider, PlannedRun]]:
    """The one way to make a plan (plan, drift, apply; tests too): connect to the account
    j1sync.yaml names and plan the manifests under `paths` (none at all is an error unless
    `allow_empty`), the provider open until the block ends.

    Reading the account needs only j1sync.yaml (account, region, managed tag), so the read
    starts first and the manifests load meanwhile (the read mostly waits on the network).
    Errors come as they did when the load came first: manifest problems before connection
    settings problems, and no change is ever made before the manifests are valid.

    With `lock_timeout_s` (apply), the manifests are loaded first, then the account's
    apply lock is taken (`account_lock`), then the account is read: a run whose manifests
    are invalid never touches the lock, and the state planned from is read under it.

    `while_reading`, when given, is called once: when the manifests are loaded, their
    side of the plan prepared and the read has handed over its first part (so after its
    first request, whatever the threads' timing), or at the read's end when it hands
    nothing over: what the command needs only after the plan (its renderer) made ready
    while the account is still read, not after the plan is made, nor before the first
    request."""
    project = load_project_config(paths)
    manifests = None
    if project is None or lock_timeout_s is not None:
        # j1sync.yaml has problems (the load raises them with the rest), or apply: the
        # manifests must be valid before the lock is taken
        manifests = load(paths, allow_empty)
        project = manifests.project
    # the systems to connect: those of the manifests (when not yet loaded, a quick scan,
    # which also names the kinds to start reading)
    discovery = None  # the files the scan found: the load reads them, not searching again
    with ExitStack() as stack:
        if manifests is None:
            # with the load's helper process (parse_ahead), forked before any thread
            # starts (the reads', a terminal's spinner), which makes the scan meanwhile
            # when it can; the load stops it, else the stack does
            scanned = parse_ahead.scan_for(paths, os.environ, partial(import_connection, project))
            stack.callback(parse_ahead.end_for, scanned.discovery)
            versions, scanned_kinds = scanned.api_versions, scanned.kinds
            discovery = scanned.discovery
        else:
            versions = frozenset(m.api_version for m in manifests.manifests)
            scanned_kinds = frozenset()
        project = replace(project, in_run=run_systems(project, versions))
        try:
            provider = stack.enter_context(connect(project))
        except J1SyncError:
            if manifests is None:  # manifest problems are reported first
                loaded = load(paths, allow_empty, discovery)
                _check_connected(project, loaded, discovery)
            raise
        if manifests is not None:
            check_rotations(provider, manifests)  # before the lock is taken
        if lock_timeout_s is not None:
            stack.enter_context(account_lock(provider, lock_timeout_s))
        with reading():
            run = _plan(
                paths,
                provider,
                project,
                manifests,
                allow_empty,
                scanned_kinds,
                discovery,
                while_reading,
            )
        keep_until_exit(discovery)  # the files found (a Path each): as _plan's work, below
        yield provider, run


def check_rotations(provider: Provider, manifests: ManifestSet) -> None:
    """`apply --rotate NAME`: each name is one the kinds that write objects again on
    request (`RewritesOnRequest`) find among the manifests' objects of their kind. Checked
    once the manifests are loaded, before the account is locked or read, so that a
    misspelt name costs no read (a run that names none checks nothing)."""
    problems: list[str] = []
    for kind in provider.kinds:
        if isinstance(kind, RewritesOnRequest):
            own = [
                kind.desired(m, manifests.project)
                for m in manifests.manifests
                if m.kind == kind.kind
            ]
            problems += kind.rotate_problems(own)
    if problems:
        raise ResolutionError("\n".join(problems))


def _check_connected(
    project: ProjectConfig, manifests: ManifestSet, discovery: Discovery | None
) -> None:
    """The systems the run connected to (`project.in_run`, from the scan's apiVersion
    lines) are those the loaded manifests and j1sync.yaml name (kind_scan's rule)."""
    check_systems_scanned(project.in_run, manifests, discovery.files if discovery else ())


def _plan(
    paths: Sequence[str],
    provider: Provider,
    project: ProjectConfig,
    manifests: ManifestSet | None,
    allow_empty: bool,
    scanned_kinds: Collection[str],
    discovery: Discovery | None = None,
    while_reading: Callable[[], object] | None = None,
) -> PlannedRun:
    """Read the account on threads of its own while the manifests load (unless given,
    already loaded), then plan. On a manifest error the reads are abandoned (when the
    provider can) and waited for, so no thread outlives the command.

    Only the kinds the plan needs are read (`kinds_to_read`), and which those are is
    certain only after the load. So the reads start in steps: at once the kinds
    j1sync.yaml alone makes necessary (pruned kinds), then those a quick scan of the
    files found (`scanned_kinds`, manifest/kind_scan.py), after the load any kind still
    missing. A scanned kind that no manifest declares is read for nothing and dropped,
    its errors too (an account without IAM refuses the IAM read)."""
    # apply (manifests loaded first, the lock held): the reads run here, nothing abandons
    # the client the lock is released through
    reading = manifests is None  # plan: the account is read while the manifests load
    # while it is, the work here (the load between files, then the plan's share made
    # meanwhile) gives way to the read's chain of pages around its answers
    # (http/pacing.py): that chain sets the plan's wall time
    give_way = provider.give_way if reading and isinstance(provider, GivesWay) else None
    with _Reads(provider, background=reading) as reads:
        if manifests is None:
            reads.start(kinds_to_read(provider, project, ()))
            reads.start(kinds_to_read(provider, project, scanned_kinds))
            manifests = load(paths, allow_empty, discovery, give_way)
        _check_connected(project, manifests, discovery)
        desired = desired_objects(manifests, provider, give_way)
        needed = kinds_to_read(provider, manifests.project, declared(manifests, desired))
        reads.start(needed)
        # while the account is read: each object's share of the plan that needs its own
        # side only, the desired side now, the live side as each part of it comes
        planner = Planner(manifests.sensitive, credential_paths(provider))
        planner.prepare_desired(paced(desired, give_way))
        if reading and isinstance(provider, PreparesChecks):
            provider.prepare_checks(manifests.manifests)
        early = _ResolvingEarly(provider, desired, planner, needed)
        early.when_read(reads)
        for part in reads.parts(needed):
            if while_reading is not None:  # once an answer came (the first request left)
                while_reading()
                while_reading = None
            planner.prepare_live(paced(part, give_way))
            early.when_read(reads)
        if while_reading is not None:  # nothing was handed over
            while_reading()
        live = reads.result(needed)
    pruning: Pruning = {"enabled": manifests.scope.complete, "reason": manifests.scope.reason}
    targets = targets_of(provider)
    if targets is None:
        # one system: its own section of j1sync.yaml (prune, safety), as Targets give each
        own = manifests.project
        if provider.kinds:
            own = own.for_system(system_name_of(provider.kinds[0].kind))
        plan = _target_plan(provider, own, desired, live, planner, pruning, early.made, needed)
    else:
        # one planner, so one salt: every part's fingerprints keyed alike (one plan file)
        plan = join_plans(
            [
                (
                    _section(target),
                    _target_plan(
                        target.provider,
                        target.project,
                        desired,
                        live,
                        planner,
                        pruning,
                        early.made,
                        needed,
                    ),
                )
                for target in targets
            ],
            provider.account,
        )
    # what the plan was made from lives until the process leaves, with the run (in the
    # j1sync process only: entry.keep_until_exit): freed here, one by one, it would only
    # delay the plan's output (~25 ms at 20,000 objects)
    keep_until_exit(desired, planner, reads)
    return PlannedRun(manifests=manifests, plan=plan, live=live)


def _target_plan(
    provider: Provider,
    project: ProjectConfig,
    desired: Sequence[DesiredObject],
    live: Sequence[LiveObject],
    planner: Planner,
    pruning: Pruning,
    early: Mapping[str, EarlyResolution] | None = None,
    read: Collection[str] = (),
) -> Plan:
    """The plan of one target: its kinds' desired and live objects, its j1sync.yaml
    settings (ownership marker, prune, safety), its account (`early`: kinds resolved
    while the account was read; `read`: the kinds read, the others' objects that may use
    what the plan deletes read then, `holders_to_read`)."""
    kinds = {kind.kind: kind.prune for kind in provider.kinds}
    own_desired = [d for d in desired if d.kind in kinds]
    own_live = [obj for obj in live if obj.kind in kinds]
    plan = planner.plan(
        resolve_against_live(provider, own_desired, own_live, early),
        own_live,
        kinds,
        project,
        provider.account,
        pruning=pruning,
        undeclarable=name_problem,
        users_of=_users_of(provider, read),
    )
    if isinstance(provider, GuardsChanges):
        guarded = provider.safety_messages(plan.changes)
        if guarded:  # blocked as the safety gate blocks (exit 3; apply --force proceeds)
            plan.safety = {"blocked": True, "messages": [*plan.safety["messages"], *guarded]}
    return plan


def _section(target: Target) -> SectionHead:
    return {"system": target.system.name, "title": target.system.title, "target": target.account}


@runtime_checkable
class Abandonable(Protocol):
    def abandon(self) -> None: ...


@runtime_checkable
class LinksLive(Protocol):
    """A provider whose live objects of one kind are written in terms of another kind's
    (rule actions name integration instances): objects read apart are linked together."""

    def link(self, live: Sequence[LiveObject]) -> list[LiveObject]: ...


@runtime_checkable
class PreparesChecks(Protocol):
    """A provider whose checks of a plan need some work on the manifests alone, done
    while the account is read (a plan waits for the read meanwhile), not after."""

    def prepare_checks(self, manifests: Sequence[Manifest]) -> None: ...


@runtime_checkable
class SendsFirstAlone(Protocol):
    """A provider whose client sends its very first request alone (JupiterOne, until the
    quota is known): a read started after `earlier` waits until `earlier` has a request
    in line (or is over), so that the first read started sends the first request."""

    def wait_first_request(self, earlier: Future[Any]) -> None: ...


class _Reads:
    """`provider.read_live` of a provider's kinds, started in steps (`start`), each kind
    once; `parts()` gives their live objects in parts as they come, `result(kinds)` waits
    for them all and gives the live objects of `kinds`. In the `background` each read runs
    on a thread of its own, and leaving the block on an error abandons the reads (when the
    provider can) and waits for them; otherwise `start` reads at once, in the caller's
    thread."""

    def __init__(self, provider: Provider, background: bool = True) -> None:
        self._provider = provider
        self._pool = ThreadPoolExecutor(thread_name_prefix=READER_THREAD) if background else None
        self._reads: list[tuple[frozenset[str], Future[list[LiveObject]]]] = []
        self._started: set[str] = set()
        # what the reads hand over, in the order it comes: parts, and a read's end (None)
        self._parts: SimpleQueue[Sequence[LiveObject] | None] = SimpleQueue()
        self._kinds_read: dict[str, KindRead] = {}  # each kind read whole, as parts said

    def __enter__(self) -> _Reads:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if self._pool is None:
            return
        if kind is not None and isinstance(self._provider, Abandonable):
            self._provider.abandon()
        self._pool.shutdown(wait=True)

    def start(self, kinds: Sequence[str]) -> None:
        """Read those of `kinds` not yet started, together (one read: a rule read links
        rules to questions and so reads the questions too)."""
        new = [kind for kind in kinds if kind not in self._started]
        if new:
            self._started.update(new)
            if self._pool is not None and self._reads:
                # the first read started (the pruned kinds: rules) sends the first request
                read = self._pool.submit(self._read_after, self._reads[0][1], new)
            elif self._pool is not None:
                read = self._pool.submit(self._read, new)
            else:
                read = Future()
                read.set_result(self._read(new))
            read.add_done_callback(self._ended)
            self._reads.append((frozenset(new), read))

    def _read(self, kinds: Sequence[str]) -> list[LiveObject]:
        if isinstance(self._provider, ReadsInParts):
            return self._provider.read_live_in_parts(kinds, self._parts.put)
        return self._provider.read_live(kinds)

    def _read_after(
        self, earlier: Future[list[LiveObject]], kinds: Sequence[str]
    ) -> list[LiveObject]:
        if isinstance(self._provider, SendsFirstAlone):
            self._provider.wait_first_request(earlier)
        return self._read(kinds)

    def _ended(self, read: Future[list[LiveObject]]) -> None:
        """A read is over: all its objects (what it handed over and what it did not, as
        linked), then its end; a failed read, its end only."""
        if not read.cancelled() and read.exception() is None:
            self._parts.put(read.result())
        self._parts.put(None)

    def parts(self, needed: Collection[str]) -> Iterator[Sequence[LiveObject]]:
        """The live objects of the reads started, in parts in the order they come (a kind,
        a page, a read's objects: an object may come more than once), until every read is
        over, failed ones too (`result` raises their errors). Waits in steps of
        SIGNAL_CHECK_S, as `interrupts.settled` does.

        Once a read of a kind the plan `needed` has failed, the run fails with its error:
        the other targets' reads are stopped (`Targets.stop_reading`), again at every step
        until they are over (a request sent just as they were stopped is cut too), and
        they serve again afterwards. Before, a read started apart (a kind found only by
        the load) waited out a server that never answers, its timeout and retry budget,
        although another target's read had failed already. (One target's reads go to
        one server, which answered: they end of themselves.)"""
        ended = 0
        targets = self._provider if isinstance(self._provider, Targets) else None
        stopping: ReadGivenUp | None = None
        try:
            while ended < len(self._reads):
                if targets is not None:
                    stopping = stopping or self._failed_for_good(needed)
                    if stopping is not None:
                        targets.stop_reading(stopping)
                try:
                    part = self._parts.get(timeout=SIGNAL_CHECK_S)
                except Empty:
                    continue
                if part is None:
                    ended += 1
                else:
                    if isinstance(part, KindRead):
                        self._kinds_read[part.kind] = part
                    yield part
        finally:
            if stopping is not None and targets is not None:
                targets.resume_reading()

    def _failed_for_good(self, needed: Collection[str]) -> ReadGivenUp | None:
        """The error that stops the other reads, once a read of a kind in `needed` has
        failed (a read of other kinds may fail unheeded: `result` drops it)."""
        for kinds, read in self._reads:
            if read.done() and not read.cancelled() and not kinds.isdisjoint(needed):
                error = read.exception()
                if error is not None:
                    return ReadGivenUp(f"read given up: {error}")
        return None

    def read_of(self, kinds: frozenset[str]) -> list[LiveObject] | None:
        """The live objects of `kinds` once each is read, as the reads return them: a read
        that is over, its objects of `kinds`; one still reading, those of each kind it has
        handed over whole (`KindRead`, parts seen so far), in its provider's order of
        kinds. None before, or when a read of them failed or one is not started."""
        if not kinds <= self._started:
            return None
        live: list[LiveObject] = []
        for read_kinds, read in self._reads:
            if not read_kinds & kinds:
                continue
            if read.done():
                if read.cancelled() or read.exception() is not None:
                    return None
                live.extend(obj for obj in read.result() if obj.kind in kinds)
                continue
            for kind in (k.kind for k in self._provider.kinds):  # how a read returns them
                if kind in read_kinds and kind in kinds:
                    whole = self._kinds_read.get(kind)
                    if whole is None:
                        return None
                    live.extend(whole)
        return live

    def result(self, kinds: Sequence[str]) -> list[LiveObject]:
        """The live objects of `kinds` (all started before); the reads of other kinds are
        waited for and dropped, errors included."""
        wanted = set(kinds)
        live: list[LiveObject] = []
        given_up: ReadGivenUp | None = None  # raised only when no read failed on its own
        for read_kinds, read in self._reads:
            if read_kinds & wanted:
                try:
                    live.extend(obj for obj in result_of(read) if obj.kind in wanted)
                except ReadGivenUp as exc:
                    given_up = given_up or exc
            else:
                settled(read)
        if given_up is not None:
            raise given_up
        if isinstance(self._provider, LinksLive):
            live = self._provider.link(live)  # kinds read apart refer to each other
        return live
