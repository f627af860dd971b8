"""A repository of several systems where one system's read fails for good (a wrong key,
the IAM API refused) while another's server is slow or does not answer at all: the run
ends with the failure at once. Before, the targets' reads were waited for one after
another, so the error that was known in a fraction of a second came only once the other
target's read had spent its timeout and retry budget (10 minutes by default against a
server that accepts connections and never answers), meanwhile printing that target's
retries as if they were the problem. An apply's locks are still released on every
target, so the next apply goes ahead."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.engine.lock import LOCK_NAME
from tests.hostile.loopback import never_answering_server
from tests.hostile.running import timed_j1sync
from tests.hostile.several_systems import (
    J1_KEY,
    OPENCTI_LABEL,
    XY_KEY,
    XYOPS_TAG,
    running_systems,
)
from tests.hostile.several_systems import systems_env as _env

WRONG = "s18b-Wrong-Key-5fd02c"
# each request of the slow or silent target waits this long: far longer than the run may
SLOW_S = 20

MANIFESTS = {
    "jupiterone/group.yaml": """\
apiVersion: j1sync/v1
kind: IamGroup
metadata:
  name: s18b-auditors
spec:
  description: Read-only auditors
  abacPermissions: [readGraph]
""",
    "xyops/tag.yaml": XYOPS_TAG,
    "opencti/label.yaml": OPENCTI_LABEL,
}


@pytest.fixture
def manifests(tmp_path: Path) -> Path:
    root = tmp_path / "m"
    for relpath, text in MANIFESTS.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def systems() -> Iterator[tuple[Any, Any, Any]]:
    """JupiterOne (an empty account), xyOps and OpenCTI emulators."""
    with running_systems() as running:
        yield running


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


@pytest.mark.parametrize("command", ["plan", "drift"])
def test_a_refused_key_is_said_at_once_while_another_server_never_answers(
    command: str, systems: tuple[Any, Any, Any], manifests: Path, tmp_path: Path
) -> None:
    j1, xy, oc = systems
    with never_answering_server() as (silent, _):
        env = _env(j1, xy, oc, JUPITERONE_API_KEY=WRONG, OPENCTI_URL=silent)
        args = [command, str(manifests), "--timeout", str(SLOW_S), "--format", "json"]
        done, took = timed_j1sync(args, env, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output  # an error, never drift (2)
    assert done.stdout == ""
    assert _errors(done.stderr) == [
        "Error: JupiterOne API refused the credentials (HTTP 401): check JUPITERONE_API_KEY "
        "and JUPITERONE_ACCOUNT_ID"
    ], output
    # nothing about the other target's retries: it is not the problem
    assert "OpenCTI" not in output, output
    assert took < SLOW_S / 2, took  # before: one timeout at least, and the retry budget
    for secret in (WRONG, J1_KEY, XY_KEY, oc.token):
        assert secret not in output


def test_either_target_may_fail_first(
    systems: tuple[Any, Any, Any], manifests: Path, tmp_path: Path
) -> None:
    """The failing target comes after the silent one (the reads are not waited for in
    order): xyOps refuses the key while JupiterOne's server never answers."""
    j1, xy, oc = systems
    with never_answering_server() as (silent, _):
        env = _env(j1, xy, oc, XYOPS_API_KEY=WRONG, JUPITERONE_API_URL=silent)
        args = ["plan", str(manifests), "--timeout", str(SLOW_S)]
        done, took = timed_j1sync(args, env, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert _errors(done.stderr) == [
        "Error: xyOps API (get_multiple): Invalid API Key [session]: check XYOPS_API_KEY "
        "and the key's privileges"
    ], output
    assert took < SLOW_S / 2, took
    assert WRONG not in output and XY_KEY not in output


def test_apply_stops_at_once_and_releases_every_lock(
    systems: tuple[Any, Any, Any], manifests: Path, tmp_path: Path
) -> None:
    """Under the locks, JupiterOne refuses the IAM read while OpenCTI answers slowly: the
    apply ends at once, changes nothing, and leaves no lock behind on either target
    (OpenCTI's client serves again for the release); the next apply goes ahead."""
    j1, xy, oc = systems
    j1.switches.iam_enabled = False  # the IAM read is refused (FORBIDDEN)
    refused = threading.Event()

    def slow_opencti() -> None:
        # from OpenCTI's first read of the account on (its lock is taken by then)
        oc.switches.latency_ms = SLOW_S * 1000

    def answered_refusal() -> None:
        refused.set()
        oc.switches.latency_ms = 0  # the lock's release is not slowed

    oc.switches.after_field(
        "vocabularyAdd", lambda: oc.switches.after_field("vocabularies", slow_opencti)
    )
    j1.switches.after_field("iamGroups", answered_refusal)
    env = _env(j1, xy, oc)
    done, took = timed_j1sync(["apply", str(manifests), "--auto-approve"], env, tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert refused.is_set()
    assert "refused an IAM API request" in output, output
    assert took < SLOW_S / 2, took
    assert "could not release the apply lock" not in output, output
    assert not [p for p in j1.snapshot().get("parameters", []) if p["name"] == LOCK_NAME]
    assert not [v for v in oc.snapshot().get("vocabularies", []) if LOCK_NAME in str(v)]
    assert "s18b_tag" not in [t["id"] for t in xy.snapshot()["tags"]]

    j1.switches.iam_enabled = True
    applied, _ = timed_j1sync(["apply", str(manifests), "--auto-approve"], env, tmp_path)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "created IamGroup/s18b-auditors" in applied.stdout
    assert "created opencti.Label/s18b-label" in applied.stdout
