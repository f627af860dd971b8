"""Several systems in one run: each system's target (its connected provider and its part
of j1sync.yaml) and `Targets`, all of them as one `engine.contract.Provider`.

The engine sees one provider whose kinds are every target's kinds, in system order (each
system's own kinds already in dependency order; engine kind names never collide across
systems, providers/registry.py). Reads of several targets run at once; a kind's create,
update, delete and find go to the target that owns it. What is per target stays per
target: its account (`Target.account`), its apply lock (`locks`), its j1sync.yaml section
(`Target.project`: ownership marker, prune, safety), and its plan section
(reconcile.py builds one plan part per target and joins them)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FuturesTimeout
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from j1sync.engine.contract import (
    LiveObject,
    LivePart,
    LockStore,
    Provider,
    ReadsInParts,
    ResourceKind,
    no_part,
)
from j1sync.errors import ApiError, ConfigError, ReadGivenUp
from j1sync.http.pacing import GivesWay
from j1sync.interrupts import SIGNAL_CHECK_S, result_of, settled
from j1sync.manifest.document import ProjectConfig
from j1sync.providers.registry import UNQUALIFIED_SYSTEM, System, system_of_kind

READER_THREAD = "j1sync-target-read"


@dataclass(frozen=True)
class Target:
    """One system's connected target in this run."""

    system: System
    provider: Provider
    project: ProjectConfig  # j1sync.yaml's settings for this system (ProjectConfig.for_system)

    @property
    def account(self) -> str:
        """How outputs name the target (JupiterOne: the account id; xyOps: its URL)."""
        return self.provider.account


@runtime_checkable
class _Abandonable(Protocol):
    def abandon(self) -> None: ...


@runtime_checkable
class _Links(Protocol):
    def link(self, live: Sequence[LiveObject]) -> list[LiveObject]: ...


@runtime_checkable
class _Stoppable(Protocol):
    def stop_retries(self) -> None: ...

    def resume_retries(self) -> None: ...


