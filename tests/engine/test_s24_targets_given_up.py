"""Several targets whose reads are stopped from outside (reconcile.py: a read of the run,
started apart, failed for good). A target whose own read failed already (JupiterOne's IAM
read, refused with the wrong key) is not stopped: its other read goes on to its own
error (the key refused), which the run reports. Before, the other target's read given up
in that read stopped the JupiterOne read beside it as well, and the run said the IAM
refusal (an account without SSO?) for a wrong key (test_s18b_one_target_fails, seen in
2 of 40 loaded runs)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest

from j1sync.errors import ApiError, AuthError, IamUnavailable, ReadGivenUp
from j1sync.manifest.document import ProjectConfig
from j1sync.providers.registry import system_named
from j1sync.providers.targets import Target, Targets

WAIT_S = 10.0


@dataclass(frozen=True)
class _Kind:
    kind: str


@dataclass(eq=False)
class _Provider:
    """A target's provider whose reads end as the test says (a client's do likewise:
    once `stop_reading` is called, a read under way fails with its error)."""

    names: Sequence[str]
    account: str
    stopped: list[ApiError] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    ended: threading.Event = field(default_factory=threading.Event)
    own_error: ApiError | None = None

    @property
    def kinds(self) -> list[_Kind]:
        return [_Kind(name) for name in self.names]

    def read_live(self, kinds: Sequence[str] | None = None) -> list[Any]:
        try:
            if kinds == ["IamGroup"]:
                raise IamUnavailable("JupiterOne refused an IAM API request (HTTP 401)")
            while not self.release.wait(0.01):
                if self.stop.is_set():
                    raise ReadGivenUp(str(self.stopped[-1]))
            if self.own_error is not None:
                raise self.own_error
            return []
        finally:
            self.ended.set()

    def stop_reading(self, error: ApiError) -> None:
        self.stopped.append(error)
        self.stop.set()

    def resume_reading(self) -> None:
        self.stop.clear()

    def kind(self, name: str) -> _Kind:
        return _Kind(name)

    def lock_store(self) -> Any:
        raise NotImplementedError


def test_a_target_whose_own_read_failed_goes_on_to_its_own_error() -> None:
    jupiterone, xyops = system_named("jupiterone"), system_named("xyops")
    assert jupiterone is not None and xyops is not None
    j1 = _Provider(["AlertRule", "IamGroup"], "j1-account")
    j1.own_error = AuthError("JupiterOne API refused the credentials (HTTP 401)")
    xy = _Provider(["xyops.Tag"], "http://127.0.0.1:1")  # its server never answers
    targets = Targets(
        [Target(jupiterone, j1, ProjectConfig()), Target(xyops, xy, ProjectConfig())]  # type: ignore[arg-type]
    )
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(targets.read_live, ["AlertRule", "xyops.Tag"])
        with pytest.raises(IamUnavailable):
            targets.read_live(["IamGroup"])  # started apart; JupiterOne answered: refused
        targets.stop_reading(ReadGivenUp("read given up: JupiterOne refused an IAM request"))
        assert xy.ended.wait(WAIT_S)  # the silent target's read is given up
        assert not j1.stop.wait(0.5)  # and JupiterOne's goes on: it answers, and will say
        j1.release.set()
        with pytest.raises(AuthError, match="refused the credentials"):
            first.result(WAIT_S)
    assert j1.stopped == [] and len(xy.stopped) >= 1
    targets.resume_reading()
    assert not xy.stop.is_set()
