"""IAM group details come GROUPS_PER_REQUEST groups a request (aliased root fields) while no
quota paces the client, and a hundredth of the smallest bucket a request while the
server's RateLimit headers do (`JupiterOneClient.largest_request`): the same invocations
either way, but in-flight invocations count as spent in the pacing estimate, so large
requests under a quota only slow the read. Through the CLI against the emulator, with and
without the documented quotas."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.providers.jupiterone.client import PACED_SHARE
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.emulator.quotas import Quotas
from j1sync.providers.jupiterone.iam_groups import GROUPS_PER_REQUEST
from tests.e2e.conftest import API_KEY, Account
from tests.live_ready.test_iam_batch import SEED, Queries, group_manifest

GROUP_COUNT = len(SEED["iamGroups"]) - 2  # the teams (Users and Administrators aside)
ALIASED = re.compile(r"\biamGroupUsers\s*\(")


def _batches(tmp_path: Path, quotas: Quotas | None) -> list[int]:
    """The groups each members request of a plan asked for, in order."""
    with running_emulator(
        db=":memory:", seed=SEED, api_key=API_KEY, page_size=7, quotas=quotas
    ) as emu:
        account = Account(emu=emu, tmp_path=tmp_path)
        account.write("groups.yaml", "---\n".join(group_manifest(i) for i in range(GROUP_COUNT)))
        queries = Queries(emu)
        result = account.run("plan", account.manifests, "--detailed-exitcode")
        assert result.exit_code == 0, result.output
        return [len(ALIASED.findall(doc)) for doc in queries.named("J1SyncIamGroupMembers")]


@pytest.fixture
def documented() -> Iterator[Quotas]:
    yield Quotas()  # the documented buckets: 1,000 invocations a token


def test_without_a_quota_a_request_asks_for_the_most_groups(tmp_path: Path) -> None:
    batches = _batches(tmp_path, None)
    assert GROUP_COUNT > GROUPS_PER_REQUEST > 10
    assert sum(batches) == GROUP_COUNT + 2  # every group, the built-in two too
    assert max(batches) == GROUPS_PER_REQUEST


def test_under_the_documented_quota_a_request_asks_for_a_hundredth_of_the_bucket(
    tmp_path: Path, documented: Quotas
) -> None:
    batches = _batches(tmp_path, documented)
    paced = documented.token.count // PACED_SHARE
    assert paced < GROUPS_PER_REQUEST
    assert sum(batches) == GROUP_COUNT + 2
    # the very first request goes before any header is known; the details come after it
    assert max(batches) == paced