class Targets:
    """Every target of a run as one `engine.contract.Provider`."""

    def __init__(self, targets: Sequence[Target]) -> None:
        if not targets:
            raise ValueError("a run has at least one target")
        self.targets = tuple(targets)
        self.account = " + ".join(f"{t.system.title} {t.account}" for t in self.targets)
        self.kinds: Sequence[ResourceKind] = tuple(
            kind for target in self.targets for kind in target.provider.kinds
        )
        self._owner = {kind.kind: t for t in self.targets for kind in t.provider.kinds}
        # the providers whose own read failed in this run (not given up: its server answered)
        self._failed_on_their_own: list[Provider] = []

    def target_of(self, kind: str) -> Target:
        try:
            return self._owner[kind]
        except KeyError:
            known = ", ".join(self._owner)
            raise ConfigError(f"unknown kind {kind!r}; kinds: {known}") from None

    def kind(self, name: str) -> ResourceKind:
        return self.target_of(name).provider.kind(name)

    def read_live(self, kinds: Sequence[str] | None = None) -> list[LiveObject]:
        """Each target's kinds read by its provider, the targets at once; the objects in
        target order."""
        return self.read_live_in_parts(kinds, no_part)

    def read_live_in_parts(self, kinds: Sequence[str] | None, part: LivePart) -> list[LiveObject]:
        """`read_live`, handing `part` what each target's provider hands over
        (engine.contract.ReadsInParts; a provider that hands nothing over: nothing).

        Once one target's read fails, the others' reads end at once (`_StopsReading`): the
        run fails with that error, which would otherwise wait for every other target's
        read, a server that does not answer its timeout and retry budget. So do they all
        on Ctrl-C (apply reads in the command's thread: the interrupt comes here)."""
        wanted = [k.kind for k in self.kinds] if kinds is None else list(kinds)
        per_target = [(t, [k for k in wanted if self.target_of(k) is t]) for t in self.targets]
        jobs = [(t.provider, ks) for t, ks in per_target if ks]
        if len(jobs) == 1:
            return self._read(*jobs[0], part)
        with ThreadPoolExecutor(len(jobs) or 1, thread_name_prefix=READER_THREAD) as pool:
            reads = [pool.submit(self._read, provider, ks, part) for provider, ks in jobs]
            providers = [provider for provider, _ in jobs]
            try:
                failed = _first_failure(reads)
            except BaseException as exc:  # Ctrl-C: no read is waited for either
                _stop_others(providers, reads, None, f"read given up: {exc!r}")
                raise
            if failed is not None:
                _stop_others(providers, reads, failed, f"read given up: {failed.exception()}")
            first = next(
                (r for r in reads if not r.cancelled() and r.exception() is not None), None
            )
            if first is None:
                return [obj for read in reads for obj in result_of(read)]
            return result_of(_own_failure(reads, first))  # raises its error

    def _read(self, provider: Provider, kinds: Sequence[str], part: LivePart) -> list[LiveObject]:
        try:
            return _read(provider, kinds, part)
        except ReadGivenUp:
            raise
        except Exception:
            self._failed_on_their_own.append(provider)
            raise

    def stop_reading(self, error: ApiError) -> None:
        """Another read of the run failed for good (reconcile.py: one started apart, with
        other kinds): every target's read ends at once with `error`, but that of a target
        whose own read failed. Its server answered, and its reads end of themselves with
        errors of their own (a wrong key: each request's 401), which say more than "given
        up"."""
        for target in self.targets:
            provider = target.provider
            failed = any(p is provider for p in self._failed_on_their_own)
            if not failed and isinstance(provider, _StopsReading):
                provider.stop_reading(error)

    def resume_reading(self) -> None:
        """After `stop_reading()`, once the reads are over: every target serves again."""
        for target in self.targets:
            if isinstance(target.provider, _StopsReading):
                target.provider.resume_reading()

    def link(self, live: Sequence[LiveObject]) -> list[LiveObject]:
        """Each target links its own objects (reconcile.LinksLive)."""
        linked: list[LiveObject] = []
        for target in self.targets:
            own = [obj for obj in live if self._owner.get(obj.kind) is target]
            provider = target.provider
            linked += provider.link(own) if isinstance(provider, _Links) else own
        return linked

    def abandon(self) -> None:
        for target in self.targets:
            if isinstance(target.provider, _Abandonable):
                target.provider.abandon()

    def give_way(self) -> None:
        """Other work gives way to each target's chain of pages (http.pacing.GivesWay)."""
        for target in self.targets:
            if isinstance(target.provider, GivesWay):
                target.provider.give_way()

    def stop_retries(self) -> None:
        for target in self.targets:
            if isinstance(target.provider, _Stoppable):
                target.provider.stop_retries()

    def resume_retries(self) -> None:
        for target in self.targets:
            if isinstance(target.provider, _Stoppable):
                target.provider.resume_retries()

    def lock_store(self) -> LockStore:
        raise ConfigError("several targets: each target has its own apply lock (targets.locks)")


@runtime_checkable
class _StopsReading(Protocol):
    def stop_reading(self, error: ApiError) -> None: ...

    def resume_reading(self) -> None: ...


def _first_failure(reads: Sequence[Future[list[LiveObject]]]) -> Future[list[LiveObject]] | None:
    """Wait until every read is done (None) or one has failed on its own (that one),
    returning to Python every SIGNAL_CHECK_S as `interrupts.settled` does. A read given
    up stops no other here: what stopped it (a read of the run that failed elsewhere,
    reconcile.py) stops all it should, and a target whose own read failed goes on to
    its own error (a wrong key's 401), which says more than "given up"."""
    while True:
        failed = next((r for r in reads if r.done() and _failed_on_its_own(r)), None)
        pending = [r for r in reads if not r.done()]
        if failed is not None or not pending:
            return failed
        with suppress(FuturesTimeout, CancelledError):
            pending[0].exception(SIGNAL_CHECK_S)


