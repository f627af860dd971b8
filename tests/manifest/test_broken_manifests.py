"""Every deliberately broken manifest in broken/ fails `j1sync validate` with exit 1 and a
problem line naming its file, the right line, the field path and what is wrong.

Each fixture states its expectation in its header:
    # expect: line=9 field=spec.titel        (field=- : no field, e.g. a YAML syntax error)
    # expect-message: did you mean 'title'
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from tests.manifest.conftest import BROKEN

UNSET_VARIABLE = "J1SYNC_TEST_UNSET_TOKEN"  # used by env_unset.yaml


@dataclass(frozen=True)
class Expectation:
    target: Path  # what is passed to validate (a file, or a folder for cross-file modes)
    reported_in: Path  # the file the problem must be reported in
    line: int
    field: str | None
    message: str


def _expectation(target: Path, reported_in: Path) -> Expectation:
    header = reported_in.read_text(encoding="utf-8")
    expect = re.search(r"^# expect: line=(\d+) field=(\S+)$", header, re.MULTILINE)
    message = re.search(r"^# expect-message: (.+)$", header, re.MULTILINE)
    assert expect and message, f"{reported_in.name} lacks its # expect header"
    field = None if expect.group(2) == "-" else expect.group(2)
    return Expectation(target, reported_in, int(expect.group(1)), field, message.group(1))


def _cases() -> list[Expectation]:
    cases = [_expectation(path, path) for path in sorted(BROKEN.glob("*.yaml"))]
    for folder in sorted(p for p in BROKEN.iterdir() if p.is_dir()):
        (reported_in,) = [f for f in folder.glob("*.yaml") if "# expect:" in f.read_text()]
        cases.append(_expectation(folder, reported_in))
    return cases


CASES = _cases()


def test_there_is_a_fixture_for_each_failure_mode() -> None:
    assert len(CASES) >= 22
    assert {c.target.stem for c in CASES} >= {
        "unknown_key",
        "bad_indentation",
        "tab_character",
        "list_where_map",
        "wrong_type",
        "missing_required_title",
        "empty_spec",
        "unknown_kind",
        "unknown_api_version",
        "duplicate_name",
        "question_ref_missing",
        "env_unset",
        "unknown_permission",
        "hour_with_one_hour",
        "day_of_week_with_one_day",
        "both_question_and_ref",
        "neither_question_nor_ref",
        "no_queries",
        "duplicate_query_names",
        "condition_unknown_query",
        "bad_name_whitespace",
        "bad_polling_interval",
        "bad_results_are",
        "action_without_type",
        "bad_member_email",
        "hour_out_of_range",
        "yaml_syntax",
    }


def _matching_line(stderr: str, case: Expectation) -> str | None:
    prefix = f"{case.reported_in}:{case.line}:"
    for line in stderr.splitlines():
        if not line.startswith(prefix) or case.message not in line:
            continue
        if case.field is None or f": {case.field}: " in line:
            return line
    return None


@pytest.mark.parametrize("case", CASES, ids=[c.target.stem for c in CASES])
def test_broken_manifest_is_rejected_at_its_line_and_field(
    case: Expectation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(UNSET_VARIABLE, raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    result = CliRunner().invoke(cli, ["validate", str(case.target)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert _matching_line(result.stderr, case), (
        f"expected {case.reported_in.name}:{case.line} {case.field}: {case.message!r}\n"
        f"got:\n{result.stderr}"
    )


def test_python_dash_m_j1sync_reports_the_problem_and_exits_1() -> None:
    case = next(c for c in CASES if c.target.stem == "unknown_key")
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    completed = subprocess.run(
        [sys.executable, "-m", "j1sync", "validate", str(case.target)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    assert _matching_line(completed.stderr, case), completed.stderr
    assert "Traceback" not in completed.stderr
