"""A document that is no mapping is reported at its own line. A document whose root is a
scalar (plain, tagged or a block scalar) was reported at 1:1 of its file, whatever line
it was on, since ruamel keeps no position for a scalar: in a file of many documents the
error pointed at the first one, which may be valid."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.in_process import j1sync_here

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: fine
spec:
  title: T
  queries:
    - name: a
      query: Find User
"""


def test_a_scalar_document_is_reported_at_its_line(tmp_path: Path) -> None:
    text = QUESTION + "---\n---\n# only a comment\n---\njust a scalar\n---\n!!str tagged\n"
    text += "---\n|\n  a block\n  scalar\n---\n- a list\n"
    (tmp_path / "many.yaml").write_text(text)
    done = j1sync_here(["validate", "many.yaml"], {}, tmp_path)
    assert done.returncode == 1, done.stderr
    mapping = "a manifest must be a mapping with apiVersion, kind, metadata and spec"
    lines = done.stderr.splitlines()
    assert sorted(line for line in lines if mapping in line) == [
        f"many.yaml:14:1: {mapping}",
        f"many.yaml:16:1: {mapping}",
        f"many.yaml:18:1: {mapping}",
        f"many.yaml:22:1: {mapping}",
    ]
    assert lines[-1] == "4 manifest errors"
    assert not any(line.startswith("many.yaml:1:") for line in lines)


def test_plan_places_it_as_validate_does(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "q.yaml").write_text(QUESTION + "---\n\n\nstray text\n")
    env = {"JUPITERONE_API_KEY": "k", "JUPITERONE_ACCOUNT_ID": "a"}
    env["JUPITERONE_API_URL"] = "http://127.0.0.1:9"  # never reached: the manifests fail
    for args in (["validate", "m"], ["plan", "m"]):
        done = j1sync_here(args, env, tmp_path)
        assert done.returncode == 1, done.stderr
        assert "m/q.yaml:13:1: a manifest must be a mapping" in done.stderr, done.stderr