def _failed_on_its_own(read: Future[list[LiveObject]]) -> bool:
    error = None if read.cancelled() else read.exception()
    return error is not None and not isinstance(error, ReadGivenUp)


def _own_failure(
    reads: Sequence[Future[list[LiveObject]]], failed: Future[list[LiveObject]]
) -> Future[list[LiveObject]]:
    """The read whose error ends the run, once all are over: `failed`, unless it was only
    given up (a read of the same run that failed elsewhere stopped it) and another read
    here failed for a reason of its own (a wrong key: its 401)."""
    if not isinstance(failed.exception(), ReadGivenUp):
        return failed
    return next((r for r in reads if _failed_on_its_own(r)), failed)


def _stop_others(
    providers: Sequence[Provider],
    reads: Sequence[Future[list[LiveObject]]],
    failed: Future[list[LiveObject]] | None,
    why: str,
) -> None:
    """`failed` (or an interrupt: None) ends the run: the other targets' reads are
    stopped, again every SIGNAL_CHECK_S until they are over (a request sent just as they
    were stopped is cut too), then their clients serve again (an apply releases its locks
    through them)."""
    error = ReadGivenUp(why)
    others = [
        (provider, read)
        for provider, read in zip(providers, reads, strict=True)
        if read is not failed and isinstance(provider, _StopsReading)
    ]
    try:
        while running := [(provider, read) for provider, read in others if not read.done()]:
            for provider, _ in running:
                provider.stop_reading(error)
            with suppress(FuturesTimeout, CancelledError):
                running[0][1].exception(SIGNAL_CHECK_S)
        for read in reads:
            settled(read)
    finally:
        for provider, _ in others:
            provider.resume_reading()


def _read(provider: Provider, kinds: Sequence[str], part: LivePart) -> list[LiveObject]:
    if isinstance(provider, ReadsInParts):
        return provider.read_live_in_parts(kinds, part)
    return provider.read_live(kinds)


def targets_of(provider: Any) -> list[Target] | None:
    """The targets of a several-target provider, or None for one system's provider."""
    return list(provider.targets) if isinstance(provider, Targets) else None


def providers_of(provider: Provider) -> list[Provider]:
    """Each system's provider (one, unless `provider` is several targets)."""
    found = targets_of(provider)
    return [provider] if found is None else [t.provider for t in found]


@contextmanager
def locks(provider: Provider, lock_timeout_s: float) -> Iterator[None]:
    """Hold the apply lock of every target (in system order, so that two applies over the
    same targets never hold one each and wait for the other)."""
    from j1sync.engine.lock import AccountLock

    with ExitStack() as stack:
        for each in providers_of(provider):
            stack.enter_context(
                AccountLock(
                    each.lock_store(),
                    each.account,
                    timeout_s=lock_timeout_s,
                    unlock_command=unlock_command(each),
                    named=lock_named(each),
                )
            )
        yield


def lock_named(provider: Provider) -> str | None:
    """How lock messages name `provider`'s target: the default system's by its account
    (engine.lock's own wording), another by its system and URL ('OpenCTI https://...'),
    which an account id is not."""
    system = next((system_of_kind(k.kind) for k in provider.kinds), None)
    if system is None or system.name == UNQUALIFIED_SYSTEM:
        return None
    return f"{system.title} {provider.account}"


def unlock_command(provider: Provider) -> str:
    """The command that removes `provider`'s lock: `j1sync unlock`, with `--system NAME`
    for a system other than the default one (commands/unlock.py)."""
    system = next((system_of_kind(k.kind) for k in provider.kinds), None)
    if system is None or system.name == UNQUALIFIED_SYSTEM:
        return "j1sync unlock"
    return f"j1sync unlock --system {system.name}"
