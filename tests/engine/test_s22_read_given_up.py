"""Reads started apart (the kinds j1sync.yaml prunes, then those the files name) fail
together when one target's key is wrong: the failing read stops the other targets' reads
("read given up: ...", providers/targets.py), and a read of the same provider that failed
for its own reason could come second. The run's error was then whichever read had started
first: in a fresh-clone CI run, a wrong JupiterOne key was reported as the IAM read's
refusal, given up, instead of the key refused. A read given up is now the run's error
only when no read failed on its own."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from j1sync.errors import AuthError, ReadGivenUp
from j1sync.reconcile import _Reads


class _Failing:
    """A provider whose reads fail: `given_up` kinds as stopped, the others on their own."""

    def __init__(self, given_up: set[str]) -> None:
        self.given_up = given_up

    def read_live(self, kinds: Sequence[str]) -> list[object]:
        if set(kinds) & self.given_up:
            raise ReadGivenUp("read given up: another target's read failed")
        raise AuthError("the key was refused (HTTP 401)")


def test_a_read_that_failed_on_its_own_is_the_error() -> None:
    """A plan's reads, on threads of their own (apply reads one after another)."""
    reads = _Reads(_Failing({"AlertRule"}))  # type: ignore[arg-type]
    with pytest.raises(AuthError, match="refused"), reads:
        reads.start(["AlertRule"])  # started first, given up
        reads.start(["IamGroup"])  # failed on its own
        reads.result(["AlertRule", "IamGroup"])


def test_reads_all_given_up_say_so() -> None:
    reads = _Reads(_Failing({"AlertRule", "IamGroup"}))  # type: ignore[arg-type]
    with pytest.raises(ReadGivenUp), reads:
        reads.start(["AlertRule"])
        reads.start(["IamGroup"])
        reads.result(["AlertRule", "IamGroup"])
