"""A rule's conditions and references, checked at their lines, every problem of the run:
validate said only the first bad `queries.<name>` of a rule (its condition's, not its
outputs'), and took a condition of no shape JupiterOne reads (`[XOR, ...]`, a triple of
two or four items, `[]`) and a label with no name. A comparison the docs do not show is
a warning: the set JupiterOne takes is not documented."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.in_process import j1sync_here

RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: r
spec:
  question:
    queries:
      - name: query0
        query: Find Host
{body}"""


def _validate(tmp_path: Path, body: str) -> tuple[int, list[str]]:
    (tmp_path / "rule.yaml").write_text(RULE.format(body=body), encoding="utf-8")
    done = j1sync_here(["validate", "rule.yaml"], {}, tmp_path)
    return done.returncode, done.stderr.splitlines()


def test_every_unknown_query_is_said_at_its_line(tmp_path: Path) -> None:
    code, lines = _validate(
        tmp_path,
        """\
  outputs: [queries.nope.total, queries.nope2.total]
  operations:
    - when:
        condition: [AND, [queries.other.total, ">", 0]]
""",
    )
    assert code == 1
    unknown = [line for line in lines if "which the question does not define" in line]
    assert [line.split(": AlertRule/r: ")[0] for line in unknown] == [
        "rule.yaml:13:9",
        "rule.yaml:10:13",
        "rule.yaml:10:33",
    ], lines
    assert "condition: refers to query 'other'" in unknown[0]
    assert "outputs[0]: refers to query 'nope'" in unknown[1]
    assert "outputs[1]: refers to query 'nope2'" in unknown[2]
    assert lines[-1] == "3 manifest errors"


def test_a_condition_of_no_shape_jupiterone_reads_is_refused(tmp_path: Path) -> None:
    code, lines = _validate(
        tmp_path,
        """\
  labels: {"": x}
  operations:
    - when:
        condition: [XOR, [queries.query0.total, ">"], [queries.query0.total, ">", 0, 5]]
    - when:
        condition: []
    - when:
        condition: [AND, [queries.query0.total, 1, 0]]
""",
    )
    assert code == 1
    said = "\n".join(lines)
    assert "spec.labels" in said and "must not be empty" in said
    assert "operations[0].when.condition: unknown operator 'XOR'" in said, said
    assert "operations[0].when.condition[1]: a comparison is [left, comparison, right]" in said
    assert "operations[0].when.condition[2]: a comparison is [left, comparison, right]" in said
    assert "operations[1].when.condition: must not be empty" in said
    assert "operations[2].when.condition[1][1]: the comparison must be text" in said
    assert lines[-1] == "6 manifest errors", said


def test_the_shapes_jupiterone_documents_pass_and_an_unknown_comparison_is_a_warning(
    tmp_path: Path,
) -> None:
    code, lines = _validate(
        tmp_path,
        """\
  operations:
    - when:
        condition: [AND, [queries.query0.total, ">", 0], [queries.query0.total, "<=", 100]]
    - when:
        condition: [queries.query0.total, ">", 100]
    - when:
        condition: [OR, [AND, [queries.query0.total, "!=", 0]], [queries.query0.total, "~~", 5]]
""",
    )
    assert code == 0, lines
    (warning,) = [line for line in lines if "warning" in line]
    assert "operations[2].when.condition[2][1]" in warning
    assert "warning" in warning
