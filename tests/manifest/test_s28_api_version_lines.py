"""j1sync knows which systems a run reads from the lines that start with `apiVersion:`,
before the manifests load. A document whose apiVersion is written otherwise (valid YAML:
indented, on the next line, after `kind` in a flow mapping, behind a merge key) went
unseen: alone, the run took the first system and stopped with "a line starts with
`apiVersion:` naming JupiterOne, but no manifest declares an object of it" (no such line,
no file named); beside a JupiterOne document, validate said "2 manifests valid" and plan
"the manifests name xyops, which this run did not connect to". Now validate and plan say
the same: a problem at that document, naming its apiVersion and how to write it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here

TAG = "kind: Tag\nmetadata: {name: a}\nspec: {title: A}\n"
REST = "metadata: {name: a}, spec: {title: A}"
WRITTEN = {
    "next line": "apiVersion:\n  xyops.j1sync/v1\n" + TAG,
    "flow, kind first": "{kind: Tag, apiVersion: xyops.j1sync/v1, " + REST + "}\n",
    "merge key": "<<: {apiVersion: xyops.j1sync/v1, kind: Tag}\n" + TAG.split("\n", 1)[1],
    "indented": "".join(
        f"  {line}\n" for line in ("apiVersion: xyops.j1sync/v1" + "\n" + TAG).split("\n") if line
    ),
    "anchored": "apiVersion: &v xyops.j1sync/v1\n" + TAG,
}
JUPITERONE = "apiVersion: j1sync/v1\nkind: Parameter\nmetadata: {name: p}\nspec: {value: x}\n---\n"
PROBLEM = (
    "xyops.Tag/a: apiVersion: its apiVersion is not written at the start of a line of its own "
    "(`apiVersion: xyops.j1sync/v1`, not indented, not after another key of a `{...}` "
    "mapping): j1sync reads those lines to know the systems a run reads before the "
    "manifests load; write it so"
)


@pytest.mark.parametrize("beside", [False, True], ids=["alone", "after JupiterOne's"])
@pytest.mark.parametrize("how", sorted(WRITTEN))
def test_validate_and_plan_say_where(tmp_path: Path, how: str, beside: bool) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "t.yaml").write_text((JUPITERONE if beside else "") + WRITTEN[how])
    outputs = []
    for command in (["validate", "m"], ["plan", "m", "--emulator"]):
        done = j1sync_here(command, {}, tmp_path)
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Traceback" not in done.stderr and "naming JupiterOne" not in done.stderr
        problems = [line for line in done.stderr.splitlines() if PROBLEM in line]
        assert len(problems) == 1 and problems[0].startswith("m/t.yaml:"), done.stderr
        outputs.append(problems[0])
    assert outputs[0] == outputs[1]  # the same problem, at the same place


def test_written_at_the_start_of_a_line_it_plans(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "t.yaml").write_text(JUPITERONE + "apiVersion: xyops.j1sync/v1\n" + TAG)
    assert j1sync_here(["validate", "m"], {}, tmp_path).returncode == 0
    planned = j1sync_here(["plan", "m", "--emulator"], {}, tmp_path)
    assert planned.returncode in (0, 2, 3), planned.stdout + planned.stderr  # 3: it prunes
