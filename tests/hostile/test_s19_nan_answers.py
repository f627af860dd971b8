"""A server (or a proxy gone wrong) answering NaN or Infinity where a number belongs: no
JSON (a JavaScript server's JSON.stringify never writes them), yet Python's decoder took
them, and a dashboard's layout ended in "internal error: ValueError: cannot convert float
NaN to integer", an xyOps answer's code NaN in a message naming code [nan], and OpenCTI's
numbers went on as floats. Now such an answer is not JSON, for every system: one line
naming the API, exit 1, before any change."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.examples import jupiterone_examples
from tests.hostile.several_systems import (
    J1_KEY,
    OPENCTI_LABEL,
    XYOPS_TAG,
    running_systems,
    systems_env,
)
from tests.http_servers import proxying

# every number a JSON answer holds as a member's value or a list's element
_NUMBER = re.compile(rb"([:\[,]\s*)-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?=\s*[,}\]])")


@contextmanager
def nan_proxy(upstream: str) -> Iterator[str]:
    """Forwards every request to `upstream`, every number of its answer turned to NaN."""
    with proxying(upstream, lambda _, answer: _NUMBER.sub(rb"\1NaN", answer.content)) as url:
        yield url


SYSTEMS = {
    "jupiterone": ("JUPITERONE_API_URL", "JupiterOne API returned a non-JSON response"),
    "xyops": ("XYOPS_URL", "xyOps API returned a non-JSON answer"),
    "opencti": ("OPENCTI_URL", "OpenCTI API returned a non-JSON answer"),
}


@pytest.mark.parametrize("system", list(SYSTEMS))
def test_an_answer_holding_nan_is_not_json(tmp_path: Path, system: str) -> None:
    variable, says = SYSTEMS[system]
    if system == "jupiterone":  # the examples: dashboards, layouts, parameters
        manifests = str(jupiterone_examples())
    else:
        (tmp_path / "m.yaml").write_text(
            XYOPS_TAG if system == "xyops" else OPENCTI_LABEL, encoding="utf-8"
        )
        manifests = str(tmp_path)
    with (
        running_systems() as (j1, xy, oc),
        running_emulator(db=":memory:", seed="demo", api_key=J1_KEY) as demo,
    ):
        upstream = {"jupiterone": demo, "xyops": xy, "opencti": oc}[system]
        before = upstream.snapshot() if hasattr(upstream, "snapshot") else None
        with nan_proxy(upstream.url) as url:
            env = systems_env(j1, xy, oc, **{variable: url})
            env["JUPITERONE_ACCOUNT_ID"] = demo.account
            for command in (["plan"], ["apply", "--auto-approve"]):
                done = CliRunner().invoke(cli, [*command, manifests], env=env)
                assert done.exit_code == 1, done.output
                assert says in done.output, done.output
                assert "internal error" not in done.output
        if before is not None:
            assert upstream.snapshot() == before  # nothing changed
