"""A property named like a J1QL keyword (`WITH limit = 1`, `AND order > 2`) is no empty
filter. The checker called such queries broken ("empty filter: WITH is followed by
'limit'"), so `plan` refused them and the emulator's queryV1 did too, though whether
JupiterOne's parser takes a keyword as a property name is not documented: the checker
calls an error only what is certainly broken (docs/manifests.md, Checking J1QL). It is a
warning now, at the keyword, and the filter that is really empty is still an error."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import Emulator, running_emulator

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: quotas
spec:
  title: Service quotas near their limit
  queries:
    - name: a
      query: {query}
"""


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with running_emulator(seed="none") as emulator:
        yield emulator


def _run(emu: Emulator, *args: str) -> Result:
    env = {
        "JUPITERONE_API_KEY": emu.api_key,
        "JUPITERONE_ACCOUNT_ID": emu.account,
        "JUPITERONE_API_URL": emu.url,
        "NO_COLOR": "1",
    }
    return CliRunner().invoke(cli, list(args), env=env)


def _manifest(tmp_path: Path, query: str) -> Path:
    folder = tmp_path / "manifests"
    folder.mkdir()
    path = folder / "q.yaml"
    path.write_text(textwrap.dedent(QUESTION.format(query=query)), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("query", "keyword"),
    [
        ("FIND aws_service_quota WITH limit > 100", "limit"),
        ("FIND Task WITH done = false AND order < 3", "order"),
        ("FIND Route WITH enabled = true OR as = 'x'", "as"),
    ],
)
def test_a_keyword_named_property_is_planned_and_applied_with_a_warning(
    emu: Emulator, tmp_path: Path, query: str, keyword: str
) -> None:
    path = _manifest(tmp_path, query)
    column = len("      query: ") + query.index(f" {keyword} ") + 2  # the keyword's, 1-based
    validated = _run(emu, "validate", str(path.parent))
    assert validated.exit_code == 0, validated.output
    assert validated.stderr.startswith(
        f"j1sync: {path}:9:{column}: Question/quotas: spec.queries[0].query: J1QL warning: "
        f"'{keyword}' is a J1QL keyword, here a property name: JupiterOne may read it as "
        f"the keyword; the reference wraps unusual property names in [ ] ([{keyword}])\n"
    )
    planned = _run(emu, "plan", "--check-queries", "--detailed-exitcode", str(path.parent))
    assert planned.exit_code == 2, planned.output  # the emulator's dryRun takes it too
    assert "empty filter" not in planned.output
    applied = _run(emu, "apply", "--auto-approve", str(path.parent))
    assert applied.exit_code == 0, applied.output
    (question,) = emu.snapshot()["questions"]
    assert question["queries"][0]["query"] == query


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("FIND User WITH LIMIT 5", "empty filter: WITH is followed by 'LIMIT'"),
        ("FIND User WITH a = 1 AND RETURN User.a", "empty filter: nothing after AND"),
    ],
)
def test_a_filter_that_is_really_empty_is_still_an_error(
    emu: Emulator, tmp_path: Path, query: str, message: str
) -> None:
    path = _manifest(tmp_path, query)
    result = _run(emu, "validate", str(path.parent))
    assert result.exit_code == 1
    assert f"Question/quotas: spec.queries[0].query: J1QL: {message}" in result.stderr
