"""Text that quotes another system's apiVersion (a question's description that shows a
manifest, a comment) never adds that system to a run. Before, `plan` and `drift` took
every `apiVersion: ...` anywhere in a file as a system to connect: a JupiterOne-only
project failed with "No xyOps URL", and with xyOps's settings present it read that
server and planned deleting what j1sync manages there, with no manifest of it. Now only
a line that starts with `apiVersion:` counts; and when such a line is not a document's
(a quoted value's next line may start with it), the run stops naming it, before any
request."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.manifest.kind_scan import scan_manifests
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import Account

QUOTES = """\
# apiVersion: xyops.j1sync/v1 (an xyOps event is written the same way)
apiVersion: j1sync/v1
kind: Question
metadata:
  name: quoting
spec:
  title: "Shows apiVersion: opencti.j1sync/v1"
  description: |
    apiVersion: xyops.j1sync/v1
    kind: Event
  queries:
    - name: q
      query: "Find User with note = 'apiVersion: opencti.j1sync/v1'"
"""

# a double-quoted value's next line at the start of the line: YAML reads it as the title
CONTINUED = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: continued
spec:
  title: "Users
apiVersion: xyops.j1sync/v1"
  queries:
    - name: q
      query: Find User
"""

NO_OTHER_SYSTEM: dict[str, str | None] = {
    "XYOPS_URL": None,
    "XYOPS_API_KEY": None,
    "OPENCTI_URL": None,
}


@pytest.fixture
def account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="none", api_key="s18-Key-4e1f0a", page_size=7) as e:
        yield Account(emu=e, tmp_path=tmp_path)


def test_quoted_api_versions_are_not_systems_of_the_run(account: Account) -> None:
    path = account.write("q.yaml", QUOTES)
    assert scan_manifests([path]).api_versions == {"j1sync/v1"}
    for command in (("plan", "--detailed-exitcode"), ("drift",)):
        result = account.run(*command, account.manifests, env=NO_OTHER_SYSTEM)
        assert result.exit_code == 2, result.output  # the question is to be created
        assert "Question/quoting" in result.output
        assert "xyOps" not in result.output and "OpenCTI" not in result.output
    applied = account.run("apply", account.manifests, "--auto-approve", env=NO_OTHER_SYSTEM)
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", account.manifests, "--detailed-exitcode", env=NO_OTHER_SYSTEM)
    assert again.exit_code == 0, again.output


def test_a_value_line_that_starts_with_api_version_stops_the_run_naming_it(
    account: Account,
) -> None:
    account.write("q.yaml", CONTINUED)
    xyops_nowhere: dict[str, str | None] = {
        "XYOPS_URL": "http://127.0.0.1:9",
        "XYOPS_API_KEY": "s18-xy-key-77",
    }
    for env in (NO_OTHER_SYSTEM, xyops_nowhere):
        result = account.run("plan", account.manifests, env=env)
        assert result.exit_code == 1, result.output
        assert "q.yaml:7: a line starts with `apiVersion:` naming xyOps" in result.output
        assert "no manifest declares an object of it" in result.output
        assert "Traceback" not in result.output and "s18-xy-key-77" not in result.output
    assert account.emu.snapshot().get("questions", []) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("apiVersion: xyops.j1sync/v1\n", {"xyops.j1sync/v1"}),
        ("\ufeffapiVersion: xyops.j1sync/v1\n", {"xyops.j1sync/v1"}),
        ("kind: X\n'apiVersion' : \"opencti.j1sync/v1\"\n", {"opencti.j1sync/v1"}),
        ('{"apiVersion": "xyops.j1sync/v1", "kind": "Event"}\n', {"xyops.j1sync/v1"}),
        ("--- apiVersion: xyops.j1sync/v1\n", {"xyops.j1sync/v1"}),
        ("a: 1\r\napiVersion: j1sync/v1\r\n", {"j1sync/v1"}),
        ("metadata: {apiVersion: xyops.j1sync/v1}\n", set()),
        ("spec:\n  apiVersion: xyops.j1sync/v1\n", set()),
        ("#apiVersion: xyops.j1sync/v1\n", set()),
        ("x: 'apiVersion: xyops.j1sync/v1'\n", set()),
    ],
)
def test_only_a_line_that_starts_with_api_version_counts(
    tmp_path: Path, text: str, found: set[str]
) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(text, encoding="utf-8")
    assert scan_manifests([path]).api_versions == found
