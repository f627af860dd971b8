"""J1QL queries are rate-limited apart from GraphQL invocations: 120 per 120 s per account
by default (reference/jupiterone/rate-limiting-j1ql.md). The emulator did not model that
bucket, so j1sync's own pacing of `plan --check-queries` was never tried against a
refusal. Now, with quotas on, each `queryV1` root field is one token of the account's
J1QL bucket; a request the bucket cannot take is dropped whole (429, uncounted, with
Retry-After), and other requests go on. A `plan --check-queries` that asks more than a
bucketful meets no 429: it paces itself to the documented bucket."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from j1sync.providers.jupiterone.emulator import Emulator, running_emulator
from j1sync.providers.jupiterone.emulator.quotas import (
    DOCUMENTED_ACCOUNT,
    DOCUMENTED_TOKEN,
    Quota,
    Quotas,
)
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import jupiterone_run

QUERY = "query ($q: String!) { queryV1(query: $q, dryRun: true) { type data } }"
TWO = (
    "query ($q: String!) { a: queryV1(query: $q, dryRun: true) { type } "
    "b: queryV1(query: $q, dryRun: true) { type } }"
)
QUESTIONS = "query { questions { questions { id } pageInfo { hasNextPage } } }"


def _post(emu: Emulator, query: str, **variables: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {emu.api_key}", "JupiterOne-Account": emu.account}
    body = {"query": query, "variables": variables}
    return requests.post(f"{emu.url}/", json=body, headers=headers, timeout=10)


def test_queries_past_the_j1ql_bucket_are_refused_and_others_go_on() -> None:
    quotas = Quotas(DOCUMENTED_ACCOUNT, DOCUMENTED_TOKEN, j1ql=Quota(3, 300.0))
    with running_emulator(seed=BASE_SEED) as emu:
        emu.switches.quotas = quotas
        for _ in range(2):
            assert _post(emu, QUERY, q="FIND User").status_code == 200
        both = _post(emu, TWO, q="FIND User")  # two queries, one token left: dropped whole
        assert both.status_code == 429
        assert int(both.headers["Retry-After"]) >= 1
        assert _post(emu, QUESTIONS).status_code == 200  # no query: the bucket is not asked
        assert _post(emu, QUERY, q="FIND User").status_code == 200  # the dropped two uncounted
        refused = _post(emu, QUERY, q="FIND User")
        assert refused.status_code == 429 and "Retry-After" in refused.headers
        assert emu.stats.statuses[429] == 2


def test_the_quotas_option_takes_a_j1ql_bucket() -> None:
    assert Quotas.parse("documented").j1ql == Quota(120, 120.0)
    assert Quotas.parse("2000/120,1000/60").j1ql == Quota(120, 120.0)
    assert Quotas.parse("2000/120,1000/60,60/60").j1ql == Quota(60, 60.0)
    assert Quotas.parse("documented", scale=10).j1ql == Quota(12, 12.0)
    with pytest.raises(ValueError, match="J1QL_N/S"):
        Quotas.parse("1/1,2/2,3/3,4/4")


QUESTION = """apiVersion: j1sync/v1
kind: Question
metadata:
  name: q{n}
spec:
  title: Question {n}
  queries:
    - name: a
      query: FIND User WITH name = 'user-{n}'
"""


def test_check_queries_paces_itself_to_the_documented_bucket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """122 new queries: a bucketful and 2 more, each sent once, no 429."""
    monkeypatch.chdir(tmp_path)
    Path("m").mkdir()
    for n in range(122):
        Path(f"m/q{n}.yaml").write_text(QUESTION.format(n=n), encoding="utf-8")
    with running_emulator(seed=BASE_SEED) as emu:
        emu.switches.quotas = Quotas.parse("documented")
        planned = jupiterone_run(emu, "plan", "m", "--check-queries", "--detailed-exitcode")
        assert planned.exit_code == 2, planned.output
        assert emu.stats.statuses[429] == 0
        assert emu.stats.operations["J1SyncCheckQuery"] == 122, dict(emu.stats.operations)
