"""A server group's `hostname_match` or a monitor's `data_match` that is no regular
expression xyOps compiles (`new RegExp(text)`, JavaScript's: xyOps 1.0.88 groups.js,
api-v1.0.88.md create_monitor). Before, validate and plan took it, and apply created the
other objects, then failed on it half-way ("Apply failed: 1 created, ... 1 failed"), as a
real server refuses it too. Now plan and apply stop at its file, line and field before any
change; a Python-only expression xyOps would refuse (`(?i)^db`) is refused likewise, and
JavaScript-only ones xyOps takes (`[^]`, `(?<name>...)`) are taken, by j1sync and by the
emulator."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

from j1sync.providers.xyops.emulator import XyOpsEmulator
from j1sync.providers.xyops.js_regex import regex_problem
from tests.hostile.xyops_cli import call, run

TAG = """\
apiVersion: xyops.j1sync/v1
kind: Tag
metadata:
  name: s20d_fine
spec:
  title: Fine
"""

GROUP = """\
apiVersion: xyops.j1sync/v1
kind: ServerGroup
metadata:
  name: s20d_group
spec:
  title: Group
  hostname_match: '{regex}'
"""

MONITOR = """\
apiVersion: xyops.j1sync/v1
kind: Monitor
metadata:
  name: s20d_monitor
spec:
  title: Monitor
  source: cpu.load
  data_match: '{regex}'
"""

REFUSED = {
    "unterminated group": ("^db(", "missing ), unterminated subpattern"),
    "unterminated class": ("[a-", "unterminated character set"),
    "inline flag": ("(?i)^db", "'(?i' is an invalid group"),
    "possessive": ("db\\d++", "nothing to repeat"),
}


@pytest.mark.parametrize("template", [GROUP, MONITOR], ids=["hostname_match", "data_match"])
@pytest.mark.parametrize("case", list(REFUSED))
def test_a_regex_xyops_cannot_compile_stops_before_any_change(
    xyops_server: XyOpsEmulator, tmp_path: Path, template: str, case: str
) -> None:
    regex, said = REFUSED[case]
    field, line = ("hostname_match", 14) if template is GROUP else ("data_match", 15)
    (tmp_path / "a.yaml").write_text(TAG + "---\n" + template.format(regex=regex))
    before = xyops_server.snapshot()
    for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
        done = run(xyops_server, *command, str(tmp_path))
        assert done.exit_code == 1, (command, done.output)
        assert f"a.yaml:{line}:" in done.output, done.output
        assert f"spec.{field}: xyOps refuses it" in done.output, done.output
        assert said in done.output, done.output
        assert "internal error" not in done.output
    assert xyops_server.snapshot() == before  # not even the tag


def test_the_emulator_refuses_what_xyops_refuses(xyops_server: XyOpsEmulator) -> None:
    answer = call(
        xyops_server, "create_group", {"id": "s20d_g", "title": "G", "hostname_match": "(?i)^db"}
    )
    assert answer["code"] != 0, answer
    answer = call(
        xyops_server,
        "create_monitor",
        {
            "id": "s20d_m",
            "title": "M",
            "source": "x",
            "data_type": "integer",
            "data_match": "(?P<n>x)",
        },
    )
    assert answer["code"] != 0, answer


@pytest.mark.parametrize(
    "regex",
    ["[^]+", "^(?<host>db)\\d+$", "^db\\d+\\.", "\\e\\q", "[\\d-x]+", "\\1(a)", "a{,5}"],
)
def test_javascript_only_regexes_apply_and_converge(
    xyops_server: XyOpsEmulator, tmp_path: Path, regex: str
) -> None:
    (tmp_path / "a.yaml").write_text(
        GROUP.format(regex=regex) + "---\n" + MONITOR.format(regex=regex)
    )
    done = run(xyops_server, "apply", "--auto-approve", str(tmp_path))
    assert done.exit_code == 0, done.output
    assert "2 created" in done.output, done.output
    done = run(xyops_server, "plan", "--detailed-exitcode", str(tmp_path))
    assert done.exit_code == 0, done.output


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node (JavaScript's RegExp)")
def test_regex_problem_agrees_with_javascript() -> None:
    """Random texts of the characters that matter, judged by node's `new RegExp` and by
    js_regex: the same verdict for each."""
    rng = random.Random(20)
    alphabet = "ab()[]{}*+?^$|\\-.,:=!<>dwsDWSkPi0129e#unc"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 9))) for _ in range(5000)]
    script = (
        "const ts = JSON.parse(require('fs').readFileSync(0));"
        "console.log(JSON.stringify(ts.map(t => { try { new RegExp(t); return true; }"
        " catch (e) { return false; } })));"
    )
    answer = subprocess.run(
        ["node", "-e", script], input=json.dumps(texts), capture_output=True, text=True, check=True
    )
    javascript = json.loads(answer.stdout)
    differ = [
        t for t, ok in zip(texts, javascript, strict=True) if ok != (regex_problem(t) is None)
    ]
    assert differ == []
