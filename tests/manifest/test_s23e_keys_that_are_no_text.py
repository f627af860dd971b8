"""A mapping key YAML reads as something else than text (`2024:`, `1.5:`, `false:`,
`null:`, a date, a list) is reported at the key, saying what YAML made of it and how to
write it. pydantic's words were about the key's value: `spec.labels.2024: Input should be
a valid string (got 'x')` (x is a string), `spec: Keys should be strings` at the start of
`spec` (which key?), and the problems of the later keys of one mapping were dropped."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.in_process import j1sync_here

RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: r1
spec:
  question:
    queries:
      - name: query0
        query: Find User
  labels:
    team: security
    2024: audit
    null: nothing
    1.5: minor
    false: off
    2024-01-01: start
    [a, b]: pair
"""

QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: q1
spec:
  title: T
  queries: [{name: a, query: Find User}]
  7: seven
"""


def test_each_key_is_named_at_its_line(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(RULE)
    done = j1sync_here(["validate", "r.yaml"], {}, tmp_path)
    assert done.returncode == 1
    head = "r.yaml:{}:5: AlertRule/r1: spec.labels{}: "
    assert done.stderr.splitlines() == [
        head.format(12, ".2024")
        + 'a key must be text: YAML reads 2024 as a number; quote it ("2024")',
        head.format(13, ".null")
        + 'a key must be text: YAML reads null as no value (null); quote it ("null")',
        head.format(14, ".1.5")
        + 'a key must be text: YAML reads 1.5 as a number; quote it ("1.5")',
        head.format(15, ".false")
        + 'a key must be text: YAML reads false as a boolean; quote it ("false")',
        head.format(16, ".2024-01-01")
        + 'a key must be text: YAML reads 2024-01-01 as a date; quote it ("2024-01-01")',
        head.format(17, "") + "a list cannot be a key: keys are text",
        "6 manifest errors",
    ]


def test_a_key_of_a_kind_s_fields_too(tmp_path: Path) -> None:
    (tmp_path / "q.yaml").write_text(QUESTION)
    done = j1sync_here(["validate", "q.yaml"], {}, tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "q.yaml:8:3: Question/q1: spec.7: a key must be text: YAML reads 7 as a number; "
        'quote it ("7")',
        "1 manifest error",
    ]


def test_quoted_they_are_fine(tmp_path: Path) -> None:
    text = RULE.replace("    [a, b]: pair\n", "")
    for key in ("2024", "null", "1.5", "false", "2024-01-01"):
        text = text.replace(f"    {key}:", f'    "{key}":')
    (tmp_path / "r.yaml").write_text(text)
    done = j1sync_here(["validate", "r.yaml"], {}, tmp_path)
    assert done.returncode == 0, done.stderr
