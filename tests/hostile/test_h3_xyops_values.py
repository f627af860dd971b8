"""An xyOps action condition or type, a limit type or an event algorithm one slip off an
allowed value is a manifest error naming file, line, column and field with the value
meant, before any request: before, `validate` passed them, and apply created the objects
before the first the server refused ("Malformed action entry #1: Invalid condition"),
then stopped half-way."""

from __future__ import annotations

from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from tests.hostile.xyops_cli import run

MANIFESTS = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: h3_first
spec:
  title: Comes first, must not be created
---
apiVersion: xyops.j1sync/v1
kind: Category
metadata:
  name: h3_category
spec:
  title: C
  actions:
    - condition: eror
      type: chanel
      channel_id: sev1
    - condition: tag:h3_first
      type: snapshot
  limits:
    - type: tme
      duration: 60
---
apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: h3_event
spec:
  title: E
  category: general
  plugin: shellplug
  targets: [main]
  algo: least_cpux
---
apiVersion: xyops.j1sync/v1
kind: Event
metadata:
  name: h3_by_monitor
spec:
  title: By monitor
  category: general
  plugin: shellplug
  targets: [main]
  algo: monitor:load_avg
"""

EXPECTED = [
    "m.yaml:15:18: xyops.Category/h3_category: spec.actions[0].condition: 'eror' is not one "
    "of start, complete, success, error, user, warning, critical, abort, alert_new, "
    "alert_cleared or tag:<tag id>; did you mean 'error'?",
    "m.yaml:16:13: xyops.Category/h3_category: spec.actions[0].type: Input should be",
    "(got 'chanel'); did you mean 'channel'?",
    "m.yaml:21:13: xyops.Category/h3_category: spec.limits[0].type: Input should be",
    "(got 'tme'); did you mean 'time'?",
    "m.yaml:33:9: xyops.Event/h3_event: spec.algo: 'least_cpux' is not one of random,",
    "or monitor:<monitor id>; did you mean 'least_cpu'?",
]


@pytest.mark.parametrize("command", [["validate"], ["plan"], ["apply", "--auto-approve"]])
def test_a_value_one_slip_off_is_named_with_the_value_meant(
    xyops_server: XyOpsEmulator, command: list[str]
) -> None:
    Path("m.yaml").write_text(MANIFESTS, encoding="utf-8")
    before = xyops_server.snapshot()
    result = run(xyops_server, *command, "m.yaml")
    assert result.exit_code == 1, result.output
    for expected in EXPECTED:
        assert expected in result.stderr, result.stderr
    assert "4 manifest errors" in result.stderr
    assert "Traceback" not in result.output
    assert xyops_server.snapshot() == before


def test_the_allowed_values_apply(xyops_server: XyOpsEmulator) -> None:
    fixed = (
        MANIFESTS.replace("eror", "error")
        .replace("chanel", "channel")
        .replace("tme", "time")
        .replace("least_cpux", "least_cpu")
    )
    Path("m.yaml").write_text(fixed, encoding="utf-8")
    applied = run(xyops_server, "apply", "--auto-approve", "m.yaml")
    assert applied.exit_code == 0, applied.output
    assert {"h3_event", "h3_by_monitor"} <= {e["id"] for e in xyops_server.snapshot()["events"]}
    assert run(xyops_server, "plan", "--detailed-exitcode", "m.yaml").exit_code == 0


def test_a_title_with_an_html_metacharacter_is_refused_before_any_request(
    xyops_server: XyOpsEmulator,
) -> None:
    """xyOps refuses `<` and `>` in any title: before, apply created the tag, then failed
    on the category ("Malformed title parameter: Cannot contain HTML metacharacters")."""
    Path("m.yaml").write_text(
        MANIFESTS.split("---\n")[0]
        + "---\napiVersion: xyops.j1sync/v1\nkind: Category\nmetadata:\n  name: h3_html\n"
        "spec:\n  title: Backups <nightly>\n",
        encoding="utf-8",
    )
    before = xyops_server.snapshot()
    result = run(xyops_server, "apply", "--auto-approve", "m.yaml")
    assert result.exit_code == 1, result.output
    assert (
        "m.yaml:13:10: xyops.Category/h3_html: spec.title: xyOps refuses HTML metacharacters "
        "in a title ('<')"
    ) in result.stderr
    assert xyops_server.snapshot() == before


def test_a_web_hook_url_or_method_xyops_refuses_is_named_never_quoted(
    xyops_server: XyOpsEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A web hook's URL must begin with http(s):// or {{ and its method be letters: before,
    apply sent it and failed at the server. The URL is a credential: the error names the
    field, never the value."""
    monkeypatch.setenv("H3_HOOK_URL", "ftp://hooks.example.com/h3SecretHookToken")
    Path("m.yaml").write_text(
        "apiVersion: xyops.j1sync/v1\nkind: WebHook\nmetadata:\n  name: h3_hook\nspec:\n"
        "  title: Hook\n  url: ${env:H3_HOOK_URL}\n  method: P OST\n",
        encoding="utf-8",
    )
    before = xyops_server.snapshot()
    result = run(xyops_server, "apply", "--auto-approve", "m.yaml")
    assert result.exit_code == 1, result.output
    assert (
        "m.yaml:7:8: xyops.WebHook/h3_hook: spec.url: xyOps takes a URL beginning with http:// "
        "or https://, or with {{"
    ) in result.stderr
    assert "m.yaml:8:11: xyops.WebHook/h3_hook: spec.method: 'P OST' is not an HTTP method" in (
        result.stderr
    )
    assert "h3SecretHookToken" not in result.output
    assert xyops_server.snapshot() == before
