"""Progress on stderr only on a terminal (a rich display); in CI, reading on stderr and
apply's line per change on stdout (through the real CLI)."""

from __future__ import annotations

import json
import re
import sys
from io import StringIO

import pytest
from rich.console import Console

from j1sync.engine.model import Change
from j1sync.executor import ApplyEvent
from j1sync.executor.outcome import Outcome
from j1sync.output.progress import PlainProgress, RichProgress, progress_for_stderr
from tests.e2e.conftest import Account

RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: rule-1
spec:
  question:
    queries:
      - name: query0
        query: Find Host
"""

ANSI_ESCAPE = "\x1b["


def test_apply_without_a_terminal_reads_on_stderr_and_reports_each_change_on_stdout(
    empty_account: Account,
) -> None:
    acc = empty_account
    acc.write("rule.yaml", RULE)
    result = acc.run("apply", acc.manifests, "--auto-approve")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "reading the account ..."
    assert "AlertRule/rule-1" not in result.stderr  # no progress line per change
    assert "created AlertRule/rule-1" in result.stdout.splitlines()
    assert ANSI_ESCAPE not in result.output


def test_failed_change_is_reported_with_the_api_message(empty_account: Account) -> None:
    acc = empty_account
    acc.write("rule.yaml", RULE)
    acc.emu.switches.fail_mutation("createInlineQuestionRuleInstance", times=5)
    result = acc.run("apply", acc.manifests, "--auto-approve")
    assert result.exit_code == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("failed  create")]
    assert failed and "AlertRule/rule-1: " in failed[0]


def test_plan_and_drift_report_reading_on_stderr_and_keep_stdout_clean(
    empty_account: Account,
) -> None:
    acc = empty_account
    acc.write("rule.yaml", RULE)
    planned = acc.run("plan", acc.manifests, "--format", "json")
    assert planned.exit_code == 0, planned.output
    assert json.loads(planned.stdout)["changes"][0]["action"] == "create"
    assert any(line.startswith("read the account in ") for line in planned.stderr.splitlines())
    drift = acc.run("drift", acc.manifests)
    assert drift.exit_code == 2
    assert "reading the account ..." in drift.stderr.splitlines()


def change(address: str, action: str = "update") -> Change:
    kind, name = address.split("/", 1)
    return Change(address=address, kind=kind, name=name, action=action, reason="test")  # type: ignore[arg-type]


def test_rich_progress_draws_a_bar_and_each_outcome_on_a_terminal() -> None:
    buffer = StringIO()
    progress = RichProgress(Console(file=buffer, force_terminal=True, width=100))
    with progress.reading():
        pass
    rule, question = change("AlertRule/r"), change("Question/q", "delete")
    events = [
        ApplyEvent("start", 2),
        ApplyEvent("change_started", 2, rule),
        ApplyEvent("change_finished", 2, rule, Outcome(rule.address, "update", "applied")),
        ApplyEvent(
            "change_finished",
            2,
            question,
            Outcome(question.address, "delete", "failed", "BAD_USER_INPUT: in use"),
        ),
        ApplyEvent("finish", 2),
    ]
    for event in events:
        progress.on_apply_event(event)
    out = buffer.getvalue()
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)
    assert "Reading the account" in plain
    assert "updated AlertRule/r" in plain
    assert "delete Question/q: BAD_USER_INPUT: in use" in plain
    assert "2/2" in out  # the bar reached the total
    assert ANSI_ESCAPE in out  # coloured, unlike the plain mode


def test_rich_progress_writes_the_lines_to_stdout_when_stdout_is_not_the_terminal() -> None:
    buffer, report = StringIO(), []
    progress = RichProgress(Console(file=buffer, force_terminal=True, width=100), report.append)
    rule = change("AlertRule/r", "create")
    progress.on_apply_event(ApplyEvent("start", 1))
    progress.on_apply_event(
        ApplyEvent("change_finished", 1, rule, Outcome(rule.address, "create", "applied"))
    )
    progress.on_apply_event(ApplyEvent("finish", 1))
    assert report == ["created AlertRule/r"]
    assert "created AlertRule/r" not in buffer.getvalue()


def test_plain_progress_reports_one_line_per_finished_change_and_nothing_else() -> None:
    progress_lines: list[str] = []
    report: list[str] = []
    progress = PlainProgress(progress_lines.append, report.append)
    skipped, rule = change("AlertRule/r", "create"), change("AlertRule/s", "update")
    progress.on_apply_event(ApplyEvent("start", 2))
    progress.on_apply_event(ApplyEvent("change_started", 2, rule))
    progress.on_apply_event(
        ApplyEvent("change_finished", 2, rule, Outcome(rule.address, "update", "applied"))
    )
    progress.on_apply_event(
        ApplyEvent(
            "change_finished",
            2,
            skipped,
            Outcome(skipped.address, "create", "skipped", "depends on Question/q (failed)"),
        )
    )
    progress.on_apply_event(ApplyEvent("finish", 2))
    assert progress_lines == []
    assert report == [
        "updated AlertRule/s",
        "skipped create AlertRule/r: depends on Question/q (failed)",
    ]


@pytest.mark.parametrize(
    ("isatty", "env", "expected"),
    [
        (True, {}, RichProgress),
        (True, {"NO_COLOR": "1"}, RichProgress),  # no colours, still a bar
        (True, {"TERM": "dumb"}, PlainProgress),
        (False, {}, PlainProgress),
        (False, {"FORCE_COLOR": "1"}, PlainProgress),  # colours, still no bar
    ],
)
def test_the_rich_display_needs_a_terminal_that_can_redraw(
    monkeypatch: pytest.MonkeyPatch, isatty: bool, env: dict[str, str], expected: type
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: isatty)
    assert isinstance(progress_for_stderr(), expected)
